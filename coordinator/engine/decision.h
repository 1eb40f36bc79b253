#pragma once
// What the routing engine decided and why: the engine's only output. Every decision names its
// conversation, the agent concerned, the reason, and what happened to each other candidate.

#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <vector>

namespace sb {

enum class DecisionKind {
    Assigned, // routed automatically to an agent
    Queued, // nobody eligible: waiting (with position and estimated wait)
    OffHours, // every target group is closed: waiting until one opens
    Unmatched, // no rule matched: waiting for a person to assign it; admins are told
    Reassigned, // taken from one agent and given to another (reply timeout, agent offline)
    Requeued, // taken from an agent and put back at the head of the queue
    Widened, // the perfect-skill wait ran out: other suitable agents may now take it
    Claimed, // an agent took it from the queue by hand
    Transferred, // moved by hand to an agent or to a group
    Invited, // an expert joined
    Closed, // by an agent, or automatically after customer inactivity
};

// Why an agent won, or why it was not chosen.
enum class Verdict {
    Won,
    PreviousAgent, // won as the customer's previous agent
    Owner, // won as the customer's owner
    VipDedicated, // won as a dedicated VIP agent
    HigherLoad, // eligible, but another had fewer open conversations
    LaterInTurn, // eligible, but not next in the round-robin ring
    MoreAcceptedToday, // eligible, but another had accepted fewer today
    FewerSkills, // eligible after widening, but another held more of the required skills
    NotVipDedicated, // eligible, but a dedicated VIP agent was free
    Status, // status not in the allowed set
    AtCap, // current load at the maximum
    MissingSkills, // lacks a required skill
    HoursClosed, // the group is outside its working hours
    TimedOut, // already failed to reply to this conversation
    Excluded, // the agent being replaced
};

enum class Reason {
    PreviousAgent,
    Owner,
    VipDedicated,
    LeastLoad,
    RoundRobin,
    IdleRate,
    SkillsPerfect,
    SkillsWidened,
    NoEligibleAgent,
    ManualStrategy,
    AllGroupsClosed,
    NoRuleMatched,
    ReplyTimeout,
    AgentOffline,
    WaitExceeded,
    CustomerInactive,
    ByAgent,
    ByHand,
};

struct CandidateNote
{
    QString agent;
    Verdict verdict;
    QString detail; // e.g. "load 3/5", "status away", "missing skill english"
};

// Customer-facing information the host renders (in the customer's language) as a message.
struct CustomerNotice
{
    enum Kind { None, Assigned, Queued, OffHours } kind = None;
    QString agentName;
    int expectedResponseSeconds = 0;
    int queuePosition = 0;
    qint64 estimatedWaitMs = 0;
    QString offHoursMessage;
};

struct Decision
{
    quint64 seq = 0; // strictly increasing per engine
    qint64 at = 0; // engine time in ms since the epoch
    DecisionKind kind = DecisionKind::Queued;
    Reason reason = Reason::NoEligibleAgent;
    QString conversation;
    QString agent; // the agent assigned, claimed, invited, or closing
    QString fromAgent; // the agent it was taken from (reassign, requeue, transfer)
    QString rule;
    QStringList groups;
    QString detail; // free text completing the reason (e.g. "load 1/5")
    std::vector<CandidateNote> candidates; // every other candidate, up to the explain limit
    QStringList omitted; // counts of candidates beyond the limit, e.g. "120 status offline"
    bool fromQueue = false; // the assignment took a conversation out of a queue
    bool notifyAdmins = false;
    CustomerNotice notice;
};

QString toString(DecisionKind kind);
QString toString(Verdict verdict);
QString toString(Reason reason);

// One line: time (in `zone`), kind, conversation, agent, reason and detail.
QString summaryLine(const Decision &decision, const QTimeZone &zone = QTimeZone::utc());
// The summary line followed by one indented line per candidate note and omitted count.
QString explain(const Decision &decision, const QTimeZone &zone = QTimeZone::utc());

} // namespace sb
