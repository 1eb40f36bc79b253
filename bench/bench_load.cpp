// The coordinator under load over loopback: many customers and agents on real WebSocket
// connections against switchboard-coordinator running as a child process, and the same client
// code against a bare Qt WebSocket echo server (also a child) as the yardstick.
//
//   bench_load                      1,000, 5,000 and 10,000 connections (a few minutes)
//   bench_load --quick              100 and 300 connections, seconds per phase: a smoke run
//   bench_load --counts 2000,4000   other connection counts
//   bench_load --seconds S          measured seconds of each sending phase (default 10; quick 2)
//   bench_load --threads T          load-generator threads (default 2)
//   bench_load --coordinator PATH   the coordinator to measure (default: the one built with this)
//   bench_load --dir PATH           where stores and logs go (default: a temporary directory); put
//                                   it on the disk the coordinator will use: fsync is the story
//
// For each connection count N: one admin, N/100 agents (each able to take all of their share of
// the customers) and the rest customers, every one on its own connection, signed in.
//   latency     idle customers open new conversations at --rate per second (default 1,000), one
//               message each; agents close each conversation as soon as it is assigned, and the
//               customer may come back once told it closed. Measured: from sending the first
//               customer.send to the agent receiving conversation.assigned (both leave the
//               coordinator only after their round committed).
//   throughput  every customer opens a conversation, then keeps one customer.send in flight: the
//               next goes when the previous is acknowledged, and acknowledgements come only after
//               the commit, so each counts a durable message. Delivered: message.new events that
//               reached agents.
//   memory      the coordinator's VmRSS with the admin only, after every connection is signed in,
//               and after the throughput phase; per connection is the growth over N.
//   echo        the same number of connections to the echo server, each keeping the same
//               customer.send frame in flight; ratio = durable messages/s / echo round trips/s.
// Both servers and the load generator share this machine's cores: server CPU is shown in cores.
// Benchmarks print; they never fail on timing.

#include "epolldispatcher.h"
#include "loadechoserver.h"
#include "loadprocess.h"
#include "loadrun.h"
#include "loadworker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QWebSocket>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace sb;

namespace {

const QString kPassword = QStringLiteral("bench load password");
// About the size of a real chat line; no quotes or backslashes (frames are classified by substring).
const QString kMessageText = QStringLiteral(
    "Hello, I ordered a blue kettle last week and it has not arrived yet. Order 20251124-0042, please.");

struct Options
{
    QList<int> counts;
    double seconds = 10;
    double warmupSeconds = 1;
    double latencySeconds = 5;
    double rate = 1000;
    int threads = 2;
    int handshakes = 24; // per thread
    QString coordinator;
    QString dir;
};

struct Result
{
    int connections = 0;
    int agents = 0;
    int customers = 0;
    QString error;
    // set-up
    double connectSeconds = 0;
    int failed = 0;
    int failedAt[LoadRun::SetupSteps] = {}; // by step (LoadRun::SetupStep)
    // latency
    double arrivalsPerSecond = 0;
    qint64 arrivals = 0, missed = 0, samples = 0;
    double p50Ms = 0, p99Ms = 0, maxMs = 0;
    // The coordinator's own view of the same window (/metrics): request in to answer out, and
    // one group commit. -1 when the metrics could not be read.
    double requestP50Ms = -1, requestP99Ms = -1, commitP50Ms = -1, commitP99Ms = -1;
    qint64 slowTurns = 0; // turns of the coordinator's loop over 50 ms during the arrivals
    // throughput
    double durablePerSecond = 0;
    double deliveredPerSecond = 0;
    double serverCores = 0;
    double clientCores = 0;
    double mainThreadCores = 0, writerThreadCores = 0; // of the coordinator
    double commitsPerSecond = 0;                       // the store's transactions
    qint64 errors = 0;
    qint64 dropped = 0;
    // memory (KiB)
    qint64 baselineKb = 0, connectedKb = 0, loadedKb = 0;
    // echo
    double echoPerSecond = 0;
    double echoServerCores = 0;
    double echoClientCores = 0;
    qint64 echoBaselineKb = 0, echoConnectedKb = 0;
    int echoFailed = 0;
};

double processCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs the main thread's events until `done` holds or `timeoutMs` passes.
// With --verbose, the run being watched prints its counters once a second.
const LoadRun *g_watched = nullptr;
bool g_verbose = false;

void report(const char *where)
{
    static QElapsedTimer last;
    if (!g_verbose || !g_watched || (last.isValid() && last.elapsed() < 1000))
        return;
    last.start();
    const LoadRun &r = *g_watched;
    std::fprintf(stderr,
                 "  [%s] ready %d failed %d | arrivals %lld missed %lld assigned %lld idle %d | acked %lld "
                 "in flight %lld delivered %lld errors %lld\n",
                 where, r.ready.load(), r.failed.load(), qlonglong(r.arrivals), qlonglong(r.missedArrivals),
                 qlonglong(r.assigned), r.idleCustomers.load(), qlonglong(r.acked), qlonglong(r.inFlight),
                 qlonglong(r.deliveredToAgents), qlonglong(r.errors));
}

bool pumpUntil(const std::function<bool()> &done, int timeoutMs, const char *where = "")
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QThread::msleep(2);
        report(where);
    }
    return true;
}

