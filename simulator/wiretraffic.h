#pragma once
// Simulated people driving a real coordinator over the wire, for demos and tests: customers who
// open the chat, write in English or Chinese, answer agents after a human pause, rate the survey
// and sometimes give up; and optionally colleague agents who sign in, answer what is assigned to
// them, close after a few exchanges and take breaks. Protocol only (docs/PROTOCOL.md), one
// WebSocket per person, so the coordinator cannot tell them from real clients. Lives on the
// thread that creates it.

#include "trafficprofile.h"

#include "envelope.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace sb {

struct Credentials
{
    QString login;
    QString password;
};

class WireTraffic final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl url; // ws://host:port of the coordinator
        // A wss certificate that nobody this computer trusts vouches for (a site's self-signed
        // one) is accepted when its SHA-256 fingerprint is this one (certificatetrust.h).
        QString trustedFingerprint;
        double arrivalsPerMinute = 2; // new customers per simulated minute
        int openingArrivals = 0;      // customers at the door when traffic starts (a second apart)
        // The simulated colleagues come online only once the opening customers are in, so that
        // they go to whoever was online already (the demo's own desk), not mostly to colleagues.
        bool colleaguesAfterOpening = false;
        double speed = 1;                            // people think, type and wait this many times faster
        quint32 seed = 1;                            // every random choice comes from this
        QStringList channels{QStringLiteral("web")}; // customer.start picks among them
        std::vector<Credentials> agents;             // colleagues to simulate (accounts with passwords)
        int maxCustomers = 40; // customers connected at once; arrivals beyond are skipped
        // Delays and shares (reply times, exchanges, patience, breaks). Its arrivalsPerHour and
        // seed are not used: arrivalsPerMinute and seed above are.
        TrafficProfile behaviour;
    };

    struct Stats
    {
        int customersArrived = 0;
        int customersConnected = 0;
        int customersGaveUp = 0; // left before their conversation was closed
        int customerMessages = 0;
        int agentsOnline = 0;
        int agentReplies = 0;
        int conversationsClosed = 0; // by simulated agents
        int surveysRated = 0;
        int errors = 0; // requests refused and connections lost
    };

    // One person's connection: a QWebSocket speaking the protocol, with replies matched to
    // requests. Public so that other protocol-only helpers (DemoSetup) use the same code.
    class Peer;

    explicit WireTraffic(const Options &options, QObject *parent = nullptr);
    ~WireTraffic() override;

    // Starts arrivals and signs the agents in. Returns at once; everything happens on the event loop.
    void start();
    // Closes every connection; nobody is simulated any more. start() may follow.
    void stop();
    bool isRunning() const { return m_running; }

    // Both take effect from the next arrival (or pause).
    void setArrivalsPerMinute(double perMinute);
    void setSpeed(double speed);

    Stats stats() const { return m_stats; }

signals:
    // One line per notable action ("Sarah Tam (web): Where is my order?"), for a log or terminal.
    void activity(const QString &line);
    // A request refused or a connection lost, in words.
    void problem(const QString &message);
    void statsChanged();

private:
    class Customer;
    class Agent;
    friend class Customer;
    friend class Agent;

    void scheduleArrival();
    void arrive();
    void startAgent(const Credentials &credentials);
    void customerGone(Customer *customer, bool gaveUp);
    void report(const QString &line);
    void complain(const QString &message);
    void changed();

    // Random draws, all from the one seeded generator.
    double uniform(double low, double high);
    int uniformInt(int low, int high);
    bool chance(double p);
    const QString &pick(const QStringList &items);
    // Wall-clock milliseconds for this many simulated seconds.
    int wallMs(double simulatedSeconds) const;

    Options m_options;
    std::mt19937 m_rng;
    bool m_running = false;
    quint64 m_runs = 0; // start() calls, so that a timer from an earlier run does nothing
    QTimer m_arrivals;
    std::vector<Customer *> m_customers; // children of this object
    std::vector<Agent *> m_agents;       // children of this object
    struct Visitor
    {
        QString token, channel, name, language;
    };
    std::vector<Visitor> m_returning; // customers who may come back, with their customer token
    int m_customerNumber = 0;
    Stats m_stats;
};

class WireTraffic::Peer final : public QObject
{
public:
    using Reply = std::function<void(const protocol::Incoming &)>;

    explicit Peer(QObject *parent = nullptr);
    ~Peer() override;

    // Connects and says hello; onReady follows when the coordinator accepted it. A certificate
    // nobody vouches for is accepted only with this SHA-256 fingerprint (certificatetrust.h).
    void open(const QUrl &url, const QString &trustedFingerprint = QString());
    // Sends a request; `done` gets its result or error.
    void call(const QString &op, const QJsonObject &args = {}, Reply done = {});
    void close();
    bool isOpen() const { return m_ready; }
    // The coordinator's certificate was refused, and one whose fingerprint the user could decide
    // to trust (trustedFingerprint): self-signed or unknown, not expired or broken.
    bool refusedTrustableCertificate() const { return m_refusedTrustable; }

    std::function<void(const QJsonObject &hello)> onReady;
    std::function<void(const protocol::Incoming &)> onEvent;
    // The connection ended or could not be made (never after close()).
    std::function<void(const QString &why)> onClosed;

private:
    void received(const QString &text);
    void onSslErrors(const QList<QSslError> &errors);
    QString closedWhy() const;

    QWebSocket m_socket;
    qint64 m_nextId = 0;
    std::map<qint64, Reply> m_pending;
    bool m_ready = false;
    bool m_closing = false;
    QString m_trustedFingerprint;
    QString m_refusal; // why the certificate was not accepted, if it was not
    bool m_refusedTrustable = false;
};

} // namespace sb
