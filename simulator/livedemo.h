#pragma once
// Runs a site live: the routing engine on a (possibly sped-up) clock, fed by simulated customers
// and agents, printing each decision and a floor status line as they happen. This is what
// `switchboard-coordinator --demo` shows until the network service exists.

#include "replaysummary.h"
#include "routingengine.h"
#include "scaledclock.h"
#include "simulation.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTextStream>
#include <QTimer>
#include <memory>

namespace sb {

class LiveDemo final : public QObject
{
    Q_OBJECT
public:
    LiveDemo(const SiteConfig &site, const TrafficProfile &profile, double speed, bool explainDecisions,
             QTextStream &out, QObject *parent = nullptr);

    bool start(QString *error);
    void stop();
    QString statusLine() const;

private:
    void step();

    SiteConfig m_site;
    TrafficProfile m_profile;
    bool m_explain;
    QTextStream &m_out;
    ScaledClock m_clock;
    RoutingEngine m_engine;
    std::unique_ptr<Simulation> m_sim;
    ReplaySummary m_summary;
    QTimer m_timer;
    QElapsedTimer m_sinceStatus;
    QTimeZone m_zone;
};

} // namespace sb