void pumpFor(int ms, const char *where = "")
{
    QElapsedTimer t;
    t.start();
    pumpUntil([&] { return t.elapsed() >= ms; }, ms + 1000, where);
}

void raiseFileLimit()
{
    // Each connection is a descriptor here and another in the server; the soft limit is often
    // far below the hard one.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The floor under every acknowledgement: how long this disk takes to make a small write durable.
std::pair<double, double> fdatasyncMs(const QString &dir)
{
    QFile file(dir + QStringLiteral("/fdatasync-probe"));
    if (!file.open(QIODevice::WriteOnly))
        return {-1, -1};
    const QByteArray page(4096, 'x');
    std::vector<qint64> ns;
    for (int i = 0; i < 100; ++i) {
        file.write(page);
        file.flush();
        QElapsedTimer t;
        t.start();
        ::fdatasync(file.handle());
        ns.push_back(t.nsecsElapsed());
    }
    file.remove();
    std::sort(ns.begin(), ns.end());
    return {double(ns[49]) / 1e6, double(ns[98]) / 1e6};
}

QByteArray siteJson(int agents, int maxConcurrent)
{
    QJsonArray agentList;
    for (int i = 0; i < agents; ++i)
        agentList.append(QJsonObject{{"id", QStringLiteral("agent-%1").arg(i)},
                                     {"name", QStringLiteral("Agent %1").arg(i)},
                                     {"groups", QJsonArray{"desk"}},
                                     {"maxConcurrent", maxConcurrent}});
    const QJsonObject site{
        {"routing", QJsonObject{{"timeZone", "UTC"},
                                {"allowedStatuses", QJsonArray{"online"}},
                                {"replyTimeoutSeconds", 0},
                                {"autoCloseMinutes", 0}}},
        {"channels", QJsonArray{QJsonObject{{"id", "web"}, {"name", "Web chat"}}}},
        {"groups", QJsonArray{QJsonObject{{"id", "desk"}, {"name", "Desk"}}}},
        {"agents", agentList},
        {"rules", QJsonArray{QJsonObject{{"id", "web"},
                                         {"when", QJsonObject{{"channels", QJsonArray{"web"}}}},
                                         {"groups", QJsonArray{"desk"}},
                                         {"strategy", "least-load"}}}}};
    return QJsonDocument(site).toJson();
}

// The admin's connection, on the main thread: first-run set-up, then a password for every seeded
// agent (each costs the coordinator an Argon2id hash, so they are sent all at once and answered in
// order).
class AdminClient
{
public:
    explicit AdminClient(quint16 port)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.contains(QLatin1String("event")))
                return;
            ++m_replies;
            if (o.contains(QLatin1String("error")) && m_firstError.isEmpty())
                m_firstError = text;
        });
        m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port)));
    }

    bool setUp(int agents, QString *error)
    {
        if (!pumpUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 10000)) {
            *error = QStringLiteral("the admin could not connect");
            return false;
        }
        send("hello", {{"protocol", 1}});
        send("auth.setup", {{"login", "admin"}, {"password", kPassword}, {"displayName", "Admin"}});
        for (int i = 0; i < agents; ++i)
            send("account.create", {{"login", QStringLiteral("agent-%1").arg(i)},
                                    {"displayName", QStringLiteral("Agent %1").arg(i)},
                                    {"role", "agent"},
                                    {"password", kPassword}});
        const bool answered = pumpUntil([&] { return m_replies >= m_sent; }, 20000 + agents * 500);
        if (!answered || !m_firstError.isEmpty()) {
            *error =
                answered
                    ? QStringLiteral("set-up refused: %1").arg(m_firstError)
                    : QStringLiteral("set-up not answered (%1 of %2 replies)").arg(m_replies).arg(m_sent);
            return false;
        }
        return true;
    }

