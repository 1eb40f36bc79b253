// The coordinator's service thread per message, without sockets: CoordinatorService is handed
// frames as the WebSocket layer hands them (handleFrame) by in-process links that only count what
// comes back, so the figure is the service's own work (parsing, routing, the journal, the events
// and their JSON, the completions of commits), not the kernel's or the event loop's. The store is
// real (its writer thread commits and syncs as in production).
//
//   bench_service                   1,000 customers, 10 agents, 20 rounds of one message each
//   bench_service --customers N --agents A --rounds R --dir PATH
//
// Each round every customer sends one customer.send and the round ends when all are acknowledged
// (after their commit), as bench_load's throughput phase keeps one message in flight per customer.
// Printed: messages/s in this process, the service thread's CPU per message, the store writer's,
// and frames and bytes sent per message. Under valgrind --tool=callgrind --instr-atstart=no
// --separate-threads=yes only the measured rounds are instrumented: instructions per message are
// the same on every run and every machine, which timings on a shared machine are not.

#include "clientlink.h"
#include "clock.h"
#include "coordinatorservice.h"
#include "siteconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <unistd.h>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define SB_CALLGRIND_START() CALLGRIND_START_INSTRUMENTATION
#define SB_CALLGRIND_STOP() CALLGRIND_STOP_INSTRUMENTATION
#else
#define SB_CALLGRIND_START()
#define SB_CALLGRIND_STOP()
#endif

using namespace sb;

namespace {

class CountingLink final : public ClientLink
{
public:
    void send(const QByteArray &frame) override
    {
        ++frames;
        bytes += frame.size();
        // Events are {"data":...,"event":...,"seq":N}; replies {"id":...,"result"...} or {"error"...}.
        if (frame.startsWith("{\"data\"")) {
            ++events;
            return;
        }
        ++replies;
        if (repliesSeen)
            ++*repliesSeen;
        if (frame.startsWith("{\"error\""))
            ++errors;
        // Copied into our own buffer: holding a reference to the frame would keep the service's
        // reused JSON buffer shared, and its next writer would pay for a fresh one (the daemon's
        // links copy the bytes out as well).
        last.resize(frame.size());
        std::memcpy(last.data(), frame.constData(), size_t(frame.size()));
    }
    QString peerAddress() const override { return QStringLiteral("127.0.0.1"); }

    qint64 frames = 0, bytes = 0, events = 0, replies = 0, errors = 0;
    qint64 *repliesSeen = nullptr; // a count shared by the customers, so a round's end is one comparison
    QByteArray last;
};

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// CPU of this process's thread called `name` (as /proc names it), in ms; -1 if there is none.
double namedThreadCpuMs(const QByteArray &name)
{
    const QDir tasks(QStringLiteral("/proc/self/task"));
    const long ticks = sysconf(_SC_CLK_TCK);
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
        return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) * 1000.0 / double(ticks);
    }
    return -1;
}

QByteArray request(qint64 id, const char *op, const QJsonObject &args)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("op"), QLatin1String(op)},
                                     {QStringLiteral("args"), args}})
        .toJson(QJsonDocument::Compact);
}

class Bench
{
public:
    Bench(CoordinatorService &service) : m_service(service) {}

    // Sends one request and runs the event loop until it is answered; false on an error reply.
    bool call(CountingLink &link, const char *op, const QJsonObject &args, QJsonObject *result = nullptr)
    {
        const qint64 before = link.replies;
        m_service.handleFrame(&link, request(++m_nextId, op, args));
        if (!pump([&] { return link.replies > before; }))
            return false;
        if (link.errors > 0) {
            std::fprintf(stderr, "bench_service: %s: %s\n", op, link.last.constData());
            return false;
        }
        if (result)
            *result = QJsonDocument::fromJson(link.last).object().value(QLatin1String("result")).toObject();
        return true;
    }

    bool pump(const std::function<bool()> &done, int timeoutMs = 60000)
    {
        QElapsedTimer t;
        t.start();
        while (!done()) {
            if (t.elapsed() > timeoutMs)
                return false;
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        }
        return true;
    }

