#include "storereader.h"

#include "schemamigrator.h"
#include "storedatabase.h"

#include <QFileInfo>
#include <QSqlError>
#include <algorithm>
#include <limits>

namespace sb {

namespace {
const char kAccountById[] =
    "SELECT id, login, display_name, role, team_id, password_hash, created_at, disabled"
    " FROM accounts WHERE id = ?";
const char kAccounts[] = "SELECT id, login, display_name, role, team_id, password_hash, created_at, disabled"
                         " FROM accounts ORDER BY id";
const char kAccountByLogin[] =
    "SELECT id, login, display_name, role, team_id, password_hash, created_at, disabled"
    " FROM accounts WHERE login = ?";
const char kSession[] =
    "SELECT token_hash, account_id, '', created_at, expires_at, revoked FROM sessions WHERE token_hash = ?";
const char kCustomerSession[] = "SELECT token_hash, '', customer_id, created_at, expires_at, revoked"
                                " FROM customer_sessions WHERE token_hash = ?";
const char kTeams[] = "SELECT id, name, parent_id FROM teams ORDER BY id";
const char kTeamSubtree[] = "WITH RECURSIVE sub(id) AS (SELECT id FROM teams WHERE id = ?"
                            " UNION SELECT t.id FROM teams t JOIN sub ON t.parent_id = sub.id)"
                            " SELECT id FROM sub ORDER BY id";
#define SB_CUSTOMER_SELECT                                                                                   \
    "SELECT id, name, vip, language, owner_id, external_id, created_at,"                                     \
    " (SELECT group_concat(tag, char(31)) FROM customer_tags WHERE customer_id = c.id) FROM customers c"
const char kCustomer[] = SB_CUSTOMER_SELECT " WHERE id = ?";
const char kCustomerByExternalId[] = SB_CUSTOMER_SELECT " WHERE external_id = ?";

#define SB_CONVERSATION_SELECT                                                                               \
    "SELECT c.id, c.customer_id, c.channel, c.state, c.agent_id, c.rule, c.created_at, c.closed_at,"         \
    " c.satisfaction, (SELECT group_concat(group_id, char(31)) FROM (SELECT group_id FROM "                  \
    "conversation_groups"                                                                                    \
    " WHERE conversation_id = c.id ORDER BY position)), c.survey_requested_at FROM conversations c "
const char kConversation[] = SB_CONVERSATION_SELECT "WHERE c.id = ?";
// Both use the partial index conversations_open (schema version 2).
const char kOpenConversations[] =
    SB_CONVERSATION_SELECT "WHERE c.state <> 'closed' ORDER BY c.created_at, c.id";
const char kOpenConversationsOf[] =
    SB_CONVERSATION_SELECT "WHERE c.state <> 'closed' AND c.agent_id = ? ORDER BY c.created_at, c.id";
const char kCustomerConversations[] =
    SB_CONVERSATION_SELECT "WHERE c.customer_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?";
#undef SB_CONVERSATION_SELECT

#define SB_MESSAGE_SELECT                                                                                    \
    "SELECT m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.kind, m.body, m.created_at,"       \
    " m.edited_at, a.message_id, a.name, a.mime, a.size, a.path FROM messages m"                             \
    " LEFT JOIN attachments a ON a.message_id = m.id "
const char kHistory[] =
    SB_MESSAGE_SELECT "WHERE m.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?";
const char kMessagesAfter[] =
    SB_MESSAGE_SELECT "WHERE m.conversation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?";
#undef SB_MESSAGE_SELECT
// The same columns, for the last message of every open conversation: the open conversations through
// the partial index conversations_open, each one's MAX(seq) one probe of the (conversation_id, seq)
// index (a GROUP BY over messages would read every message ever written, closed conversations'
// too). No attachment data, as everywhere else.
const char kLastMessagesOfOpen[] =
    "SELECT m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.kind, m.body, m.created_at,"
    " m.edited_at, a.message_id, a.name, a.mime, a.size, a.path FROM conversations c"
    " JOIN messages m ON m.conversation_id = c.id"
    " AND m.seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = c.id)"
    " LEFT JOIN attachments a ON a.message_id = m.id WHERE c.state <> 'closed'";
const char kCustomerNamesOfOpen[] = "SELECT DISTINCT cu.id, cu.name FROM conversations c"
                                    " JOIN customers cu ON cu.id = c.customer_id WHERE c.state <> 'closed'";
const char kAttachmentData[] = "SELECT data FROM attachments WHERE message_id = ?";

const char kDecisions[] =
    "SELECT seq, at, kind, conversation_id, agent_id, from_agent_id, reason, detail, explanation"
    " FROM decisions WHERE conversation_id = ? ORDER BY seq";
// One probe of decisions_conversation, then that conversation's few decisions.
const char kWasInvited[] = "SELECT 1 FROM decisions WHERE conversation_id = ? AND kind = 'invited'"
                           " AND agent_id = ? LIMIT 1";
const char kWasInvitedToCustomer[] =
    "SELECT 1 FROM decisions d JOIN conversations c ON c.id = d.conversation_id"
    " WHERE c.customer_id = ? AND d.kind = 'invited' AND d.agent_id = ? LIMIT 1";
const char kEngineEvents[] =
    "SELECT id, at, type, payload FROM engine_events WHERE id > ? ORDER BY id LIMIT ?";
const char kLatestSnapshot[] = "SELECT journal_id, at, format, state FROM engine_snapshots"
                               " WHERE journal_id < ? ORDER BY journal_id DESC LIMIT 1";
const char kSetting[] = "SELECT value FROM settings WHERE key = ?";
const char kAllQuickReplies[] = "SELECT id, category, channel, title, text FROM quick_replies"
                                " ORDER BY category, title, id";
const char kQuickRepliesFor[] = "SELECT id, category, channel, title, text FROM quick_replies"
                                " WHERE channel IS NULL OR channel = ? ORDER BY category, title, id";

const QChar kListSeparator(0x1f); // char(31) in the SQL above

QStringList splitList(const QVariant &v)
{
    const QString s = v.toString();
    return s.isEmpty() ? QStringList() : s.split(kListSeparator);
}

QJsonObject objectFrom(const QVariant &v)
{
    const auto value = jsonFromText(v.toString().toUtf8());
    return value ? value->toObject() : QJsonObject();
}
} // namespace

StoreReader::StoreReader() = default;

StoreReader::~StoreReader()
{
    close();
}

bool StoreReader::open(const QString &path, QString *error, int busyTimeoutMs)
{
    close();
    auto fail = [&](const QString &why) {
        m_lastError = why;
        if (error)
            *error = why;
        return false;
    };
    // Opening would create an empty file; a reader must find the writer's database or say so.
    if (!QFileInfo::exists(path))
        return fail(QStringLiteral("no store at %1").arg(path));
    QString why;
    m_db = StoreDatabase::open(path, QStringLiteral("reader"), &why, busyTimeoutMs);
    if (!m_db.isValid())
        return fail(why);
    if (!SchemaMigrator().isCurrent(m_db, &why) ||
        !StoreDatabase::exec(m_db, QStringLiteral("PRAGMA query_only = ON"), &why)) {
        StoreDatabase::close(m_db);
        return fail(why);
    }
    m_lastError.clear();
    return true;
}

void StoreReader::close()
{
    m_queries.clear();
    if (m_db.isValid())
        StoreDatabase::close(m_db);
}

QSqlQuery *StoreReader::query(const char *sql)
{
    m_lastError.clear();
    if (!m_db.isOpen()) {
        m_lastError = QStringLiteral("the store reader is not open");
        return nullptr;
    }
    auto it = m_queries.find(sql);
    if (it != m_queries.end())
        return it->second.get();
    auto q = std::make_unique<QSqlQuery>(m_db);
    q->setForwardOnly(true);
    if (!q->prepare(QString::fromLatin1(sql))) {
        m_lastError = QStringLiteral("cannot prepare a query: %1").arg(q->lastError().text());
        return nullptr;
    }
    return m_queries.emplace(sql, std::move(q)).first->second.get();
}

bool StoreReader::run(QSqlQuery *q)
{
    if (q->exec())
        return true;
    m_lastError = q->lastError().text();
    q->finish();
    return false;
}

Account StoreReader::readAccount(const QSqlQuery &q) const
{
    Account a;
    a.id = q.value(0).toString();
    a.login = q.value(1).toString();
    a.displayName = q.value(2).toString();
    a.role = roleFromString(q.value(3).toString()).value_or(Role::Agent);
    a.teamId = q.value(4).toString();
    a.passwordHash = q.value(5).toString();
    a.createdAt = q.value(6).toLongLong();
    a.disabled = q.value(7).toInt() != 0;
    return a;
}

Conversation StoreReader::readConversation(const QSqlQuery &q) const
{
    Conversation c;
    c.id = q.value(0).toString();
    c.customerId = q.value(1).toString();
    c.channel = q.value(2).toString();
    c.state = conversationStateFromString(q.value(3).toString()).value_or(ConversationState::Queued);
    c.agentId = q.value(4).toString();
    c.rule = q.value(5).toString();
    c.createdAt = q.value(6).toLongLong();
    c.closedAt = q.value(7).toLongLong();
    c.satisfaction = q.value(8).toInt();
    c.groups = splitList(q.value(9));
    c.surveyRequestedAt = q.value(10).toLongLong();
    return c;
}

Message StoreReader::readMessage(const QSqlQuery &q) const
{
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toString();
    m.seq = q.value(2).toLongLong();
    m.senderKind = senderKindFromString(q.value(3).toString()).value_or(SenderKind::System);
    m.senderId = q.value(4).toString();
    m.kind = messageKindFromString(q.value(5).toString()).value_or(MessageKind::Text);
    m.body = q.value(6).toString();
    m.createdAt = q.value(7).toLongLong();
    m.editedAt = q.value(8).toLongLong();
    if (!q.isNull(9)) {
        Attachment a;
        a.name = q.value(10).toString();
        a.mime = q.value(11).toString();
        a.size = q.value(12).toLongLong();
        a.path = q.value(13).toString();
        m.attachment = a;
    }
    return m;
}

QList<Conversation> StoreReader::conversations(QSqlQuery *q)
{
    QList<Conversation> list;
    if (!run(q))
        return list;
    while (q->next())
        list.append(readConversation(*q));
    q->finish();
    return list;
}

QList<Message> StoreReader::messages(QSqlQuery *q)
{
    QList<Message> list;
    if (!run(q))
        return list;
    while (q->next())
        list.append(readMessage(*q));
    q->finish();
    return list;
}

std::optional<Account> StoreReader::accountById(const QString &id)
{
    QSqlQuery *q = query(kAccountById);
    if (!q)
        return std::nullopt;
    q->bindValue(0, id);
    if (!run(q) || !q->next())
        return std::nullopt;
    Account a = readAccount(*q);
    q->finish();
    return a;
}

std::optional<Account> StoreReader::accountByLogin(const QString &login)
{
    QSqlQuery *q = query(kAccountByLogin);
    if (!q)
        return std::nullopt;
    q->bindValue(0, login);
    if (!run(q) || !q->next())
        return std::nullopt;
    Account a = readAccount(*q);
    q->finish();
    return a;
}

std::optional<Session> StoreReader::sessionByTokenHash(const QString &tokenHash)
{
    QSqlQuery *q = nullptr;
    for (const char *sql : {kSession, kCustomerSession}) {
        q = query(sql);
        if (!q)
            return std::nullopt;
        q->bindValue(0, tokenHash);
        if (!run(q))
            return std::nullopt;
        if (q->next())
            break;
        q->finish();
        q = nullptr;
    }
    if (!q)
        return std::nullopt;
    Session s;
    s.tokenHash = q->value(0).toString();
    s.accountId = q->value(1).toString();
    s.customerId = q->value(2).toString();
    s.createdAt = q->value(3).toLongLong();
    s.expiresAt = q->value(4).toLongLong();
    s.revoked = q->value(5).toInt() != 0;
    q->finish();
    return s;
}

QList<Account> StoreReader::accounts()
{
    QList<Account> list;
    QSqlQuery *q = query(kAccounts);
    if (!q || !run(q))
        return list;
    while (q->next())
        list.append(readAccount(*q));
    q->finish();
    return list;
}

QList<Team> StoreReader::teams()
{
    QList<Team> list;
    QSqlQuery *q = query(kTeams);
    if (!q || !run(q))
        return list;
    while (q->next())
        list.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString()});
    q->finish();
    return list;
}

