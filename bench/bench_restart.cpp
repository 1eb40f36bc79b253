// Coordinator restart time against the length of the journal, with and without engine snapshots.
//
//   bench_restart                 journals of 200,000 and 1,000,000 engine events
//   bench_restart --events N[,N]  other lengths
//   bench_restart --dir PATH      where the stores go (default: a temporary directory)
//
// Each store is built as a long-running site leaves it: the site (500 agents with 10 places each in
// 10 groups, one rule per group), then a stream of engine inputs (arrivals, customers writing,
// agents replying, closes, status changes; about 5,000 conversations open) on a manual clock,
// journaled in order through StoreWriter, with the conversation, customer and account rows of what
// is open at the end, and two snapshots: one 50,000 events before the end (what a crash half-way
// through the default interval of 100,000 leaves) and one at the end (what a clean stop leaves).
// Then CoordinatorService::start() on it, three ways: from the snapshot at the end (nothing to
// replay), from the one before it (a 50,000-event tail), and with the snapshots deleted (the whole
// journal, as before snapshots existed). "start" is the whole of start(): store opening, directory
// reads, snapshot restore, replay, reconciliation.

#include "clock.h"
#include "coordinatorservice.h"
#include "enginejournal.h"
#include "routingengine.h"
#include "storedatabase.h"
#include "storewriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

using namespace sb;

namespace {

constexpr int kAgents = 500;
constexpr int kGroups = 10;
constexpr int kTail = 50000;

SiteConfig site()
{
    SiteConfig s;
    s.routing.replyTimeoutSeconds = 180;
    s.routing.autoCloseMinutes = 30;
    s.channels.push_back({QStringLiteral("web"), QStringLiteral("Web"), QStringLiteral("web"), 0});
    s.channels.push_back({QStringLiteral("wechat"), QStringLiteral("WeChat"), QStringLiteral("wechat"), 1});
    for (int g = 0; g < kGroups; ++g)
        s.groups.push_back(
            {QStringLiteral("g%1").arg(g), QStringLiteral("Group %1").arg(g), WorkingHours(), QString(), 60});
    for (int a = 0; a < kAgents; ++a) {
        AgentConfig agent;
        agent.id = QStringLiteral("agent%1").arg(a);
        agent.groups << QStringLiteral("g%1").arg(a % kGroups)
                     << QStringLiteral("g%1").arg((a + 3) % kGroups);
        agent.maxConcurrent = 10;
        agent.status = AgentStatus::Offline;
        s.agents.push_back(agent);
    }
    for (int g = 0; g < kGroups; ++g) {
        RuleConfig rule;
        rule.id = QStringLiteral("r%1").arg(g);
        rule.keywordsAny << QStringLiteral("topic%1 ").arg(g);
        rule.groups << QStringLiteral("g%1").arg(g);
        rule.strategy = g % 3 == 0 ? Strategy::RoundRobin : Strategy::LeastLoad;
        s.rules.push_back(rule);
    }
    return s;
}

struct Built
{
    qint64 endMs = 0;
    int open = 0;
    qint64 snapshotBytes = 0;
    double saveMs = 0;
    double restoreMs = 0;
    double buildSeconds = 0;
};

// Journals `events` inputs into a new store at `path` (and applies them to an engine, to choose
// inputs that make sense and to know what is open at the end).
bool build(const QString &path, int events, Built *out)
{
    QElapsedTimer total;
    total.start();
    ManualClock clock(1764000000000);
    RoutingEngine engine(clock);
    StoreWriter writer(path);
    QString error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    std::mt19937 rng(42);
    const auto roll = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const auto journal = [&](const EngineEvent &e) {
        EngineEvent stamped = e;
        stamped.at = clock.nowMs();
        journal::apply(engine, stamped);
        writer.appendEngineEvent(stamped);
    };
    const SiteConfig s = site();
    journal(journal::siteLoad(s));
    for (const AgentConfig &a : s.agents) {
        Account account;
        account.id = account.login = account.displayName = a.id;
        account.passwordHash = QStringLiteral("!");
        writer.upsertAccount(account);
    }
    std::vector<std::pair<QString, QString>> open; // (conversation, customer), closed ones dropped as met
    int next = 0;
    int journaled = 1;
    const auto journalCounted = [&](const EngineEvent &e) {
        journal(e);
        if (++journaled == events - kTail)
            writer.saveEngineSnapshot(
                {0, clock.nowMs(), int(RoutingEngine::kStateFormat), engine.saveState()});
    };
    while (journaled < events) {
        clock.advanceMs(50 + roll(400));
        const int r = roll(100);
        if (r < 4) {
            const QString agent = QStringLiteral("agent%1").arg(roll(kAgents));
            journalCounted(journal::agentStatus(agent, roll(5) ? AgentStatus::Online : AgentStatus::Away));
        } else if (r < 30 || open.empty()) {
            const QString id = QStringLiteral("conv-%1").arg(++next);
            const QString customer = QStringLiteral("customer-%1").arg(next);
            open.push_back({id, customer});
            journalCounted(journal::customerMessage(
                id, customer, roll(3) ? QStringLiteral("web") : QStringLiteral("wechat"),
                QStringLiteral("hello, topic%1 please").arg(roll(kGroups))));
        } else {
            const std::size_t k = static_cast<std::size_t>(roll(static_cast<int>(open.size())));
            const auto [id, customer] = open[k];
            const auto info = engine.conversation(id);
            const bool close = info && (r < 50 || (r < 70 && engine.liveConversations() > 5000));
            if (!info || close) { // closed meanwhile (auto-close), or now
                open[k] = open.back();
                open.pop_back();
            }
            if (!info)
                continue;
            // Closes keep up with arrivals around 5,000 open conversations (the agents' 5,000
            // places): by the agent, or by a waiting customer who gives up.
            if (close)
                journalCounted(journal::close(id, info->agent));
            else if (r < 80 && !info->agent.isEmpty())
                journalCounted(journal::agentMessage(id, info->agent, false));
            else
                journalCounted(
                    journal::customerMessage(id, customer, info->channel, QStringLiteral("any news?")));
        }
    }
    // Rows for what is open at the end, as the service would have written them.
    for (const auto &[id, customer] : open) {
        const auto info = engine.conversation(id);
        if (!info)
            continue;
        Customer c;
        c.id = info->customer;
        c.createdAt = info->arrivedAt;
        writer.upsertCustomer(c);
        Conversation row;
        row.id = info->id;
        row.customerId = info->customer;
        row.channel = info->channel;
        row.rule = info->rule;
        row.groups = info->groups;
        row.agentId = info->agent;
        row.createdAt = info->arrivedAt;
        row.state = info->state == ConversationInfo::Assigned    ? ConversationState::Assigned
                    : info->state == ConversationInfo::Unmatched ? ConversationState::Unmatched
                                                                 : ConversationState::Queued;
        writer.upsertConversation(row);
        ++out->open;
    }
    QElapsedTimer t;
    t.start();
    const QByteArray state = engine.saveState();
    out->saveMs = t.nsecsElapsed() / 1e6;
    ManualClock otherClock(clock.nowMs());
    RoutingEngine restored(otherClock);
    t.restart();
    if (!restored.restoreState(state).ok)
        return false;
    out->restoreMs = t.nsecsElapsed() / 1e6;
    out->snapshotBytes = state.size();
    writer.saveEngineSnapshot({0, clock.nowMs(), int(RoutingEngine::kStateFormat), state});
    if (!writer.flush(-1))
        return false;
    writer.close();
    out->endMs = clock.nowMs();
    out->buildSeconds = total.elapsed() / 1000.0;
    return true;
}

bool exec(const QString &path, const QString &sql)
{
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("bench"), &error);
    const bool ok = db.isValid() && StoreDatabase::exec(db, sql, &error);
    StoreDatabase::close(db);
    if (!ok)
        std::fprintf(stderr, "%s: %s\n", qPrintable(sql), qPrintable(error));
    return ok;
}

