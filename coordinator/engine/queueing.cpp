// Assignment, the waiting queues, draining them when capacity frees, and wait estimates.
#include "routingengine.h"

#include <algorithm>

namespace sb {

namespace {
constexpr qint64 kEstimateWindowMs = 15 * 60 * 1000;
constexpr std::size_t kEstimateSamples = 512;
bool contains(const std::vector<int> &v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}
} // namespace

bool RoutingEngine::route(int ci, DecisionKind kindOnSuccess, Reason contextReason, int fromAgent,
                          bool fromQueue)
{
    Conv &c = m_convs[ci];
    Decision d = draft(kindOnSuccess, Reason::NoEligibleAgent, c);
    if (fromAgent >= 0)
        d.fromAgent = m_agents[fromAgent].id;
    const int winner = select(c, &d);
    if (winner >= 0) {
        if (fromQueue)
            dequeue(ci, true);
        assign(ci, winner, true);
        const Agent &a = m_agents[winner];
        d.agent = a.id;
        d.fromQueue = fromQueue;
        if (kindOnSuccess != DecisionKind::Assigned) {
            // Reassignments and group transfers keep their cause as the reason.
            d.detail = toString(d.reason) + QLatin1String(", ") + d.detail;
            d.reason = contextReason;
        }
        d.notice.kind = CustomerNotice::Assigned;
        d.notice.agentName = a.name;
        for (int gi : c.groups) {
            if (contains(a.groups, gi)) {
                d.notice.expectedResponseSeconds = m_groups[gi].expectedResponseSeconds;
                break;
            }
        }
        emitDecision(d);
        return true;
    }
    if (fromQueue)
        return false; // still waiting where it was
    if (kindOnSuccess == DecisionKind::Reassigned) {
        d.detail = toString(d.reason);
        placeInQueue(ci, DecisionKind::Requeued, contextReason, d, true);
    } else if (d.reason == Reason::AllGroupsClosed) {
        placeInQueue(ci, DecisionKind::OffHours, Reason::AllGroupsClosed, d, c.key.head);
    } else {
        placeInQueue(ci, DecisionKind::Queued, d.reason, d, c.key.head);
    }
    return false;
}

void RoutingEngine::placeInQueue(int ci, DecisionKind kind, Reason reason, Decision &d, bool head)
{
    Conv &c = m_convs[ci];
    d.kind = kind;
    d.reason = reason;
    if (c.groups.empty()) {
        // No target group (a ticket kept without a matching rule, or an unmatched conversation
        // handed to an agent, now taken back): no group queue can hold it, so it returns to the
        // unmatched queue, where a person assigns it, and the admins are told.
        c.state = Conv::Unmatched;
        c.key.head = head;
        c.key.conv = ci;
        m_unmatched.insert(c.key);
        const QueueStatus q = statusOf(c);
        d.notifyAdmins = true;
        d.notice.kind = CustomerNotice::Queued;
        d.notice.queuePosition = q.position;
        d.notice.estimatedWaitMs = q.estimatedWaitMs;
        emitDecision(d);
        return;
    }
    enqueue(ci, head);
    const QueueStatus q = statusOf(c);
    d.notice.queuePosition = q.position;
    d.notice.estimatedWaitMs = q.estimatedWaitMs;
    d.notice.kind = CustomerNotice::Queued;
    if (kind == DecisionKind::OffHours) {
        d.notice.kind = CustomerNotice::OffHours;
        for (int gi : c.groups) {
            if (!m_groups[gi].offHoursMessage.isEmpty()) {
                d.notice.offHoursMessage = m_groups[gi].offHoursMessage;
                break;
            }
        }
    }
    emitDecision(d);
}

void RoutingEngine::assign(int ci, int ai, bool counted)
{
    Conv &c = m_convs[ci];
    Agent &a = m_agents[ai];
    const int oldOpen = a.open, oldAccepted = a.acceptedToday;
    const quint64 oldLast = a.lastAssign;
    ++a.open;
    if (counted)
        ++a.counted;
    ++a.acceptedToday;
    a.lastAssign = ++m_assignSeq;
    a.conversations.push_back(ci);
    reindexLoad(ai, oldOpen, oldAccepted, oldLast);
    c.state = Conv::Assigned;
    c.agent = ai;
    c.lastAgent = ai;
    c.counted = counted;
    c.excluded = -1;
    ++c.widenGen;
    c.awaitingFirstReply = c.hasCustomerMessage;
    startReplyTimer(c);
}

void RoutingEngine::release(int ci)
{
    Conv &c = m_convs[ci];
    const int ai = c.agent;
    if (ai < 0)
        return;
    Agent &a = m_agents[ai];
    const int oldOpen = a.open;
    --a.open;
    if (c.counted)
        --a.counted;
    a.conversations.erase(std::remove(a.conversations.begin(), a.conversations.end(), ci),
                          a.conversations.end());
    reindexLoad(ai, oldOpen, a.acceptedToday, a.lastAssign);
    c.agent = -1;
    c.counted = false;
    c.awaitingFirstReply = false;
    ++c.replyGen;
    c.state = Conv::Routing;
}

int RoutingEngine::bucketFor(const Conv &c) const
{
    return (c.widened ? 0 : c.skillSet) * 2 + (c.strategy == Strategy::Manual ? 1 : 0);
}

void RoutingEngine::enqueue(int ci, bool head)
{
    Conv &c = m_convs[ci];
    c.state = Conv::Queued;
    c.key.head = head;
    c.key.conv = ci;
    const int bucket = bucketFor(c);
    for (int gi : c.groups)
        m_groups[gi].buckets[bucket].insert(c.key);
    startWidenTimer(c);
}

void RoutingEngine::dequeue(int ci, bool served)
{
    Conv &c = m_convs[ci];
    if (c.state == Conv::Unmatched) {
        m_unmatched.erase(c.key);
    } else if (c.state == Conv::Queued) {
        const int bucket = bucketFor(c);
        for (int gi : c.groups) {
            Group &g = m_groups[gi];
            auto it = g.buckets.find(bucket);
            if (it != g.buckets.end()) {
                it->second.erase(c.key);
                if (it->second.empty())
                    g.buckets.erase(it);
            }
            if (served) {
                g.served.push_back(m_now);
                while (g.served.size() > kEstimateSamples ||
                       (g.served.size() > 1 && g.served.front() < m_now - kEstimateWindowMs))
                    g.served.pop_front();
            }
        }
    }
    c.state = Conv::Routing;
}

void RoutingEngine::drainForAgent(int ai)
{
    // Give the agent's free capacity to the first waiting conversations (in queue order) that the
    // agent could take; each is routed normally, so the strategy may pick a better agent instead.
    for (;;) {
        const Agent &a = m_agents[ai];
        if (!available(a))
            return;
        const QueueKey *best = nullptr;
        QueueKeyLess less;
        for (int gi : a.groups) {
            const Group &g = m_groups[gi];
            if (!g.open)
                continue;
            for (const auto &bucket : g.buckets) {
                if ((bucket.first & 1) || !a.skills.containsAll(m_skillSets[bucket.first / 2]))
                    continue;
                bucket.second.forEach([&](const QueueKey &k) {
                    if (best && !less(k, *best))
                        return false;
                    if (contains(m_convs[k.conv].timedOut, ai) || m_convs[k.conv].excluded == ai)
                        return true;
                    best = &k;
                    return false;
                });
            }
        }
        if (!best)
            return;
        if (!route(best->conv, DecisionKind::Assigned, Reason::LeastLoad, -1, true))
            return;
    }
}

void RoutingEngine::drainGroup(int gi)
{
    // The group opened: its available members may all serve its queue now (nothing else became
    // servable). Serve it in queue order across all of them. Draining member by member could
    // hand a later conversation to a member (a returning customer's previous agent, say) whom an
    // earlier one was waiting for, leaving the earlier one waiting beside an idle member.
    std::vector<QueueKey> waiting;
    for (const auto &bucket : m_groups[gi].buckets) {
        if (bucket.first & 1)
            continue; // manual: claimed by hand
        bucket.second.forEach([&](const QueueKey &k) {
            waiting.push_back(k);
            return true;
        });
    }
    std::sort(waiting.begin(), waiting.end(), QueueKeyLess());
    for (const QueueKey &k : waiting) {
        const Group &g = m_groups[gi];
        if (g.byLoad.empty())
            return; // every member busy
        const Conv &c = m_convs[k.conv];
        if (c.state != Conv::Queued)
            continue;
        if (std::any_of(g.byLoad.begin(), g.byLoad.end(),
                        [&](const LoadKey &l) { return check(std::get<2>(l), c) == Verdict::Won; }))
            route(k.conv, DecisionKind::Assigned, Reason::LeastLoad, -1, true);
    }
}

QueueStatus RoutingEngine::statusOf(const Conv &c) const
{
    QueueStatus q;
    if (c.state == Conv::Unmatched) {
        q.waiting = true;
        q.position = static_cast<int>(m_unmatched.rank(c.key)) + 1;
        q.estimatedWaitMs = static_cast<qint64>(q.position) * m_settings.defaultHandleSeconds * 1000;
        return q;
    }
    if (c.state != Conv::Queued || c.groups.empty())
        return q;
    q.waiting = true;
    // Position within the first target group's queue, across its skill buckets.
    const Group &g = m_groups[c.groups.front()];
    std::size_t ahead = 0;
    for (const auto &bucket : g.buckets)
        ahead += bucket.second.rank(c.key);
    q.position = static_cast<int>(ahead) + 1;
    // Estimated wait: the recent pace at which this queue served conversations; before there is
    // any, the default handling time shared by the members who could be serving.
    // Only samples inside the window count: the samples are pruned when the queue moves, so after
    // a quiet spell they can be hours old.
    const auto recent = std::lower_bound(g.served.begin(), g.served.end(), m_now - kEstimateWindowMs);
    const auto recentCount = static_cast<qint64>(g.served.end() - recent);
    if (recentCount >= 3) {
        const qint64 span = std::max<qint64>(60 * 1000, m_now - *recent);
        q.estimatedWaitMs = static_cast<qint64>(q.position) * span / recentCount;
    } else {
        int serving = 0;
        for (int s = 0; s < AgentStatusCount; ++s) {
            if (m_allowed[s])
                serving += g.statusCount[s];
        }
        q.estimatedWaitMs =
            static_cast<qint64>(q.position) * m_settings.defaultHandleSeconds * 1000 / std::max(1, serving);
    }
    // Outside working hours nobody starts before the first target group opens.
    qint64 opens = -1;
    for (int gi : c.groups) {
        if (m_groups[gi].open) {
            opens = -1;
            break;
        }
        const qint64 next = m_groups[gi].hours.nextChange(m_now);
        if (next > m_now && (opens < 0 || next < opens))
            opens = next;
    }
    if (opens > 0)
        q.estimatedWaitMs += opens - m_now;
    return q;
}

QueueStatus RoutingEngine::queueStatus(const QString &conversation) const
{
    const int ci = m_convIndex.value(conversation, -1);
    return ci < 0 ? QueueStatus() : statusOf(m_convs[ci]);
}

int RoutingEngine::queueLength(const QString &group) const
{
    const int gi = m_groupIndex.value(group, -1);
    if (gi < 0)
        return 0;
    std::size_t n = 0;
    for (const auto &bucket : m_groups[gi].buckets)
        n += bucket.second.size();
    return static_cast<int>(n);
}

QStringList RoutingEngine::queueOrder(const QString &group, int limit) const
{
    const int gi = m_groupIndex.value(group, -1);
    if (gi < 0)
        return {};
    std::vector<QueueKey> keys;
    for (const auto &bucket : m_groups[gi].buckets)
        bucket.second.forEach([&](const QueueKey &k) {
            keys.push_back(k);
            return true;
        });
    if (limit >= 0 && static_cast<std::size_t>(limit) < keys.size()) {
        std::partial_sort(keys.begin(), keys.begin() + limit, keys.end(), QueueKeyLess());
        keys.resize(static_cast<std::size_t>(limit));
    } else {
        std::sort(keys.begin(), keys.end(), QueueKeyLess());
    }
    QStringList out;
    for (const QueueKey &k : keys)
        out << m_convs[k.conv].id;
    return out;
}

QStringList RoutingEngine::unmatchedOrder() const
{
    QStringList out;
    m_unmatched.forEach([&](const QueueKey &k) {
        out << m_convs[k.conv].id;
        return true;
    });
    return out;
}

int RoutingEngine::waitingConversations() const
{
    int n = 0;
    for (auto it = m_convIndex.constBegin(); it != m_convIndex.constEnd(); ++it) {
        const Conv &c = m_convs[it.value()];
        if (c.state == Conv::Queued || c.state == Conv::Unmatched)
            ++n;
    }
    return n;
}

QStringList RoutingEngine::checkInvariants() const
{
    QStringList bad;
    std::vector<int> open(m_agents.size(), 0), counted(m_agents.size(), 0);
    std::vector<std::size_t> queuedPerGroup(m_groups.size(), 0);
    for (auto it = m_convIndex.constBegin(); it != m_convIndex.constEnd(); ++it) {
        const int ci = it.value();
        const Conv &c = m_convs[ci];
        if (!c.live || c.id != it.key())
            bad << QStringLiteral("conversation %1: index points at a dead slot").arg(it.key());
        const bool inUnmatched = m_unmatched.contains(c.key);
        bool inQueue = false;
        for (int gi : c.groups) {
            const auto b = m_groups[gi].buckets.find(bucketFor(c));
            if (b != m_groups[gi].buckets.end() && b->second.contains(c.key))
                inQueue = true;
        }
        switch (c.state) {
        case Conv::Assigned:
            if (c.agent < 0 || !contains(m_agents[c.agent].conversations, ci))
                bad << QStringLiteral("conversation %1: assigned but not in its agent's list").arg(c.id);
            if (inQueue || inUnmatched)
                bad << QStringLiteral("conversation %1: both assigned and queued").arg(c.id);
            ++open[c.agent];
            if (c.counted)
                ++counted[c.agent];
            break;
        case Conv::Queued:
            for (int gi : c.groups) {
                const auto b = m_groups[gi].buckets.find(bucketFor(c));
                if (b == m_groups[gi].buckets.end() || !b->second.contains(c.key))
                    bad << QStringLiteral("conversation %1: queued but missing from %2's queue")
                               .arg(c.id, m_groups[gi].id);
                ++queuedPerGroup[gi];
            }
            if (c.agent >= 0)
                bad << QStringLiteral("conversation %1: queued with an agent").arg(c.id);
            break;
        case Conv::Unmatched:
            if (!inUnmatched)
                bad << QStringLiteral("conversation %1: unmatched but not in the unmatched queue").arg(c.id);
            break;
        default:
            bad << QStringLiteral("conversation %1: live but neither queued nor assigned").arg(c.id);
        }
    }
    for (std::size_t gi = 0; gi < m_groups.size(); ++gi) {
        std::size_t n = 0;
        for (const auto &b : m_groups[gi].buckets)
            n += b.second.size();
        if (n != queuedPerGroup[gi])
            bad << QStringLiteral("group %1: queue holds %2 entries for %3 waiting conversations")
                       .arg(m_groups[gi].id)
                       .arg(n)
                       .arg(queuedPerGroup[gi]);
    }
    for (std::size_t ai = 0; ai < m_agents.size(); ++ai) {
        const Agent &a = m_agents[ai];
        if (a.open != open[ai] || a.counted != counted[ai] ||
            static_cast<int>(a.conversations.size()) != a.open)
            bad << QStringLiteral("agent %1: load %2/%3 recorded, %4/%5 actual")
                       .arg(a.id)
                       .arg(a.counted)
                       .arg(a.open)
                       .arg(counted[ai])
                       .arg(open[ai]);
        if (a.indexed != available(a))
            bad << QStringLiteral("agent %1: availability index out of date").arg(a.id);
        for (int gi : a.groups) {
            const Group &g = m_groups[gi];
            const bool inLoad = g.byLoad.contains({a.open, a.lastAssign, static_cast<int>(ai)});
            if (inLoad != available(a))
                bad << QStringLiteral("agent %1: load index of %2 out of date").arg(a.id, g.id);
        }
    }
    // Stability: after every event no waiting conversation has an agent who could take it now.
    for (auto it = m_convIndex.constBegin(); it != m_convIndex.constEnd(); ++it) {
        const Conv &c = m_convs[it.value()];
        if (c.state != Conv::Queued || c.strategy == Strategy::Manual)
            continue;
        for (int gi : c.groups) {
            for (const LoadKey &k : m_groups[gi].byLoad) {
                if (check(std::get<2>(k), c) == Verdict::Won)
                    bad << QStringLiteral("conversation %1 waits although %2 could take it")
                               .arg(c.id, m_agents[std::get<2>(k)].id);
            }
        }
    }
    return bad;
}

} // namespace sb