QStringList StoreReader::teamSubtree(const QString &teamId)
{
    QStringList ids;
    QSqlQuery *q = query(kTeamSubtree);
    if (!q)
        return ids;
    q->bindValue(0, teamId);
    if (!run(q))
        return ids;
    while (q->next())
        ids.append(q->value(0).toString());
    q->finish();
    return ids;
}

std::optional<Customer> StoreReader::customer(const QString &id)
{
    return readCustomer(kCustomer, id);
}

std::optional<Customer> StoreReader::customerByExternalId(const QString &externalId)
{
    return readCustomer(kCustomerByExternalId, externalId);
}

std::optional<Customer> StoreReader::readCustomer(const char *sql, const QString &key)
{
    QSqlQuery *q = query(sql);
    if (!q)
        return std::nullopt;
    q->bindValue(0, key);
    if (!run(q) || !q->next())
        return std::nullopt;
    Customer c;
    c.id = q->value(0).toString();
    c.name = q->value(1).toString();
    c.vip = q->value(2).toInt() != 0;
    c.language = q->value(3).toString();
    c.ownerId = q->value(4).toString();
    c.externalId = q->value(5).toString();
    c.createdAt = q->value(6).toLongLong();
    c.tags = splitList(q->value(7));
    q->finish();
    return c;
}

