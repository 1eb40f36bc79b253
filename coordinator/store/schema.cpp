#include "schema.h"

// The schema, in SQLite. Times are INTEGER milliseconds since the Unix epoch (UTC); JSON columns are
// TEXT (checked by json_valid() where written rarely; see version 4); enumerations are TEXT checked
// against their spellings in records.cpp.
//
//   schema_version      one row per applied migration (version, name, applied_at)
//   teams               the team tree: id, name, parent_id -> teams (NULL at a root)
//   accounts            id (= the engine's agent id), login (unique, case-insensitive), display_name,
//                       role agent|supervisor|admin, team_id -> teams, password_hash (Argon2id string),
//                       created_at, disabled
//   sessions            token_hash (primary key; the token itself is never stored), account_id ->
//                       accounts, created_at, expires_at, revoked
//   customers           id, name, vip, language, owner_id -> accounts, external_id (CRM id, unique),
//                       created_at
//   customer_tags       (customer_id, tag): tags are queried on their own ("every VIP"), so a row each
//   conversations       id, customer_id -> customers, channel, state queued|unmatched|assigned|closed,
//                       agent_id -> accounts, rule, created_at, closed_at (set exactly when closed),
//                       satisfaction 1..5; v8: survey_requested_at (when survey.send first asked;
//                       NULL: never, and then no rating is taken)
//   conversation_groups (conversation_id, position, group_id): the target groups in the rule's order
//   messages            id (never reused: clients resume by them; v7: given by the writer, see
//                       id_marks),
//                       conversation_id -> conversations, seq (1, 2, 3... per conversation, unique),
//                       sender_kind customer|agent|system, sender_id, kind text|image|file|note, body,
//                       created_at; v2: edited_at
//   attachments         message_id -> messages (one each at most), name, mime, size, and exactly one
//                       of data (BLOB, inline) or path (a file the server keeps); apart from messages
//                       so that paging through history never reads blobs
//   decisions           the routing audit log: seq (the engine's decision number), at, kind,
//                       conversation_id, agent_id, from_agent_id, reason, detail, explanation (JSON)
//   engine_events       the routing engine's ordered input log: id, at, type, payload (JSON);
//                       replaying it in id order rebuilds the engine after a restart; v7: id given
//                       by the writer, never reused (see id_marks)
//   id_marks            v7: name (messages, engine_events) -> last_id, the highest id the writer has
//                       given in that table. The next is one past the higher of it and the table's
//                       MAX(id), so a row deleted by hand (an erasure request) never has its id
//                       given again, even the newest
//   engine_snapshots    v5: the engine's saved state (state, a BLOB in the engine's own binary
//                       format, format its version) as of journal_id, the last engine_events row it
//                       covers; taken at, in ms. A restart restores the newest one it can read and
//                       replays only the rows after it; the writer keeps the two newest
//   settings            key -> value (JSON), updated_at
//   quick_replies       id, category, channel (NULL: every channel), title, text; v6: id AUTOINCREMENT
//                       (a desk that still lists a deleted reply must not edit or delete a new one)
//
// decisions and engine_events carry no foreign keys on purpose: they record what the engine saw and
// said, verbatim and in order, and a log that can refuse an entry is not a log.
//
// Version 8 adds conversations.survey_requested_at: a rating answers a survey an agent sent, once,
// and the request must survive a restart between the two (survey.send used to store nothing, so a
// customer could rate unasked, and again, overwriting the score). Rows from before read NULL: no
// survey pending, as none was recorded.
//
// Version 7 rebuilds messages and engine_events without AUTOINCREMENT, the two tables written for
// every message. AUTOINCREMENT reads and rewrites the table's row in sqlite_sequence inside every
// INSERT: about a sixth of the writer's work per message. The writer now gives the ids itself, one
// past the highest given (WriteContext), and records the highest in id_marks once per transaction
// instead of once per row, which keeps the promise AUTOINCREMENT made. The migration carries the
// old high-water marks from sqlite_sequence into id_marks.
//
// Version 6 rebuilds quick_replies with AUTOINCREMENT: with a plain INTEGER PRIMARY KEY, deleting
// the newest reply let the next one take its id, and a desk still showing the old one would then
// edit or delete the new one by that id.
//
// Version 5 adds engine_snapshots, so that a restart no longer replays the whole journal (which
// grows without bound). The journal itself stays whole: rows covered by a snapshot are still there
// for audits and for a full replay when no snapshot can be read (another build's format, damage).
// Two snapshots are kept, so that one damaged on disk still leaves the one before it.
//
// Version 4 makes the tables written for every message cheaper to write (conversations, messages,
// decisions, engine_events). A CHECK (x IN ('a', 'b')) made SQLite build and free a temporary table
// on every INSERT or UPDATE (two for each message); the same check as x = 'a' OR x = 'b' is a few
// comparisons, so the enumerations are spelled that way. json_valid() parsed every journal payload
// and decision explanation again; it is gone from those two, because the only writer is
// WriteContext and it writes only JSON that QJsonDocument or the service's JsonWriter produced (the
// latter's output is tested against QJsonDocument's; settings keep their check: they are written
// rarely). The other tables keep their IN checks: they are written rarely too.
//
// Version 2 adds messages.edited_at (agents may correct a message; the desk shows "edited") and the
// indexes behind the desk's frequent queries: open conversations by agent, a customer's previous
// tickets, and sessions by expiry for the purge.

