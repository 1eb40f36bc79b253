#include "decision.h"

#include <QDateTime>

namespace sb {

QString toString(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::Assigned: return QStringLiteral("assigned");
    case DecisionKind::Queued: return QStringLiteral("queued");
    case DecisionKind::OffHours: return QStringLiteral("off-hours");
    case DecisionKind::Unmatched: return QStringLiteral("unmatched");
    case DecisionKind::Reassigned: return QStringLiteral("reassigned");
    case DecisionKind::Requeued: return QStringLiteral("requeued");
    case DecisionKind::Widened: return QStringLiteral("widened");
    case DecisionKind::Claimed: return QStringLiteral("claimed");
    case DecisionKind::Transferred: return QStringLiteral("transferred");
    case DecisionKind::Invited: return QStringLiteral("invited");
    case DecisionKind::Closed: return QStringLiteral("closed");
    }
    return QString();
}

QString toString(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Won: return QStringLiteral("won");
    case Verdict::PreviousAgent: return QStringLiteral("previous-agent");
    case Verdict::Owner: return QStringLiteral("owner");
    case Verdict::VipDedicated: return QStringLiteral("vip-dedicated");
    case Verdict::HigherLoad: return QStringLiteral("higher-load");
    case Verdict::LaterInTurn: return QStringLiteral("later-in-turn");
    case Verdict::MoreAcceptedToday: return QStringLiteral("more-accepted-today");
    case Verdict::FewerSkills: return QStringLiteral("fewer-skills");
    case Verdict::NotVipDedicated: return QStringLiteral("not-vip-dedicated");
    case Verdict::Status: return QStringLiteral("status");
    case Verdict::AtCap: return QStringLiteral("at-cap");
    case Verdict::MissingSkills: return QStringLiteral("missing-skills");
    case Verdict::HoursClosed: return QStringLiteral("hours-closed");
    case Verdict::TimedOut: return QStringLiteral("timed-out");
    case Verdict::Excluded: return QStringLiteral("excluded");
    }
    return QString();
}

QString toString(Reason reason)
{
    switch (reason) {
    case Reason::PreviousAgent: return QStringLiteral("previous-agent");
    case Reason::Owner: return QStringLiteral("owner");
    case Reason::VipDedicated: return QStringLiteral("vip-dedicated");
    case Reason::LeastLoad: return QStringLiteral("least-load");
    case Reason::RoundRobin: return QStringLiteral("round-robin");
    case Reason::IdleRate: return QStringLiteral("idle-rate");
    case Reason::SkillsPerfect: return QStringLiteral("skills-perfect");
    case Reason::SkillsWidened: return QStringLiteral("skills-widened");
    case Reason::NoEligibleAgent: return QStringLiteral("no-eligible-agent");
    case Reason::ManualStrategy: return QStringLiteral("manual-strategy");
    case Reason::AllGroupsClosed: return QStringLiteral("all-groups-closed");
    case Reason::NoRuleMatched: return QStringLiteral("no-rule-matched");
    case Reason::ReplyTimeout: return QStringLiteral("reply-timeout");
    case Reason::AgentOffline: return QStringLiteral("agent-offline");
    case Reason::WaitExceeded: return QStringLiteral("wait-exceeded");
    case Reason::CustomerInactive: return QStringLiteral("customer-inactive");
    case Reason::ByAgent: return QStringLiteral("by-agent");
    case Reason::ByHand: return QStringLiteral("by-hand");
    }
    return QString();
}

QString summaryLine(const Decision &d, const QTimeZone &zone)
{
    QString line = QDateTime::fromMSecsSinceEpoch(d.at, zone).toString(Qt::ISODateWithMs);
    line += QLatin1Char(' ') + toString(d.kind) + QLatin1Char(' ') + d.conversation;
    if (!d.agent.isEmpty())
        line += (d.kind == DecisionKind::Closed ? QLatin1String(" by ") : QLatin1String(" -> ")) + d.agent;
    if (!d.fromAgent.isEmpty())
        line += QLatin1String(" (from ") + d.fromAgent + QLatin1Char(')');
    line += QLatin1String(" [") + toString(d.reason);
    if (!d.detail.isEmpty())
        line += QLatin1String(": ") + d.detail;
    line += QLatin1Char(']');
    if (!d.rule.isEmpty())
        line += QLatin1String(" rule=") + d.rule;
    if (d.kind == DecisionKind::Queued || d.kind == DecisionKind::OffHours || d.kind == DecisionKind::Requeued ||
        d.kind == DecisionKind::Unmatched)
        line += QStringLiteral(" position=%1 eta=%2s").arg(d.notice.queuePosition).arg(d.notice.estimatedWaitMs / 1000);
    if (d.notifyAdmins)
        line += QLatin1String(" notify=admins");
    return line;
}

QString explain(const Decision &d, const QTimeZone &zone)
{
    QString text = summaryLine(d, zone);
    for (const auto &c : d.candidates) {
        text += QLatin1String("\n    ") + c.agent + QLatin1String(": ") + toString(c.verdict);
        if (!c.detail.isEmpty())
            text += QLatin1String(" (") + c.detail + QLatin1Char(')');
    }
    for (const QString &o : d.omitted)
        text += QLatin1String("\n    ...") + o;
    return text;
}

} // namespace sb