std::optional<Conversation> StoreReader::conversation(const QString &id)
{
    QSqlQuery *q = query(kConversation);
    if (!q)
        return std::nullopt;
    q->bindValue(0, id);
    const QList<Conversation> list = conversations(q);
    if (list.isEmpty())
        return std::nullopt;
    return list.first();
}

QList<Conversation> StoreReader::openConversations(const QString &agentId)
{
    QSqlQuery *q = query(agentId.isEmpty() ? kOpenConversations : kOpenConversationsOf);
    if (!q)
        return {};
    if (!agentId.isEmpty())
        q->bindValue(0, agentId);
    return conversations(q);
}

QList<Conversation> StoreReader::customerConversations(const QString &customerId, int limit)
{
    QSqlQuery *q = query(kCustomerConversations);
    if (!q)
        return {};
    q->bindValue(0, customerId);
    q->bindValue(1, limit);
    return conversations(q);
}

QList<Message> StoreReader::history(const QString &conversationId, qint64 beforeSeq, int limit)
{
    QSqlQuery *q = query(kHistory);
    if (!q)
        return {};
    q->bindValue(0, conversationId);
    // A bound upper limit (rather than "no limit" as a separate case) keeps this one index range.
    q->bindValue(1, beforeSeq > 0 ? beforeSeq : std::numeric_limits<qint64>::max());
    q->bindValue(2, limit);
    QList<Message> page = messages(q);
    std::reverse(page.begin(), page.end());
    return page;
}

