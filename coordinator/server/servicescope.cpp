// Who may see and act on what: an agent their own conversations, the queues of their groups and
// conversations they were invited to (closed ones too: the audit log keeps the invitation); a
// supervisor their team and every team below it; an admin everything. Customers are checked where
// they act (only their own conversation exists for them).

#include "coordinatorservice.h"

#include "storereader.h"

namespace sb {

namespace {
// How far back canSeeCustomer looks through a customer's conversations, newest first.
constexpr int kCustomerConversationsChecked = 200;
} // namespace

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

bool CoordinatorService::actsFor(const SessionState *s, const QString &agentId) const
{
    return s->role == Role::Admin || (!agentId.isEmpty() && agentId == s->accountId) ||
           inSupervisorScope(s, agentId);
}

bool CoordinatorService::canSeeConversation(const SessionState *s, const QString &id, bool *exists) const
{
    *exists = false;
    if (!isStaff(s))
        return false;
    if (const auto info = m_engine->conversation(id)) {
        *exists = true;
        if (actsFor(s, info->agent) || info->invited.contains(s->accountId))
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
    if (actsFor(s, row->agentId))
        return true;
    // The engine forgot its experts at the close; the audit log did not.
    return m_reader->wasInvited(id, s->accountId);
}

bool CoordinatorService::canSeeCustomer(const SessionState *s, const Customer &customer) const
{
    if (!isStaff(s))
        return false;
    if (actsFor(s, customer.ownerId))
        return true;
    bool exists = false;
    // The open conversation first: its row may not be committed yet.
    const QString open = m_openConversation.value(customer.id);
    if (!open.isEmpty() && canSeeConversation(s, open, &exists))
        return true;
    // Then the rows as they are (one query), each judged as canSeeConversation would, without a
    // query per row: live ones by the engine, closed ones by their agent; invitations to any of them
    // in one more query at the end.
    for (const Conversation &c :
         m_reader->customerConversations(customer.id, kCustomerConversationsChecked)) {
        if (c.id == open)
            continue;
        if (m_engine->conversation(c.id)) {
            if (canSeeConversation(s, c.id, &exists))
                return true;
        } else if (actsFor(s, c.agentId)) {
            return true;
        }
    }
    return m_reader->wasInvitedToCustomer(customer.id, s->accountId);
}

} // namespace sb