struct Start
{
    double ms = 0;
    CoordinatorService::Stats stats;
};

Start startOnce(const QString &dir, qint64 nowMs)
{
    ManualClock clock(nowMs);
    CoordinatorService::Options options;
    options.dataDir = dir;
    options.driveTimers = false;
    options.snapshotEvery = 0;
    Start result;
    QElapsedTimer t;
    t.start();
    {
        CoordinatorService service(clock, options);
        QString error;
        if (!service.start(&error)) {
            std::fprintf(stderr, "start: %s\n", qPrintable(error));
            return result;
        }
        result.ms = t.nsecsElapsed() / 1e6;
        result.stats = service.stats();
    } // stopping takes a snapshot of what was replayed: the caller drops it again
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(
        QStringLiteral("switchboard.coordinator.info=false\nswitchboard.coordinator.warning=false"));
    QList<int> counts{200000, 1000000};
    QString dirPath;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            counts.clear();
            for (const QByteArray &n : QByteArray(argv[++i]).split(','))
                counts.append(n.toInt());
        } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dirPath = QString::fromLocal8Bit(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--events N,...] [--dir PATH]\n", argv[0]);
            return 2;
        }
    }
    QTemporaryDir temp;
    if (dirPath.isEmpty())
        dirPath = temp.path();

    std::printf("%10s %8s %9s %9s %10s | %-30s %10s %9s %12s\n", "events", "open", "snapshot", "save ms",
                "restore ms", "start from", "replayed", "start ms", "restore ms");
    for (int n : std::as_const(counts)) {
        const QString dir = QDir(dirPath).filePath(QStringLiteral("restart-%1").arg(n));
        QDir(dir).removeRecursively();
        QDir().mkpath(dir);
        const QString db = QDir(dir).filePath(QStringLiteral("switchboard.db"));
        Built built;
        if (!build(db, n, &built)) {
            std::fprintf(stderr, "building the store of %d events failed\n", n);
            return 1;
        }
        std::fprintf(stderr, "(%d events journaled in %.1f s)\n", n, built.buildSeconds);
        const auto row = [&](const char *from, const Start &s) {
            std::printf("%10d %8d %8.1fM %9.1f %10.1f | %-30s %10lld %9.0f %12lld\n", n, built.open,
                        built.snapshotBytes / 1e6, built.saveMs, built.restoreMs, from,
                        static_cast<long long>(s.stats.replayedEvents), s.ms,
                        static_cast<long long>(s.stats.snapshotLoadMs));
            std::fflush(stdout);
        };
        // The end's snapshot (a clean stop), the one before it (a crash mid-interval), none.
        row("snapshot at the end", startOnce(dir, built.endMs));
        exec(db, QStringLiteral("DELETE FROM engine_snapshots WHERE journal_id ="
                                " (SELECT MAX(journal_id) FROM engine_snapshots)"));
        row("snapshot 50,000 before the end", startOnce(dir, built.endMs));
        exec(db, QStringLiteral("DELETE FROM engine_snapshots"));
        row("no snapshot: whole journal", startOnce(dir, built.endMs));
    }
    return 0;
}
