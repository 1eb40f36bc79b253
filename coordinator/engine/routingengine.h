#pragma once
// The routing engine: a deterministic state machine with an injected clock and no I/O.
// Events go in (a customer writes, an agent replies or changes status, a close, a transfer, the
// clock moves); decisions come out through the sink, each with its explanation. Given the same
// configuration, events and clock readings it always makes the same decisions.

#include "clock.h"
#include "decision.h"
#include "enginestate.h"
#include "siteconfig.h"

#include <QString>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

namespace sb {

// The answer to a hand operation or an event the engine could not accept.
struct EngineResult
{
    bool ok = true;
    QString code;    // stable: unknown-agent, unknown-conversation, not-queued, at-cap, ...
    QString message; // readable, names what was wrong
    static EngineResult success() { return {}; }
    static EngineResult failure(const QString &code, const QString &message)
    {
        return {false, code, message};
    }
};

struct QueueStatus
{
    bool waiting = false;
    int position = 0; // 1 = next
    qint64 estimatedWaitMs = 0;
};

struct ConversationInfo
{
    QString id;
    QString customer;
    QString channel;
    QString rule;
    QStringList groups;
    QStringList requiredSkills;
    enum State { Queued, Unmatched, Assigned, Closed } state = Queued;
    QString agent;
    bool countsTowardCap = false;
    QStringList invited;
    bool widened = false;
    qint64 arrivedAt = 0;
};

// Who follows a conversation's messages: a subset of ConversationInfo, cheap enough for the path
// every message takes (conversation() builds the whole picture, its groups and skills included).
struct ConversationParties
{
    QString customer;
    QString agent; // empty when none
    QStringList invited;
};

struct AgentInfo
{
    QString id;
    QString name;
    AgentStatus status = AgentStatus::Offline;
    int maxConcurrent = 0;
    int countedLoad = 0;       // conversations that count toward the cap
    int openConversations = 0; // all assigned conversations, hand transfers included
    int acceptedToday = 0;
    QStringList groups;
    QStringList skills;
    // Preferred for VIP customers. Reported so that a host rewriting an agent's routing settings
    // from this (AgentConfig from AgentInfo) keeps it instead of turning it off.
    bool vipDedicated = false;
};

class RoutingEngine final
{
public:
    using Sink = std::function<void(const Decision &)>;

    explicit RoutingEngine(const Clock &clock);
    RoutingEngine(const RoutingEngine &) = delete;
    RoutingEngine &operator=(const RoutingEngine &) = delete;

    void setSink(Sink sink) { m_sink = std::move(sink); }

    // Loads a site into an empty engine. Fails (and changes nothing) if conversations are live.
    EngineResult loadSite(const SiteConfig &site);
    const RoutingSettings &settings() const { return m_settings; }

    // Agents, groups and customers can change at any time; capacity that this frees is used at once.
    // A new group joins the site; an existing one takes the new name, hours and messages.
    EngineResult upsertGroup(const GroupConfig &group);
    EngineResult upsertAgent(const AgentConfig &agent);
    EngineResult upsertCustomer(const CustomerConfig &customer);
    EngineResult setAgentStatus(const QString &agent, AgentStatus status);
    EngineResult setAgentCap(const QString &agent, int maxConcurrent);
    EngineResult setAgentGroups(const QString &agent, const QStringList &groups);

    // A customer's message. An unknown conversation id opens a conversation and routes it.
    EngineResult customerMessage(const QString &conversation, const QString &customer, const QString &channel,
                                 const QString &text);
    // An agent's message. A public reply stops the reply timer and starts the inactivity timer.
    EngineResult agentMessage(const QString &conversation, const QString &agent, bool internalNote = false);
    // An agent opens a new ticket for an existing customer: routed like an arrival, or kept by the
    // agent (a hand assignment, which does not count toward the cap).
    EngineResult openTicket(const QString &conversation, const QString &byAgent, const QString &customer,
                            const QString &channel, bool keepForSelf);

    EngineResult claim(const QString &agent, const QString &conversation);
    EngineResult transferToAgent(const QString &conversation, const QString &toAgent, const QString &byAgent);
    EngineResult transferToGroup(const QString &conversation, const QString &group, const QString &byAgent);
    EngineResult invite(const QString &conversation, const QString &expert, const QString &byAgent);
    EngineResult close(const QString &conversation, const QString &byAgent);

    // Fires every timer due at or before the clock's now, each at its own due time. Every event
    // method does this first, so a host only needs to call it when nextTimerMs() comes due.
    void tick();
    // When the earliest pending timer is due (ms since the epoch), or -1 if none.
    qint64 nextTimerMs() const;

    std::optional<ConversationInfo> conversation(const QString &id) const;
    std::optional<ConversationParties> parties(const QString &id) const;
    std::optional<AgentInfo> agent(const QString &id) const;
    QueueStatus queueStatus(const QString &conversation) const;
    // Waiting conversations of a group, in queue order.
    // The group's queue in order; with a limit, only its head (partially sorted: cheap on a long queue).
    QStringList queueOrder(const QString &group, int limit = -1) const;
    int queueLength(const QString &group) const;
    QStringList unmatchedOrder() const;
    QStringList agentIds() const; // in the order they were added
    QStringList groupIds() const;
    std::optional<GroupConfig> groupConfig(const QString &id) const; // as last loaded or upserted
    QStringList channelIds() const;
    QStringList groupMembers(const QString &group) const; // in ring order
    // An agent's assigned conversations, oldest assignment first; the live ones they were invited to.
    QStringList conversationsOf(const QString &agent) const;
    QStringList invitationsOf(const QString &agent) const;
    int liveConversations() const { return static_cast<int>(m_convIndex.size()); }
    int waitingConversations() const;

