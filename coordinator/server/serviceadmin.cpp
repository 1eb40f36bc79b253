// Administration: accounts (create, update, disable), skill groups, the team tree (create, rename,
// move, delete) and quick replies.

#include "coordinatorservice.h"

#include "enginejournal.h"
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>
#include <QLoggingCategory>

namespace sb {

Q_DECLARE_LOGGING_CATEGORY(lcService)

using protocol::ErrorCode;

bool CoordinatorService::accountCreateAllowed(Call &call, QString *accountId)
{
    const QString login = call.str("login").trimmed();
    const QString team = call.str("team");
    if (!team.isEmpty() && !m_teams.contains(team)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(team));
        return false;
    }
    const QStringList known = m_engine->groupIds();
    const QStringList groups = call.request.args.value(QLatin1String("groups")).toVariant().toStringList();
    for (const QString &g : groups) {
        if (!known.contains(g)) {
            fail(call, ErrorCode::NotFound, QStringLiteral("no group \"%1\"").arg(g));
            return false;
        }
    }
    const QString existing = m_logins.value(login.toLower());
    // A seeded agent (no password yet) may be turned into a real account; anything else is taken.
    if (!existing.isEmpty() && m_accounts.value(existing).passwordHash != QLatin1String("!")) {
        fail(call, ErrorCode::Conflict, QStringLiteral("the login \"%1\" is taken").arg(login));
        return false;
    }
    *accountId = existing.isEmpty() ? login.toLower() : existing;
    return true;
}

void CoordinatorService::accountCreate(Call &call)
{
    // Read once: the request stays as it is while the password hashes; only the directory may change.
    const auto role =
        roleFromString(call.request.args.value(QLatin1String("role")).toString(QStringLiteral("agent")));
    if (!role) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("\"role\" must be agent, supervisor or admin"));
        return;
    }
    QString id;
    if (!accountCreateAllowed(call, &id))
        return;
    hashThen(call, [this, role = *role](Call &call, const QString &hash) {
        // Checked again: the team, a group or the login may have changed while the password hashed.
        QString id;
        if (!accountCreateAllowed(call, &id))
            return;
        auto created = accountFromRequest(call, id, role, hash);
        if (!created)
            return;
        Account &a = *created;
        a.teamId = call.str("team");
        AgentConfig agent;
        agent.id = a.id;
        agent.name = a.displayName;
        const auto current = m_engine->agent(a.id);
        const QStringList groups =
            call.request.args.value(QLatin1String("groups")).toVariant().toStringList();
        agent.groups =
            call.request.args.contains(QLatin1String("groups")) || !current ? groups : current->groups;
        agent.skills = call.request.args.contains(QLatin1String("skills")) || !current
                           ? call.request.args.value(QLatin1String("skills")).toVariant().toStringList()
                           : current->skills;
        agent.maxConcurrent =
            static_cast<int>(call.num("maxConcurrent", current ? current->maxConcurrent : 5));
        agent.status = current ? current->status : AgentStatus::Offline;
        // Asked for, or a seeded agent's from the site.
        agent.vipDedicated = call.request.args.contains(QLatin1String("vipDedicated"))
                                 ? call.flag("vipDedicated")
                                 : current && current->vipDedicated;
        // The engine's input first, then the account: should a crash fall between the two commits,
        // the login is still free and the admin's retry completes it (the other way round the login
        // would be taken by an account the routing engine never heard of). A refused input leaves
        // no account.
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
                     {QLatin1String("maxConcurrent"), agent.maxConcurrent},
                     {QLatin1String("vipDedicated"), agent.vipDedicated}});
    });
}

void CoordinatorService::groupCreate(Call &call)
{
    GroupConfig g;
    g.id = call.str("id");
    // Creating never changes a group that exists (group.update does): its name, hours and messages
    // stay as they are.
    if (m_engine->groupIds().contains(g.id)) {
        fail(call, ErrorCode::Conflict, QStringLiteral("the group \"%1\" exists").arg(g.id));
        return;
    }
    saveGroup(call, g);
}

void CoordinatorService::groupUpdate(Call &call)
{
    const auto current = m_engine->groupConfig(call.str("id"));
    if (!current) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no group \"%1\"").arg(call.str("id")));
        return;
    }
    saveGroup(call, *current);
}

