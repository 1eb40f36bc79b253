#include "simulation.h"

#include <QDateTime>
#include <cmath>

namespace sb {

namespace {
QString quoted(QString text)
{
    text.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    text.replace(QLatin1Char('"'), QLatin1String("\\\""));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return QLatin1Char('"') + text + QLatin1Char('"');
}
} // namespace

Simulation::Simulation(RoutingEngine &engine, const SiteConfig &site, const TrafficProfile &profile,
                       qint64 startMs)
    : m_engine(engine), m_profile(profile), m_rng(profile.seed), m_now(startMs),
      m_messages(sampleOpeningMessages())
{
    for (const auto &c : site.channels)
        m_channels << c.id;
    if (m_channels.isEmpty())
        m_channels << QStringLiteral("web");
    for (const auto &a : site.agents)
        m_agents << a.id;
    for (const auto &c : site.customers)
        m_knownCustomers << c.id;
    schedule(startMs + exponentialMs(m_profile.arrivalsPerHour), Action::Arrival);
    for (const QString &agent : m_agents) {
        if (m_profile.awayPerAgentHour > 0)
            schedule(startMs + exponentialMs(m_profile.awayPerAgentHour), Action::Break, QString(), agent);
    }
}

qint64 Simulation::secondsBetween(int minSeconds, int maxSeconds)
{
    std::uniform_int_distribution<int> dist(minSeconds, std::max(minSeconds, maxSeconds));
    return static_cast<qint64>(dist(m_rng)) * 1000 + std::uniform_int_distribution<int>(0, 999)(m_rng);
}

qint64 Simulation::exponentialMs(double perHour)
{
    std::exponential_distribution<double> dist(perHour / 3600000.0);
    return std::max<qint64>(1, static_cast<qint64>(dist(m_rng)));
}

void Simulation::schedule(qint64 at, Action action, const QString &conversation, const QString &agent)
{
    m_pending.insert({{at, ++m_seq}, Pending{action, conversation, agent}});
}

void Simulation::record(const QString &line)
{
    if (m_recorder)
        m_recorder(QDateTime::fromMSecsSinceEpoch(m_now, Qt::UTC).toString(Qt::ISODateWithMs) +
                   QLatin1Char(' ') + line);
}

QString Simulation::pickCustomer()
{
    std::bernoulli_distribution returning(m_profile.returningShare);
    if (!m_knownCustomers.isEmpty() && returning(m_rng))
        return m_knownCustomers[std::uniform_int_distribution<int>(0, m_knownCustomers.size() - 1)(m_rng)];
    const QString id = QStringLiteral("guest-%1").arg(m_arrivals);
    m_knownCustomers << id;
    return id;
}

QString Simulation::channelFor()
{
    return m_channels[std::uniform_int_distribution<int>(0, m_channels.size() - 1)(m_rng)];
}

void Simulation::onDecision(const Decision &d)
{
    switch (d.kind) {
    case DecisionKind::Assigned:
    case DecisionKind::Reassigned:
    case DecisionKind::Claimed:
    case DecisionKind::Transferred: {
        m_holder.insert(d.conversation, d.agent);
        std::bernoulli_distribution slow(m_profile.slowReplyShare);
        const qint64 delay =
            slow(m_rng) ? secondsBetween(m_profile.replyMaxSeconds * 3, m_profile.replyMaxSeconds * 6)
                        : secondsBetween(m_profile.replyMinSeconds, m_profile.replyMaxSeconds);
        schedule(d.at + delay, Action::AgentReply, d.conversation, d.agent);
        break;
    }
    case DecisionKind::Queued:
    case DecisionKind::Requeued:
    case DecisionKind::OffHours:
    case DecisionKind::Unmatched:
        m_holder.remove(d.conversation);
        break;
    case DecisionKind::Closed:
        m_holder.remove(d.conversation);
        m_open.remove(d.conversation);
        m_exchangesLeft.remove(d.conversation);
        break;
    default:
        break;
    }
}

qint64 Simulation::step(qint64 nowMs)
{
    while (!m_pending.empty() && m_pending.begin()->first.first <= nowMs) {
        const auto it = m_pending.begin();
        m_now = it->first.first;
        const Pending p = it->second;
        m_pending.erase(it);
        perform(m_now, p);
    }
    m_now = nowMs;
    return m_pending.empty() ? -1 : m_pending.begin()->first.first;
}

void Simulation::perform(qint64 now, const Pending &p)
{
    switch (p.action) {
    case Action::Arrival: {
        ++m_arrivals;
        const QString conv = QStringLiteral("c%1").arg(m_arrivals);
        const QString customer = pickCustomer();
        const QString channel = channelFor();
        const QString text = m_messages[std::uniform_int_distribution<int>(0, m_messages.size() - 1)(m_rng)];
        m_open.insert(conv);
        m_exchangesLeft.insert(
            conv, std::uniform_int_distribution<int>(m_profile.exchangesMin, m_profile.exchangesMax)(m_rng));
        m_customerOf.insert(conv, {customer, channel});
        record(QStringLiteral("message %1 %2 %3 %4").arg(conv, customer, channel, quoted(text)));
        m_engine.customerMessage(conv, customer, channel, text);
        if (m_profile.abandonQueueSeconds > 0)
            schedule(now + m_profile.abandonQueueSeconds * 1000LL, Action::Abandon, conv);
        schedule(now + exponentialMs(m_profile.arrivalsPerHour), Action::Arrival);
        break;
    }
    case Action::AgentReply: {
        if (!m_open.contains(p.conversation) || m_holder.value(p.conversation) != p.agent)
            break;
        record(QStringLiteral("reply %1 %2").arg(p.conversation, p.agent));
        m_engine.agentMessage(p.conversation, p.agent);
        int &left = m_exchangesLeft[p.conversation];
        std::bernoulli_distribution abandon(m_profile.abandonShare);
        if (left > 0 && abandon(m_rng)) {
            left = 0; // the customer goes quiet: auto-close (if configured) or the agent closes later
            schedule(now + 600000, Action::AgentClose, p.conversation, p.agent);
        } else if (left > 0) {
            --left;
            schedule(now +
                         secondsBetween(m_profile.customerThinkMinSeconds, m_profile.customerThinkMaxSeconds),
                     Action::CustomerMessage, p.conversation);
        } else {
            schedule(now + secondsBetween(10, 60), Action::AgentClose, p.conversation, p.agent);
        }
        break;
    }
    case Action::CustomerMessage: {
        if (!m_open.contains(p.conversation))
            break;
        const auto who = m_customerOf.value(p.conversation);
        record(QStringLiteral("message %1 %2 %3 %4")
                   .arg(p.conversation, who.first, who.second, quoted(QStringLiteral("..."))));
        m_engine.customerMessage(p.conversation, who.first, who.second, QStringLiteral("..."));
        const QString holder = m_holder.value(p.conversation);
        if (!holder.isEmpty())
            schedule(now + secondsBetween(m_profile.replyMinSeconds, m_profile.replyMaxSeconds),
                     Action::AgentReply, p.conversation, holder);
        break;
    }
    case Action::AgentClose:
        if (m_open.contains(p.conversation) && m_holder.value(p.conversation) == p.agent) {
            record(QStringLiteral("close %1 %2").arg(p.conversation, p.agent));
            m_engine.close(p.conversation, p.agent);
        }
        break;
    case Action::Abandon:
        if (m_open.contains(p.conversation) && !m_holder.contains(p.conversation)) {
            record(QStringLiteral("close %1").arg(p.conversation));
            m_engine.close(p.conversation, QString());
        }
        break;
    case Action::Break: {
        const auto info = m_engine.agent(p.agent);
        if (info && info->status == AgentStatus::Online) {
            record(QStringLiteral("status %1 away").arg(p.agent));
            m_engine.setAgentStatus(p.agent, AgentStatus::Away);
            schedule(now + secondsBetween(m_profile.awayMinSeconds, m_profile.awayMaxSeconds), Action::Return,
                     QString(), p.agent);
        }
        schedule(now + exponentialMs(m_profile.awayPerAgentHour), Action::Break, QString(), p.agent);
        break;
    }
    case Action::Return:
        record(QStringLiteral("status %1 online").arg(p.agent));
        m_engine.setAgentStatus(p.agent, AgentStatus::Online);
        break;
    }
}

} // namespace sb
