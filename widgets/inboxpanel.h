#pragma once
// The inbox: my conversations and the queues I can claim from, with unread counts, live waiting
// times coloured when late, a search, sortable columns, and claim on a waiting conversation.

#include <QTimer>
#include <QWidget>

class QLineEdit;
class QTabBar;

namespace sb {

class DeskClient;
class InboxFilterModel;
class InboxView;

class InboxPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit InboxPanel(DeskClient *desk, QWidget *parent = nullptr);

    QString currentConversation() const;
    void select(const QString &conversationId);
    void focusSearch();
    // Moves to the next (+1) or previous (-1) conversation in view order.
    void step(int delta);
    InboxView *view() const { return m_view; }
    InboxFilterModel *filter() const { return m_filter; }

signals:
    void currentChanged(const QString &conversationId);
    void claimRequested(const QString &conversationId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateTabs();
    void tick();

    DeskClient *m_desk;
    QTabBar *m_tabs;
    QLineEdit *m_search;
    InboxView *m_view;
    InboxFilterModel *m_filter;
    QTimer m_clock;
    QString m_current;
};

} // namespace sb