void CoordinatorService::saveGroup(Call &call, GroupConfig g)
{
    // Fields the request leaves out stay as they are.
    if (call.request.args.contains(QLatin1String("name")))
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

bool CoordinatorService::leavesNoAdmin(const QString &accountId, Role role, bool disabled) const
{
    if (role == Role::Admin && !disabled)
        return false;
    return m_admins.isEmpty() || (m_admins.size() == 1 && m_admins.contains(accountId));
}

void CoordinatorService::accountUpdate(Call &call)
{
    if (!call.request.args.contains(QLatin1String("password"))) {
        applyAccountUpdate(call, QString());
        return;
    }
    // A new password (an administrator resetting a forgotten one): hashed on a worker first.
    hashThen(call, [this](Call &call, const QString &hash) {
        if (hash.isEmpty()) {
            fail(call, ErrorCode::Internal,
                 QStringLiteral("the password could not be hashed (out of memory?)"));
            return;
        }
        applyAccountUpdate(call, hash);
    });
}

void CoordinatorService::applyAccountUpdate(Call &call, const QString &hash)
{
    const QString id = call.str("id");
    const auto found = m_accounts.constFind(id);
    if (found == m_accounts.constEnd()) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no account \"%1\"").arg(id));
        return;
    }
    const protocol::RequestArgs &args = call.request.args;
    Account a = *found;
    if (args.contains(QLatin1String("role"))) {
        const auto role = roleFromString(call.str("role"));
        if (!role) {
            fail(call, ErrorCode::BadRequest, QStringLiteral("\"role\" must be agent, supervisor or admin"));
            return;
        }
        a.role = *role;
    }
    if (args.contains(QLatin1String("displayName"))) {
        a.displayName = call.str("displayName").trimmed();
        if (a.displayName.isEmpty()) {
            fail(call, ErrorCode::BadRequest, QStringLiteral("\"displayName\" may not be blank"));
            return;
        }
    }
    if (args.contains(QLatin1String("team"))) {
        a.teamId = call.str("team"); // empty: in no team
        if (!a.teamId.isEmpty() && !m_teams.contains(a.teamId)) {
            fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(a.teamId));
            return;
        }
    }
    if (args.contains(QLatin1String("disabled")))
        a.disabled = call.flag("disabled");
    // Nobody could administer the coordinator any more, and first-run setup would open again.
    if (leavesNoAdmin(a.id, a.role, a.disabled)) {
        fail(call, ErrorCode::Conflict,
             QStringLiteral("\"%1\" is the last enabled administrator; make another one first").arg(a.id));
        return;
    }
    const auto current = m_engine->agent(a.id);
    AgentConfig agent;
    agent.id = a.id;
    agent.name = a.displayName;
    agent.groups = current ? current->groups : QStringList();
    agent.skills = current ? current->skills : QStringList();
    agent.maxConcurrent = current ? current->maxConcurrent : 5;
    agent.status = current ? current->status : AgentStatus::Offline;
    agent.vipDedicated = current && current->vipDedicated;
    if (args.contains(QLatin1String("groups"))) {
        agent.groups = args.value(QLatin1String("groups")).toVariant().toStringList();
        const QStringList known = m_engine->groupIds();
        for (const QString &g : std::as_const(agent.groups)) {
            if (!known.contains(g)) {
                fail(call, ErrorCode::NotFound, QStringLiteral("no group \"%1\"").arg(g));
                return;
            }
        }
    }
    if (args.contains(QLatin1String("skills")))
        agent.skills = args.value(QLatin1String("skills")).toVariant().toStringList();
    agent.maxConcurrent = static_cast<int>(call.num("maxConcurrent", agent.maxConcurrent));
    if (args.contains(QLatin1String("vipDedicated")))
        agent.vipDedicated = call.flag("vipDedicated");
    // The engine's inputs first, then the account row (the same order as account.create). A disabled
    // agent goes offline as if they had chosen it, so the offline policy moves their conversations.
    const bool routingChanged = !current || current->name != agent.name || current->groups != agent.groups ||
                                current->skills != agent.skills ||
                                current->maxConcurrent != agent.maxConcurrent ||
                                current->vipDedicated != agent.vipDedicated;
    if (routingChanged) {
        const EngineResult r = feed(journal::agentUpsert(agent));
        if (!r.ok) {
            failEngine(call, r);
            return;
        }
    }
    if (a.disabled && current && current->status != AgentStatus::Offline) {
        const EngineResult r = feed(journal::agentStatus(a.id, AgentStatus::Offline));
        if (!r.ok) {
            failEngine(call, r);
            return;
        }
        statusEvents(a.id, AgentStatus::Offline);
    }
    if (!hash.isEmpty())
        a.passwordHash = hash;
    saveAccount(a);
    // Sessions carry the role they signed in with: they follow the change at once. A new password
    // ends the account's sessions too (whoever knew the old one is out).
    const auto [begin, end] = std::as_const(m_staffSessions).equal_range(a.id);
    QStringList revoked;
    for (auto it = begin; it != end; ++it) {
        it.value()->role = a.role;
        if (a.disabled || !hash.isEmpty())
            revoked << it.value()->tokenHash;
    }
    // Disabled: every session of theirs is revoked (those only in the store are refused on resume,
    // which checks the account). Their connections stay open, signed out, and are told so.
    for (const QString &token : std::as_const(revoked)) {
        m_writer->revokeSession(token, track());
        if (a.disabled)
            endSession(token, QStringLiteral("disabled"),
                       QStringLiteral("an administrator disabled this account"));
        else
            endSession(
                token, QStringLiteral("password-changed"),
                QStringLiteral("an administrator set a new password for this account; sign in with it"));
    }
    const auto after = m_engine->agent(a.id);
    reply(call, {{QLatin1String("id"), a.id},
                 {QLatin1String("login"), a.login},
                 {QLatin1String("displayName"), a.displayName},
                 {QLatin1String("role"), toString(a.role)},
                 {QLatin1String("team"), a.teamId},
                 {QLatin1String("disabled"), a.disabled},
                 {QLatin1String("status"), after ? toString(after->status) : QStringLiteral("offline")},
                 {QLatin1String("groups"), QJsonArray::fromStringList(agent.groups)},
                 {QLatin1String("skills"), QJsonArray::fromStringList(agent.skills)},
                 {QLatin1String("maxConcurrent"), agent.maxConcurrent},
                 {QLatin1String("vipDedicated"), agent.vipDedicated}});
}

