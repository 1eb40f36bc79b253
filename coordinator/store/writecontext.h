#pragma once
// The SQL of every write the store accepts, run on the writer thread's one connection with
// statements prepared once. StoreWriter wraps each call in a savepoint and a batch in a transaction.

#include "records.h"
#include "sqlstatement.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <functional>
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
    // Before each write: forgets whether the previous one undid itself.
    void beginWrite() { m_writeUndone = false; }
    // Whether the write since beginWrite() failed and undid itself whole with a savepoint of its
    // own: the transaction is intact, whatever the failure's code says.
    bool writeUndone() const { return m_writeUndone; }

    WriteResult upsertTeam(const Team &team);
    WriteResult deleteTeam(const QString &id);
    WriteResult upsertAccount(const Account &account);
    WriteResult createSession(const Session &session);
    WriteResult revokeSession(const QString &tokenHash);
    WriteResult purgeSessions(qint64 expiredBefore);
    WriteResult upsertCustomer(const Customer &customer);
    WriteResult upsertConversation(const Conversation &conversation);
    WriteResult requestSurvey(const QString &conversationId, qint64 at);
    WriteResult rateConversation(const QString &conversationId, int rating);
    WriteResult appendMessage(const Message &message);
    WriteResult editMessage(qint64 messageId, const QString &body, qint64 editedAt);
    WriteResult appendDecision(const DecisionRecord &decision);
    WriteResult appendEngineEvent(const EngineEvent &event);
    // Stores the snapshot as covering the journal up to its last row in this transaction (the id,
    // also WriteResult::id), and drops all but the newest two.
    WriteResult saveEngineSnapshot(const EngineSnapshot &snapshot);
    WriteResult putSetting(const QString &key, const QJsonValue &value, qint64 updatedAt);
    WriteResult deleteSetting(const QString &key);
    WriteResult upsertQuickReply(const QuickReply &reply);
    WriteResult deleteQuickReply(qint64 id);

private:
    // The statement for `sql` (a string literal: its address is the cache key), prepared on first use.
    SqlStatement *statement(const char *sql, WriteResult *failure);
    bool run(SqlStatement *query, WriteResult *failure, const QString &what);
    // The same, for the writes made per message: `what` is built only when the statement fails.
    bool run(SqlStatement *query, WriteResult *failure, const std::function<QString()> &what);
    // Whether a row exists for a one-parameter existence query; false with `failure` set on error.
    bool exists(const char *sql, const QString &key, bool *found, WriteResult *failure);
    // The conversation's last message number as this transaction sees it: cached, else read from
    // the store. False with `failure` set on error.
    bool lastSeq(const QString &conversationId, qint64 *seq, WriteResult *failure);
    void noteSeq(const QString &conversationId, qint64 seq);
    // Drops the cached numbers of these conversations: the next message reads them from the store,
    // which after a rollback holds the truth again.
    void forgetSeqs(QSet<QString> &conversations);
    // Ids of the tables whose rows the writer numbers itself (schema version 7: see id_marks in
    // schema.cpp): the next one to give, read from the store on first use.
    enum class Numbered { Messages, Journal };
    struct RowIds
    {
        qint64 next = 0;       // 0: not read yet
        bool unmarked = false; // ids given since id_marks last recorded them
    };
    bool nextId(Numbered table, qint64 *id, WriteResult *failure);
    void gaveId(Numbered table, qint64 id);
    // Records in id_marks the highest id given in each table, once per transaction, before COMMIT.
    bool markIds(QString *error);
    // Why a conversation's row was refused by a foreign key: which of its references is missing.
    WriteResult missingReference(const Conversation &conversation, const QString &what);
    // Writes the conversation's target groups unless the store already has exactly these.
    WriteResult writeGroups(const Conversation &conversation, const QString &what);

    QSqlDatabase m_db;
    std::unordered_map<const char *, std::unique_ptr<SqlStatement>> m_statements;
    // Message numbers are taken here instead of in the INSERT (a MAX subquery on the table being
    // inserted into, or RETURNING, makes SQLite build and free a temporary table for every
    // message). Only this connection writes messages, so the cache is exact as long as every
    // number it holds is in the store or in the open transaction: numbers taken in a savepoint or
    // transaction that is rolled back are forgotten with it (the sets below say which).
    QHash<QString, qint64> m_lastSeq;
    QSet<QString> m_seqsInTransaction; // numbers taken in the open transaction, outside a savepoint
    QSet<QString> m_seqsInSavepoint;   // numbers taken in the open savepoint
    bool m_inSavepoint = false;
    // Each conversation's target groups as the store has them (committed, or written in the open
    // transaction), so that an upsert that leaves them alone, nearly every one, skips deleting and
    // inserting them again. A conversation missing here has its groups rewritten. Any rollback
    // empties it: rollbacks are rare, and afterwards the store holds the truth again.
    QHash<QString, QStringList> m_groups;
    // Ids are never given twice, so a rolled-back transaction leaves a gap rather than handing its
    // ids out again: only ids that were never acknowledged go unused.
    RowIds m_ids[2];
    bool m_inTransaction = false; // begun and not yet committed or rolled back
    bool m_writeUndone = false;
};

} // namespace sb
