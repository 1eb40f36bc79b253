// Choosing an agent for a conversation, and explaining the choice.
#include "routingengine.h"

#include <algorithm>
#include <charconv>
#include <climits>

namespace sb {

namespace {
bool contains(const std::vector<int> &v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

// Explanations are built for every decision, so they are appended piece by piece: the same text
// QString::arg() gave, without parsing a format and making a temporary string per argument.
void appendNumber(QString &s, qint64 n)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    s.append(QLatin1String(buf, static_cast<qsizetype>(r.ptr - buf)));
}

// "<count> in <group>: " followed by what the caller appends.
QString countIn(qint64 count, const QString &group)
{
    QString s;
    s.reserve(group.size() + 64);
    appendNumber(s, count);
    s += QLatin1String(" in ");
    s += group;
    s += QLatin1String(": ");
    return s;
}

Verdict lostVerdict(Strategy strategy, bool widened)
{
    if (widened)
        return Verdict::FewerSkills;
    switch (strategy) {
    case Strategy::RoundRobin:
        return Verdict::LaterInTurn;
    case Strategy::IdleRate:
        return Verdict::MoreAcceptedToday;
    default:
        return Verdict::HigherLoad;
    }
}
} // namespace

QString RoutingEngine::loadDetail(const Agent &a) const
{
    // "load %1/%2" or "load %1/%2, %3 open"
    QString s;
    s.reserve(32);
    s += QLatin1String("load ");
    appendNumber(s, a.counted);
    s += QLatin1Char('/');
    appendNumber(s, a.cap);
    if (a.open != a.counted) {
        s += QLatin1String(", ");
        appendNumber(s, a.open);
        s += QLatin1String(" open");
    }
    return s;
}

bool RoutingEngine::memberOfOpenTarget(int ai, const Conv &c) const
{
    for (int gi : c.groups) {
        if (m_groups[gi].open && contains(m_agents[ai].groups, gi))
            return true;
    }
    return false;
}

Verdict RoutingEngine::check(int ai, const Conv &c) const
{
    const Agent &a = m_agents[ai];
    if (!memberOfOpenTarget(ai, c))
        return Verdict::HoursClosed;
    if (!statusAllowed(a.status))
        return Verdict::Status;
    if (a.counted >= a.cap)
        return Verdict::AtCap;
    if (contains(c.timedOut, ai))
        return Verdict::TimedOut;
    if (ai == c.excluded)
        return Verdict::Excluded;
    if (!c.widened && !a.skills.containsAll(c.required))
        return Verdict::MissingSkills;
    return Verdict::Won;
}

int RoutingEngine::pickWidened(const Conv &c, bool vipOnly)
{
    // After the perfect-match wait: the available agent holding the most required skills, then
    // the least loaded.
    std::tuple<int, int, quint64, int> best{INT_MAX, INT_MAX, 0, -1};
    for (int gi : c.groups) {
        const Group &g = m_groups[gi];
        if (!g.open)
            continue;
        for (const LoadKey &k : g.byLoad) {
            const int ai = std::get<2>(k);
            const Agent &a = m_agents[ai];
            if ((vipOnly && !a.vip) || contains(c.timedOut, ai) || ai == c.excluded)
                continue;
            const std::tuple<int, int, quint64, int> key{-a.skills.countShared(c.required), a.open,
                                                         a.lastAssign, ai};
            if (key < best)
                best = key;
        }
    }
    return std::get<3>(best);
}

int RoutingEngine::pickByStrategy(const Conv &c, bool vipOnly, Reason *reason)
{
    auto usable = [&](int ai) {
        const Agent &a = m_agents[ai];
        return (!vipOnly || a.vip) && (c.widened || a.skills.containsAll(c.required)) &&
               !contains(c.timedOut, ai) && ai != c.excluded;
    };
    switch (c.strategy) {
    case Strategy::Manual:
        *reason = Reason::ManualStrategy;
        return -1;
    case Strategy::RoundRobin: {
        *reason = Reason::RoundRobin;
        for (int gi : c.groups) {
            Group &g = m_groups[gi];
            if (!g.open || g.byRing.empty())
                continue;
            auto start = g.byRing.upperBound({g.rrLast, INT_MAX});
            for (auto it = start; it != g.byRing.end(); ++it) {
                if (usable(it->second)) {
                    g.rrLast = it->first;
                    return it->second;
                }
            }
            for (auto it = g.byRing.begin(); it != start; ++it) {
                if (usable(it->second)) {
                    g.rrLast = it->first;
                    return it->second;
                }
            }
        }
        return -1;
    }
    case Strategy::LeastLoad:
    case Strategy::Skills:
    case Strategy::IdleRate: {
        const bool idle = c.strategy == Strategy::IdleRate;
        if (c.widened && !c.required.isEmpty()) {
            *reason = Reason::SkillsWidened;
            return pickWidened(c, vipOnly);
        }
        *reason = idle                             ? Reason::IdleRate
                  : c.strategy == Strategy::Skills ? Reason::SkillsPerfect
                                                   : Reason::LeastLoad;
        const LoadKey none{INT_MAX, 0, -1};
        LoadKey best = none;
        for (int gi : c.groups) {
            const Group &g = m_groups[gi];
            if (!g.open)
                continue;
            for (const LoadKey &k : idle ? g.byIdle : g.byLoad) {
                if (!(k < best))
                    break;
                if (usable(std::get<2>(k))) {
                    best = k;
                    break;
                }
            }
        }
        return std::get<2>(best);
    }
    }
    return -1;
}

int RoutingEngine::select(Conv &c, Decision *d)
{
    Reason reason = Reason::NoEligibleAgent;
    int winner = -1;
    const bool anyOpen =
        std::any_of(c.groups.begin(), c.groups.end(), [&](int gi) { return m_groups[gi].open; });
    if (!anyOpen) {
        // Checked before manual: a customer outside working hours is told so, whatever the strategy.
        reason = Reason::AllGroupsClosed;
    } else if (c.strategy == Strategy::Manual) {
        reason = Reason::ManualStrategy;
    } else {
        const CustomerState &cu = m_customers[c.customer];
        auto member = [&](int ai) {
            return std::any_of(c.groups.begin(), c.groups.end(),
                               [&](int gi) { return contains(m_agents[ai].groups, gi); });
        };
        if (c.preferPrevious && cu.returning && cu.previous >= 0 && member(cu.previous) &&
            check(cu.previous, c) == Verdict::Won) {
            winner = cu.previous;
            reason = Reason::PreviousAgent;
        } else if (c.preferOwner && cu.owner >= 0 && member(cu.owner) && check(cu.owner, c) == Verdict::Won) {
            winner = cu.owner;
            reason = Reason::Owner;
        } else if (c.preferVip && cu.vip) {
            Reason ignored;
            winner = pickByStrategy(c, true, &ignored);
            if (winner >= 0)
                reason = Reason::VipDedicated;
        }
        if (winner < 0) {
            winner = pickByStrategy(c, false, &reason);
            if (winner < 0)
                reason = Reason::NoEligibleAgent;
        }
    }
    d->reason = reason;
    explainCandidates(c, winner, reason, d);
    return winner;
}

void RoutingEngine::explainCandidates(const Conv &c, int winner, Reason reason, Decision *d) const
{
    if (winner >= 0)
        d->detail = loadDetail(m_agents[winner]);
    if (reason == Reason::ManualStrategy) {
        d->detail = QStringLiteral("agents claim it from the queue");
        return;
    }
    std::vector<int> members;
    std::size_t total = 0;
    for (int gi : c.groups)
        total += m_groups[gi].members.size();
    if (total <= static_cast<std::size_t>(m_settings.explainLimit)) {
        for (int gi : c.groups) {
            for (int ai : m_groups[gi].members) {
                if (!contains(members, ai))
                    members.push_back(ai);
            }
        }
        for (int ai : members) {
            if (ai == winner)
                continue;
            const Agent &a = m_agents[ai];
            CandidateNote note{a.id, check(ai, c), QString()};
            switch (note.verdict) {
            case Verdict::Won:
                if (reason == Reason::VipDedicated && !a.vip) {
                    note.verdict = Verdict::NotVipDedicated;
                } else {
                    note.verdict = lostVerdict(c.strategy, reason == Reason::SkillsWidened);
                    if (reason == Reason::PreviousAgent)
                        note.detail = QStringLiteral("previous agent preferred; ");
                    else if (reason == Reason::Owner)
                        note.detail = QStringLiteral("owner preferred; ");
                }
                if (note.verdict == Verdict::MoreAcceptedToday)
                    note.detail += QStringLiteral("accepted %1 today").arg(a.acceptedToday);
                else if (note.verdict == Verdict::FewerSkills)
                    note.detail += QStringLiteral("holds %1 of %2 required skills")
                                       .arg(a.skills.countShared(c.required))
                                       .arg(c.required.size());
                else
                    note.detail += loadDetail(a);
                break;
            case Verdict::Status:
                note.detail = QStringLiteral("status %1").arg(toString(a.status));
                break;
            case Verdict::AtCap:
                note.detail = loadDetail(a);
                break;
            case Verdict::MissingSkills: {
                QStringList missing;
                for (int s : c.required.toList()) {
                    if (!a.skills.contains(s))
                        missing << m_skillNames[s];
                }
                note.detail = QStringLiteral("missing %1").arg(missing.join(QLatin1String(", ")));
                break;
            }
            case Verdict::HoursClosed:
                note.detail = QStringLiteral("outside working hours");
                break;
            case Verdict::TimedOut:
                note.detail = QStringLiteral("did not reply in time earlier");
                break;
            case Verdict::Excluded:
                note.detail = QStringLiteral("transferred it away");
                break;
            default:
                break;
            }
            d->candidates.push_back(note);
        }
        return;
    }
    // Large groups: counts kept by the indexes, so a decision stays cheap at any size.
    for (int gi : c.groups) {
        const Group &g = m_groups[gi];
        if (!g.open) {
            QString line = countIn(static_cast<qint64>(g.members.size()), g.id);
            line += QLatin1String("hours-closed");
            d->omitted.append(std::move(line));
            continue;
        }
        int allowedMembers = 0;
        for (int s = 0; s < AgentStatusCount; ++s) {
            if (m_allowed[s]) {
                allowedMembers += g.statusCount[s];
            } else if (g.statusCount[s] > 0) {
                QString line = countIn(g.statusCount[s], g.id);
                line += QLatin1String("status ");
                line += toString(static_cast<AgentStatus>(s));
                d->omitted.append(std::move(line));
            }
        }
        const int available = static_cast<int>(g.byLoad.size());
        if (allowedMembers - available > 0) {
            QString line = countIn(allowedMembers - available, g.id);
            line += QLatin1String("at-cap");
            d->omitted.append(std::move(line));
        }
        // Membership through the agent's own (one or two) groups: the same answer as searching
        // g.members, without a walk over thousands of members per decision.
        const int others =
            available -
            ((winner >= 0 && contains(m_agents[winner].groups, gi) && m_agents[winner].indexed) ? 1 : 0);
        if (others > 0) {
            QString line = countIn(others, g.id);
            line += QLatin1String("available, not chosen (");
            line += toString(reason);
            line += QLatin1Char(')');
            d->omitted.append(std::move(line));
        }
    }
}

} // namespace sb
