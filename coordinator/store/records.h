#pragma once
// The rows the coordinator keeps, as plain values: what the store's writer accepts and its reader
// returns. The store knows nothing of the routing engine; the server translates between the two.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace sb {

enum class Role { Agent, Supervisor, Admin };
enum class ConversationState { Queued, Unmatched, Assigned, Closed };
enum class SenderKind { Customer, Agent, System };
enum class MessageKind { Text, Image, File, Note };

QString toString(Role role);
QString toString(ConversationState state);
QString toString(SenderKind kind);
QString toString(MessageKind kind);
std::optional<Role> roleFromString(QStringView text);
std::optional<ConversationState> conversationStateFromString(QStringView text);
std::optional<SenderKind> senderKindFromString(QStringView text);
std::optional<MessageKind> messageKindFromString(QStringView text);

// Times are milliseconds since the Unix epoch, UTC. An empty string stands for "none" (NULL).

struct Team
{
    QString id;
    QString name;
    QString parentId; // empty: a root team
};

// Whether making `parent` the parent of team `team` would close a loop in the tree: the parent is
// the team itself or lies below it, found by walking up from the parent. `parentOf` gives a team's
// parent (empty at a root and for an unknown team). The tree's one rule, in one place: the service
// applies it to refuse a move with `cycle` before anything is written, and the store's writer again
// on its own rows as a last guard.
bool teamMoveMakesCycle(const QString &team, const QString &parent,
                        const std::function<QString(const QString &)> &parentOf);

struct Account
{
    QString id;    // the agent id the routing engine uses
    QString login; // unique, compared case-insensitively
    QString displayName;
    Role role = Role::Agent;
    QString teamId;
    QString passwordHash; // an encoded Argon2id string; never the password
    qint64 createdAt = 0;
    bool disabled = false;
};

struct Session
{
    QString tokenHash; // a hash of the bearer token: a stolen database does not yield live tokens
    QString accountId; // a staff session, or (empty)
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
    bool revoked = false;
    QString customerId; // a customer's: exactly one of accountId and customerId is set
};

struct Customer
{
    QString id;
    QString name;
    QStringList tags;
    bool vip = false;
    QString language;
    QString ownerId;    // the owning agent's account id
    QString externalId; // CRM id; empty for a guest
    qint64 createdAt = 0;
};

struct Conversation
{
    QString id;
    QString customerId;
    QString channel;
    ConversationState state = ConversationState::Queued;
    QString agentId;
    QString rule;
    QStringList groups; // the target groups, in the rule's order
    qint64 createdAt = 0;
    qint64 closedAt = 0;          // 0 while open
    int satisfaction = 0;         // 1..5, 0 = not rated
    qint64 surveyRequestedAt = 0; // when survey.send first asked for a rating; 0 = never
};

struct Attachment
{
    QString name;
    QString mime;
    qint64 size = 0;
    QByteArray data; // stored inline, or
    QString path;    // stored as a file by the server
};

struct Message
{
    qint64 id = 0; // assigned by the store, never reused
    QString conversationId;
    qint64 seq = 0; // 1, 2, 3... within the conversation, assigned by the store
    SenderKind senderKind = SenderKind::Customer;
    QString senderId;
    MessageKind kind = MessageKind::Text;
    QString body;
    std::optional<Attachment> attachment; // history queries leave `data` empty: see StoreReader
    qint64 createdAt = 0;
    qint64 editedAt = 0; // 0: never edited
};

// One entry of the routing audit log: a decision the engine made, as the server rendered it.
struct DecisionRecord
{
    qint64 seq = 0; // the engine's decision sequence number; 0 lets the store number it
    qint64 at = 0;
    QString kind;
    QString conversationId;
    QString agentId;
    QString fromAgentId;
    QString reason;
    QString detail;
    QJsonObject explanation; // candidates and their verdicts
};

// One input event of the routing engine; replaying them in id order rebuilds the engine's state.
struct EngineEvent
{
    qint64 id = 0; // assigned by the store, strictly increasing
    qint64 at = 0;
    QString type;
    QJsonObject payload;
    // The payload already as JSON text (an object), written as it is instead of `payload`: the
    // service encodes its most frequent input straight to text. The store reads back `payload`.
    QByteArray payloadJson;
};

// The routing engine's saved state (RoutingEngine::saveState) at a point of the journal: a restart
// restores it and replays only the engine events after journalId.
struct EngineSnapshot
{
    qint64 journalId = 0; // the last engine_events row it covers; assigned by the store's writer
    qint64 at = 0;        // when it was taken
    int format = 0;       // the engine's state format, to skip another build's without reading it
    QByteArray state;
};

struct QuickReply
{
    qint64 id = 0; // 0 creates a new one
    QString category;
    QString channel; // empty: every channel
    QString title;
    QString text;
};

// JSON values as stored in TEXT columns. QJsonDocument only holds objects and arrays, so a bare value
// (a setting may be a number or a string) goes through a one-element array.
QByteArray toJsonText(const QJsonValue &value);
std::optional<QJsonValue> jsonFromText(const QByteArray &text);

} // namespace sb

namespace sb {

// What became of one write: delivered to its completion callback only after the commit that made it
// durable (or after it failed).
struct WriteResult
{
    bool ok = true;
    QString code;   // stable on failure: invalid, not-found, conflict, io, closed
    QString error;  // readable: names the row and what was wrong
    qint64 id = 0;  // the row the write created: message id, decision seq, engine event id, quick reply id
    qint64 seq = 0; // a message's sequence number within its conversation (and a decision's seq)

    static WriteResult failure(const QString &code, const QString &error)
    {
        return {false, code, error, 0, 0};
    }
};

} // namespace sb