private:
    void send(const char *op, const QJsonObject &args)
    {
        const QJsonObject frame{{"id", ++m_sent}, {"op", QLatin1String(op)}, {"args", args}};
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }

    QWebSocket m_socket;
    int m_sent = 0;
    int m_replies = 0;
    QString m_firstError;
};

// The load generator's threads, each with its own event loop and share of the connections.
class Workers
{
public:
    Workers(LoadRun *run, const Options &options)
    {
        for (int i = 0; i < options.threads; ++i) {
            auto thread = std::make_unique<QThread>();
            // Each client thread holds thousands of sockets: with Qt's dispatcher every turn of
            // its loop polls them all, and the time goes to the generator instead of the server.
            if (!qEnvironmentVariableIsSet("BENCH_LOAD_QT_CLIENT_LOOP"))
                thread->setEventDispatcher(new EpollEventDispatcher);
            auto *worker = new LoadWorker(run, options.handshakes);
            worker->moveToThread(thread.get());
            QObject::connect(thread.get(), &QThread::finished, worker, &QObject::deleteLater);
            thread->start();
            m_workers.push_back(worker);
            m_threads.push_back(std::move(thread));
        }
    }

    ~Workers()
    {
        each([](LoadWorker *w) { w->closeAll(); }, true);
        for (auto &t : m_threads) {
            t->quit();
            t->wait();
        }
    }

    int size() const { return int(m_workers.size()); }
    LoadWorker *at(int i) const { return m_workers[i]; }

    void on(int i, std::function<void(LoadWorker *)> f, bool wait = false)
    {
        LoadWorker *w = m_workers[i];
        QMetaObject::invokeMethod(
            w, [w, f] { f(w); }, wait ? Qt::BlockingQueuedConnection : Qt::QueuedConnection);
    }

