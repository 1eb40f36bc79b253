#pragma once
// Simulated customers and agents driving a routing engine: customers arrive and write, assigned
// agents answer and close, agents take breaks. It reacts to the engine's decisions, so the traffic
// responds to routing the way a real floor does. Every event it sends can be recorded as an event
// script line, so a simulated day can be replayed against another configuration.

#include "routingengine.h"
#include "trafficprofile.h"

#include <QHash>
#include <QSet>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace sb {

class Simulation
{
public:
    using Recorder = std::function<void(const QString &scriptLine)>;

    // The engine must already have `site` loaded; decisions must be passed to onDecision().
    Simulation(RoutingEngine &engine, const SiteConfig &site, const TrafficProfile &profile, qint64 startMs);

    void setRecorder(Recorder recorder) { m_recorder = std::move(recorder); }
    void onDecision(const Decision &decision);

    // Performs every simulated action due at or before nowMs (the engine's clock must read
    // nowMs). Returns when the next action is due.
    qint64 step(qint64 nowMs);
    int arrivals() const { return m_arrivals; }

private:
    enum class Action { Arrival, AgentReply, CustomerMessage, AgentClose, Abandon, Break, Return };
    struct Pending
    {
        Action action;
        QString conversation;
        QString agent;
    };
    void schedule(qint64 at, Action action, const QString &conversation = QString(),
                  const QString &agent = QString());
    void perform(qint64 now, const Pending &p);
    qint64 secondsBetween(int minSeconds, int maxSeconds);
    qint64 exponentialMs(double perHour);
    void record(const QString &line);
    QString pickCustomer();
    QString channelFor();

    RoutingEngine &m_engine;
    TrafficProfile m_profile;
    std::mt19937 m_rng;
    std::multimap<std::pair<qint64, quint64>, Pending> m_pending;
    quint64 m_seq = 0;
    qint64 m_now = 0;
    int m_arrivals = 0;
    QStringList m_channels;
    QStringList m_agents;
    QStringList m_knownCustomers;
    QStringList m_messages;
    QHash<QString, int> m_exchangesLeft; // conversation -> customer follow-ups still to come
    QHash<QString, QString> m_holder;    // conversation -> agent who has it
    QSet<QString> m_open;
    QHash<QString, std::pair<QString, QString>> m_customerOf; // conversation -> (customer, channel)
    Recorder m_recorder;
};

} // namespace sb
