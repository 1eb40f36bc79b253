#pragma once
// The SQL of every write the store accepts, run on the writer thread's one connection with
// statements prepared once. StoreWriter wraps each call in a savepoint and a batch in a transaction.

#include "records.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <memory>
#include <unordered_map>

namespace sb {

class WriteContext final
{
public:
    explicit WriteContext(const QSqlDatabase &db);
    ~WriteContext();
    WriteContext(const WriteContext &) = delete;
    WriteContext &operator=(const WriteContext &) = delete;

    bool begin(QString *error);
    bool commit(QString *error);
    void rollback();
    // One savepoint at a time, around one operation: a failing operation is undone alone.
    bool savepoint(QString *error);
    bool release(QString *error);
    // False when the transaction itself is gone (SQLite rolls back the whole transaction on some
    // errors, e.g. a full disk), in which case the batch cannot commit anything.
    bool rollbackToSavepoint(QString *error);

    WriteResult upsertTeam(const Team &team);
    WriteResult upsertAccount(const Account &account);
    WriteResult createSession(const Session &session);
    WriteResult revokeSession(const QString &tokenHash);
    WriteResult purgeSessions(qint64 expiredBefore);
    WriteResult upsertCustomer(const Customer &customer);
    WriteResult upsertConversation(const Conversation &conversation);
    WriteResult rateConversation(const QString &conversationId, int rating);
    WriteResult appendMessage(const Message &message);
    WriteResult editMessage(qint64 messageId, const QString &body, qint64 editedAt);
    WriteResult appendDecision(const DecisionRecord &decision);
    WriteResult appendEngineEvent(const EngineEvent &event);
    WriteResult putSetting(const QString &key, const QJsonValue &value, qint64 updatedAt);
    WriteResult upsertQuickReply(const QuickReply &reply);
    WriteResult deleteQuickReply(qint64 id);

private:
    // The statement for `sql` (a string literal: its address is the cache key), prepared on first use.
    QSqlQuery *statement(const char *sql, WriteResult *failure);
    bool run(QSqlQuery *query, WriteResult *failure, const QString &what);
    // Whether a row exists for a one-parameter existence query; false with `failure` set on error.
    bool exists(const char *sql, const QString &key, bool *found, WriteResult *failure);

    QSqlDatabase m_db;
    std::unordered_map<const char *, std::unique_ptr<QSqlQuery>> m_statements;
};

} // namespace sb
