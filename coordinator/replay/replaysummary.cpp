#include "replaysummary.h"

#include <QStringList>
#include <algorithm>
#include <cmath>

namespace sb {

void ReplaySummary::add(const Decision &d)
{
    const bool firstSight = !m_waiting.contains(d.conversation) && !m_holder.contains(d.conversation);
    const bool arrival = firstSight && (d.kind == DecisionKind::Assigned || d.kind == DecisionKind::Queued ||
                                        d.kind == DecisionKind::OffHours || d.kind == DecisionKind::Unmatched);
    if (arrival) {
        ++m_arrived;
        m_waiting.insert(d.conversation, d.at);
        if (d.kind == DecisionKind::Unmatched)
            ++m_unmatched;
    }
    auto releaseHolder = [&] {
        const QString holder = m_holder.take(d.conversation);
        if (!holder.isEmpty())
            --m_agents[holder].current;
    };
    auto take = [&](const QString &agent) {
        releaseHolder();
        AgentLoad &load = m_agents[agent];
        load.peak = std::max(load.peak, ++load.current);
        m_holder.insert(d.conversation, agent);
        auto it = m_waiting.find(d.conversation);
        if (it != m_waiting.end()) {
            m_waits.push_back(d.at - it.value());
            m_waiting.erase(it);
        }
    };
    switch (d.kind) {
    case DecisionKind::Assigned:
        m_agents[d.agent].assigned++;
        take(d.agent);
        break;
    case DecisionKind::Reassigned:
        ++m_reassigned;
        m_agents[d.agent].assigned++;
        take(d.agent);
        break;
    case DecisionKind::Claimed:
        m_agents[d.agent].claimed++;
        take(d.agent);
        break;
    case DecisionKind::Transferred:
        m_agents[d.agent].transferredIn++;
        take(d.agent);
        break;
    case DecisionKind::Requeued:
        ++m_requeued;
        releaseHolder();
        break;
    case DecisionKind::Queued:
        releaseHolder(); // a group transfer nobody could take yet
        break;
    case DecisionKind::Widened:
        ++m_widened;
        break;
    case DecisionKind::Closed:
        ++m_closed;
        if (d.reason == Reason::CustomerInactive)
            ++m_autoClosed;
        releaseHolder();
        m_waiting.remove(d.conversation);
        break;
    default:
        break;
    }
}

void ReplaySummary::finish(qint64 endMs)
{
    m_longestStillWaiting = 0;
    for (auto it = m_waiting.constBegin(); it != m_waiting.constEnd(); ++it)
        m_longestStillWaiting = std::max(m_longestStillWaiting, endMs - it.value());
}

qint64 ReplaySummary::waitPercentileMs(double p) const
{
    if (m_waits.empty())
        return -1;
    std::vector<qint64> sorted = m_waits;
    std::sort(sorted.begin(), sorted.end());
    // Nearest-rank percentile.
    const std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

qint64 ReplaySummary::maxWaitMs() const
{
    return m_waits.empty() ? -1 : *std::max_element(m_waits.begin(), m_waits.end());
}

namespace {
QString seconds(qint64 ms) { return ms < 0 ? QStringLiteral("-") : QString::number(ms / 1000.0, 'f', 1) + QLatin1Char('s'); }

QStringList rows(const ReplaySummary &s)
{
    return {QString::number(s.arrived()),
            QString::number(s.served()),
            QString::number(s.stillWaiting()),
            seconds(s.waitPercentileMs(50)),
            seconds(s.waitPercentileMs(90)),
            seconds(s.maxWaitMs()),
            seconds(s.longestStillWaitingMs()),
            QString::number(s.reassignments()),
            QString::number(s.requeues()),
            QString::number(s.widened()),
            QString::number(s.unmatched()),
            QString::number(s.closed()),
            QString::number(s.autoClosed())};
}

const QStringList kLabels = {
    QStringLiteral("conversations"),      QStringLiteral("served"),        QStringLiteral("still waiting"),
    QStringLiteral("wait p50"),           QStringLiteral("wait p90"),      QStringLiteral("wait max"),
    QStringLiteral("longest still waiting"), QStringLiteral("reassigned"), QStringLiteral("requeued"),
    QStringLiteral("widened"),            QStringLiteral("unmatched"),     QStringLiteral("closed"),
    QStringLiteral("auto-closed"),
};

QString agentTable(const ReplaySummary &s)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5\n")
                      .arg(QStringLiteral("agent"), -16)
                      .arg(QStringLiteral("assigned"), 9)
                      .arg(QStringLiteral("claimed"), 8)
                      .arg(QStringLiteral("transfers in"), 13)
                      .arg(QStringLiteral("peak load"), 10);
    for (const auto &entry : s.agents()) {
        out += QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(entry.first, -16)
                   .arg(entry.second.assigned, 9)
                   .arg(entry.second.claimed, 8)
                   .arg(entry.second.transferredIn, 13)
                   .arg(entry.second.peak, 10);
    }
    return out;
}
} // namespace

QString ReplaySummary::format(const QString &title) const
{
    QString out = QStringLiteral("== %1 ==\n").arg(title);
    const QStringList values = rows(*this);
    for (int i = 0; i < kLabels.size(); ++i)
        out += QStringLiteral("%1 %2\n").arg(kLabels[i], -24).arg(values[i], 10);
    out += QLatin1Char('\n') + agentTable(*this);
    return out;
}

QString ReplaySummary::compare(const ReplaySummary &a, const QString &titleA, const ReplaySummary &b,
                               const QString &titleB)
{
    QString out = QStringLiteral("%1 %2 %3\n").arg(QString(), -24).arg(titleA, 14).arg(titleB, 14);
    const QStringList va = rows(a), vb = rows(b);
    for (int i = 0; i < kLabels.size(); ++i)
        out += QStringLiteral("%1 %2 %3\n").arg(kLabels[i], -24).arg(va[i], 14).arg(vb[i], 14);
    out += QStringLiteral("\n-- %1 --\n").arg(titleA) + agentTable(a);
    out += QStringLiteral("\n-- %1 --\n").arg(titleB) + agentTable(b);
    return out;
}

} // namespace sb
