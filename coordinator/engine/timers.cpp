// The engine's timers: reply timeout, customer inactivity, perfect-skill wait, working-hour
// changes and local midnight. Cancelled timers stay in the heap and are ignored when they fire
// (their generation no longer matches).
#include "routingengine.h"

#include <QDateTime>
#include <algorithm>

namespace sb {

void RoutingEngine::advance()
{
    const qint64 target = m_clock.nowMs();
    while (!m_timers.empty() && m_timers.top().due <= target) {
        const Timer t = m_timers.top();
        m_timers.pop();
        m_now = std::max(m_now, t.due);
        fire(t);
    }
    m_now = std::max(m_now, target);
}

void RoutingEngine::tick() { advance(); }

qint64 RoutingEngine::nextTimerMs() const { return m_timers.empty() ? -1 : m_timers.top().due; }

void RoutingEngine::schedule(qint64 due, TimerKind kind, int target, quint32 serial, quint32 gen)
{
    m_timers.push({due, ++m_timerSeq, kind, target, serial, gen});
}

void RoutingEngine::fire(const Timer &t)
{
    switch (t.kind) {
    case TimerKind::Reply:
    case TimerKind::Inactivity:
    case TimerKind::Widen: {
        if (t.target < 0 || t.target >= static_cast<int>(m_convs.size()))
            return;
        const Conv &c = m_convs[t.target];
        if (!c.live || c.serial != t.serial)
            return;
        if (t.kind == TimerKind::Reply && t.gen == c.replyGen)
            onReplyTimeout(t.target);
        else if (t.kind == TimerKind::Inactivity && t.gen == c.idleGen)
            closeConversation(t.target, Reason::CustomerInactive, QString());
        else if (t.kind == TimerKind::Widen && t.gen == c.widenGen)
            onWaitExceeded(t.target);
        return;
    }
    case TimerKind::Hours:
        if (t.gen == m_groups[t.target].hoursGen)
            onHoursChange(t.target);
        return;
    case TimerKind::Midnight:
        if (t.gen == m_midnightGen)
            onMidnight();
        return;
    }
}

void RoutingEngine::startReplyTimer(Conv &c)
{
    ++c.replyGen;
    if (m_settings.replyTimeoutSeconds <= 0 || c.agent < 0 || !c.awaitingFirstReply)
        return;
    schedule(m_now + m_settings.replyTimeoutSeconds * 1000LL, TimerKind::Reply, c.key.conv, c.serial, c.replyGen);
}

void RoutingEngine::startInactivityTimer(Conv &c)
{
    ++c.idleGen;
    if (m_settings.autoCloseMinutes <= 0)
        return;
    schedule(m_now + m_settings.autoCloseMinutes * 60000LL, TimerKind::Inactivity, c.key.conv, c.serial, c.idleGen);
}

void RoutingEngine::startWidenTimer(Conv &c)
{
    ++c.widenGen;
    if (c.required.isEmpty() || c.widened || c.maxWaitSeconds <= 0 || c.strategy == Strategy::Manual || c.waitFrom < 0)
        return;
    const qint64 due = std::max(m_now, c.waitFrom + c.maxWaitSeconds * 1000LL);
    schedule(due, TimerKind::Widen, c.key.conv, c.serial, c.widenGen);
}

void RoutingEngine::onReplyTimeout(int ci)
{
    Conv &c = m_convs[ci];
    if (c.state != Conv::Assigned || !c.awaitingFirstReply)
        return;
    const int from = c.agent;
    c.timedOut.push_back(from);
    release(ci);
    route(ci, DecisionKind::Reassigned, Reason::ReplyTimeout, from, false);
    drainForAgent(from);
}

void RoutingEngine::onWaitExceeded(int ci)
{
    Conv &c = m_convs[ci];
    if (c.state != Conv::Queued || c.widened)
        return;
    if (std::none_of(c.groups.begin(), c.groups.end(), [&](int gi) { return m_groups[gi].open; })) {
        // Nobody could have answered: the wait resumes, from zero, when a target group opens.
        c.waitFrom = -1;
        return;
    }
    const bool head = c.key.head;
    dequeue(ci, false);
    c.widened = true;
    Decision d = draft(DecisionKind::Widened, Reason::WaitExceeded, c);
    QStringList skills;
    for (int s : c.required.toList())
        skills << m_skillNames[s];
    d.detail = QStringLiteral("no perfect match for %1 within %2 s").arg(skills.join(QLatin1String(", "))).arg(c.maxWaitSeconds);
    emitDecision(d);
    c.key.head = head;
    route(ci, DecisionKind::Assigned, Reason::SkillsWidened, -1, false);
}

void RoutingEngine::scheduleHours(int gi)
{
    Group &g = m_groups[gi];
    ++g.hoursGen;
    const qint64 next = g.hours.nextChange(m_now);
    if (next > 0)
        schedule(next, TimerKind::Hours, gi, 0, g.hoursGen);
}

void RoutingEngine::onHoursChange(int gi)
{
    Group &g = m_groups[gi];
    g.open = g.hours.isOpen(m_now);
    scheduleHours(gi);
    if (!g.open)
        return;
    std::vector<int> paused;
    for (const auto &bucket : g.buckets) {
        bucket.second.forEach([&](const QueueKey &k) {
            if (m_convs[k.conv].waitFrom < 0)
                paused.push_back(k.conv);
            return true;
        });
    }
    for (int ci : paused) {
        m_convs[ci].waitFrom = m_now;
        startWidenTimer(m_convs[ci]);
    }
    drainGroup(gi);
}

void RoutingEngine::scheduleMidnight()
{
    ++m_midnightGen;
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(m_now, m_siteZone);
    const qint64 next = QDateTime(local.date().addDays(1), QTime(0, 0), m_siteZone).toMSecsSinceEpoch();
    schedule(next, TimerKind::Midnight, 0, 0, m_midnightGen);
}

void RoutingEngine::onMidnight()
{
    for (std::size_t ai = 0; ai < m_agents.size(); ++ai) {
        unindex(static_cast<int>(ai));
        m_agents[ai].acceptedToday = 0;
        index(static_cast<int>(ai));
    }
    scheduleMidnight();
}

} // namespace sb
