#pragma once
// One thread's share of the load benchmark's connections: customers, agents or plain senders
// against the echo server, each a real WebSocket connection (LoadConnection), driven through
// set-up, paced arrivals and sending as fast as the server acknowledges.

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

class QJsonObject;

namespace sb {

class FlushQueue;
class LoadConnection;

struct LoadRun;

class LoadWorker final : public QObject
{
    Q_OBJECT

public:
    // A new conversation's first message was sent at `sentNs` and reached its agent `latencyNs` later.
    struct LatencySample
    {
        qint64 sentNs = 0;
        qint64 latencyNs = 0;
    };

    LoadWorker(LoadRun *run, int maxHandshakes, QObject *parent = nullptr);
    ~LoadWorker() override;

    // These run on the worker's thread (call them through a queued invocation). Connections open
    // at most maxHandshakes at a time; each counts in run->ready once set up (or run->failed).
    void addCustomers(const std::vector<int> &slotIds);
    void addAgents(const QStringList &logins);
    void addEchoSenders(int count);
    // Every ready customer (or echo sender) sends, and sends again on each reply while run->sending.
    void startSending();
    // Idle customers open new conversations at this rate, each with one message.
    void startArrivals(double perSecond);
    void stopArrivals();
    std::vector<LatencySample> takeLatencies();
    void closeAll();

private:
    enum class Role { Customer, Agent, Echo };
    enum class Step { Queued, Connecting, Hello, SignIn, Online, Ready };
    struct Connection
    {
        Role role = Role::Customer;
        Step step = Step::Queued;
        int slot = -1;        // customers: their latency slot
        QString login;        // agents
        bool waiting = false; // a customer.send is unanswered
        bool open = false;    // customers: a conversation of the latency phase is open
        bool counted = false; // counted in ready or failed
        qint64 nextId = 0;
        LoadConnection *socket = nullptr;
    };

    void add(std::unique_ptr<Connection> c);
    void openNext();
    void onConnected(Connection *c);
    void onText(Connection *c, QByteArrayView text);
    void onReply(Connection *c, QByteArrayView text, bool error);
    void onAssigned(Connection *c, QByteArrayView text);
    void onClosed(Connection *c);
    void setupDone(Connection *c, bool ok);
    void request(Connection *c, const QString &op, const QJsonObject &args);
    void sendMessage(Connection *c);
    void pace();

    LoadRun *m_run;
    const int m_maxHandshakes;
    int m_handshaking = 0;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::deque<Connection *> m_toOpen;
    std::deque<Connection *> m_idle; // customers that may open a new conversation
    FlushQueue *m_flushes;           // sends what each turn wrote, per connection in one call
    QByteArray m_framePrefix;        // customer.send frames are prefix + id + suffix
    QByteArray m_frameSuffix;
    int m_loggedErrors = 0;

    QTimer m_pacer;
    double m_ratePerSecond = 0;
    qint64 m_pacingStartNs = 0;
    qint64 m_issued = 0;
    std::vector<LatencySample> m_latencies;
};

} // namespace sb
