#include "operations.h"

#include "protocol.h"

#include <QJsonArray>

namespace sb::protocol {

namespace {
constexpr qint64 kId = Limits::maxIdChars;
constexpr qint64 kName = Limits::maxNameChars;
constexpr qint64 kText = Limits::maxTextChars;
// Base64 up to the frame's size: the service decodes it and refuses a file over the limit in bytes,
// which says more than a count of base64 characters.
constexpr qint64 kData = Limits::maxFrameBytes;

// Code points: UTF-16 units less the second halves of surrogate pairs (a lone half counts as one).
qint64 characterCount(const QString &s)
{
    qint64 n = s.size();
    for (qsizetype i = 1; i < s.size(); ++i) {
        if (s.at(i).isLowSurrogate() && s.at(i - 1).isHighSurrogate()) {
            --n;
            ++i; // this pair is counted; the next unit starts afresh
        }
    }
    return n;
}

FieldSpec str(const char *name, bool required, qint64 max, qint64 min = 1)
{
    return {name, FieldType::String, required, min, max};
}
FieldSpec num(const char *name, bool required, qint64 min, qint64 max)
{
    return {name, FieldType::Integer, required, min, max};
}
FieldSpec flag(const char *name)
{
    return {name, FieldType::Boolean, false, 0, 1};
}
FieldSpec list(const char *name, bool required, qint64 maxItems)
{
    return {name, FieldType::StringArray, required, 0, maxItems};
}
FieldSpec obj(const char *name, bool required)
{
    return {name, FieldType::Object, required, 0, 0};
}
} // namespace

const std::vector<OperationSpec> &operations()
{
    static const std::vector<OperationSpec> ops = {
        {"hello",
         Audience::Anyone,
         {num("protocol", true, 1, 1000), str("client", false, kName)},
         "Announce the protocol version; the reply carries the server's version and limits."},
        {"auth.setup",
         Audience::Anyone,
         {str("login", true, kId), str("password", true, 1024, 12), str("displayName", true, kName),
          str("setupCode", false, 64)},
         "First run only: create the first admin account and sign in as it (from another machine than "
         "the coordinator's, with the setup code it printed when it started)."},
        {"auth.login",
         Audience::Anyone,
         {str("login", true, kId), str("password", true, 1024)},
         "Sign in; the reply carries a session token."},
        {"auth.resume",
         Audience::Anyone,
         {str("token", true, 256), num("lastSeq", false, 0, Q_INT64_C(9007199254740991))},
         "Resume a session after a reconnect; events after lastSeq are sent again, in order."},
        {"auth.logout", Audience::SignedIn, {}, "Revoke this session's token."},
        {"customer.start",
         Audience::Anyone,
         {str("channel", true, kId), str("name", false, kName, 0), str("externalId", false, kId),
          str("language", false, 16), str("token", false, 256)},
         "A customer (guest or identified) opens the chat; the reply carries a customer token."},
        {"customer.send",
         Audience::Customer,
         {str("text", false, kText, 0), list("attachments", false, 10)},
         "The customer writes (the first message opens a conversation)."},
        {"customer.history",
         Audience::Customer,
         {num("beforeSeq", false, 1, Q_INT64_C(9007199254740991)),
          num("limit", false, 1, Limits::maxPageSize)},
         "The customer's current conversation, newest page first."},
        {"survey.rate",
         Audience::Customer,
         {num("score", true, 1, 5), str("comment", false, kText, 0), str("conversation", false, kId)},
         "The customer rates a conversation of theirs (the one a survey.requested named; without "
         "it, the open one or else the latest) after a survey was sent."},
        {"status.set", Audience::Agent, {str("status", true, 16)}, "online, busy, away or offline."},
        {"inbox.snapshot",
         Audience::Agent,
         {},
         "My open conversations, the queues I can claim from, and my status."},
        {"conversation.history",
         Audience::Agent,
         {str("conversation", true, kId), num("beforeSeq", false, 1, Q_INT64_C(9007199254740991)),
          num("limit", false, 1, Limits::maxPageSize)},
         "Messages of a conversation in my scope, newest page first."},
        {"message.send",
         Audience::Agent,
         {str("conversation", true, kId), str("text", false, kText, 0), flag("note"),
          list("attachments", false, 10)},
         "A reply to the customer, or an internal note (note: true) the customer never sees."},
        {"attachment.upload",
         Audience::SignedIn,
         {str("name", true, kName), str("mime", true, kName), str("data", true, kData)},
         "Upload a file (base64); the reply's id is then sent with a message."},
        {"attachment.get", Audience::SignedIn, {str("id", true, kId)}, "Download an attachment in my scope."},
        {"conversation.claim",
         Audience::Agent,
         {str("conversation", true, kId)},
         "Take a waiting conversation from my queue."},
        {"conversation.transfer",
         Audience::Agent,
         {str("conversation", true, kId), str("toAgent", false, kId), str("toGroup", false, kId)},
         "Transfer to an agent or to a group (exactly one of the two)."},
        {"conversation.invite",
         Audience::Agent,
         {str("conversation", true, kId), str("expert", true, kId)},
         "Invite an expert to join the conversation."},
        {"conversation.close", Audience::Agent, {str("conversation", true, kId)}, "Close a conversation."},
        {"survey.send",
         Audience::Agent,
         {str("conversation", true, kId)},
         "Ask the customer to rate the conversation."},
        {"ticket.open",
         Audience::Agent,
         {str("customer", true, kId), str("channel", true, kId), flag("keep")},
         "Open a new ticket for an existing customer: routed, or kept (keep: true)."},
        {"quickreply.list",
         Audience::Agent,
         {str("channel", false, kId)},
         "Quick replies, by category, for a channel."},
        {"customer.profile",
         Audience::Agent,
         {str("customer", true, kId)},
         "A customer's profile (tags, VIP, owner) and previous tickets with who handled them."},
        {"directory.agents",
         Audience::Agent,
         {},
         "Agents with status, load and skills (the transfer picker)."},
        {"account.create",
         Audience::Admin,
         {str("login", true, kId), str("displayName", true, kName), str("role", true, 16),
          str("password", true, 1024, 12), str("team", false, kId), list("groups", false, 100),
          list("skills", false, 100), num("maxConcurrent", false, 0, 1000), flag("vipDedicated")},
         "Create an agent, supervisor or admin account."},
        {"account.update",
         Audience::Admin,
         {str("id", true, kId), str("displayName", false, kName), str("role", false, 16),
          str("team", false, kId, 0), list("groups", false, 100), list("skills", false, 100),
          num("maxConcurrent", false, 0, 1000), flag("disabled"), str("password", false, 1024, 12),
          flag("vipDedicated")},
         "Change an account: role, team (empty: none), groups, skills, cap, VIP-dedicated, display name, "
         "password; disabled or a new password ends its sessions."},
        {"group.create",
         Audience::Admin,
         {str("id", true, kId), str("name", true, kName), obj("hours", false)},
         "Create a skill group, optionally with working hours."},
        {"group.update",
         Audience::Admin,
         {str("id", true, kId), str("name", false, kName), obj("hours", false)},
         "Rename a skill group or change its working hours; what is left out stays."},
        {"team.create",
         Audience::Admin,
         {str("id", true, kId), str("name", true, kName), str("parent", false, kId)},
         "Create a team, at the root or under a parent team; supervisors oversee their team's subtree."},
        {"team.update",
         Audience::Admin,
         {str("id", true, kId), str("name", false, kName), str("parent", false, kId, 0)},
         "Rename a team or move it under another parent (empty: to the root); a move into its own subtree is "
         "refused."},
        {"team.delete",
         Audience::Admin,
         {str("id", true, kId)},
         "Delete a team that no account and no child team references."},
        {"quickreply.save",
         Audience::Admin,
         {num("id", false, 1, Q_INT64_C(9007199254740991)), str("category", true, kName),
          str("channel", false, kId), str("title", true, kName), str("text", true, kText)},
         "Create a quick reply (no id) or change one; an empty channel means every channel."},
        {"quickreply.delete",
         Audience::Admin,
         {num("id", true, 1, Q_INT64_C(9007199254740991))},
         "Delete a quick reply."},
    };
    return ops;
}

const OperationSpec *findOperation(const QString &name)
{
    for (const OperationSpec &spec : operations()) {
        if (name == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

QString toString(Audience audience)
{
    switch (audience) {
    case Audience::Anyone:
        return QStringLiteral("anyone");
    case Audience::SignedIn:
        return QStringLiteral("signed in");
    case Audience::Customer:
        return QStringLiteral("customer");
    case Audience::Agent:
        return QStringLiteral("agent");
    case Audience::Supervisor:
        return QStringLiteral("supervisor");
    case Audience::Admin:
        return QStringLiteral("admin");
    }
    return QString();
}

QString toString(FieldType type)
{
    switch (type) {
    case FieldType::String:
        return QStringLiteral("a string");
    case FieldType::Integer:
        return QStringLiteral("a whole number");
    case FieldType::Boolean:
        return QStringLiteral("true or false");
    case FieldType::Object:
        return QStringLiteral("an object");
    case FieldType::StringArray:
        return QStringLiteral("a list of strings");
    }
    return QString();
}

std::optional<ProtocolError> validate(const OperationSpec &spec, const Request &request)
{
    auto bad = [&](const QString &message) {
        return ProtocolError{ErrorCode::BadRequest,
                             QStringLiteral("%1: %2").arg(QLatin1String(spec.name), message), request.id};
    };
    for (const FieldSpec &f : spec.fields) {
        // Every request goes through here: nothing is allocated for a field that is right.
        const QLatin1String name(f.name);
        const RequestArgs::Field *v = request.args.find(name);
        if (!v || v->type == RequestArgs::Type::Null) {
            if (f.required)
                return bad(QStringLiteral("\"%1\" is required").arg(name));
            continue;
        }
        const auto wrongType = [&] {
            return bad(QStringLiteral("\"%1\" must be %2").arg(QString(name), toString(f.type)));
        };
        switch (f.type) {
        case FieldType::String: {
            if (v->type != RequestArgs::Type::String)
                return wrongType();
            // Characters as people count them: an emoji outside the BMP is one (two UTF-16 units).
            // A string has at least half as many characters as units, so most need no count.
            qint64 n = v->string.size();
            if (n > f.max || n < 2 * f.min)
                n = characterCount(v->string);
            if (n < f.min || n > f.max)
                return bad(QStringLiteral("\"%1\" must have %2 to %3 characters, not %4")
                               .arg(name)
                               .arg(f.min)
                               .arg(f.max)
                               .arg(n));
            break;
        }
        case FieldType::Integer: {
            const double d = v->number;
            if (v->type != RequestArgs::Type::Number || d != static_cast<double>(static_cast<qint64>(d)))
                return wrongType();
            if (d < static_cast<double>(f.min) || d > static_cast<double>(f.max))
                return bad(QStringLiteral("\"%1\" must be from %2 to %3").arg(name).arg(f.min).arg(f.max));
            break;
        }
        case FieldType::Boolean:
            if (v->type != RequestArgs::Type::Bool)
                return wrongType();
            break;
        case FieldType::Object:
            if (v->type != RequestArgs::Type::Object)
                return wrongType();
            break;
        case FieldType::StringArray: {
            if (v->type != RequestArgs::Type::Array)
                return wrongType();
            const QJsonArray a = v->json.toArray();
            if (a.size() > f.max)
                return bad(QStringLiteral("\"%1\" may hold at most %2 items").arg(name).arg(f.max));
            for (const QJsonValue &item : a) {
                if (!item.isString() || item.toString().isEmpty() || item.toString().size() > kId)
                    return bad(
                        QStringLiteral("\"%1\" must hold strings of 1 to %2 characters").arg(name).arg(kId));
            }
            break;
        }
        }
    }
    return std::nullopt;
}

} // namespace sb::protocol
