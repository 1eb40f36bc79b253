// Store write throughput with durable acknowledgement: messages persisted per second through
// StoreWriter (SQLite WAL, synchronous=FULL), each counted only when its completion reports the
// commit, against the batch cap.
//
//   bench_store                  full run (about 2 s per row)
//   bench_store --seconds S      another duration per row
//   bench_store --mode M         only the rows of one mode (one, batched, round), e.g. under perf
//   bench_store --dir PATH       where the databases go (default: a temporary directory). Put it on
//                                the disk the coordinator will use: fsync cost is the whole story.
//   bench_store --startup N[,N]  instead: what a coordinator reads at start about N open
//                                conversations (3 messages each), per conversation as before
//                                (customer and last message read one by one) and in one query each
//                                (StoreReader::customerNamesOfOpenConversations and
//                                lastMessagesOfOpenConversations); median of 3 of each
//
// Rows:
//   one at a time     submit one message, wait for its acknowledgement, submit the next: the rate a
//                     single client gets from a store that commits each message on its own
//   batched, cap N    keep 4 x N (at least 64) messages in flight from one producer; the writer
//                     commits whatever has queued, up to N per transaction (group commit)
//   round, cap N      what the coordinator submits for a customer's message: the engine's journal
//                     entry, the message and, every other message, the conversation's row (two
//                     target groups, in a savepoint); a message counts when its own write commits
// Every message goes to one of 100 conversations (its per-conversation sequence number is assigned
// in the transaction). Latency is submit to completion, on the producer's thread. "writer us/msg"
// is the CPU time (user + system) of the writer's thread per acknowledged message: the process's
// CPU time less the producer's (main) thread, over the timed part only.

#include "storedatabase.h"
#include "storereader.h"
#include "storewriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <QJsonObject>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace sb;

namespace {

constexpr int kConversations = 100;

struct Row
{
    Row(const char *m, int c, int f, bool r = false) : mode(m), cap(c), inFlight(f), round(r) {}
    const char *mode;
    int cap;
    int inFlight;
    bool round; // the coordinator's writes per message, not the message alone
    qint64 messages = 0;
    double seconds = 0;
    quint64 transactions = 0;
    double p50Ms = 0, p99Ms = 0;
    double writerCpuSeconds = 0;
    QString error;
};

double cpuSeconds(int who)
{
    rusage u{};
    getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time of every thread but this one (the producer): the writer's, as the bench has no other.
double othersCpuSeconds()
{
    return cpuSeconds(RUSAGE_SELF) - cpuSeconds(RUSAGE_THREAD);
}

void runRow(const QString &path, double seconds, Row &row)
{
    StoreWriter::Options options;
    options.batchCap = row.cap;
    StoreWriter writer(path, options);
    QString error;
    if (!writer.start(&error)) {
        row.error = error;
        return;
    }
    writer.upsertCustomer({QStringLiteral("cust"), QStringLiteral("Bench"), {}, false, {}, {}, {}, 1});
    Account agent;
    agent.id = agent.login = agent.displayName = QStringLiteral("agent");
    agent.createdAt = 1;
    writer.upsertAccount(agent);
    for (int i = 0; i < kConversations; ++i) {
        Conversation c;
        c.id = QStringLiteral("conv-%1").arg(i);
        c.customerId = QStringLiteral("cust");
        c.channel = QStringLiteral("web");
        c.createdAt = 1;
        writer.upsertConversation(c);
    }
    writer.flush();
    const StoreWriter::Stats before = writer.stats();
    const double cpuBefore = othersCpuSeconds();

    QEventLoop loop;
    QElapsedTimer clock;
    std::vector<qint64> latencies;
    latencies.reserve(1 << 20);
    qint64 submitted = 0, outstanding = 0;
    bool stopping = false;
    std::function<void()> submit = [&] {
        Message m;
        m.conversationId = QStringLiteral("conv-%1").arg(submitted % kConversations);
        m.senderKind = SenderKind::Customer;
        m.senderId = QStringLiteral("cust");
        m.body = QStringLiteral("bench message %1: 你好，請問今天營業嗎？").arg(submitted);
        m.createdAt = submitted;
        if (row.round) {
            // As CoordinatorService::feed and persistTouched submit them (enginejournal.cpp's
            // customer.message payload; the conversation's row as the engine left it).
            EngineEvent e;
            e.at = submitted;
            e.type = QStringLiteral("customer.message");
            e.payload = {{QLatin1String("conversation"), m.conversationId},
                         {QLatin1String("customer"), m.senderId},
                         {QLatin1String("channel"), QStringLiteral("web")},
                         {QLatin1String("text"), m.body}};
            writer.appendEngineEvent(e);
            if (submitted % 2 == 0) {
                Conversation c;
                c.id = m.conversationId;
                c.customerId = QStringLiteral("cust");
                c.channel = QStringLiteral("web");
                c.state = ConversationState::Assigned;
                c.agentId = QStringLiteral("agent");
                c.rule = QStringLiteral("vip-first");
                c.groups = QStringList{QStringLiteral("vip"), QStringLiteral("sales")};
                c.createdAt = 1;
                writer.upsertConversation(c);
            }
        }
        ++submitted;
        ++outstanding;
        const qint64 at = clock.nsecsElapsed();
        writer.appendMessage(m, [&, at](const WriteResult &r) {
            --outstanding;
            if (!r.ok) {
                row.error = r.error;
                stopping = true;
            } else {
                latencies.push_back(clock.nsecsElapsed() - at);
            }
            if (!stopping && clock.elapsed() >= qint64(seconds * 1000))
                stopping = true;
            if (!stopping)
                submit();
            else if (outstanding == 0)
                loop.quit();
        });
    };
    clock.start();
    for (int i = 0; i < row.inFlight; ++i)
        submit();
    loop.exec();
    row.seconds = clock.nsecsElapsed() / 1e9;
    row.writerCpuSeconds = othersCpuSeconds() - cpuBefore;
    row.messages = qint64(latencies.size());
    row.transactions = writer.stats().transactions - before.transactions;
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        row.p50Ms = latencies[latencies.size() / 2] / 1e6;
        row.p99Ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)] / 1e6;
    }
    writer.close();
}

