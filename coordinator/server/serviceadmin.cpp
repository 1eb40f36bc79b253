// The minimal administration this issue needs: accounts, skill groups and the team tree. Full
// administration extends it in its own issue.

#include "coordinatorservice.h"

#include "enginejournal.h"
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>

namespace sb {

using protocol::ErrorCode;

void CoordinatorService::accountCreate(Call &call)
{
    const QString login = call.str("login").trimmed();
    const auto role =
        roleFromString(call.request.args.value(QLatin1String("role")).toString(QStringLiteral("agent")));
    if (!role) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("\"role\" must be agent, supervisor or admin"));
        return;
    }
    const QString team = call.str("team");
    if (!team.isEmpty() && !m_teams.contains(team)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(team));
        return;
    }
    const QStringList known = m_engine->groupIds();
    const QStringList groups = call.request.args.value(QLatin1String("groups")).toVariant().toStringList();
    for (const QString &g : groups) {
        if (!known.contains(g)) {
            fail(call, ErrorCode::NotFound, QStringLiteral("no group \"%1\"").arg(g));
            return;
        }
    }
    const QString existing = m_logins.value(login.toLower());
    // A seeded agent (no password yet) may be turned into a real account; anything else is taken.
    if (!existing.isEmpty() && m_accounts.value(existing).passwordHash != QLatin1String("!")) {
        fail(call, ErrorCode::Conflict, QStringLiteral("the login \"%1\" is taken").arg(login));
        return;
    }
    auto created = accountFromRequest(call, existing.isEmpty() ? login.toLower() : existing, *role);
    if (!created)
        return;
    Account &a = *created;
    a.teamId = team;
    AgentConfig agent;
    agent.id = a.id;
    agent.name = a.displayName;
    const auto current = m_engine->agent(a.id);
    agent.groups = call.request.args.contains(QLatin1String("groups")) || !current ? groups : current->groups;
    agent.skills = call.request.args.contains(QLatin1String("skills")) || !current
                       ? call.request.args.value(QLatin1String("skills")).toVariant().toStringList()
                       : current->skills;
    agent.maxConcurrent = static_cast<int>(call.num("maxConcurrent", current ? current->maxConcurrent : 5));
    agent.status = current ? current->status : AgentStatus::Offline;
    // The engine's input first, then the account: should a crash fall between the two commits, the
    // login is still free and the admin's retry completes it (the other way round the login would
    // be taken by an account the routing engine never heard of). A refused input leaves no account.
    const EngineResult r = feed(journal::agentUpsert(agent));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    saveAccount(a);
    reply(call, {{QLatin1String("id"), a.id},
                 {QLatin1String("login"), a.login},
                 {QLatin1String("displayName"), a.displayName},
                 {QLatin1String("role"), toString(a.role)},
                 {QLatin1String("team"), a.teamId},
                 {QLatin1String("groups"), QJsonArray::fromStringList(agent.groups)},
                 {QLatin1String("skills"), QJsonArray::fromStringList(agent.skills)},
                 {QLatin1String("maxConcurrent"), agent.maxConcurrent}});
}

void CoordinatorService::groupCreate(Call &call)
{
    GroupConfig g;
    g.id = call.str("id");
    g.name = call.str("name");
    const QJsonValue hours = call.request.args.value(QLatin1String("hours"));
    QString error;
    if (hours.isObject() && !WorkingHours::fromJson(hours.toObject(), &g.hours, &error)) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("\"hours\": %1").arg(error));
        return;
    }
    const EngineResult r = feed(journal::groupUpsert(g));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    reply(call, journal::toJson(g));
}

void CoordinatorService::teamCreate(Call &call)
{
    Team team;
    team.id = call.str("id");
    team.name = call.str("name").trimmed();
    team.parentId = call.str("parent");
    // Ids name teams in accounts and in supervisors' scope: no blanks around them, no look-alikes.
    if (team.id.trimmed() != team.id || team.name.isEmpty()) {
        fail(call, ErrorCode::BadRequest,
             QStringLiteral("\"id\" may not start or end with spaces, and \"name\" may not be blank"));
        return;
    }
    if (m_teams.contains(team.id)) {
        fail(call, ErrorCode::Conflict, QStringLiteral("the team \"%1\" exists").arg(team.id));
        return;
    }
    // The parent must exist already, so the tree cannot get a cycle through this operation.
    if (!team.parentId.isEmpty() && !m_teams.contains(team.parentId)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(team.parentId));
        return;
    }
    // In the directory at once, so a request right behind this one (an account in the team) sees it;
    // the store commits the rows in the same order. Should the commit fail, the team goes again.
    m_teams.insert(team.id, team);
    const QString id = team.id;
    m_writer->upsertTeam(team, track([this, id](const WriteResult &r) {
                             if (!r.ok)
                                 m_teams.remove(id);
                         }));
    reply(call, {{QLatin1String("id"), team.id},
                 {QLatin1String("name"), team.name},
                 {QLatin1String("parent"), team.parentId}});
}

} // namespace sb

namespace sb {

namespace {
bool quickReplyExists(StoreReader &reader, qint64 id)
{
    const QList<QuickReply> all = reader.quickReplies();
    return std::any_of(all.begin(), all.end(), [id](const QuickReply &q) { return q.id == id; });
}
} // namespace

void CoordinatorService::quickReplySave(Call &call)
{
    QuickReply r;
    r.id = call.num("id");
    r.category = call.str("category").trimmed();
    r.channel = call.str("channel");
    r.title = call.str("title").trimmed();
    r.text = call.str("text");
    if (r.category.isEmpty() || r.title.isEmpty() || r.text.trimmed().isEmpty()) {
        fail(call, ErrorCode::BadRequest,
             QStringLiteral("a quick reply needs a category, a title and a text"));
        return;
    }
    if (r.id != 0 && !quickReplyExists(*m_reader, r.id)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no quick reply %1").arg(r.id));
        return;
    }
    if (!r.channel.isEmpty() && !m_engine->channelIds().contains(r.channel)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no channel \"%1\"").arg(r.channel));
        return;
    }
    // The id of a new reply is the store's: the answer waits for the commit that assigns it.
    auto created = std::make_shared<qint64>(r.id);
    m_writer->upsertQuickReply(r, track([created](const WriteResult &w) {
                                   if (w.ok && w.id != 0)
                                       *created = w.id;
                               }));
    call.answered = true;
    ClientLink *link = call.link;
    const QJsonValue id = call.request.id;
    later([this, link, id, created](bool failed) {
        if (m_links.find(link) == m_links.end())
            return;
        link->send(
            failed ? protocol::encodeError(id, ErrorCode::Internal,
                                           QStringLiteral("the quick reply could not be saved; try again"))
                   : protocol::encodeResult(id, {{QLatin1String("id"), *created}}));
    });
}

void CoordinatorService::quickReplyDelete(Call &call)
{
    const qint64 id = call.num("id");
    if (!quickReplyExists(*m_reader, id)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no quick reply %1").arg(id));
        return;
    }
    m_writer->deleteQuickReply(id, track());
    reply(call, {{QLatin1String("id"), id}});
}

} // namespace sb
