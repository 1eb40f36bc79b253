// Presence: an agent is reachable while a desk of theirs is connected. A desk that vanishes without
// saying "offline" (closed lid, lost network, crash) would otherwise stay online for routing forever
// and customers would wait on nobody until the reply timeout. A short grace lets a desk reconnect
// and resume without the agent losing their conversations.

#include "coordinatorservice.h"

#include "enginejournal.h"

#include <QLoggingCategory>

namespace sb {

Q_DECLARE_LOGGING_CATEGORY(lcService)

bool CoordinatorService::hasConnectedSession(const QString &accountId) const
{
    const auto [begin, end] = m_staffSessions.equal_range(accountId);
    for (auto it = begin; it != end; ++it) {
        if (it.value()->link)
            return true;
    }
    return false;
}

void CoordinatorService::presenceChanged(const QString &accountId)
{
    if (accountId.isEmpty() || !m_engine)
        return;
    if (hasConnectedSession(accountId)) {
        dropPresenceDeadline(accountId);
        return;
    }
    const auto agent = m_engine->agent(accountId);
    if (!agent || agent->status == AgentStatus::Offline || m_presenceDeadlines.contains(accountId))
        return;
    const qint64 deadline = m_liveClock.nowMs() + m_options.presenceGraceMs;
    m_presenceDeadlines.insert(accountId, deadline);
    m_presenceByTime.emplace(deadline, accountId);
    scheduleTick();
}

void CoordinatorService::dropPresenceDeadline(const QString &accountId)
{
    const auto it = m_presenceDeadlines.constFind(accountId);
    if (it == m_presenceDeadlines.constEnd())
        return;
    m_presenceByTime.erase({it.value(), accountId});
    m_presenceDeadlines.erase(it);
}

void CoordinatorService::startPresenceGraces()
{
    // The journal restores statuses as they were; the desks behind them are gone with the old
    // process. Each gets the same grace as a dropped connection, counted from now.
    for (const QString &id : m_engine->agentIds())
        presenceChanged(id);
}

qint64 CoordinatorService::nextPresenceDeadline() const
{
    return m_presenceByTime.empty() ? -1 : m_presenceByTime.begin()->first;
}

void CoordinatorService::expirePresence()
{
    Q_ASSERT(m_round);
    const qint64 now = m_liveClock.nowMs();
    QStringList due;
    for (auto it = m_presenceByTime.begin(); it != m_presenceByTime.end() && it->first <= now; ++it)
        due << it->second;
    due.sort(); // by account, so the journal reads the same whatever the deadlines' order
    for (const QString &id : std::as_const(due)) {
        dropPresenceDeadline(id);
        const auto agent = m_engine->agent(id);
        if (!agent || agent->status == AgentStatus::Offline || hasConnectedSession(id))
            continue;
        // Exactly what status.set offline does: journaled, the offline policy applied by the engine.
        const EngineResult r = feed(journal::agentStatus(id, AgentStatus::Offline));
        if (!r.ok) {
            qCWarning(lcService).noquote() << "presence: could not set" << id << "offline:" << r.message;
            continue;
        }
        qCInfo(lcService).noquote() << "presence:" << id << "had no connected desk for"
                                    << m_options.presenceGraceMs / 1000 << "s: set offline";
        statusEvents(id, AgentStatus::Offline);
    }
}

void CoordinatorService::statusEvents(const QString &accountId, AgentStatus status)
{
    // Their own desks, and the floor: supervisors above them and admins, whose directory shows it.
    const QJsonObject data{{QLatin1String("agent"), accountId}, {QLatin1String("status"), toString(status)}};
    pushToAccount(accountId, QStringLiteral("agent.status"), data);
    pushToOverseers({accountId}, QStringLiteral("agent.status"), data);
    for (const QString &admin : std::as_const(m_admins)) {
        if (admin != accountId)
            pushToAccount(admin, QStringLiteral("agent.status"), data);
    }
}

} // namespace sb
