#include "writecontext.h"

#include <QSet>

#include <algorithm>

namespace sb {

namespace {
const char kBegin[] = "BEGIN IMMEDIATE";
const char kCommit[] = "COMMIT";
const char kRollback[] = "ROLLBACK";
const char kSavepoint[] = "SAVEPOINT op";
const char kRelease[] = "RELEASE op";
const char kRollbackTo[] = "ROLLBACK TO op";

const char kTeamExists[] = "SELECT 1 FROM teams WHERE id = ?";
const char kAccountExists[] = "SELECT 1 FROM accounts WHERE id = ?";
const char kCustomerExists[] = "SELECT 1 FROM customers WHERE id = ?";
const char kTeamParent[] = "SELECT parent_id FROM teams WHERE id = ?";
const char kUpsertTeam[] =
    "INSERT INTO teams (id, name, parent_id) VALUES (?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id";
const char kUpsertAccount[] =
    "INSERT INTO accounts (id, login, display_name, role, team_id, password_hash, created_at, disabled)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET login = excluded.login, display_name = excluded.display_name,"
    " role = excluded.role, team_id = excluded.team_id, password_hash = excluded.password_hash,"
    " disabled = excluded.disabled";
const char kInsertSession[] =
    "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?)";
const char kInsertCustomerSession[] =
    "INSERT INTO customer_sessions (token_hash, customer_id, created_at, expires_at,"
    " revoked) VALUES (?, ?, ?, ?, ?)";
const char kRevokeSession[] = "UPDATE sessions SET revoked = 1 WHERE token_hash = ?";
const char kRevokeCustomerSession[] = "UPDATE customer_sessions SET revoked = 1 WHERE token_hash = ?";
const char kPurgeSessions[] = "DELETE FROM sessions WHERE expires_at < ?";
const char kPurgeCustomerSessions[] = "DELETE FROM customer_sessions WHERE expires_at < ?";
const char kUpsertCustomer[] =
    "INSERT INTO customers (id, name, vip, language, owner_id, external_id, created_at) VALUES (?, ?, ?, ?, "
    "?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, vip = excluded.vip, language = excluded.language,"
    " owner_id = excluded.owner_id, external_id = excluded.external_id";
const char kClearTags[] = "DELETE FROM customer_tags WHERE customer_id = ?";
const char kInsertTag[] = "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)";
// A rating is set by rateConversation; an upsert without one (NULL) keeps it.
const char kUpsertConversation[] =
    "INSERT INTO conversations (id, customer_id, channel, state, agent_id, rule, created_at, closed_at, "
    "satisfaction)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, channel = excluded.channel,"
    " state = excluded.state, agent_id = excluded.agent_id, rule = excluded.rule, closed_at = "
    "excluded.closed_at,"
    " satisfaction = COALESCE(excluded.satisfaction, satisfaction)";
const char kClearGroups[] = "DELETE FROM conversation_groups WHERE conversation_id = ?";
const char kInsertGroup[] =
    "INSERT INTO conversation_groups (conversation_id, position, group_id) VALUES (?, ?, ?)";
// A survey's rating is given once, and only after the survey was requested (schema version 8).
const char kRequestSurvey[] =
    "UPDATE conversations SET survey_requested_at = COALESCE(survey_requested_at, ?) WHERE id = ?";
const char kRateConversation[] = "UPDATE conversations SET satisfaction = ? WHERE id = ?"
                                 " AND satisfaction IS NULL AND survey_requested_at IS NOT NULL";
const char kSurveyOf[] = "SELECT satisfaction, survey_requested_at FROM conversations WHERE id = ?";
// A plain insert: the sequence number comes from WriteContext's cache (see m_lastSeq) and the id
// from nextId(). Taking either in the statement (INSERT ... SELECT MAX(seq) FROM messages, or
// RETURNING) costs a temporary table each, with its own pager, for every message; two more come
// from the table's CHECK ... IN constraints (see StoreDatabase::open for what keeps them cheap).
// An unknown conversation fails the foreign key and the statement undoes itself.
const char kInsertMessage[] =
    "INSERT INTO messages (id, conversation_id, seq, sender_kind, sender_id, kind, body, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
// Read when the cache has no number for the conversation (the (conversation_id, seq) index makes
// it one lookup).
const char kLastSeq[] = "SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1";
// Past this many conversations the message-number cache starts over (a long-running coordinator
// meets millions).
constexpr int kSeqCacheLimit = 100000;
// The same for the cache of conversations' target groups (m_groups): it holds the open ones, so
// it starts over only when more than this many are open at once.
constexpr int kGroupsCacheLimit = 100000;
const char kInsertAttachment[] =
    "INSERT INTO attachments (message_id, name, mime, size, data, path) VALUES (?, ?, ?, ?, ?, ?)";
const char kEditMessage[] = "UPDATE messages SET body = ?, edited_at = ? WHERE id = ?";
const char kInsertDecision[] = "INSERT INTO decisions (seq, at, kind, conversation_id, agent_id, "
                               "from_agent_id, reason, detail, explanation)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const char kInsertEngineEvent[] = "INSERT INTO engine_events (id, at, type, payload) VALUES (?, ?, ?, ?)";
// The id after the highest given: in the table, or recorded in id_marks (the newest rows may have
// been deleted since).
const char kLastMessageId[] = "SELECT max(coalesce((SELECT MAX(id) FROM messages), 0),"
                              " coalesce((SELECT last_id FROM id_marks WHERE name = 'messages'), 0))";
const char kLastJournalId[] = "SELECT max(coalesce((SELECT MAX(id) FROM engine_events), 0),"
                              " coalesce((SELECT last_id FROM id_marks WHERE name = 'engine_events'), 0))";
const char kMarkId[] = "INSERT INTO id_marks (name, last_id) VALUES (?, ?)"
                       " ON CONFLICT (name) DO UPDATE SET last_id = max(last_id, excluded.last_id)";
// The journal's last row as this transaction sees it: what a snapshot queued after it covers.
const char kLastEngineEvent[] = "SELECT COALESCE(MAX(id), 0) FROM engine_events";
const char kInsertSnapshot[] =
    "INSERT OR REPLACE INTO engine_snapshots (journal_id, at, format, state) VALUES (?, ?, ?, ?)";
// Keeps the newest kKeptSnapshots.
const char kPruneSnapshots[] = "DELETE FROM engine_snapshots WHERE journal_id NOT IN"
                               " (SELECT journal_id FROM engine_snapshots ORDER BY journal_id DESC LIMIT ?)";
constexpr int kKeptSnapshots = 2;
const char kPutSetting[] =
    "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
const char kInsertQuickReply[] =
    "INSERT INTO quick_replies (category, channel, title, text) VALUES (?, ?, ?, ?)";
const char kUpdateQuickReply[] =
    "UPDATE quick_replies SET category = ?, channel = ?, title = ?, text = ? WHERE id = ?";
const char kDeleteQuickReply[] = "DELETE FROM quick_replies WHERE id = ?";
// Accounts and child teams reference a team without ON DELETE: the foreign keys refuse to delete
// one still named, so a team is never deleted from under its members.
const char kDeleteTeam[] = "DELETE FROM teams WHERE id = ?";
const char kDeleteSetting[] = "DELETE FROM settings WHERE key = ?";

// A null QString binds NULL; NOT NULL text columns need the empty string instead.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}
// Empty means "none" for optional references and ids.
QString nullable(const QString &s)
{
    return s.isEmpty() ? QString() : s;
}
std::optional<qint64> nullable(qint64 v)
{
    return v == 0 ? std::nullopt : std::optional<qint64>(v);
}

WriteResult invalid(const QString &error)
{
    return WriteResult::failure(QStringLiteral("invalid"), error);
}
WriteResult notFound(const QString &error)
{
    return WriteResult::failure(QStringLiteral("not-found"), error);
}

QString quoted(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// Sorts SQLite's constraint failures into the stable codes callers act on.
QString codeFor(const QString &text)
{
    if (text.contains(QLatin1String("UNIQUE constraint")) || text.contains(QLatin1String("PRIMARY KEY")))
        return QStringLiteral("conflict");
    if (text.contains(QLatin1String("FOREIGN KEY constraint")))
        return QStringLiteral("not-found");
    if (text.contains(QLatin1String("CHECK constraint")) ||
        text.contains(QLatin1String("NOT NULL constraint")) ||
        text.contains(QLatin1String("datatype mismatch")))
        return QStringLiteral("invalid");
    return QStringLiteral("io");
}
} // namespace

WriteContext::WriteContext(const QSqlDatabase &db) : m_db(db) {}

WriteContext::~WriteContext() = default;

SqlStatement *WriteContext::statement(const char *sql, WriteResult *failure)
{
    auto it = m_statements.find(sql);
    if (it != m_statements.end())
        return it->second.get();
    auto query = std::make_unique<SqlStatement>(m_db);
    if (!query->prepare(sql)) {
        *failure = WriteResult::failure(
            QStringLiteral("io"),
            QStringLiteral("cannot prepare \"%1\": %2").arg(QString::fromLatin1(sql), query->errorText()));
        return nullptr;
    }
    return m_statements.emplace(sql, std::move(query)).first->second.get();
}

bool WriteContext::run(SqlStatement *query, WriteResult *failure, const QString &what)
{
    return run(query, failure, [&what] { return what; });
}

bool WriteContext::run(SqlStatement *query, WriteResult *failure, const std::function<QString()> &what)
{
    if (query->exec())
        return true;
    const QString error = query->errorText();
    *failure = WriteResult::failure(codeFor(error), QStringLiteral("%1: %2").arg(what(), error));
    return false;
}

bool WriteContext::exists(const char *sql, const QString &key, bool *found, WriteResult *failure)
{
    SqlStatement *q = statement(sql, failure);
    if (!q)
        return false;
    q->bindValue(0, key);
    if (!run(q, failure, QStringLiteral("looking up %1").arg(quoted(key))))
        return false;
    *found = q->next();
    q->finish();
    return true;
}

// ---- transaction control ----

namespace {
bool control(SqlStatement *q, const char *sql, QString *error)
{
    if (q && q->exec())
        return true;
    if (error)
        *error = QStringLiteral("%1: %2").arg(QLatin1String(sql),
                                              q ? q->errorText() : QStringLiteral("cannot prepare"));
    return false;
}
} // namespace

bool WriteContext::begin(QString *error)
{
    // Anything left from a transaction that did not end through commit() or rollback() is doubtful.
    if (m_inTransaction)
        m_groups.clear();
    forgetSeqs(m_seqsInSavepoint);
    forgetSeqs(m_seqsInTransaction);
    m_inSavepoint = false;
    WriteResult r;
    m_inTransaction = control(statement(kBegin, &r), kBegin, error);
    return m_inTransaction;
}

bool WriteContext::commit(QString *error)
{
    WriteResult r;
    if (!markIds(error) || !control(statement(kCommit, &r), kCommit, error)) {
        // The caller rolls back; whether or not SQLite kept the transaction, forget its numbers.
        forgetSeqs(m_seqsInSavepoint);
        forgetSeqs(m_seqsInTransaction);
        m_groups.clear();
        return false;
    }
    m_inTransaction = false;
    for (RowIds &ids : m_ids)
        ids.unmarked = false; // recorded; until then the next transaction records them
    m_seqsInTransaction.clear();
    m_seqsInSavepoint.clear();
    m_inSavepoint = false;
    return true;
}

void WriteContext::rollback()
{
    m_groups.clear();
    m_inTransaction = false;
    forgetSeqs(m_seqsInSavepoint);
    forgetSeqs(m_seqsInTransaction);
    m_inSavepoint = false;
    WriteResult r;
    control(statement(kRollback, &r), kRollback, nullptr);
}

bool WriteContext::savepoint(QString *error)
{
    m_seqsInSavepoint.clear();
    m_inSavepoint = true;
    WriteResult r;
    return control(statement(kSavepoint, &r), kSavepoint, error);
}

bool WriteContext::release(QString *error)
{
    // Kept by the transaction now (and forgotten with it if it rolls back, even if this failed).
    m_seqsInTransaction.unite(m_seqsInSavepoint);
    m_seqsInSavepoint.clear();
    m_inSavepoint = false;
    WriteResult r;
    return control(statement(kRelease, &r), kRelease, error);
}

bool WriteContext::rollbackToSavepoint(QString *error)
{
    m_groups.clear();
    forgetSeqs(m_seqsInSavepoint);
    m_inSavepoint = false;
    WriteResult r;
    return control(statement(kRollbackTo, &r), kRollbackTo, error) &&
           control(statement(kRelease, &r), kRelease, error);
}

// ---- message numbers ----

bool WriteContext::lastSeq(const QString &conversationId, qint64 *seq, WriteResult *failure)
{
    const auto cached = m_lastSeq.constFind(conversationId);
    if (cached != m_lastSeq.constEnd()) {
        *seq = cached.value();
        return true;
    }
    SqlStatement *q = statement(kLastSeq, failure);
    if (!q)
        return false;
    q->bindValue(0, conversationId);
    if (!run(q, failure,
             [&] { return QStringLiteral("numbering a message of %1").arg(quoted(conversationId)); }))
        return false;
    *seq = q->next() ? q->int64At(0) : 0;
    q->finish();
    return true;
}

void WriteContext::noteSeq(const QString &conversationId, qint64 seq)
{
    // Starting over is always safe: a forgotten number is read from the store again, and the
    // transaction sees its own writes.
    if (m_lastSeq.size() >= kSeqCacheLimit)
        m_lastSeq.clear();
    m_lastSeq.insert(conversationId, seq);
    (m_inSavepoint ? m_seqsInSavepoint : m_seqsInTransaction).insert(conversationId);
}

bool WriteContext::nextId(Numbered table, qint64 *id, WriteResult *failure)
{
    RowIds &ids = m_ids[int(table)];
    if (ids.next == 0) {
        SqlStatement *q = statement(table == Numbered::Messages ? kLastMessageId : kLastJournalId, failure);
        if (!q || !run(q, failure, QStringLiteral("finding the last id given")))
            return false;
        const qint64 last = q->next() ? q->int64At(0) : 0;
        q->finish();
        ids.next = last + 1;
    }
    *id = ids.next;
    return true;
}

void WriteContext::gaveId(Numbered table, qint64 id)
{
    RowIds &ids = m_ids[int(table)];
    ids.next = std::max(ids.next, id + 1);
    ids.unmarked = true;
}

bool WriteContext::markIds(QString *error)
{
    static const char *const names[] = {"messages", "engine_events"};
    for (int t = 0; t < 2; ++t) {
        RowIds &ids = m_ids[t];
        if (!ids.unmarked)
            continue;
        WriteResult r;
        SqlStatement *q = statement(kMarkId, &r);
        if (q) {
            q->bindValue(0, QString::fromLatin1(names[t]));
            q->bindValue(1, ids.next - 1);
        }
        if (!q || !run(q, &r, QStringLiteral("recording the last %1 id").arg(QLatin1String(names[t])))) {
            if (error)
                *error = r.error;
            return false;
        }
    }
    return true;
}

void WriteContext::forgetSeqs(QSet<QString> &conversations)
{
    for (const QString &id : std::as_const(conversations))
        m_lastSeq.remove(id);
    conversations.clear();
}

// ---- operations ----

WriteResult WriteContext::upsertTeam(const Team &team)
{
    if (team.id.isEmpty() || team.name.isEmpty())
        return invalid(QStringLiteral("a team needs an id and a name"));
    WriteResult r;
    if (!team.parentId.isEmpty()) {
        bool found = false;
        if (!exists(kTeamExists, team.parentId, &found, &r))
            return r;
        if (!found)
            return notFound(QStringLiteral("team %1: unknown parent team %2")
                                .arg(quoted(team.id), quoted(team.parentId)));
        // The service refuses such a move before writing it (answering `cycle`); this is the same
        // rule (records.h) on the rows as this transaction sees them, a last guard for any caller.
        // A failed lookup ends the walk (an empty parent) with `r` saying why.
        const bool cycle = teamMoveMakesCycle(team.id, team.parentId, [&](const QString &id) {
            SqlStatement *q = statement(kTeamParent, &r);
            if (!q)
                return QString();
            q->bindValue(0, id);
            if (!run(q, &r, QStringLiteral("team %1: looking up %2").arg(quoted(team.id), quoted(id))))
                return QString();
            const QString parent = q->next() ? q->textAt(0) : QString();
            q->finish();
            return parent;
        });
        if (!r.ok)
            return r;
        if (cycle)
            return invalid(QStringLiteral("team %1 cannot be placed under %2, which is below it")
                               .arg(quoted(team.id), quoted(team.parentId)));
    }
    SqlStatement *q = statement(kUpsertTeam, &r);
    if (!q)
        return r;
    q->bindValue(0, team.id);
    q->bindValue(1, team.name);
    q->bindValue(2, nullable(team.parentId));
    run(q, &r, QStringLiteral("team %1").arg(quoted(team.id)));
    return r;
}

WriteResult WriteContext::deleteTeam(const QString &id)
{
    WriteResult r;
    SqlStatement *q = statement(kDeleteTeam, &r);
    if (!q)
        return r;
    q->bindValue(0, id);
    if (!run(q, &r, QStringLiteral("deleting team %1").arg(quoted(id)))) {
        // "not-found" (what a foreign key failure means for an insert) would mislead here.
        if (r.code == QLatin1String("not-found"))
            r.code = QStringLiteral("in-use");
        return r;
    }
    if (q->numRowsAffected() == 0)
        return notFound(QStringLiteral("unknown team %1").arg(quoted(id)));
    return r;
}

WriteResult WriteContext::upsertAccount(const Account &account)
{
    if (account.id.isEmpty() || account.login.isEmpty())
        return invalid(QStringLiteral("an account needs an id and a login"));
    WriteResult r;
    if (!account.teamId.isEmpty()) {
        bool found = false;
        if (!exists(kTeamExists, account.teamId, &found, &r))
            return r;
        if (!found)
            return notFound(QStringLiteral("account %1: unknown team %2")
                                .arg(quoted(account.id), quoted(account.teamId)));
    }
    SqlStatement *q = statement(kUpsertAccount, &r);
    if (!q)
        return r;
    q->bindValue(0, account.id);
    q->bindValue(1, account.login);
    q->bindValue(2, text(account.displayName));
    q->bindValue(3, toString(account.role));
    q->bindValue(4, nullable(account.teamId));
    q->bindValue(5, text(account.passwordHash));
    q->bindValue(6, account.createdAt);
    q->bindValue(7, account.disabled ? 1 : 0);
    if (!run(q, &r, QStringLiteral("account %1").arg(quoted(account.id))) &&
        r.code == QLatin1String("conflict"))
        r.error = QStringLiteral("account %1: the login %2 is taken")
                      .arg(quoted(account.id), quoted(account.login));
    return r;
}

WriteResult WriteContext::createSession(const Session &session)
{
    const bool customer = !session.customerId.isEmpty();
    if (session.tokenHash.isEmpty() || session.accountId.isEmpty() == session.customerId.isEmpty())
        return invalid(QStringLiteral("a session needs a token hash and either an account or a customer"));
    const QString owner = customer ? session.customerId : session.accountId;
    WriteResult r;
    bool found = false;
    if (!exists(customer ? kCustomerExists : kAccountExists, owner, &found, &r))
        return r;
    if (!found)
        return notFound(
            QStringLiteral("session for unknown %1 %2")
                .arg(customer ? QStringLiteral("customer") : QStringLiteral("account"), quoted(owner)));
    SqlStatement *q = statement(customer ? kInsertCustomerSession : kInsertSession, &r);
    if (!q)
        return r;
    q->bindValue(0, session.tokenHash);
    q->bindValue(1, owner);
    q->bindValue(2, session.createdAt);
    q->bindValue(3, session.expiresAt);
    q->bindValue(4, session.revoked ? 1 : 0);
    run(q, &r, QStringLiteral("session for account %1").arg(quoted(session.accountId)));
    return r;
}

WriteResult WriteContext::revokeSession(const QString &tokenHash)
{
    WriteResult r;
    int affected = 0;
    for (const char *sql : {kRevokeSession, kRevokeCustomerSession}) {
        SqlStatement *q = statement(sql, &r);
        if (!q)
            return r;
        q->bindValue(0, tokenHash);
        if (!run(q, &r, QStringLiteral("revoking a session")))
            return r;
        affected += q->numRowsAffected();
    }
    if (affected == 0)
        return notFound(QStringLiteral("no session with that token"));
    return r;
}

WriteResult WriteContext::purgeSessions(qint64 expiredBefore)
{
    WriteResult r;
    for (const char *sql : {kPurgeSessions, kPurgeCustomerSessions}) {
        SqlStatement *q = statement(sql, &r);
        if (!q)
            return r;
        q->bindValue(0, expiredBefore);
        if (!run(q, &r, QStringLiteral("purging sessions")))
            return r;
        r.id += q->numRowsAffected();
    }
    return r;
}

WriteResult WriteContext::upsertCustomer(const Customer &customer)
{
    if (customer.id.isEmpty())
        return invalid(QStringLiteral("a customer needs an id"));
    WriteResult r;
    const QString what = QStringLiteral("customer %1").arg(quoted(customer.id));
    if (!customer.ownerId.isEmpty()) {
        bool found = false;
        if (!exists(kAccountExists, customer.ownerId, &found, &r))
            return r;
        if (!found)
            return notFound(QStringLiteral("%1: unknown owner %2").arg(what, quoted(customer.ownerId)));
    }
    SqlStatement *q = statement(kUpsertCustomer, &r);
    if (!q)
        return r;
    q->bindValue(0, customer.id);
    q->bindValue(1, text(customer.name));
    q->bindValue(2, customer.vip ? 1 : 0);
    q->bindValue(3, text(customer.language));
    q->bindValue(4, nullable(customer.ownerId));
    q->bindValue(5, nullable(customer.externalId));
    q->bindValue(6, customer.createdAt);
    if (!run(q, &r, what)) {
        if (r.code == QLatin1String("conflict"))
            r.error = QStringLiteral("%1: the CRM id %2 belongs to another customer")
                          .arg(what, quoted(customer.externalId));
        return r;
    }
    SqlStatement *clear = statement(kClearTags, &r);
    if (!clear)
        return r;
    clear->bindValue(0, customer.id);
    if (!run(clear, &r, what))
        return r;
    for (const QString &tag : customer.tags) {
        if (tag.isEmpty())
            continue;
        SqlStatement *insert = statement(kInsertTag, &r);
        if (!insert)
            return r;
        insert->bindValue(0, customer.id);
        insert->bindValue(1, tag);
        if (!run(insert, &r, what))
            return r;
    }
    return r;
}

WriteResult WriteContext::upsertConversation(const Conversation &c)
{
    if (c.id.isEmpty() || c.customerId.isEmpty() || c.channel.isEmpty())
        return invalid(QStringLiteral("a conversation needs an id, a customer and a channel"));
    const auto what = [&c] { return QStringLiteral("conversation %1").arg(quoted(c.id)); };
    const bool closed = c.state == ConversationState::Closed;
    if (closed != (c.closedAt != 0))
        return invalid(
            closed ? QStringLiteral("%1: closed without a closing time").arg(what())
                   : QStringLiteral("%1: has a closing time but is %2").arg(what(), toString(c.state)));
    if (c.satisfaction < 0 || c.satisfaction > 5)
        return invalid(QStringLiteral("%1: satisfaction must be 1 to 5").arg(what()));
    // The groups' rows are rewritten only when they change, so most upserts are one statement and
    // need no savepoint. With several, a failure undoes them together.
    const auto known = m_groups.constFind(c.id);
    const bool groupsChange = known == m_groups.constEnd() || known.value() != c.groups;
    WriteResult r;
    QString why;
    if (groupsChange && !savepoint(&why))
        return WriteResult::failure(QStringLiteral("io"), why);
    const auto undo = [&](WriteResult failed) {
        if (groupsChange) {
            if (!rollbackToSavepoint(&why))
                return WriteResult::failure(QStringLiteral("io"), why);
            m_writeUndone = true;
        }
        return failed;
    };
    // The customer and the agent are checked by the row's foreign keys (two lookups fewer per
    // upsert); only a refusal looks up which one is missing, to say so.
    SqlStatement *q = statement(kUpsertConversation, &r);
    if (!q)
        return undo(r);
    q->bindValue(0, c.id);
    q->bindValue(1, c.customerId);
    q->bindValue(2, c.channel);
    q->bindValue(3, toString(c.state));
    q->bindValue(4, nullable(c.agentId));
    q->bindValue(5, text(c.rule));
    q->bindValue(6, c.createdAt);
    q->bindValue(7, nullable(c.closedAt));
    q->bindValue(8, nullable(qint64(c.satisfaction)));
    if (!run(q, &r, what)) {
        if (r.code == QLatin1String("not-found"))
            r = missingReference(c, what());
        return undo(r);
    }
    if (groupsChange) {
        r = writeGroups(c, what());
        if (!r.ok)
            return undo(r);
        if (!release(&why))
            return WriteResult::failure(QStringLiteral("io"), why);
    }
    // A closed conversation is written once more at most (a rating keeps the groups): forget it.
    if (closed)
        m_groups.remove(c.id);
    else if (groupsChange) {
        if (m_groups.size() >= kGroupsCacheLimit)
            m_groups.clear();
        m_groups.insert(c.id, c.groups);
    }
    return r;
}

WriteResult WriteContext::missingReference(const Conversation &c, const QString &what)
{
    WriteResult r;
    bool found = false;
    if (!exists(kCustomerExists, c.customerId, &found, &r))
        return r;
    if (!found)
        return notFound(QStringLiteral("%1: unknown customer %2").arg(what, quoted(c.customerId)));
    if (!c.agentId.isEmpty()) {
        if (!exists(kAccountExists, c.agentId, &found, &r))
            return r;
        if (!found)
            return notFound(QStringLiteral("%1: unknown agent %2").arg(what, quoted(c.agentId)));
    }
    return notFound(QStringLiteral("%1: a reference is missing").arg(what));
}

WriteResult WriteContext::writeGroups(const Conversation &c, const QString &what)
{
    WriteResult r;
    SqlStatement *clear = statement(kClearGroups, &r);
    if (!clear)
        return r;
    clear->bindValue(0, c.id);
    if (!run(clear, &r, what))
        return r;
    QSet<QString> seen;
    int position = 0;
    for (const QString &group : c.groups) {
        if (group.isEmpty() || seen.contains(group))
            continue;
        seen.insert(group);
        SqlStatement *insert = statement(kInsertGroup, &r);
        if (!insert)
            return r;
        insert->bindValue(0, c.id);
        insert->bindValue(1, position++);
        insert->bindValue(2, group);
        if (!run(insert, &r, what))
            return r;
    }
    return r;
}

WriteResult WriteContext::requestSurvey(const QString &conversationId, qint64 at)
{
    WriteResult r;
    SqlStatement *q = statement(kRequestSurvey, &r);
    if (!q)
        return r;
    q->bindValue(0, at);
    q->bindValue(1, conversationId);
    if (run(q, &r,
            [&] { return QStringLiteral("survey for conversation %1").arg(quoted(conversationId)); }) &&
        q->numRowsAffected() == 0)
        return notFound(QStringLiteral("unknown conversation %1").arg(quoted(conversationId)));
    return r;
}

WriteResult WriteContext::rateConversation(const QString &conversationId, int rating)
{
    if (rating < 1 || rating > 5)
        return invalid(QStringLiteral("conversation %1: satisfaction must be 1 to 5, not %2")
                           .arg(quoted(conversationId))
                           .arg(rating));
    WriteResult r;
    SqlStatement *q = statement(kRateConversation, &r);
    if (!q)
        return r;
    q->bindValue(0, rating);
    q->bindValue(1, conversationId);
    const auto what = [&] { return QStringLiteral("rating conversation %1").arg(quoted(conversationId)); };
    if (!run(q, &r, what) || q->numRowsAffected() > 0)
        return r;
    // Nothing changed: say why.
    SqlStatement *why = statement(kSurveyOf, &r);
    if (!why)
        return r;
    why->bindValue(0, conversationId);
    if (!run(why, &r, what))
        return r;
    const bool found = why->next();
    const bool rated = found && why->int64At(0) > 0;
    why->finish();
    if (!found)
        return notFound(QStringLiteral("unknown conversation %1").arg(quoted(conversationId)));
    return WriteResult::failure(
        QStringLiteral("conflict"),
        rated ? QStringLiteral("conversation %1 was already rated").arg(quoted(conversationId))
              : QStringLiteral("no survey was requested for conversation %1").arg(quoted(conversationId)));
}

WriteResult WriteContext::appendMessage(const Message &m)
{
    const bool needsAttachment = m.kind == MessageKind::Image || m.kind == MessageKind::File;
    if (needsAttachment && !m.attachment)
        return invalid(QStringLiteral("a message of kind %1 needs an attachment").arg(toString(m.kind)));
    if (m.attachment && (m.attachment->name.isEmpty() || m.attachment->size < 0))
        return invalid(QStringLiteral("an attachment needs a name and a size"));
    WriteResult r;
    qint64 last = 0;
    qint64 id = 0;
    if (!lastSeq(m.conversationId, &last, &r) || !nextId(Numbered::Messages, &id, &r))
        return r;
    SqlStatement *q = statement(kInsertMessage, &r);
    if (!q)
        return r;
    q->bindValue(0, id);
    q->bindValue(1, m.conversationId);
    q->bindValue(2, last + 1);
    q->bindValue(3, toString(m.senderKind));
    q->bindValue(4, text(m.senderId));
    q->bindValue(5, toString(m.kind));
    q->bindValue(6, text(m.body));
    q->bindValue(7, m.createdAt);
    if (!run(q, &r,
             [&m] { return QStringLiteral("message for conversation %1").arg(quoted(m.conversationId)); })) {
        // Whatever went wrong, the next message of this conversation reads its number afresh.
        m_lastSeq.remove(m.conversationId);
        // messages has one foreign key: its conversation.
        if (r.code == QLatin1String("not-found"))
            r.error = QStringLiteral("message for unknown conversation %1").arg(quoted(m.conversationId));
        return r;
    }
    gaveId(Numbered::Messages, id);
    r.id = id;
    r.seq = last + 1;
    noteSeq(m.conversationId, r.seq);
    if (r.id <= 0)
        return WriteResult::failure(QStringLiteral("io"), QStringLiteral("the message insert gave no id"));
    if (m.attachment) {
        const Attachment &a = *m.attachment;
        SqlStatement *att = statement(kInsertAttachment, &r);
        if (!att)
            return r;
        att->bindValue(0, r.id);
        att->bindValue(1, a.name);
        att->bindValue(2, text(a.mime));
        att->bindValue(3, a.size);
        // Exactly one of the two: a file the server keeps, or the bytes inline.
        if (a.path.isEmpty())
            att->bindBlob(4, a.data.isNull() ? QByteArray("") : a.data);
        else
            att->bindNull(4);
        att->bindValue(5, nullable(a.path));
        if (!run(att, &r, [&a] { return QStringLiteral("attachment %1").arg(quoted(a.name)); })) {
            // The caller undoes the message with its savepoint; read the number afresh either way.
            m_lastSeq.remove(m.conversationId);
            r.id = r.seq = 0;
            return r;
        }
    }
    return r;
}

WriteResult WriteContext::editMessage(qint64 messageId, const QString &body, qint64 editedAt)
{
    WriteResult r;
    SqlStatement *q = statement(kEditMessage, &r);
    if (!q)
        return r;
    q->bindValue(0, text(body));
    q->bindValue(1, editedAt);
    q->bindValue(2, messageId);
    if (run(q, &r, [messageId] { return QStringLiteral("editing message %1").arg(messageId); }) &&
        q->numRowsAffected() == 0)
        return notFound(QStringLiteral("unknown message %1").arg(messageId));
    r.id = messageId;
    return r;
}

WriteResult WriteContext::appendDecision(const DecisionRecord &d)
{
    if (d.kind.isEmpty() || d.reason.isEmpty() || d.conversationId.isEmpty())
        return invalid(QStringLiteral("a decision needs a kind, a reason and a conversation"));
    WriteResult r;
    SqlStatement *q = statement(kInsertDecision, &r);
    if (!q)
        return r;
    q->bindValue(0, nullable(d.seq));
    q->bindValue(1, d.at);
    q->bindValue(2, d.kind);
    q->bindValue(3, d.conversationId);
    q->bindValue(4, nullable(d.agentId));
    q->bindValue(5, nullable(d.fromAgentId));
    q->bindValue(6, d.reason);
    q->bindValue(7, text(d.detail));
    q->bindUtf8(8, toJsonText(d.explanation));
    if (!run(q, &r, [&d] { return QStringLiteral("decision %1").arg(d.seq); })) {
        if (r.code == QLatin1String("conflict"))
            r.error = QStringLiteral("decision %1 is already recorded").arg(d.seq);
        return r;
    }
    r.id = r.seq = q->lastInsertId();
    return r;
}

WriteResult WriteContext::appendEngineEvent(const EngineEvent &e)
{
    if (e.type.isEmpty())
        return invalid(QStringLiteral("an engine event needs a type"));
    WriteResult r;
    qint64 id = 0;
    if (!nextId(Numbered::Journal, &id, &r))
        return r;
    SqlStatement *q = statement(kInsertEngineEvent, &r);
    if (!q)
        return r;
    q->bindValue(0, id);
    q->bindValue(1, e.at);
    q->bindValue(2, e.type);
    q->bindUtf8(3, e.payloadJson.isEmpty() ? toJsonText(e.payload) : e.payloadJson);
    if (run(q, &r, [&e] { return QStringLiteral("engine event %1").arg(quoted(e.type)); })) {
        gaveId(Numbered::Journal, id);
        r.id = id;
    }
    return r;
}

WriteResult WriteContext::saveEngineSnapshot(const EngineSnapshot &snapshot)
{
    if (snapshot.state.isEmpty())
        return invalid(QStringLiteral("an engine snapshot needs a state"));
    WriteResult r;
    SqlStatement *last = statement(kLastEngineEvent, &r);
    if (!last)
        return r;
    if (!run(last, &r, QStringLiteral("finding the journal's last row")))
        return r;
    const qint64 journalId = last->next() ? last->int64At(0) : 0;
    last->finish();
    SqlStatement *insert = statement(kInsertSnapshot, &r);
    if (!insert)
        return r;
    insert->bindValue(0, journalId);
    insert->bindValue(1, snapshot.at);
    insert->bindValue(2, snapshot.format);
    insert->bindBlob(3, snapshot.state);
    if (!run(insert, &r, QStringLiteral("engine snapshot at journal row %1").arg(journalId)))
        return r;
    SqlStatement *prune = statement(kPruneSnapshots, &r);
    if (!prune)
        return r;
    prune->bindValue(0, kKeptSnapshots);
    if (!run(prune, &r, QStringLiteral("dropping older engine snapshots")))
        return r;
    r.id = journalId;
    return r;
}

WriteResult WriteContext::putSetting(const QString &key, const QJsonValue &value, qint64 updatedAt)
{
    if (key.isEmpty())
        return invalid(QStringLiteral("a setting needs a key"));
    if (value.isUndefined())
        return invalid(QStringLiteral("setting %1 has no value").arg(quoted(key)));
    WriteResult r;
    SqlStatement *q = statement(kPutSetting, &r);
    if (!q)
        return r;
    q->bindValue(0, key);
    q->bindUtf8(1, toJsonText(value));
    q->bindValue(2, updatedAt);
    run(q, &r, QStringLiteral("setting %1").arg(quoted(key)));
    return r;
}

WriteResult WriteContext::deleteSetting(const QString &key)
{
    WriteResult r;
    SqlStatement *q = statement(kDeleteSetting, &r);
    if (!q)
        return r;
    q->bindValue(0, key);
    // Deleting a setting that is not there is not an error: the result is the same.
    run(q, &r, QStringLiteral("deleting setting %1").arg(quoted(key)));
    return r;
}

WriteResult WriteContext::upsertQuickReply(const QuickReply &reply)
{
    if (reply.category.isEmpty() || reply.title.isEmpty())
        return invalid(QStringLiteral("a quick reply needs a category and a title"));
    WriteResult r;
    SqlStatement *q = statement(reply.id == 0 ? kInsertQuickReply : kUpdateQuickReply, &r);
    if (!q)
        return r;
    q->bindValue(0, reply.category);
    q->bindValue(1, nullable(reply.channel));
    q->bindValue(2, reply.title);
    q->bindValue(3, text(reply.text));
    if (reply.id != 0)
        q->bindValue(4, reply.id);
    if (!run(q, &r, QStringLiteral("quick reply %1").arg(quoted(reply.title))))
        return r;
    if (reply.id != 0 && q->numRowsAffected() == 0)
        return notFound(QStringLiteral("unknown quick reply %1").arg(reply.id));
    r.id = reply.id != 0 ? reply.id : q->lastInsertId();
    return r;
}

WriteResult WriteContext::deleteQuickReply(qint64 id)
{
    WriteResult r;
    SqlStatement *q = statement(kDeleteQuickReply, &r);
    if (!q)
        return r;
    q->bindValue(0, id);
    if (run(q, &r, QStringLiteral("deleting quick reply %1").arg(id)) && q->numRowsAffected() == 0)
        return notFound(QStringLiteral("unknown quick reply %1").arg(id));
    return r;
}

} // namespace sb