// The start-up reads of CoordinatorService::loadDirectory over `n` open conversations.
bool runStartup(const QString &path, int n)
{
    {
        StoreWriter writer(path);
        QString error;
        if (!writer.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return false;
        }
        for (int i = 0; i < n; ++i) {
            const QString customer = QStringLiteral("cust-%1").arg(i);
            writer.upsertCustomer({customer, QStringLiteral("Customer %1").arg(i), {}, false, {}, {}, {}, 1});
            Conversation c;
            c.id = QStringLiteral("conv-%1").arg(i);
            c.customerId = customer;
            c.channel = QStringLiteral("web");
            c.groups = QStringList{QStringLiteral("sales")};
            c.createdAt = i;
            writer.upsertConversation(c);
            for (int k = 0; k < 3; ++k) {
                Message m;
                m.conversationId = c.id;
                m.senderKind = SenderKind::Customer;
                m.senderId = customer;
                m.body = QStringLiteral("message %1 of %2: 你好，請問今天營業嗎？").arg(k).arg(i);
                m.createdAt = i;
                writer.appendMessage(m);
            }
        }
        if (!writer.flush()) {
            std::fprintf(stderr, "the store did not commit\n");
            return false;
        }
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> before, after, listing;
    qsizetype found = 0;
    for (int run = 0; run < 3; ++run) {
        // A fresh reader each time, as at start (no statement prepared, the page cache cold for it).
        {
            StoreReader reader;
            QString error;
            if (!reader.open(path, &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return false;
            }
            QElapsedTimer t;
            t.start();
            QHash<QString, QString> names;
            QHash<QString, Message> last;
            for (const Conversation &c : reader.openConversations()) {
                if (!names.contains(c.customerId))
                    names.insert(c.customerId, reader.customer(c.customerId).value_or(Customer()).name);
                const QList<Message> page = reader.history(c.id, 0, 1);
                if (!page.isEmpty())
                    last.insert(c.id, page.first());
            }
            before.push_back(t.nsecsElapsed() / 1e6);
            found = last.size();
        }
        {
            StoreReader reader;
            QString error;
            reader.open(path, &error);
            QElapsedTimer t;
            t.start();
            QHash<QString, Message> last;
            const QList<Conversation> open = reader.openConversations();
            listing.push_back(t.nsecsElapsed() / 1e6);
            const QHash<QString, QString> names = reader.customerNamesOfOpenConversations();
            for (const Message &m : reader.lastMessagesOfOpenConversations())
                last.insert(m.conversationId, m);
            after.push_back(t.nsecsElapsed() / 1e6);
            if (last.size() != found || names.size() != open.size()) {
                std::fprintf(stderr, "the two ways disagree: %lld / %lld last messages\n", qlonglong(found),
                             qlonglong(last.size()));
                return false;
            }
        }
    }
    std::printf("%10d %14.1f %13.1f %22.1f\n", n, median(before), median(after), median(listing));
    return true;
}

QString sqliteVersion(const QString &dir)
{
    QString error;
    QSqlDatabase db = StoreDatabase::open(QDir(dir).filePath(QStringLiteral("version.db")),
                                          QStringLiteral("bench"), &error);
    QVariant v;
    if (db.isValid())
        StoreDatabase::scalar(db, QStringLiteral("SELECT sqlite_version()"), &v, &error);
    StoreDatabase::close(db);
    return v.toString();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    double seconds = 2.0;
    QString dirPath;
    QByteArray onlyMode;
    QList<int> startupCounts;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else if (std::strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            onlyMode = argv[++i];
        } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dirPath = QString::fromLocal8Bit(argv[++i]);
        } else if (std::strcmp(argv[i], "--startup") == 0 && i + 1 < argc) {
            for (const QByteArray &n : QByteArray(argv[++i]).split(','))
                startupCounts.append(n.toInt());
        } else {
            std::fprintf(
                stderr, "usage: %s [--seconds S] [--mode one|batched|round] [--dir PATH] [--startup N,...]\n",
                argv[0]);
            return 2;
        }
    }
    std::unique_ptr<QTemporaryDir> temp;
    if (dirPath.isEmpty()) {
        temp = std::make_unique<QTemporaryDir>();
        if (!temp->isValid()) {
            std::fprintf(stderr, "cannot create a temporary directory\n");
            return 1;
        }
        dirPath = temp->path();
    } else if (!QDir().mkpath(dirPath)) {
        std::fprintf(stderr, "cannot create %s\n", qPrintable(dirPath));
        return 1;
    }

    if (!startupCounts.isEmpty()) {
        std::printf(
            "Start-up reads of open conversations (customer names, last messages), ms, median of 3\n");
        std::printf("%10s %14s %13s %22s\n", "open", "one by one", "one query", "listing them (both)");
        int k = 0;
        for (int n : std::as_const(startupCounts)) {
            if (n <= 0 || !runStartup(QDir(dirPath).filePath(QStringLiteral("startup-%1.db").arg(k++)), n))
                return 1;
            std::fflush(stdout);
        }
        return 0;
    }
    std::printf("Store benchmark: SQLite %s, WAL, synchronous=FULL, in %s, %.1f s per row\n",
                qPrintable(sqliteVersion(dirPath)), qPrintable(dirPath), seconds);
    std::printf("messages/s counts only acknowledged messages (completion after commit)\n\n");
    std::vector<Row> rows;
    rows.push_back(Row{"one at a time", 1, 1});
    for (int cap : {1, 10, 100, 1000})
        rows.push_back(Row{"batched", cap, std::max(64, 4 * cap)});
    for (int cap : {100, 1000})
        rows.push_back(Row{"round", cap, std::max(64, 4 * cap), true});
    std::printf("%-14s %6s %9s %10s %8s %12s %13s %10s %11s %11s %14s\n", "mode", "cap", "in flight",
                "messages", "seconds", "messages/s", "transactions", "avg batch", "p50 ack ms", "p99 ack ms",
                "writer us/msg");
    int n = 0;
    for (Row &row : rows) {
        if (!onlyMode.isEmpty() && !QByteArray(row.mode).startsWith(onlyMode))
            continue;
        runRow(QDir(dirPath).filePath(QStringLiteral("bench-%1.db").arg(n++)), seconds, row);
        if (!row.error.isEmpty()) {
            std::printf("%-14s %6d  failed: %s\n", row.mode, row.cap, qPrintable(row.error));
            continue;
        }
        std::printf("%-14s %6d %9d %10lld %8.2f %12.0f %13llu %10.1f %11.2f %11.2f %14.1f\n", row.mode,
                    row.cap, row.inFlight, row.messages, row.seconds, row.messages / row.seconds,
                    row.transactions,
                    row.transactions ? double(row.messages) / double(row.transactions) : 0.0, row.p50Ms,
                    row.p99Ms, row.messages ? row.writerCpuSeconds * 1e6 / row.messages : 0.0);
        std::fflush(stdout);
    }
    return 0;
}
