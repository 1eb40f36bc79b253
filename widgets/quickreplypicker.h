#pragma once
// The quick replies of the open conversation's channel, searchable; choosing one puts its text in
// the composer. Opened from the toolbar button or by typing "/" in the composer.

#include <QWidget>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace sb {

class QuickReplyModel;

class QuickReplyPicker final : public QWidget
{
    Q_OBJECT

public:
    explicit QuickReplyPicker(QuickReplyModel *model, QWidget *parent = nullptr);

    void setSearch(const QString &search);
    // Moves the highlight (from the composer's arrow keys) and picks the highlighted reply.
    void moveHighlight(int delta);
    void pickHighlighted();
    int visibleCount() const;

signals:
    void picked(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    QLineEdit *m_search;
    QListView *m_list;
    QSortFilterProxyModel *m_filter;
};

} // namespace sb