    void each(const std::function<void(LoadWorker *)> &f, bool wait = false)
    {
        for (int i = 0; i < size(); ++i)
            on(i, f, wait);
    }

private:
    std::vector<LoadWorker *> m_workers;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

double percentile(std::vector<qint64> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const std::size_t i = std::min(sorted.size() - 1, std::size_t(std::ceil(p * double(sorted.size()))) - 1);
    return double(sorted[i]) / 1e6;
}

// Keeps every connection sending for the warm-up, then measures `seconds`; returns the rates.
struct SendWindow
{
    double acked = 0, delivered = 0, serverCores = 0, clientCores = 0;
    double mainCores = 0, writerCores = 0, commits = 0;
};

SendWindow measureSending(LoadRun &run, Workers &workers, const LoadProcess &server, const Options &o,
                          quint16 httpPort = 0)
{
    const QString commitsMetric = QStringLiteral("switchboard_store_transactions_total");
    run.sending = true;
    workers.each([](LoadWorker *w) { w->startSending(); });
    pumpFor(int(o.warmupSeconds * 1000), "warm-up");
    QElapsedTimer wall;
    wall.start();
    const qint64 acked0 = run.acked, delivered0 = run.deliveredToAgents;
    const double server0 = server.cpuSeconds(), client0 = processCpuSeconds();
    const QHash<QString, double> threads0 = server.threadCpuSeconds();
    const double commits0 = httpPort ? LoadProcess::metric(httpPort, commitsMetric) : 0;
    pumpFor(int(o.seconds * 1000), "sending");
    const double elapsed = double(wall.nsecsElapsed()) / 1e9;
    SendWindow w;
    const QHash<QString, double> threads1 = server.threadCpuSeconds();
    // Thread names are cut at 15 characters by the kernel.
    w.mainCores = (threads1.value(QStringLiteral("switchboard-coo")) -
                   threads0.value(QStringLiteral("switchboard-coo"))) /
                  elapsed;
    w.writerCores = (threads1.value(QStringLiteral("sb-store-writer")) -
                     threads0.value(QStringLiteral("sb-store-writer"))) /
                    elapsed;
    if (httpPort)
        w.commits = (LoadProcess::metric(httpPort, commitsMetric) - commits0) / elapsed;
    w.acked = double(run.acked - acked0) / elapsed;
    w.delivered = double(run.deliveredToAgents - delivered0) / elapsed;
    w.serverCores = (server.cpuSeconds() - server0) / elapsed;
    w.clientCores = (processCpuSeconds() - client0) / elapsed;
    run.sending = false;
    pumpUntil([&] { return run.inFlight == 0; }, 60000, "draining");
    return w;
}

bool connectAll(LoadRun &run, int expected, int timeoutMs)
{
    pumpUntil([&] { return run.ready + run.failed >= expected; }, timeoutMs, "connecting");
    return run.ready == expected;
}

void runCoordinator(const Options &o, const QString &dir, Result &r)
{
    const int agents = r.agents, customers = r.customers;
    const int maxConcurrent = std::min(1000, (customers + agents - 1) / agents + 1);
    QDir().mkpath(dir);
    QFile site(dir + QStringLiteral("/site.json"));
    site.open(QIODevice::WriteOnly);
    site.write(siteJson(agents, maxConcurrent));
    site.close();

    // The metrics port must be named up front; a port the kernel just handed out is free enough.
    quint16 httpPort = 0;
    {
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, 0))
            httpPort = probe.serverPort();
    }
    LoadProcess coordinator;
    QString error;
    if (!coordinator.start(o.coordinator,
                           {QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                            QStringLiteral("0"), QStringLiteral("--http-port"), QString::number(httpPort),
                            QStringLiteral("--data"), dir + QStringLiteral("/data"), QStringLiteral("--site"),
                            site.fileName()},
                           dir + QStringLiteral("/coordinator.log"), &error)) {
        r.error = error;
        return;
    }
    AdminClient admin(coordinator.port());
    if (!admin.setUp(agents, &error)) {
        r.error = error;
        return;
    }
    pumpFor(300); // let the set-up's allocations settle before the baseline
    r.baselineKb = coordinator.residentKb();

    LoadRun run(customers);
    g_watched = &run;
    run.url = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(coordinator.port()));
    run.password = kPassword;
    run.messageText = kMessageText;
    Workers workers(&run, o);
    QElapsedTimer connecting;
    connecting.start();
    // Agents first: customers that start before any agent is online would only queue.
    for (int w = 0; w < workers.size(); ++w) {
        QStringList logins;
        for (int i = w; i < agents; i += workers.size())
            logins << QStringLiteral("agent-%1").arg(i);
        workers.on(w, [logins](LoadWorker *lw) { lw->addAgents(logins); });
    }
    if (!connectAll(run, agents, 30000 + agents * 200)) {
        r.error = QStringLiteral("only %1 of %2 agents signed in").arg(run.ready.load()).arg(agents);
        return;
    }
    for (int w = 0; w < workers.size(); ++w) {
        std::vector<int> slotIds;
        for (int i = w; i < customers; i += workers.size())
            slotIds.push_back(i);
        workers.on(w, [slotIds](LoadWorker *lw) { lw->addCustomers(slotIds); });
    }
    connectAll(run, agents + customers, 60000 + customers * 20);
    r.connectSeconds = double(connecting.elapsed()) / 1000;
    r.failed = agents + customers - run.ready;
    for (int i = 0; i < LoadRun::SetupSteps; ++i)
        r.failedAt[i] = run.failedAt[i];
    if (run.ready != agents + customers) {
        r.error = QStringLiteral("only %1 of %2 connections were set up")
                      .arg(run.ready.load())
                      .arg(agents + customers);
        return;
    }
    pumpFor(300);
    r.connectedKb = coordinator.residentKb();

    // Latency at a paced arrival rate; agents close what they get so capacity never runs out.
    run.agentsClose = true;
    const QString slowTurnsMetric = QStringLiteral("switchboard_loop_slow_turns_total");
    const double slowTurns0 = LoadProcess::metric(httpPort, slowTurnsMetric);
    const qint64 arrivals0 = run.arrivals;
    const qint64 startNs = LoadRun::nowNs();
    workers.each([&](LoadWorker *w) { w->startArrivals(o.rate / workers.size()); });
    pumpFor(int(o.latencySeconds * 1000), "arrivals");
    workers.each([](LoadWorker *w) { w->stopArrivals(); });
    const double paced = double(LoadRun::nowNs() - startNs) / 1e9;
    r.arrivals = run.arrivals - arrivals0;
    r.missed = run.missedArrivals;
    r.arrivalsPerSecond = double(r.arrivals) / paced;
    if (!pumpUntil([&] { return run.idleCustomers == customers && run.inFlight == 0; }, 30000, "closing"))
        std::fprintf(stderr, "bench_load: %d customers still had an open conversation after 30 s\n",
                     customers - run.idleCustomers);
    std::vector<qint64> latencies;
    // The first half second is the pacer and the agents warming up; it is left out.
    const qint64 measuredFrom = startNs + 500'000'000;
    for (int w = 0; w < workers.size(); ++w) {
        std::vector<LoadWorker::LatencySample> samples;
        workers.on(
            w, [&samples](LoadWorker *lw) { samples = lw->takeLatencies(); }, true);
        for (const auto &s : samples) {
            if (s.sentNs >= measuredFrom)
                latencies.push_back(s.latencyNs);
        }
    }
    std::sort(latencies.begin(), latencies.end());
    r.samples = qint64(latencies.size());
    r.p50Ms = percentile(latencies, 0.50);
    r.p99Ms = percentile(latencies, 0.99);
    r.maxMs = latencies.empty() ? 0 : double(latencies.back()) / 1e6;
    const auto quantile = [httpPort](const char *name, const char *q) {
        return LoadProcess::metric(
            httpPort, QStringLiteral("%1{quantile=\"%2\"}").arg(QLatin1String(name), QLatin1String(q)));
    };
    r.requestP50Ms = quantile("switchboard_request_latency_ms", "0.5");
    r.requestP99Ms = quantile("switchboard_request_latency_ms", "0.99");
    r.commitP50Ms = quantile("switchboard_store_commit_ms", "0.5");
    r.commitP99Ms = quantile("switchboard_store_commit_ms", "0.99");
    r.slowTurns = qint64(LoadProcess::metric(httpPort, slowTurnsMetric) - slowTurns0);
    run.agentsClose = false;

    // Throughput: every customer opens a conversation and keeps writing into it.
    const SendWindow w = measureSending(run, workers, coordinator, o, httpPort);
    r.mainThreadCores = w.mainCores;
    r.writerThreadCores = w.writerCores;
    r.commitsPerSecond = w.commits;
    r.durablePerSecond = w.acked;
    r.deliveredPerSecond = w.delivered;
    r.serverCores = w.serverCores;
    r.clientCores = w.clientCores;
    r.errors = run.errors;
    r.dropped = run.dropped;
    pumpFor(300);
    r.loadedKb = coordinator.residentKb();
    g_watched = nullptr;
}