void CoordinatorService::teamUpdate(Call &call)
{
    const QString id = call.str("id");
    const auto found = m_teams.constFind(id);
    if (found == m_teams.constEnd()) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(id));
        return;
    }
    const Team before = *found;
    Team team = before;
    if (call.request.args.contains(QLatin1String("name"))) {
        team.name = call.str("name").trimmed();
        if (team.name.isEmpty()) {
            fail(call, ErrorCode::BadRequest, QStringLiteral("\"name\" may not be blank"));
            return;
        }
    }
    if (call.request.args.contains(QLatin1String("parent"))) {
        team.parentId = call.str("parent"); // empty: to the root
        if (!team.parentId.isEmpty() && !m_teams.contains(team.parentId)) {
            fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(team.parentId));
            return;
        }
        // Under itself or under one of its own descendants, the tree would loop: supervisors'
        // scope walks up from a team to the root and must get there. Refused here, before the
        // write, with its own code (the store's writer applies the same rule only as a last guard).
        if (teamMoveMakesCycle(team.id, team.parentId,
                               [this](const QString &t) { return m_teams.value(t).parentId; })) {
            fail(call, ErrorCode::Cycle,
                 QStringLiteral("\"%1\" is inside \"%2\": moving it there would make a cycle")
                     .arg(team.parentId, team.id));
            return;
        }
    }
    // In the directory at once (scope follows the move on the next request), undone if the write fails.
    m_teams.insert(team.id, team);
    m_writer->upsertTeam(team, track([this, before](const WriteResult &r) {
                             if (!r.ok)
                                 m_teams.insert(before.id, before);
                         }));
    reply(call, {{QLatin1String("id"), team.id},
                 {QLatin1String("name"), team.name},
                 {QLatin1String("parent"), team.parentId}});
}

