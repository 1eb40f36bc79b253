#pragma once
// The routing engine's internal state: agents with their per-group availability indexes, skill
// groups with their queues, conversations, customers, compiled rules and timers. Only the engine's
// own sources include this.

#include "rankedset.h"
#include "siteconfig.h"
#include "skillset.h"
#include "types.h"

#include <QHash>
#include <QString>
#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace sb {

struct QueueKey
{
    int channelPriority = 0; // higher first (0 for all when channel priority is off)
    int priority = 0;        // higher first: rule priority plus the VIP boost
    bool head = false;       // returned by a timeout or an agent going offline: before others of its class
    qint64 arrival = 0;      // ms; earlier first
    quint64 seq = 0;         // arrival order, unique: breaks every tie
    int conv = -1;
};

struct QueueKeyLess
{
    bool operator()(const QueueKey &a, const QueueKey &b) const
    {
        if (a.channelPriority != b.channelPriority)
            return a.channelPriority > b.channelPriority;
        if (a.priority != b.priority)
            return a.priority > b.priority;
        if (a.head != b.head)
            return a.head;
        if (a.arrival != b.arrival)
            return a.arrival < b.arrival;
        return a.seq < b.seq;
    }
};

struct Agent
{
    QString id;
    QString name;
    SkillSet skills;
    std::vector<int> groups;
    std::vector<int> ringPos; // this agent's ring position in each of groups (same order)
    int cap = 5;
    bool vip = false;
    AgentStatus status = AgentStatus::Offline;
    int counted = 0; // assigned conversations that count toward the cap
    int open = 0;    // all assigned conversations
    int acceptedToday = 0;
    quint64 lastAssign = 0; // assignment sequence: ties go to whoever waited longest
    std::vector<int> conversations;
    bool indexed = false;
};

using LoadKey = std::tuple<int, quint64, int>; // (open or accepted today, last assignment, agent)

struct Group
{
    QString id;
    QString name;
    WorkingHours hours;
    QString offHoursMessage;
    int expectedResponseSeconds = 60;
    bool open = true;
    quint32 hoursGen = 0;

    std::vector<int> members;          // agents, in ring order
    std::unordered_map<int, int> ring; // agent -> ring position
    int nextRing = 0;
    int rrLast = -1; // ring position of the last round-robin pick

    // Available members only (allowed status and under cap).
    RankedSet<LoadKey> byLoad;
    RankedSet<LoadKey> byIdle;
    RankedSet<std::pair<int, int>> byRing; // (ring position, agent)
    int statusCount[AgentStatusCount] = {0, 0, 0, 0};

    // Waiting conversations by bucket: required-skill-set id * 2 + (manual ? 1 : 0).
    std::map<int, RankedSet<QueueKey, QueueKeyLess>> buckets;
    std::deque<qint64> served; // when recent conversations left the queue for an agent (wait estimates)
};

struct Channel
{
    QString id;
    int priority = 0;
};

struct CustomerState
{
    QString id;
    QStringList tags;
    bool vip = false;
    QString language;
    int owner = -1;
    int previous = -1;
    bool returning = false;
};

struct CompiledRule
{
    RuleConfig config;
    std::vector<int> groups;
    SkillSet skills;
    std::vector<std::pair<QString, int>> keywordSkills; // lower-case keyword -> skill
    QStringList keywordsAny;                            // lower-case
};

struct Conv
{
    QString id;
    quint32 serial = 0; // bumped when the slot is reused, so stale timers are ignored
    bool live = false;
    int customer = -1;
    int channel = -1;
    int rule = -1;
    std::vector<int> groups;
    Strategy strategy = Strategy::LeastLoad;
    SkillSet required;
    int skillSet = 0;
    int maxWaitSeconds = 0;
    int priority = 0;
    bool preferPrevious = true, preferOwner = true, preferVip = true;
    enum State { Routing, Queued, Unmatched, Assigned, Closed } state = Routing;
    QueueKey key;
    int agent = -1;
    int lastAgent = -1;
    bool counted = false;
    std::vector<int> invited;
    std::vector<int> timedOut;
    int excluded = -1; // the agent who transferred it to a group: not given it straight back
    bool widened = false;
    bool hasCustomerMessage = false;
    bool awaitingFirstReply = false;
    qint64 arrivedAt = 0;
    // When the perfect-skill wait started counting; -1 while paused because every target group
    // is closed (the wait counts only while someone could have answered).
    qint64 waitFrom = 0;
    quint32 replyGen = 0, idleGen = 0, widenGen = 0;
};

enum class TimerKind { Reply, Inactivity, Widen, Hours, Midnight };

struct Timer
{
    qint64 due;
    quint64 seq;
    TimerKind kind;
    int target;
    quint32 serial;
    quint32 gen;
};

struct TimerLater
{
    bool operator()(const Timer &a, const Timer &b) const
    {
        if (a.due != b.due)
            return a.due > b.due;
        // Midnight first among timers due at the same instant: what happens at 00:00 (a group
        // opening, say) belongs to the new day, not to the one whose counts are being reset.
        if ((a.kind == TimerKind::Midnight) != (b.kind == TimerKind::Midnight))
            return b.kind == TimerKind::Midnight;
        return a.seq > b.seq;
    }
};

} // namespace sb