    qint64 nextId() { return ++m_nextId; }

private:
    CoordinatorService &m_service;
    qint64 m_nextId = 0;
};

} // namespace

int main(int argc, char **argv)
{
    // The event dispatcher switchboard-coordinator runs on (app/coordinator/main.cpp).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption customersOption(QStringLiteral("customers"), QStringLiteral("Customers."),
                                             QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption agentsOption(QStringLiteral("agents"), QStringLiteral("Agents."),
                                          QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Measured rounds."),
                                          QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption dirOption(QStringLiteral("dir"), QStringLiteral("Where the store goes."),
                                       QStringLiteral("PATH"));
    parser.addOptions({customersOption, agentsOption, roundsOption, dirOption});
    parser.process(app);
    const int customers = parser.value(customersOption).toInt();
    const int agents = parser.value(agentsOption).toInt();
    const int rounds = parser.value(roundsOption).toInt();
    if (customers < 1 || agents < 1 || rounds < 1) {
        std::fprintf(stderr, "bench_service: --customers, --agents and --rounds must be at least 1\n");
        return 2;
    }

    QTemporaryDir temporary;
    QString dir = parser.value(dirOption);
    if (dir.isEmpty()) {
        dir = temporary.path();
    } else {
        dir = QDir(dir).filePath(QStringLiteral("bench_service"));
        QDir(dir).removeRecursively();
    }

    // Every agent in one group, able to take all of their share of the customers.
    QJsonArray agentList;
    for (int i = 0; i < agents; ++i)
        agentList.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("a%1").arg(i)},
                                     {QStringLiteral("name"), QStringLiteral("Agent %1").arg(i)},
                                     {QStringLiteral("groups"), QJsonArray{QStringLiteral("all")}},
                                     {QStringLiteral("maxConcurrent"), customers / agents + 1}});
    const QJsonObject site{
        {QStringLiteral("routing"),
         QJsonObject{{QStringLiteral("timeZone"), QStringLiteral("UTC")},
                     {QStringLiteral("allowedStatuses"), QJsonArray{QStringLiteral("online")}}}},
        {QStringLiteral("channels"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("web")},
                                {QStringLiteral("name"), QStringLiteral("Web")}}}},
        {QStringLiteral("groups"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("all")},
                                                          {QStringLiteral("name"), QStringLiteral("All")}}}},
        {QStringLiteral("agents"), agentList},
        {QStringLiteral("rules"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("web")},
                                {QStringLiteral("when"), QJsonObject{{QStringLiteral("channels"),
                                                                      QJsonArray{QStringLiteral("web")}}}},
                                {QStringLiteral("groups"), QJsonArray{QStringLiteral("all")}},
                                {QStringLiteral("strategy"), QStringLiteral("least-load")}}}}};
    QString error;
    CoordinatorService::Options options;
    options.dataDir = dir;
    options.driveTimers = false;
    options.seedSite = SiteConfig::fromJson(QJsonDocument(site).toJson(), &error);
    if (!options.seedSite) {
        std::fprintf(stderr, "bench_service: %s\n", qPrintable(error));
        return 1;
    }
    // Sign-ins are not what is measured: no Argon2id.
    options.hashPassword = [](const QString &password) { return QStringLiteral("plain:") + password; };
    options.verifyPassword = [](const QString &encoded, const QString &password) {
        return encoded == QStringLiteral("plain:") + password;
    };
    SystemClock clock;
    CoordinatorService service(clock, options);
    if (!service.start(&error)) {
        std::fprintf(stderr, "bench_service: %s\n", qPrintable(error));
        return 1;
    }
    Bench bench(service);
    const QJsonObject hello{{QStringLiteral("protocol"), 1}};
    const QString password = QStringLiteral("bench password 1234");

    CountingLink admin;
    if (!bench.call(admin, "hello", hello) ||
        !bench.call(admin, "auth.setup",
                    {{QStringLiteral("login"), QStringLiteral("root")},
                     {QStringLiteral("password"), password},
                     {QStringLiteral("displayName"), QStringLiteral("Root")}}))
        return 1;
    std::vector<std::unique_ptr<CountingLink>> agentLinks;
    for (int i = 0; i < agents; ++i) {
        const QString login = QStringLiteral("a%1").arg(i);
        auto link = std::make_unique<CountingLink>();
        if (!bench.call(admin, "account.create",
                        {{QStringLiteral("login"), login},
                         {QStringLiteral("displayName"), login},
                         {QStringLiteral("role"), QStringLiteral("agent")},
                         {QStringLiteral("password"), password}}) ||
            !bench.call(*link, "hello", hello) ||
            !bench.call(*link, "auth.login",
                        {{QStringLiteral("login"), login}, {QStringLiteral("password"), password}}) ||
            !bench.call(*link, "status.set", {{QStringLiteral("status"), QStringLiteral("online")}}))
            return 1;
        agentLinks.push_back(std::move(link));
    }
    std::vector<std::unique_ptr<CountingLink>> customerLinks;
    qint64 customerReplies = 0;
    for (int i = 0; i < customers; ++i) {
        auto link = std::make_unique<CountingLink>();
        link->repliesSeen = &customerReplies;
        if (!bench.call(*link, "hello", hello) ||
            !bench.call(*link, "customer.start",
                        {{QStringLiteral("channel"), QStringLiteral("web")},
                         {QStringLiteral("name"), QStringLiteral("Customer %1").arg(i)}}))
            return 1;
        customerLinks.push_back(std::move(link));
    }

    // One round: every customer sends one message; it ends when all are acknowledged.
    const auto round = [&](int n) {
        const qint64 expected = customerReplies + qint64(customerLinks.size());
        for (auto &link : customerLinks) {
            const QByteArray frame =
                QByteArrayLiteral("{\"id\":") + QByteArray::number(bench.nextId()) +
                QByteArrayLiteral(",\"op\":\"customer.send\",\"args\":{\"text\":\"Hello, is "
                                  "anyone there? Round ") +
                QByteArray::number(n) + QByteArrayLiteral("\"}}");
            service.handleFrame(link.get(), frame);
        }
        return bench.pump([&] { return customerReplies >= expected; });
    };
    // The first message opens each conversation (routing, assignment); then the steady state.
    if (!round(0) || !round(1))
        return 1;

    const auto framesOut = [&] {
        qint64 frames = 0, bytes = 0;
        for (const auto &l : customerLinks) {
            frames += l->frames;
            bytes += l->bytes;
        }
        for (const auto &l : agentLinks) {
            frames += l->frames;
            bytes += l->bytes;
        }
        return std::make_pair(frames, bytes);
    };
    const auto [frames0, bytes0] = framesOut();
    const double writer0 = namedThreadCpuMs("sb-store-writer");
    const double main0 = threadCpuMs();
    QElapsedTimer wall;
    wall.start();
    SB_CALLGRIND_START();
    for (int r = 0; r < rounds; ++r) {
        if (!round(r + 2)) {
            std::fprintf(stderr, "bench_service: round %d was not acknowledged within 60 s\n", r);
            return 1;
        }
    }
    SB_CALLGRIND_STOP();
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    const double mainMs = threadCpuMs() - main0;
    const double writerMs = namedThreadCpuMs("sb-store-writer") - writer0;
    const auto [frames1, bytes1] = framesOut();
    qint64 errors = 0;
    for (const auto &l : customerLinks)
        errors += l->errors;
    const double messages = double(customers) * rounds;

    std::printf("bench_service: %d customers, %d agents, %d rounds (%.0f messages), store in %s\n", customers,
                agents, rounds, messages, qPrintable(dir));
    std::printf("%12s %14s %16s %16s %14s %14s %8s\n", "messages/s", "wall s", "service us/msg",
                "writer us/msg", "frames/msg", "bytes/msg", "errors");
    std::printf("%12.0f %14.2f %16.1f %16.1f %14.2f %14.0f %8lld\n", messages / seconds, seconds,
                mainMs * 1000 / messages, writerMs * 1000 / messages, double(frames1 - frames0) / messages,
                double(bytes1 - bytes0) / messages, static_cast<long long>(errors));
    service.stop();
    return errors == 0 ? 0 : 1;
}