void CoordinatorService::teamDelete(Call &call)
{
    const QString id = call.str("id");
    if (!m_teams.contains(id)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no team \"%1\"").arg(id));
        return;
    }
    // Nothing may be left pointing at it: accounts (disabled ones too) and child teams must move first.
    QStringList members;
    for (const Account &a : std::as_const(m_accounts)) {
        if (a.teamId == id)
            members << a.id;
    }
    QStringList children;
    for (const Team &t : std::as_const(m_teams)) {
        if (t.parentId == id)
            children << t.id;
    }
    if (!members.isEmpty() || !children.isEmpty()) {
        members.sort();
        children.sort();
        fail(call, ErrorCode::InUse,
             QStringLiteral("team \"%1\" still has %2 account(s) [%3] and %4 child team(s) [%5]")
                 .arg(id)
                 .arg(members.size())
                 .arg(members.join(QLatin1String(", ")))
                 .arg(children.size())
                 .arg(children.join(QLatin1String(", "))));
        return;
    }
    // Out of the directory at once (a request right behind this one cannot name it), back if the
    // store refuses: its foreign keys are the last word on whether anything still names the team.
    const Team gone = m_teams.take(id);
    m_writer->deleteTeam(id, track([this, gone](const WriteResult &r) {
                             if (!r.ok)
                                 m_teams.insert(gone.id, gone);
                         }));
    reply(call, {{QLatin1String("id"), id}});
}

void CoordinatorService::dropLegacyDeletedTeams()
{
    // Builds before StoreWriter::deleteTeam kept deleted teams' rows and listed their ids in this
    // setting. The rows go now, and the setting with them, so the store alone says which teams
    // exist. A row the store refuses to delete (something still names it) stays a team.
    const QString key = QStringLiteral("teams.deleted");
    const auto stored = m_reader->setting(key);
    if (!stored)
        return;
    for (const QJsonValue &v : stored->toArray()) {
        const QString id = v.toString();
        if (!m_teams.contains(id))
            continue;
        const Team gone = m_teams.take(id);
        m_writer->deleteTeam(id, [this, gone](const WriteResult &r) {
            if (r.ok)
                return;
            qCWarning(lcService).noquote()
                << QStringLiteral("team %1, deleted by an older build, is still named: kept (%2)")
                       .arg(gone.id, r.error);
            m_teams.insert(gone.id, gone);
        });
    }
    m_writer->deleteSetting(key);
    // Before the first request: the directory is settled (a refused delete put back) when it is served.
    m_writer->flush(30000);
}

} // namespace sb

namespace sb {

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
    if (!r.channel.isEmpty() && !m_engine->channelIds().contains(r.channel)) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no channel \"%1\"").arg(r.channel));
        return;
    }
    writeQuickReply(call, r.id, [this, r](StoreWriter::Completion done) {
        m_writer->upsertQuickReply(r, std::move(done));
    });
}

void CoordinatorService::quickReplyDelete(Call &call)
{
    const qint64 id = call.num("id");
    writeQuickReply(call, id, [this, id](StoreWriter::Completion done) {
        m_writer->deleteQuickReply(id, std::move(done));
    });
}

void CoordinatorService::writeQuickReply(Call &call, qint64 id,
                                         const std::function<void(StoreWriter::Completion)> &write)
{
    // Whether the reply named exists is the store's word: its writer answers not-found. That is the
    // request's mistake, not a failed write (nothing was to be written, the round goes on as if
    // committed), and the call is answered not-found. The answer waits for the commit in any case:
    // it gives a new reply its id.
    auto outcome = std::make_shared<WriteResult>();
    const auto tracked = track();
    write([outcome, tracked](const WriteResult &w) {
        *outcome = w;
        tracked(!w.ok && w.code == QLatin1String("not-found") ? WriteResult() : w);
    });
    call.answered = true;
    ClientLink *link = call.link;
    const quint64 serial = call.linkSerial;
    const QJsonValue requestId = call.request.id;
    const QString op = call.request.op;
    later([this, link, serial, requestId, op, id, outcome](bool failed) {
        if (!linkAlive(link, serial))
            return;
        if (failed || !outcome->ok)
            ++m_stats.errors;
        if (failed)
            link->send(protocol::encodeError(requestId, ErrorCode::Internal,
                                             QStringLiteral("\"%1\" could not be saved; try again").arg(op)));
        else if (!outcome->ok)
            link->send(protocol::encodeError(requestId, ErrorCode::NotFound,
                                             QStringLiteral("no quick reply %1").arg(id)));
        else
            link->send(protocol::encodeResult(requestId,
                                              {{QLatin1String("id"), outcome->id != 0 ? outcome->id : id}}));
    });
}

} // namespace sb
