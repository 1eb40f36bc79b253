#pragma once
// What a replayed day looked like: waiting times, per-agent load, reassignments. Built from the
// decision stream alone, so it describes any run: a replay, a what-if, or a live coordinator's log.

#include "decision.h"

#include <QHash>
#include <QString>
#include <map>
#include <vector>

namespace sb {

struct AgentLoad
{
    int assigned = 0; // automatic assignments, reassignments to this agent included
    int claimed = 0;
    int transferredIn = 0;
    int peak = 0; // most conversations held at once
    int current = 0;
};

class ReplaySummary
{
public:
    void add(const Decision &d);
    // Conversations still waiting at `endMs` count with their wait so far.
    void finish(qint64 endMs);

    int arrived() const { return m_arrived; }
    int served() const { return static_cast<int>(m_waits.size()); }
    int stillWaiting() const { return static_cast<int>(m_waiting.size()); }
    int reassignments() const { return m_reassigned; }
    int requeues() const { return m_requeued; }
    int widened() const { return m_widened; }
    int unmatched() const { return m_unmatched; }
    int closed() const { return m_closed; }
    int autoClosed() const { return m_autoClosed; }
    qint64 waitPercentileMs(double p) const; // over served conversations; -1 when none
    qint64 maxWaitMs() const;
    qint64 longestStillWaitingMs() const { return m_longestStillWaiting; }
    const std::map<QString, AgentLoad> &agents() const { return m_agents; }

    // A plain-text table; with `other`, two columns side by side (this one first).
    QString format(const QString &title) const;
    static QString compare(const ReplaySummary &a, const QString &titleA, const ReplaySummary &b, const QString &titleB);

private:
    int m_arrived = 0, m_reassigned = 0, m_requeued = 0, m_widened = 0, m_unmatched = 0, m_closed = 0, m_autoClosed = 0;
    QHash<QString, qint64> m_waiting; // conversation -> arrival, until first served
    QHash<QString, QString> m_holder; // conversation -> agent holding it
    std::vector<qint64> m_waits;
    qint64 m_longestStillWaiting = 0;
    std::map<QString, AgentLoad> m_agents;
};

} // namespace sb