namespace sb::schema {

namespace {
std::vector<Migration> build()
{
    std::vector<Migration> list;
    list.push_back(
        {1,
         QStringLiteral("initial schema"),
         {
             QStringLiteral("CREATE TABLE schema_version (\n"
                            "    version INTEGER PRIMARY KEY,\n"
                            "    name TEXT NOT NULL,\n"
                            "    applied_at INTEGER NOT NULL\n"
                            ")"),
             QStringLiteral("CREATE TABLE teams (\n"
                            "    id TEXT PRIMARY KEY,\n"
                            "    name TEXT NOT NULL,\n"
                            "    parent_id TEXT REFERENCES teams(id),\n"
                            "    CHECK (parent_id IS NULL OR parent_id <> id)\n"
                            ")"),
             QStringLiteral("CREATE INDEX teams_parent ON teams(parent_id)"),
             QStringLiteral("CREATE TABLE accounts (\n"
                            "    id TEXT PRIMARY KEY,\n"
                            "    login TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
                            "    display_name TEXT NOT NULL,\n"
                            "    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),\n"
                            "    team_id TEXT REFERENCES teams(id),\n"
                            "    password_hash TEXT NOT NULL,\n"
                            "    created_at INTEGER NOT NULL,\n"
                            "    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))\n"
                            ")"),
             QStringLiteral("CREATE INDEX accounts_team ON accounts(team_id)"),
             QStringLiteral("CREATE TABLE sessions (\n"
                            "    token_hash TEXT PRIMARY KEY,\n"
                            "    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,\n"
                            "    created_at INTEGER NOT NULL,\n"
                            "    expires_at INTEGER NOT NULL,\n"
                            "    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))\n"
                            ") WITHOUT ROWID"),
             QStringLiteral("CREATE INDEX sessions_account ON sessions(account_id)"),
             QStringLiteral("CREATE TABLE customers (\n"
                            "    id TEXT PRIMARY KEY,\n"
                            "    name TEXT NOT NULL DEFAULT '',\n"
                            "    vip INTEGER NOT NULL DEFAULT 0 CHECK (vip IN (0, 1)),\n"
                            "    language TEXT NOT NULL DEFAULT '',\n"
                            "    owner_id TEXT REFERENCES accounts(id),\n"
                            "    external_id TEXT UNIQUE,\n"
                            "    created_at INTEGER NOT NULL\n"
                            ")"),
             QStringLiteral("CREATE INDEX customers_owner ON customers(owner_id)"),
             QStringLiteral("CREATE TABLE customer_tags (\n"
                            "    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,\n"
                            "    tag TEXT NOT NULL,\n"
                            "    PRIMARY KEY (customer_id, tag)\n"
                            ") WITHOUT ROWID"),
             QStringLiteral("CREATE INDEX customer_tags_tag ON customer_tags(tag)"),
             QStringLiteral("CREATE TABLE conversations (\n"
                            "    id TEXT PRIMARY KEY,\n"
                            "    customer_id TEXT NOT NULL REFERENCES customers(id),\n"
                            "    channel TEXT NOT NULL,\n"
                            "    state TEXT NOT NULL\n"
                            "        CHECK (state IN ('queued', 'unmatched', 'assigned', 'closed')),\n"
                            "    agent_id TEXT REFERENCES accounts(id),\n"
                            "    rule TEXT NOT NULL DEFAULT '',\n"
                            "    created_at INTEGER NOT NULL,\n"
                            "    closed_at INTEGER,\n"
                            "    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),\n"
                            "    CHECK ((state = 'closed') = (closed_at IS NOT NULL))\n"
                            ")"),
             QStringLiteral(
                 "CREATE TABLE conversation_groups (\n"
                 "    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
                 "    position INTEGER NOT NULL,\n"
                 "    group_id TEXT NOT NULL,\n"
                 "    PRIMARY KEY (conversation_id, position)\n"
                 ") WITHOUT ROWID"),
             QStringLiteral("CREATE INDEX conversation_groups_group ON conversation_groups(group_id)"),
             QStringLiteral(
                 "CREATE TABLE messages (\n"
                 "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                 "    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
                 "    seq INTEGER NOT NULL CHECK (seq > 0),\n"
                 "    sender_kind TEXT NOT NULL CHECK (sender_kind IN ('customer', 'agent', 'system')),\n"
                 "    sender_id TEXT NOT NULL DEFAULT '',\n"
                 "    kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'file', 'note')),\n"
                 "    body TEXT NOT NULL DEFAULT '',\n"
                 "    created_at INTEGER NOT NULL,\n"
                 "    UNIQUE (conversation_id, seq)\n"
                 ")"),
             QStringLiteral("CREATE TABLE attachments (\n"
                            "    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,\n"
                            "    name TEXT NOT NULL,\n"
                            "    mime TEXT NOT NULL,\n"
                            "    size INTEGER NOT NULL CHECK (size >= 0),\n"
                            "    data BLOB,\n"
                            "    path TEXT,\n"
                            "    CHECK ((data IS NULL) <> (path IS NULL))\n"
                            ")"),
             QStringLiteral("CREATE TABLE decisions (\n"
                            "    seq INTEGER PRIMARY KEY,\n"
                            "    at INTEGER NOT NULL,\n"
                            "    kind TEXT NOT NULL,\n"
                            "    conversation_id TEXT NOT NULL,\n"
                            "    agent_id TEXT,\n"
                            "    from_agent_id TEXT,\n"
                            "    reason TEXT NOT NULL,\n"
                            "    detail TEXT NOT NULL DEFAULT '',\n"
                            "    explanation TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(explanation))\n"
                            ")"),
             QStringLiteral("CREATE INDEX decisions_conversation ON decisions(conversation_id, seq)"),
             QStringLiteral("CREATE TABLE engine_events (\n"
                            "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                            "    at INTEGER NOT NULL,\n"
                            "    type TEXT NOT NULL CHECK (type <> ''),\n"
                            "    payload TEXT NOT NULL CHECK (json_valid(payload))\n"
                            ")"),
             QStringLiteral("CREATE TABLE settings (\n"
                            "    key TEXT PRIMARY KEY,\n"
                            "    value TEXT NOT NULL CHECK (json_valid(value)),\n"
                            "    updated_at INTEGER NOT NULL\n"
                            ") WITHOUT ROWID"),
             QStringLiteral("CREATE TABLE quick_replies (\n"
                            "    id INTEGER PRIMARY KEY,\n"
                            "    category TEXT NOT NULL,\n"
                            "    channel TEXT,\n"
                            "    title TEXT NOT NULL,\n"
                            "    text TEXT NOT NULL\n"
                            ")"),
             QStringLiteral("CREATE INDEX quick_replies_channel ON quick_replies(channel, category)"),
         }});
    list.push_back(
        {2,
         QStringLiteral("message edits and desk indexes"),
         {
             QStringLiteral("ALTER TABLE messages ADD COLUMN edited_at INTEGER"),
             QStringLiteral("CREATE INDEX conversations_open ON conversations(agent_id, created_at)"
                            " WHERE state <> 'closed'"),
             QStringLiteral("CREATE INDEX conversations_customer ON conversations(customer_id, created_at)"),
             QStringLiteral("CREATE INDEX sessions_expiry ON sessions(expires_at)"),
         }});
    list.push_back(
        {3,
         QStringLiteral("customer sessions"),
         {
             QStringLiteral("CREATE TABLE customer_sessions (\n"
                            "    token_hash TEXT PRIMARY KEY,\n"
                            "    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,\n"
                            "    created_at INTEGER NOT NULL,\n"
                            "    expires_at INTEGER NOT NULL,\n"
                            "    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))\n"
                            ") WITHOUT ROWID"),
             QStringLiteral("CREATE INDEX customer_sessions_expiry ON customer_sessions(expires_at)"),
         }});
    // SQLite cannot drop a constraint, so each table is rebuilt its documented way (create the new
    // table, copy, drop the old, rename, recreate the indexes) with foreign keys off for the
    // migration (Migration::rebuildsTables): with them on, dropping messages would delete every
    // attachment through ON DELETE CASCADE. AUTOINCREMENT's high-water marks are carried over, so
    // ids of deleted rows stay unused.
    list.push_back(
        {4,
         QStringLiteral("cheaper constraints on the tables written per message"),
         {
             QStringLiteral("CREATE TABLE new_conversations (\n"
                            "    id TEXT PRIMARY KEY,\n"
                            "    customer_id TEXT NOT NULL REFERENCES customers(id),\n"
                            "    channel TEXT NOT NULL,\n"
                            "    state TEXT NOT NULL CHECK (state = 'queued' OR state = 'unmatched'\n"
                            "        OR state = 'assigned' OR state = 'closed'),\n"
                            "    agent_id TEXT REFERENCES accounts(id),\n"
                            "    rule TEXT NOT NULL DEFAULT '',\n"
                            "    created_at INTEGER NOT NULL,\n"
                            "    closed_at INTEGER,\n"
                            "    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),\n"
                            "    CHECK ((state = 'closed') = (closed_at IS NOT NULL))\n"
                            ")"),
             QStringLiteral("INSERT INTO new_conversations (id, customer_id, channel, state, agent_id, rule,"
                            " created_at, closed_at, satisfaction)"
                            " SELECT id, customer_id, channel, state, agent_id, rule, created_at, closed_at,"
                            " satisfaction FROM conversations"),
             QStringLiteral("DROP TABLE conversations"),
             QStringLiteral("ALTER TABLE new_conversations RENAME TO conversations"),
             QStringLiteral("CREATE INDEX conversations_open ON conversations(agent_id, created_at)"
                            " WHERE state <> 'closed'"),
             QStringLiteral("CREATE INDEX conversations_customer ON conversations(customer_id, created_at)"),

             QStringLiteral(
                 "CREATE TABLE new_messages (\n"
                 "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                 "    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
                 "    seq INTEGER NOT NULL CHECK (seq > 0),\n"
                 "    sender_kind TEXT NOT NULL\n"
                 "        CHECK (sender_kind = 'customer' OR sender_kind = 'agent' OR sender_kind = "
                 "'system'),\n"
                 "    sender_id TEXT NOT NULL DEFAULT '',\n"
                 "    kind TEXT NOT NULL\n"
                 "        CHECK (kind = 'text' OR kind = 'image' OR kind = 'file' OR kind = 'note'),\n"
                 "    body TEXT NOT NULL DEFAULT '',\n"
                 "    created_at INTEGER NOT NULL,\n"
                 "    edited_at INTEGER,\n"
                 "    UNIQUE (conversation_id, seq)\n"
                 ")"),
             QStringLiteral(
                 "INSERT INTO new_messages (id, conversation_id, seq, sender_kind, sender_id, kind,"
                 " body, created_at, edited_at)"
                 " SELECT id, conversation_id, seq, sender_kind, sender_id, kind, body, created_at,"
                 " edited_at FROM messages"),
             QStringLiteral("DELETE FROM sqlite_sequence WHERE name = 'new_messages'"),
             QStringLiteral("INSERT INTO sqlite_sequence (name, seq)"
                            " SELECT 'new_messages', seq FROM sqlite_sequence WHERE name = 'messages'"),
             QStringLiteral("DROP TABLE messages"),
             QStringLiteral("ALTER TABLE new_messages RENAME TO messages"),

             QStringLiteral("CREATE TABLE new_decisions (\n"
                            "    seq INTEGER PRIMARY KEY,\n"
                            "    at INTEGER NOT NULL,\n"
                            "    kind TEXT NOT NULL,\n"
                            "    conversation_id TEXT NOT NULL,\n"
                            "    agent_id TEXT,\n"
                            "    from_agent_id TEXT,\n"
                            "    reason TEXT NOT NULL,\n"
                            "    detail TEXT NOT NULL DEFAULT '',\n"
                            "    explanation TEXT NOT NULL DEFAULT '{}'\n"
                            ")"),
             QStringLiteral(
                 "INSERT INTO new_decisions (seq, at, kind, conversation_id, agent_id, from_agent_id,"
                 " reason, detail, explanation)"
                 " SELECT seq, at, kind, conversation_id, agent_id, from_agent_id, reason, detail,"
                 " explanation FROM decisions"),
             QStringLiteral("DROP TABLE decisions"),
             QStringLiteral("ALTER TABLE new_decisions RENAME TO decisions"),
             QStringLiteral("CREATE INDEX decisions_conversation ON decisions(conversation_id, seq)"),

             QStringLiteral("CREATE TABLE new_engine_events (\n"
                            "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                            "    at INTEGER NOT NULL,\n"
                            "    type TEXT NOT NULL CHECK (type <> ''),\n"
                            "    payload TEXT NOT NULL\n"
                            ")"),
             QStringLiteral("INSERT INTO new_engine_events (id, at, type, payload)"
                            " SELECT id, at, type, payload FROM engine_events"),
             QStringLiteral("DELETE FROM sqlite_sequence WHERE name = 'new_engine_events'"),
             QStringLiteral(
                 "INSERT INTO sqlite_sequence (name, seq)"
                 " SELECT 'new_engine_events', seq FROM sqlite_sequence WHERE name = 'engine_events'"),
             QStringLiteral("DROP TABLE engine_events"),
             QStringLiteral("ALTER TABLE new_engine_events RENAME TO engine_events"),
         },
         true});
    list.push_back({5,
                    QStringLiteral("engine snapshots"),
                    {
                        QStringLiteral("CREATE TABLE engine_snapshots (\n"
                                       "    journal_id INTEGER PRIMARY KEY CHECK (journal_id >= 0),\n"
                                       "    at INTEGER NOT NULL,\n"
                                       "    format INTEGER NOT NULL,\n"
                                       "    state BLOB NOT NULL\n"
                                       ")"),
                    }});
    // quick_replies is referenced by nothing, so foreign keys can stay on for its rebuild.
    list.push_back(
        {6,
         QStringLiteral("quick reply ids never reused"),
         {
             QStringLiteral("CREATE TABLE new_quick_replies (\n"
                            "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                            "    category TEXT NOT NULL,\n"
                            "    channel TEXT,\n"
                            "    title TEXT NOT NULL,\n"
                            "    text TEXT NOT NULL\n"
                            ")"),
             QStringLiteral("INSERT INTO new_quick_replies (id, category, channel, title, text)"
                            " SELECT id, category, channel, title, text FROM quick_replies"),
             // Carries on from the highest id there is: ids deleted from the top before this
             // version left no trace, so that much reuse could already have happened.
             QStringLiteral("DELETE FROM sqlite_sequence WHERE name = 'new_quick_replies'"),
             QStringLiteral("INSERT INTO sqlite_sequence (name, seq)"
                            " SELECT 'new_quick_replies', coalesce(max(id), 0) FROM quick_replies"),
             QStringLiteral("DROP TABLE quick_replies"),
             QStringLiteral("ALTER TABLE new_quick_replies RENAME TO quick_replies"),
             QStringLiteral("CREATE INDEX quick_replies_channel ON quick_replies(channel, category)"),
         }});
    // attachments references messages: rebuilt with foreign keys off, as in version 4.
    list.push_back(
        {7,
         QStringLiteral("message and journal ids given by the writer"),
         {
             QStringLiteral("CREATE TABLE id_marks (\n"
                            "    name TEXT PRIMARY KEY,\n"
                            "    last_id INTEGER NOT NULL CHECK (last_id >= 0)\n"
                            ") WITHOUT ROWID"),
             QStringLiteral(
                 "INSERT INTO id_marks (name, last_id)"
                 " SELECT name, seq FROM sqlite_sequence WHERE name IN ('messages', 'engine_events')"),
             QStringLiteral(
                 "CREATE TABLE new_messages (\n"
                 "    id INTEGER PRIMARY KEY,\n"
                 "    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
                 "    seq INTEGER NOT NULL CHECK (seq > 0),\n"
                 "    sender_kind TEXT NOT NULL\n"
                 "        CHECK (sender_kind = 'customer' OR sender_kind = 'agent' OR sender_kind = "
                 "'system'),\n"
                 "    sender_id TEXT NOT NULL DEFAULT '',\n"
                 "    kind TEXT NOT NULL\n"
                 "        CHECK (kind = 'text' OR kind = 'image' OR kind = 'file' OR kind = 'note'),\n"
                 "    body TEXT NOT NULL DEFAULT '',\n"
                 "    created_at INTEGER NOT NULL,\n"
                 "    edited_at INTEGER,\n"
                 "    UNIQUE (conversation_id, seq)\n"
                 ")"),
             QStringLiteral(
                 "INSERT INTO new_messages (id, conversation_id, seq, sender_kind, sender_id, kind,"
                 " body, created_at, edited_at)"
                 " SELECT id, conversation_id, seq, sender_kind, sender_id, kind, body, created_at,"
                 " edited_at FROM messages"),
             QStringLiteral("DROP TABLE messages"),
             QStringLiteral("ALTER TABLE new_messages RENAME TO messages"),
             QStringLiteral("CREATE TABLE new_engine_events (\n"
                            "    id INTEGER PRIMARY KEY,\n"
                            "    at INTEGER NOT NULL,\n"
                            "    type TEXT NOT NULL CHECK (type <> ''),\n"
                            "    payload TEXT NOT NULL\n"
                            ")"),
             QStringLiteral("INSERT INTO new_engine_events (id, at, type, payload)"
                            " SELECT id, at, type, payload FROM engine_events"),
             QStringLiteral("DROP TABLE engine_events"),
             QStringLiteral("ALTER TABLE new_engine_events RENAME TO engine_events"),
         },
         true});
    list.push_back({8,
                    QStringLiteral("surveys requested"),
                    {
                        QStringLiteral("ALTER TABLE conversations ADD COLUMN survey_requested_at INTEGER"),
                    }});
    return list;
}
} // namespace

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list = build();
    return list;
}

int latestVersion()
{
    return migrations().back().version;
}

} // namespace sb::schema