QList<Message> StoreReader::messagesAfter(const QString &conversationId, qint64 afterSeq, int limit)
{
    QSqlQuery *q = query(kMessagesAfter);
    if (!q)
        return {};
    q->bindValue(0, conversationId);
    q->bindValue(1, afterSeq);
    q->bindValue(2, limit);
    return messages(q);
}

QList<Message> StoreReader::lastMessagesOfOpenConversations()
{
    QSqlQuery *q = query(kLastMessagesOfOpen);
    if (!q)
        return {};
    return messages(q);
}

QHash<QString, QString> StoreReader::customerNamesOfOpenConversations()
{
    QHash<QString, QString> names;
    QSqlQuery *q = query(kCustomerNamesOfOpen);
    if (!q || !run(q))
        return names;
    while (q->next())
        names.insert(q->value(0).toString(), q->value(1).toString());
    q->finish();
    return names;
}

QByteArray StoreReader::attachmentData(qint64 messageId)
{
    QSqlQuery *q = query(kAttachmentData);
    if (!q)
        return {};
    q->bindValue(0, messageId);
    if (!run(q) || !q->next())
        return {};
    const QByteArray data = q->value(0).toByteArray();
    q->finish();
    return data;
}

bool StoreReader::wasInvited(const QString &conversationId, const QString &agentId)
{
    QSqlQuery *q = query(kWasInvited);
    if (!q)
        return false;
    q->bindValue(0, conversationId);
    q->bindValue(1, agentId);
    const bool found = run(q) && q->next();
    q->finish();
    return found;
}

