// Who may see and act on what: an agent their own conversations, the queues of their groups and
// conversations they were invited to; a supervisor their team and every team below it; an admin
// everything. Customers are checked where they act (only their own conversation exists for them).

#include "coordinatorservice.h"

#include "storereader.h"

namespace sb {

QStringList CoordinatorService::groupsOf(const QString &agentId) const
{
    const auto a = m_engine->agent(agentId);
    return a ? a->groups : QStringList();
}

bool CoordinatorService::inSupervisorScope(const SessionState *s, const QString &agentId) const
{
    if (!s || s->role == Role::Agent || agentId.isEmpty())
        return false;
    if (s->role == Role::Admin)
        return true;
    const Account me = m_accounts.value(s->accountId);
    if (me.teamId.isEmpty())
        return false;
    // Walk up from the agent's team: in scope if the supervisor's team is on the way.
    QString team = m_accounts.value(agentId).teamId;
    for (int depth = 0; !team.isEmpty() && depth < 64; ++depth) {
        if (team == me.teamId)
            return true;
        team = m_teams.value(team).parentId;
    }
    return false;
}

bool CoordinatorService::canSeeConversation(const SessionState *s, const QString &id, bool *exists) const
{
    *exists = false;
    if (!isStaff(s))
        return false;
    if (const auto info = m_engine->conversation(id)) {
        *exists = true;
        if (s->role == Role::Admin || info->agent == s->accountId || info->invited.contains(s->accountId))
            return true;
        if (inSupervisorScope(s, info->agent))
            return true;
        if (info->state == ConversationInfo::Queued) {
            const QStringList mine = groupsOf(s->accountId);
            for (const QString &g : info->groups) {
                if (mine.contains(g))
                    return true;
            }
        }
        return false;
    }
    const auto row = m_reader->conversation(id);
    if (!row)
        return false;
    *exists = true;
    return s->role == Role::Admin || row->agentId == s->accountId || inSupervisorScope(s, row->agentId);
}

} // namespace sb
