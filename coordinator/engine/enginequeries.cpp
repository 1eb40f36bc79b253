// The engine's read-only views for hosts: the server's snapshots, the desk's pickers.

#include "routingengine.h"

namespace sb {

std::optional<AgentInfo> RoutingEngine::agent(const QString &id) const
{
    const int ai = m_agentIndex.value(id, -1);
    if (ai < 0)
        return std::nullopt;
    const Agent &a = m_agents[ai];
    AgentInfo info;
    info.id = a.id;
    info.name = a.name;
    info.status = a.status;
    info.maxConcurrent = a.cap;
    info.countedLoad = a.counted;
    info.openConversations = a.open;
    info.acceptedToday = a.acceptedToday;
    info.vipDedicated = a.vip;
    for (int gi : a.groups)
        info.groups << m_groups[gi].id;
    for (int s : a.skills.toList())
        info.skills << m_skillNames[s];
    return info;
}

QStringList RoutingEngine::agentIds() const
{
    QStringList ids;
    ids.reserve(static_cast<qsizetype>(m_agents.size()));
    for (const Agent &a : m_agents)
        ids << a.id;
    return ids;
}

QStringList RoutingEngine::groupIds() const
{
    QStringList ids;
    for (const Group &g : m_groups)
        ids << g.id;
    return ids;
}

std::optional<GroupConfig> RoutingEngine::groupConfig(const QString &id) const
{
    const int gi = m_groupIndex.value(id, -1);
    if (gi < 0)
        return std::nullopt;
    const Group &g = m_groups[gi];
    GroupConfig c;
    c.id = g.id;
    c.name = g.name;
    c.hours = g.hours;
    c.offHoursMessage = g.offHoursMessage;
    c.expectedResponseSeconds = g.expectedResponseSeconds;
    return c;
}

QStringList RoutingEngine::channelIds() const
{
    QStringList ids;
    for (const Channel &c : m_channels)
        ids << c.id;
    return ids;
}

QStringList RoutingEngine::groupMembers(const QString &group) const
{
    QStringList ids;
    const int gi = m_groupIndex.value(group, -1);
    if (gi < 0)
        return ids;
    for (int ai : m_groups[gi].members)
        ids << m_agents[ai].id;
    return ids;
}

QStringList RoutingEngine::conversationsOf(const QString &agent) const
{
    QStringList ids;
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return ids;
    for (int ci : m_agents[ai].conversations)
        ids << m_convs[ci].id;
    return ids;
}

QStringList RoutingEngine::invitationsOf(const QString &agent) const
{
    QStringList ids;
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return ids;
    for (const Conv &c : m_convs) {
        if (c.live && std::find(c.invited.begin(), c.invited.end(), ai) != c.invited.end())
            ids << c.id;
    }
    return ids;
}

} // namespace sb
