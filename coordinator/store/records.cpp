#include "records.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <array>

namespace sb {

namespace {
template<typename Enum, std::size_t N>
std::optional<Enum> lookup(QStringView text, const std::pair<Enum, const char *> (&names)[N])
{
    for (const auto &[value, name] : names) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

// The writer binds these for every message: spelled once, each use is a reference count, not an
// allocation and a conversion. One table per enumeration, so one set of strings per instance.
template<typename Enum, std::size_t N>
QString nameOf(Enum value, const std::pair<Enum, const char *> (&names)[N])
{
    static const std::array<QString, N> spelled = [&names] {
        std::array<QString, N> out;
        for (std::size_t i = 0; i < N; ++i)
            out[i] = QString::fromLatin1(names[i].second);
        return out;
    }();
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i].first == value)
            return spelled[i];
    }
    return QString();
}

// These spellings are stored in the database (and checked by its CHECK constraints): never rename one.
const std::pair<Role, const char *> kRoles[] = {
    {Role::Agent, "agent"}, {Role::Supervisor, "supervisor"}, {Role::Admin, "admin"}};
const std::pair<ConversationState, const char *> kStates[] = {{ConversationState::Queued, "queued"},
                                                              {ConversationState::Unmatched, "unmatched"},
                                                              {ConversationState::Assigned, "assigned"},
                                                              {ConversationState::Closed, "closed"}};
const std::pair<SenderKind, const char *> kSenders[] = {
    {SenderKind::Customer, "customer"}, {SenderKind::Agent, "agent"}, {SenderKind::System, "system"}};
const std::pair<MessageKind, const char *> kKinds[] = {{MessageKind::Text, "text"},
                                                       {MessageKind::Image, "image"},
                                                       {MessageKind::File, "file"},
                                                       {MessageKind::Note, "note"}};
} // namespace

bool teamMoveMakesCycle(const QString &team, const QString &parent,
                        const std::function<QString(const QString &)> &parentOf)
{
    // A chain that loops without passing through `team` (a tree already broken) ends the walk too,
    // instead of running forever; this move does not make that loop.
    QSet<QString> seen;
    for (QString up = parent; !up.isEmpty(); up = parentOf(up)) {
        if (up == team)
            return true;
        if (seen.contains(up))
            return false;
        seen.insert(up);
    }
    return false;
}

QString toString(Role role)
{
    return nameOf(role, kRoles);
}
QString toString(ConversationState state)
{
    return nameOf(state, kStates);
}
QString toString(SenderKind kind)
{
    return nameOf(kind, kSenders);
}
QString toString(MessageKind kind)
{
    return nameOf(kind, kKinds);
}
std::optional<Role> roleFromString(QStringView text)
{
    return lookup(text, kRoles);
}
std::optional<ConversationState> conversationStateFromString(QStringView text)
{
    return lookup(text, kStates);
}
std::optional<SenderKind> senderKindFromString(QStringView text)
{
    return lookup(text, kSenders);
}
std::optional<MessageKind> messageKindFromString(QStringView text)
{
    return lookup(text, kKinds);
}

QByteArray toJsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

std::optional<QJsonValue> jsonFromText(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

} // namespace sb
