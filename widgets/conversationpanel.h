#pragma once
// The open conversation: its history, the composer with quick replies, internal notes and files,
// and for a conversation still waiting in a queue, the button to claim it.

#include <QWidget>

class QCheckBox;
class QLabel;
class QListView;
class QPushButton;
class QStackedWidget;

namespace sb {

class Composer;
class DeskClient;
class MessageDelegate;
class QuickReplyPicker;

class ConversationPanel final : public QWidget
{
    Q_OBJECT

public:
    // What the agent wrote and has not sent: kept when the session ends under them, so it can be
    // put back after they sign in again (the note flag too: a note must not come back as a reply).
    struct Draft
    {
        QString conversation;
        QString text;
        bool note = false;
    };

    explicit ConversationPanel(DeskClient *desk, QWidget *parent = nullptr);

    // Shows the conversation the inbox selected (empty: nothing open).
    void show(const QString &conversationId);
    void showQuickReplies();
    void toggleNote();
    void attachFile();
    Composer *composer() const { return m_composer; }
    QListView *history() const { return m_history; }
    void setAgentNames(const QHash<QString, QString> &names);
    // Empty text when there is nothing unsent.
    Draft draft() const;
    // Puts a kept draft back into the composer when its conversation is the open one and not
    // waiting in a queue; false if not.
    bool restoreDraft(const Draft &draft);

signals:
    void claimRequested(const QString &conversationId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateComposerTexts();
    void refreshHeader();
    void send();
    void saveAttachment(const QModelIndex &index);
    void scrollIfAtBottom(bool wasAtBottom);

    DeskClient *m_desk;
    QString m_conversation;
    QLabel *m_title;
    QLabel *m_subtitle;
    QListView *m_history;
    MessageDelegate *m_delegate;
    QStackedWidget *m_bottom;
    QuickReplyPicker *m_picker;
    Composer *m_composer;
    QCheckBox *m_note;
    QPushButton *m_send;
    QPushButton *m_claim;
    QPushButton *m_quick;
    QPushButton *m_attach;
    QLabel *m_queueText;
    QLabel *m_empty;
};

} // namespace sb