void runEcho(const Options &o, const QString &dir, Result &r)
{
    LoadProcess echo;
    QString error;
    if (!echo.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--echo-server")},
                    dir + QStringLiteral("/echo.log"), &error)) {
        r.error = error;
        return;
    }
    pumpFor(200);
    r.echoBaselineKb = echo.residentKb();
    LoadRun run(0);
    g_watched = &run;
    run.url = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(echo.port()));
    run.messageText = kMessageText;
    Workers workers(&run, o);
    for (int w = 0; w < workers.size(); ++w) {
        const int count = r.connections / workers.size() + (w < r.connections % workers.size() ? 1 : 0);
        workers.on(w, [count](LoadWorker *lw) { lw->addEchoSenders(count); });
    }
    connectAll(run, r.connections, 60000 + r.connections * 20);
    r.echoFailed = r.connections - run.ready;
    pumpFor(300);
    r.echoConnectedKb = echo.residentKb();
    const SendWindow w = measureSending(run, workers, echo, o);
    r.echoPerSecond = w.acked;
    r.echoServerCores = w.serverCores;
    r.echoClientCores = w.clientCores;
    g_watched = nullptr;
}

QString kb(double k)
{
    return k < 0 ? QStringLiteral("?") : QString::number(k, 'f', 1);
}