bool StoreReader::wasInvitedToCustomer(const QString &customerId, const QString &agentId)
{
    QSqlQuery *q = query(kWasInvitedToCustomer);
    if (!q)
        return false;
    q->bindValue(0, customerId);
    q->bindValue(1, agentId);
    const bool found = run(q) && q->next();
    q->finish();
    return found;
}

QList<DecisionRecord> StoreReader::decisionsFor(const QString &conversationId)
{
    QList<DecisionRecord> list;
    QSqlQuery *q = query(kDecisions);
    if (!q)
        return list;
    q->bindValue(0, conversationId);
    if (!run(q))
        return list;
    while (q->next()) {
        DecisionRecord d;
        d.seq = q->value(0).toLongLong();
        d.at = q->value(1).toLongLong();
        d.kind = q->value(2).toString();
        d.conversationId = q->value(3).toString();
        d.agentId = q->value(4).toString();
        d.fromAgentId = q->value(5).toString();
        d.reason = q->value(6).toString();
        d.detail = q->value(7).toString();
        d.explanation = objectFrom(q->value(8));
        list.append(d);
    }
    q->finish();
    return list;
}

QList<EngineEvent> StoreReader::engineEventsSince(qint64 afterId, int limit)
{
    QList<EngineEvent> list;
    QSqlQuery *q = query(kEngineEvents);
    if (!q)
        return list;
    q->bindValue(0, afterId);
    q->bindValue(1, limit);
    if (!run(q))
        return list;
    while (q->next())
        list.append({q->value(0).toLongLong(),
                     q->value(1).toLongLong(),
                     q->value(2).toString(),
                     objectFrom(q->value(3)),
                     {}});
    q->finish();
    return list;
}

std::optional<EngineSnapshot> StoreReader::latestEngineSnapshot(qint64 before)
{
    QSqlQuery *q = query(kLatestSnapshot);
    if (!q)
        return std::nullopt;
    q->bindValue(0, before < 0 ? std::numeric_limits<qint64>::max() : before);
    if (!run(q) || !q->next())
        return std::nullopt;
    EngineSnapshot s;
    s.journalId = q->value(0).toLongLong();
    s.at = q->value(1).toLongLong();
    s.format = q->value(2).toInt();
    s.state = q->value(3).toByteArray();
    q->finish();
    return s;
}

std::optional<QJsonValue> StoreReader::setting(const QString &key)
{
    QSqlQuery *q = query(kSetting);
    if (!q)
        return std::nullopt;
    q->bindValue(0, key);
    if (!run(q) || !q->next())
        return std::nullopt;
    const QByteArray text = q->value(0).toString().toUtf8();
    q->finish();
    return jsonFromText(text);
}

QList<QuickReply> StoreReader::quickReplies(const QString &channel)
{
    QList<QuickReply> list;
    QSqlQuery *q = query(channel.isEmpty() ? kAllQuickReplies : kQuickRepliesFor);
    if (!q)
        return list;
    if (!channel.isEmpty())
        q->bindValue(0, channel);
    if (!run(q))
        return list;
    while (q->next())
        list.append({q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString(),
                     q->value(3).toString(), q->value(4).toString()});
    q->finish();
    return list;
}

} // namespace sb
