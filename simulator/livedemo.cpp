#include "livedemo.h"

#include <QDateTime>

namespace sb {

namespace {
constexpr int kStatusEveryMs = 10000;
constexpr qint64 kMaxSleepMs = 1000;
} // namespace

LiveDemo::LiveDemo(const SiteConfig &site, const TrafficProfile &profile, double speed, bool explainDecisions,
                   QTextStream &out, QObject *parent)
    : QObject(parent), m_site(site), m_profile(profile), m_explain(explainDecisions), m_out(out),
      m_clock(QDateTime::currentMSecsSinceEpoch(), speed), m_engine(m_clock),
      m_zone(site.routing.timeZone.toUtf8())
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LiveDemo::step);
}

bool LiveDemo::start(QString *error)
{
    const EngineResult loaded = m_engine.loadSite(m_site);
    if (!loaded.ok) {
        *error = loaded.message;
        return false;
    }
    m_sim = std::make_unique<Simulation>(m_engine, m_site, m_profile, m_clock.nowMs());
    m_engine.setSink([this](const Decision &d) {
        m_summary.add(d);
        m_out << (m_explain ? explain(d, m_zone) : summaryLine(d, m_zone)) << '\n';
        m_sim->onDecision(d);
    });
    m_out << "switchboard: demo site with " << m_site.agents.size() << " agents in " << m_site.groups.size()
          << " groups; simulated customers write in about " << qRound(m_profile.arrivalsPerHour)
          << " times an hour.\n"
          << "Press Ctrl+C to stop.\n";
    m_out.flush();
    m_sinceStatus.start();
    step();
    return true;
}

void LiveDemo::stop()
{
    m_timer.stop();
    m_summary.finish(m_clock.nowMs());
    m_out << '\n' << m_summary.format(QStringLiteral("this session"));
    m_out.flush();
}

QString LiveDemo::statusLine() const
{
    QString agents;
    for (const auto &a : m_site.agents) {
        const auto info = m_engine.agent(a.id);
        if (info)
            agents += QStringLiteral(" %1 %2/%3%4")
                          .arg(a.id)
                          .arg(info->countedLoad)
                          .arg(info->maxConcurrent)
                          .arg(info->status == AgentStatus::Online
                                   ? QString()
                                   : QLatin1Char('(') + toString(info->status) + QLatin1Char(')'));
    }
    const qint64 p50 = m_summary.waitPercentileMs(50), p90 = m_summary.waitPercentileMs(90);
    return QStringLiteral("-- %1 waiting, %2 open, %3 served, wait p50 %4 s p90 %5 s |%6")
        .arg(m_engine.waitingConversations())
        .arg(m_engine.liveConversations())
        .arg(m_summary.served())
        .arg(p50 < 0 ? 0 : p50 / 1000)
        .arg(p90 < 0 ? 0 : p90 / 1000)
        .arg(agents);
}

void LiveDemo::step()
{
    const qint64 now = m_clock.nowMs();
    m_engine.tick();
    qint64 next = m_sim->step(now);
    m_engine.tick();
    const qint64 timer = m_engine.nextTimerMs();
    if (timer > 0 && (next < 0 || timer < next))
        next = timer;
    if (m_sinceStatus.elapsed() >= kStatusEveryMs) {
        m_out << statusLine() << '\n';
        m_sinceStatus.restart();
    }
    m_out.flush();
    const qint64 sleep = next < 0 ? kMaxSleepMs : std::min(kMaxSleepMs, m_clock.wallMsUntil(next));
    m_timer.start(static_cast<int>(sleep));
}

} // namespace sb
