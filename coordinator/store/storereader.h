#pragma once
// The store's queries, on a read connection of their own: in WAL mode readers see the last commit
// and never wait for the writer. A reader belongs to the thread that opened it.

#include "records.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <memory>
#include <optional>
#include <unordered_map>

namespace sb {

class StoreReader final
{
public:
    StoreReader();
    ~StoreReader();
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;

    // Opens an existing store that is at this build's schema version (the writer migrates it).
    bool open(const QString &path, QString *error = nullptr, int busyTimeoutMs = 5000);
    void close();
    bool isOpen() const { return m_db.isOpen(); }
    // Why the last query came back empty, if it failed rather than found nothing.
    const QString &lastError() const { return m_lastError; }

    std::optional<Account> accountById(const QString &id);
    std::optional<Account> accountByLogin(const QString &login);
    QList<Account> accounts(); // every account, by id
    std::optional<Session> sessionByTokenHash(const QString &tokenHash);
    QList<Team> teams();
    // The team and every team below it: the scope of that team's supervisors.
    QStringList teamSubtree(const QString &teamId);

    std::optional<Customer> customer(const QString &id);
    std::optional<Customer> customerByExternalId(const QString &externalId);
    std::optional<Conversation> conversation(const QString &id);
    // Open (not closed) conversations, oldest first; only `agentId`'s when it is given.
    QList<Conversation> openConversations(const QString &agentId = QString());
    // Every conversation of a customer, newest first: the desk's "previous tickets".
    QList<Conversation> customerConversations(const QString &customerId, int limit = 50);

    // A page of history: up to `limit` messages with seq below `beforeSeq` (0: the newest), in
    // ascending order. Page backwards by passing the first seq of the page as the next `beforeSeq`.
    QList<Message> history(const QString &conversationId, qint64 beforeSeq = 0, int limit = 50);
    // Messages after `afterSeq`, ascending: what a desk that reconnects has missed.
    QList<Message> messagesAfter(const QString &conversationId, qint64 afterSeq, int limit = 500);
    // The latest message of every open conversation (none for one without messages), in no
    // particular order, without attachment data: one query for what a coordinator keeps at start.
    QList<Message> lastMessagesOfOpenConversations();
    // Customer id -> name for every customer with an open conversation.
    QHash<QString, QString> customerNamesOfOpenConversations();
    // Attachment bytes are read on their own, so that paging history never loads blobs.
    QByteArray attachmentData(qint64 messageId);

    QList<DecisionRecord> decisionsFor(const QString &conversationId);
    // Whether the audit log shows `agentId` invited to the conversation as an expert: the engine
    // forgets its experts when a conversation closes, the log keeps them.
    bool wasInvited(const QString &conversationId, const QString &agentId);
    // ... to any conversation of this customer (one query, however many they had).
    bool wasInvitedToCustomer(const QString &customerId, const QString &agentId);
    // Engine events with id above `afterId`, in id order: replay them to rebuild the engine.
    QList<EngineEvent> engineEventsSince(qint64 afterId, int limit = 10000);
    // The newest engine snapshot, or with `before` the newest covering less of the journal than
    // that (journal_id < before): the one to fall back on when the newest cannot be restored.
    std::optional<EngineSnapshot> latestEngineSnapshot(qint64 before = -1);

    std::optional<QJsonValue> setting(const QString &key);
    // Replies for `channel` and for every channel (all of them when `channel` is empty).
    QList<QuickReply> quickReplies(const QString &channel = QString());

private:
    QSqlQuery *query(const char *sql);
    bool run(QSqlQuery *query);
    Account readAccount(const QSqlQuery &q) const;
    std::optional<Customer> readCustomer(const char *sql, const QString &key);
    Conversation readConversation(const QSqlQuery &q) const;
    Message readMessage(const QSqlQuery &q) const;
    QList<Conversation> conversations(QSqlQuery *q);
    QList<Message> messages(QSqlQuery *q);

    QSqlDatabase m_db;
    std::unordered_map<const char *, std::unique_ptr<QSqlQuery>> m_queries;
    QString m_lastError;
};

} // namespace sb