    // Checks the engine's internal consistency (indexes agree with state; every live conversation
    // is in exactly one place; queues in order). Returns one line per violation.
    QStringList checkInvariants() const;

    // The engine's complete state as bytes, and back (enginesnapshot.cpp), so that a host can
    // restart from a snapshot instead of replaying its whole journal: an engine restored from
    // saveState() makes exactly the decisions this one would, given the same inputs and clock.
    // restoreState() replaces everything (the site included); bytes of another format, truncated
    // or failing their checks are refused with code "snapshot" and leave the engine as it was.
    static constexpr quint32 kStateFormat = 1;
    QByteArray saveState() const;
    EngineResult restoreState(const QByteArray &state);
    // The format a saved state declares (0: not a saved state at all).
    static quint32 stateFormatOf(const QByteArray &state);

private:
    // events and operations
    qint64 now() const { return m_now; }
    void advance();
    Decision draft(DecisionKind kind, Reason reason, const Conv &c) const;
    void emitDecision(Decision &d);

    int internSkill(const QString &name);
    int internSkillSet(const SkillSet &set);
    int customerFor(const QString &id);
    int channelFor(const QString &id);
    int newConversation(const QString &id, int customer, int channel);
    const Conv *findConversation(const QString &id) const; // null if unknown
    void freeConversation(int ci);
    const CompiledRule *matchRule(const Conv &c, const QString &text) const;
    void applyRule(Conv &c, const CompiledRule *rule, const QString &text);
    void arrive(int ci, const QString &text);

    // agents and their indexes
    bool statusAllowed(AgentStatus s) const;
    bool available(const Agent &a) const { return statusAllowed(a.status) && a.counted < a.cap; }
    void unindex(int ai);
    void index(int ai);
    void reindexLoad(int ai, int oldOpen, int oldAccepted, quint64 oldLast);
    int applyGroup(const GroupConfig &group);
    void joinGroup(int ai, int gi);
    void leaveGroup(int ai, int gi);
    void applyOfflinePolicy(int ai);

    // selection (selection.cpp)
    Verdict check(int ai, const Conv &c) const;
    bool memberOfOpenTarget(int ai, const Conv &c) const;
    int pickByStrategy(const Conv &c, bool vipOnly, Reason *reason);
    int pickWidened(const Conv &c, bool vipOnly);
    int select(Conv &c, Decision *d);
    void explainCandidates(const Conv &c, int winner, Reason reason, Decision *d) const;
    QString loadDetail(const Agent &a) const;

    // assignment and queue (queueing.cpp)
    bool route(int ci, DecisionKind kindOnSuccess, Reason contextReason, int fromAgent, bool fromQueue);
    void assign(int ci, int ai, bool counted);
    void release(int ci);
    void enqueue(int ci, bool head);
    void dequeue(int ci, bool served);
    void placeInQueue(int ci, DecisionKind kind, Reason reason, Decision &d, bool head);
    int bucketFor(const Conv &c) const;
    void drainForAgent(int ai);
    void drainGroup(int gi);
    QueueStatus statusOf(const Conv &c) const;
    void closeConversation(int ci, Reason reason, const QString &byAgent);

    // timers (timers.cpp)
    void schedule(qint64 due, TimerKind kind, int target, quint32 serial, quint32 gen);
    void fire(const Timer &t);
    void scheduleHours(int gi);
    void scheduleMidnight();
    void startReplyTimer(Conv &c);
    void startInactivityTimer(Conv &c);
    void startWidenTimer(Conv &c);
    void onReplyTimeout(int ci);
    void onWaitExceeded(int ci);
    void onHoursChange(int gi);
    void onMidnight();

    const Clock &m_clock;
    Sink m_sink;
    qint64 m_now = 0;
    quint64 m_decisionSeq = 0;
    quint64 m_arrivalSeq = 0;
    quint64 m_assignSeq = 0;
    quint64 m_timerSeq = 0;
    quint32 m_midnightGen = 0;
    RoutingSettings m_settings;
    bool m_allowed[AgentStatusCount] = {true, false, false, false};
    QTimeZone m_siteZone;

    std::vector<QString> m_skillNames;
    QHash<QString, int> m_skillIds;
    std::vector<SkillSet> m_skillSets; // interned required-skill sets; id 0 is the empty set

    std::vector<Channel> m_channels;
    QHash<QString, int> m_channelIndex;
    std::vector<Group> m_groups;
    QHash<QString, int> m_groupIndex;
    std::vector<Agent> m_agents;
    QHash<QString, int> m_agentIndex;
    std::deque<CustomerState> m_customers; // a deque: growing never moves (copies) the existing ones
    QHash<QString, int> m_customerIndex;
    std::vector<CompiledRule> m_rules;

    // Slots; free ones are reused. A deque: growing never moves the live ones (a vector's
    // reallocation copied every conversation in one event, a latency spike of ~0.3 s at 300,000).
    std::deque<Conv> m_convs;
    std::vector<int> m_freeConvs;
    QHash<QString, int> m_convIndex;
    RankedSet<QueueKey, QueueKeyLess> m_unmatched;

    std::priority_queue<Timer, std::vector<Timer>, TimerLater> m_timers;
};

} // namespace sb