void printTables(const std::vector<Result> &results, const Options &o)
{
    std::printf(
        "\nThroughput: customers keep one customer.send in flight; an acknowledgement means committed\n");
    std::printf("%11s %7s %9s %10s %13s %12s %10s %10s %10s %10s %6s %7s\n", "connections", "agents",
                "customers", "connect s", "durable msg/s", "delivered/s", "server CPU", "client CPU",
                "echo rt/s", "echo CPU", "ratio", "errors");
    for (const Result &r : results) {
        std::printf("%11d %7d %9d %10.1f %13.0f %12.0f %10.2f %10.2f %10.0f %10.2f %6.2f %7lld\n",
                    r.connections, r.agents, r.customers, r.connectSeconds, r.durablePerSecond,
                    r.deliveredPerSecond, r.serverCores, r.clientCores, r.echoPerSecond, r.echoServerCores,
                    r.echoPerSecond > 0 ? r.durablePerSecond / r.echoPerSecond : 0.0, qlonglong(r.errors));
    }
    std::printf("\nInside the coordinator during the throughput window (CPU in cores)\n");
    std::printf("%11s %12s %12s %14s %12s\n", "connections", "main thread", "store writer", "commits/s",
                "msgs/commit");
    for (const Result &r : results)
        std::printf("%11d %12.2f %12.2f %14.0f %12.1f\n", r.connections, r.mainThreadCores,
                    r.writerThreadCores, r.commitsPerSecond,
                    r.commitsPerSecond > 0 ? r.durablePerSecond / r.commitsPerSecond : 0.0);
    std::printf("\nArrival to agent: new conversations paced at %.0f/s; first customer.send sent -> "
                "conversation.assigned received\n",
                o.rate);
    std::printf(
        "(inside: the coordinator's request-in to answer-out and its group commits, latest 8,192 "
        "of each; slow turns: its event loop's turns over 50 ms meanwhile, logged in coordinator.log)\n");
    std::printf("%11s %11s %9s %9s %8s %8s %8s %12s %12s %11s %11s %11s\n", "connections", "arrivals/s",
                "measured", "missed", "p50 ms", "p99 ms", "max ms", "inside p50", "inside p99", "commit p50",
                "commit p99", "slow turns");
    for (const Result &r : results)
        std::printf("%11d %11.0f %9lld %9lld %8.2f %8.2f %8.2f %12.2f %12.2f %11.2f %11.2f %11lld\n",
                    r.connections, r.arrivalsPerSecond, qlonglong(r.samples), qlonglong(r.missed), r.p50Ms,
                    r.p99Ms, r.maxMs, r.requestP50Ms, r.requestP99Ms, r.commitP50Ms, r.commitP99Ms,
                    qlonglong(r.slowTurns));
    std::printf("\nResident memory (VmRSS) of the servers\n");
    std::printf("%11s %12s %13s %11s %14s %11s %14s %13s\n", "connections", "coord. base", "signed in MB",
                "KB/conn", "after load MB", "KB/conn", "echo conn. MB", "echo KB/conn");
    for (const Result &r : results) {
        const double n = r.connections;
        std::printf("%11d %9.1f MB %13.1f %11s %14.1f %11s %14.1f %13s\n", r.connections,
                    r.baselineKb / 1024.0, r.connectedKb / 1024.0,
                    qPrintable(kb((r.connectedKb - r.baselineKb) / n)), r.loadedKb / 1024.0,
                    qPrintable(kb((r.loadedKb - r.baselineKb) / n)), r.echoConnectedKb / 1024.0,
                    qPrintable(kb((r.echoConnectedKb - r.echoBaselineKb) / n)));
    }
    for (const Result &r : results) {
        if (!r.error.isEmpty())
            std::printf("\n%d connections: %s\n", r.connections, qPrintable(r.error));
        if (r.failed || r.echoFailed || r.dropped) {
            QStringList steps;
            for (int i = 0; i < LoadRun::SetupSteps; ++i)
                steps << QStringLiteral("%1 %2")
                             .arg(QLatin1String(LoadRun::kSetupStepNames[i]))
                             .arg(r.failedAt[i]);
            std::printf(
                "%d connections: %d failed to set up (while %s), %d echo connections failed, %lld dropped\n",
                r.connections, r.failed, qPrintable(steps.join(QStringLiteral(", "))), r.echoFailed,
                qlonglong(r.dropped));
        }
    }

    std::printf("\nTargets\n");
    for (const Result &r : results) {
        const double ratio = r.echoPerSecond > 0 ? r.durablePerSecond / r.echoPerSecond : 0;
        const double perConn = double(r.loadedKb - r.baselineKb) / r.connections;
        const auto verdict = [](bool met) { return met ? "met" : "NOT met"; };
        std::printf("%6d connections: durable >= 20,000 msg/s: %s (%.0f); p99 < 10 ms: %s (%.2f); "
                    "< 64 KB/connection after load: %s (%.1f); ratio >= 0.5: %s (%.2f)\n",
                    r.connections, verdict(r.durablePerSecond >= 20000), r.durablePerSecond,
                    verdict(r.samples > 0 && r.p99Ms < 10), r.p99Ms, verdict(perConn < 64), perConn,
                    verdict(ratio >= 0.5), ratio);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // The plain UNIX event dispatcher: Qt's GLib one slows to a crawl with thousands of sockets.
    // It is chosen when the application object is created, so this goes first.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    if (app.arguments().contains(QStringLiteral("--echo-server")))
        return runLoadEchoServer();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Load benchmark of switchboard-coordinator over loopback."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Small counts, short phases."));
    const QCommandLineOption counts(QStringLiteral("counts"), QStringLiteral("Connection counts."),
                                    QStringLiteral("n,n,..."));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Measured seconds per phase."),
                                     QStringLiteral("s"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("New conversations per second."),
                                  QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Load-generator threads."),
                                     QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption coordinator(QStringLiteral("coordinator"),
                                         QStringLiteral("The coordinator binary."), QStringLiteral("path"),
                                         QStringLiteral(SB_COORDINATOR_PATH));
    const QCommandLineOption dir(QStringLiteral("dir"), QStringLiteral("Directory for stores and logs."),
                                 QStringLiteral("path"));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Print counters every second."));
    parser.addOptions({quick, counts, seconds, rate, threads, coordinator, dir, verbose});
    parser.process(app);
    g_verbose = parser.isSet(verbose);

    Options o;
    const bool isQuick = parser.isSet(quick);
    if (parser.isSet(counts)) {
        for (const QString &n : parser.value(counts).split(QLatin1Char(',')))
            o.counts << n.toInt();
    } else {
        o.counts = isQuick ? QList<int>{100, 300} : QList<int>{1000, 5000, 10000};
    }
    if (isQuick) {
        o.seconds = 2;
        o.latencySeconds = 2;
        o.warmupSeconds = 0.5;
    }
    if (parser.isSet(seconds))
        o.seconds = parser.value(seconds).toDouble();
    o.rate = parser.value(rate).toDouble();
    o.threads = std::max(1, parser.value(threads).toInt());
    o.coordinator = parser.value(coordinator);
    for (int n : o.counts) {
        if (n < 10) {
            std::fprintf(stderr, "bench_load: connection counts start at 10\n");
            return 2;
        }
    }
    if (!QFile::exists(o.coordinator)) {
        std::fprintf(
            stderr,
            "bench_load: no coordinator at %s (build switchboard-coordinator or pass --coordinator)\n",
            qPrintable(o.coordinator));
        return 2;
    }
    raiseFileLimit();
    QTemporaryDir temp;
    const QString root = parser.isSet(dir) ? parser.value(dir) : temp.path();

    QDir().mkpath(root);
    const auto sync = fdatasyncMs(root);
    std::printf("bench_load: %s, %d load threads, %d cores, QT_NO_GLIB=1 in every process\n"
                "store directory %s: fdatasync of 4 KiB p50 %.2f ms, p99 %.2f ms\n",
                qPrintable(o.coordinator), o.threads, QThread::idealThreadCount(), qPrintable(root),
                sync.first, sync.second);
    std::vector<Result> results;
    for (int n : o.counts) {
        Result r;
        r.connections = n;
        r.agents = std::max(2, n / 100);
        r.customers = n - r.agents - 1; // and the admin
        std::printf("%d connections: coordinator...\n", n);
        std::fflush(stdout);
        const QString runDir = QStringLiteral("%1/run-%2").arg(root).arg(n);
        QDir(runDir).removeRecursively();
        runCoordinator(o, runDir, r);
        std::printf("%d connections: echo server...\n", n);
        std::fflush(stdout);
        if (r.error.isEmpty())
            runEcho(o, runDir, r);
        results.push_back(r);
    }
    printTables(results, o);
    return 0;
}
