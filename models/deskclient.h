#pragma once
// What an agent's desk knows and does, without any widget: it signs in through a
// CoordinatorConnection, keeps the inbox, the open conversation, the directory and the quick
// replies up to date from the coordinator's events, and carries out the agent's actions. Messages
// sent while the link is down wait and go after the resume; one whose answer was lost in a drop is
// checked against what the coordinator stored before it is sent again, so none is lost or doubled.

#include "chatmessage.h"
#include "coordinatorconnection.h"

#include <QJsonObject>
#include <QObject>
#include <deque>
#include <functional>

namespace sb {

class DirectoryModel;
class InboxModel;
class MessageModel;
class QuickReplyModel;

class DeskClient final : public QObject
{
    Q_OBJECT

public:
    explicit DeskClient(QObject *parent = nullptr);
    ~DeskClient() override;

    CoordinatorConnection *connection() const { return m_connection; }
    InboxModel *inbox() const { return m_inbox; }
    MessageModel *messages() const { return m_messages; }
    DirectoryModel *directory() const { return m_directory; }
    QuickReplyModel *quickReplies() const { return m_quickReplies; }

    QString me() const { return m_connection->accountId(); }
    QString myName() const;
    QString role() const;
    QString status() const { return m_status; }
    // Conversations assigned to me (invitations do not count, as in routing).
    int load() const;
    int maxConcurrent() const { return m_maxConcurrent; }
    bool ready() const { return m_ready; }
    // Conversations waiting in my queues beyond those the inbox holds (a snapshot carries the head
    // of each queue only).
    int queuedBeyond() const { return m_queuedBeyond; }

    // Shows a conversation's history in messages() (empty id: none) and marks it read.
    void openConversation(const QString &id);
    QString openConversationId() const;
    void loadOlder();

    void send(const QString &text, bool note);
    // Uploads a file and sends it as a message in the open conversation.
    void sendFile(const QString &name, const QString &mime, const QByteArray &data);
    void claim(const QString &conversation);
    void transferToAgent(const QString &conversation, const QString &agent);
    void transferToGroup(const QString &conversation, const QString &group);
    void invite(const QString &conversation, const QString &expert);
    void close(const QString &conversation);
    void requestSurvey(const QString &conversation);
    void openTicket(const QString &customer, const QString &channel);
    void setStatus(const QString &status);
    void refreshDirectory();
    void loadQuickReplies(const QString &channel);
    // The customer's profile and previous tickets (customer.profile); answered by profileLoaded().
    void loadProfile(const QString &customer);

    using AttachmentDone = std::function<void(bool ok, const QString &name, const QString &mime,
                                              const QByteArray &data, const QString &error)>;
    void fetchAttachment(const QString &attachmentId, AttachmentDone done);

signals:
    // The inbox holds a fresh snapshot (after sign-in or a reset resume).
    void readyChanged(bool ready);
    void statusChanged(const QString &status);
    void loadChanged(int load, int maxConcurrent);
    // A conversation was routed, transferred or handed to me.
    void assigned(const QString &conversation, const QString &customerName, const QString &reason);
    void invited(const QString &conversation, const QString &customerName);
    // The open conversation left this desk (closed, transferred away, claimed by another).
    void conversationLeft(const QString &conversation, const QString &reason);
    void actionDone(const QString &message);
    void actionFailed(const QString &message);
    void surveyRated(const QString &conversation, int score);
    void directoryLoaded();
    void profileLoaded(const QString &customer, const QJsonObject &profile);
    void queuedBeyondChanged(int count);

private:
    struct Outgoing
    {
        QString localId;
        QString conversation;
        QString text;
        bool note = false;
        QStringList attachments;
        qint64 sinceSeq = 0;
    };

    void onSignedIn();
    void onResumed(bool reset);
    void onEvent(const QString &name, const QJsonObject &data);
    void onMessage(const QJsonObject &data);
    void takeSnapshot(std::function<void()> then = {});
    void applySnapshot(const QJsonObject &snapshot);
    void applyMe(const QJsonObject &me);
    void leave(const QString &conversation, const QString &reason);
    void transmit(const Outgoing &out);
    void reconcile();
    void act(const QString &op, const QJsonObject &args, const QString &doneMessage);
    QString failureText(const CoordinatorConnection::Reply &reply) const;

    CoordinatorConnection *m_connection;
    InboxModel *m_inbox;
    MessageModel *m_messages;
    DirectoryModel *m_directory;
    QuickReplyModel *m_quickReplies;
    QString m_status;
    int m_maxConcurrent = 0;
    bool m_ready = false;
    int m_queuedBeyond = 0;
    bool m_refilling = false;
    quint64 m_nextLocal = 0;
    std::deque<Outgoing> m_unconfirmed; // answer lost in a drop
    struct Stored
    {
        QString conversation;
        QString text;
        qint64 seq;
    };
    std::deque<Stored> m_storedMine; // my recently stored messages, to recognise a lost answer
};

} // namespace sb
