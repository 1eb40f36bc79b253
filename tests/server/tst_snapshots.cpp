// Journal snapshots in the coordinator: a service taking a snapshot every few journaled events,
// driven over WebSockets (conversations assigned and queued, replies, reply timeouts fired by the
// service's own tick, a round-robin group), then restarted from copies of its store taken as a crash
// would leave them (VACUUM INTO while it runs): with its snapshots, the restart replays only the
// journal after the newest; without them, or with them unreadable, it replays everything; either
// way the engine comes back in exactly the state it had (its saved states compared byte for byte:
// queues, assignments, load, round-robin places, pending timers). A clean stop takes a snapshot of
// everything, so the next start replays nothing, and routing then carries on: claims, queue drains
// and reply timeouts as before.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "storedatabase.h"
#include "storeimage.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::Incoming;

namespace {

// Sales serves in turn (its round-robin place is state a snapshot must keep); support by load.
// Reply timeouts and auto-close keep timers pending at every moment of the test.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "replyTimeoutSeconds": 60,
              "autoCloseMinutes": 10, "offlinePolicy": "requeue"},
  "channels": [{"id": "web", "name": "Web"}, {"id": "wechat", "name": "WeChat", "priority": 2}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "carol", "name": "Carol", "groups": ["sales", "support"], "maxConcurrent": 1},
    {"id": "dave", "name": "Dave", "groups": ["support"], "maxConcurrent": 2}
  ],
  "rules": [
    {"id": "wechat-support", "when": {"channels": ["wechat"]}, "groups": ["support"], "strategy": "least-load"},
    {"id": "web-sales", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "round-robin"}
  ]
})";

const QString kPassword = QStringLiteral("correct horse battery");
constexpr qint64 kSnapshotEvery = 7;

// A store's numbers, read with SQL directly.
struct StoreFacts
{
    qint64 lastEvent = 0;    // the journal's last row
    qint64 newestCovers = 0; // the newest snapshot's journal row (0: none)
    qint64 previousCovers = 0;
    int snapshots = 0;
};

StoreFacts factsOf(const QString &path)
{
    StoreFacts f;
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("facts"), &error);
    f.lastEvent =
        test::scalarOf(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM engine_events")).toLongLong();
    f.newestCovers =
        test::scalarOf(db, QStringLiteral("SELECT COALESCE(MAX(journal_id), 0) FROM engine_snapshots"))
            .toLongLong();
    f.previousCovers =
        test::scalarOf(db, QStringLiteral("SELECT COALESCE(MIN(journal_id), 0) FROM engine_snapshots"))
            .toLongLong();
    f.snapshots = test::scalarOf(db, QStringLiteral("SELECT count(*) FROM engine_snapshots")).toInt();
    StoreDatabase::close(db);
    return f;
}

} // namespace

class TestSnapshots : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void restartReplaysOnlyTheTail();
    void cleanStopRestartsFromItsSnapshot();

private:
    CoordinatorService::Options options(const QString &dir) const;
    bool start(const QString &dir);
    void stop() { stopTestService(m_service, m_gateway); }
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> admin();
    std::unique_ptr<WsClient> agent(const QString &login);
    QString customerWrites(const QString &name, const QString &channel);
    // Drives the floor into a state with every kind of thing a snapshot must keep.
    void drive();
    // A copy of the running service's store, as a crash at this moment would leave it.
    QString image(const QString &name);
    // Starts a service on `dir`, returns its engine's saved state and start statistics, stops it.
    QByteArray restartedState(const QString &dir, CoordinatorService::Stats *stats);
    static QString dbPath(const QString &dir) { return test::storeFile(dir); }

    std::unique_ptr<QTemporaryDir> m_tmp; // a fresh one per test
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::unique_ptr<WsClient> m_admin;
    std::map<QString, std::unique_ptr<WsClient>> m_agents;
    std::vector<std::unique_ptr<WsClient>> m_customers;
    QStringList m_conversations;
};

CoordinatorService::Options TestSnapshots::options(const QString &dir) const
{
    CoordinatorService::Options o;
    o.dataDir = dir;
    o.snapshotEvery = kSnapshotEvery;
    // Argon2id's 25 ms per password is not what this test is about.
    o.hashPassword = [](const QString &password) { return QStringLiteral("test$") + password; };
    o.verifyPassword = [](const QString &encoded, const QString &password) {
        return !encoded.isEmpty() && encoded == QStringLiteral("test$") + password;
    };
    return o;
}

bool TestSnapshots::start(const QString &dir)
{
    QString error;
    const bool ok = startTestService(m_clock, options(dir), kSite, m_service, m_gateway, &error);
    if (!ok)
        qWarning("%s", qPrintable(error));
    return ok;
}

void TestSnapshots::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_clock.setMs(1764000000000); // 2025-11-24 16:00 UTC
    QVERIFY(start(m_tmp->filePath(QStringLiteral("live"))));
}

void TestSnapshots::cleanup()
{
    m_customers.clear();
    m_agents.clear();
    m_admin.reset();
    m_conversations.clear();
    stop();
}

std::unique_ptr<WsClient> TestSnapshots::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestSnapshots::admin()
{
    auto c = client();
    const auto r = c->call(QStringLiteral("auth.setup"),
                           {{"login", "Root"}, {"password", kPassword}, {"displayName", "Root"}});
    if (r.kind != Incoming::Result) {
        c->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
        return c;
    }
    for (const char *name : {"alice", "bob", "carol", "dave"})
        c->ok_(QStringLiteral("account.create"),
               {{"login", name}, {"displayName", name}, {"role", "agent"}, {"password", kPassword}});
    return c;
}

std::unique_ptr<WsClient> TestSnapshots::agent(const QString &login)
{
    auto c = client();
    c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok_(QStringLiteral("status.set"), {{"status", "online"}});
    return c;
}

QString TestSnapshots::customerWrites(const QString &name, const QString &channel)
{
    auto c = client();
    c->ok_(QStringLiteral("customer.start"), {{"channel", channel}, {"name", name}});
    const QString conversation =
        c->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    m_customers.push_back(std::move(c));
    m_conversations << conversation;
    return conversation;
}

void TestSnapshots::drive()
{
    m_admin = admin();
    for (const char *name : {"alice", "bob", "carol"})
        m_agents[QLatin1String(name)] = agent(QLatin1String(name));
    // Sales has 5 places (alice 2, bob 2, carol 1) for 8 web customers: 3 wait. Support: dave is
    // offline, carol busy with sales: the WeChat customers wait too.
    for (int i = 0; i < 8; ++i) {
        customerWrites(QStringLiteral("web %1").arg(i), QStringLiteral("web"));
        m_clock.advanceMs(1000);
    }
    for (int i = 0; i < 2; ++i)
        customerWrites(QStringLiteral("wechat %1").arg(i), QStringLiteral("wechat"));
    // Alice answers her first: its reply clock stops and the customer's inactivity clock starts.
    const RoutingEngine &e = m_service->engine();
    const QStringList alices = e.conversationsOf(QStringLiteral("alice"));
    QCOMPARE(alices.size(), 2);
    m_agents["alice"]->ok_(QStringLiteral("message.send"), {{"conversation", alices[0]}, {"text", "hi"}});
    // A minute on, the others' reply timeouts fire in the service's own tick (not journaled).
    m_clock.advanceMs(61 * 1000);
    m_service->tick();
    // Bob closes one; dave comes online for support; more customers arrive.
    const QStringList bobs = e.conversationsOf(QStringLiteral("bob"));
    QVERIFY(!bobs.isEmpty());
    m_agents["bob"]->ok_(QStringLiteral("conversation.close"), {{"conversation", bobs.front()}});
    m_agents["dave"] = agent(QStringLiteral("dave"));
    for (int i = 8; i < 11; ++i)
        customerWrites(QStringLiteral("web %1").arg(i), QStringLiteral("web"));
    m_clock.advanceMs(20 * 1000); // timers pending, none due
    m_service->tick();
    QVERIFY(e.waitingConversations() > 0);
    QVERIFY(e.nextTimerMs() > m_clock.nowMs());
    QVERIFY2(e.checkInvariants().isEmpty(), qPrintable(e.checkInvariants().join(QLatin1Char('\n'))));
    // A write that is not an engine input: once it commits, so has every snapshot submitted before
    // it (the writer commits in order), and it starts no snapshot of its own.
    m_admin->ok_(QStringLiteral("quickreply.save"),
                 {{"category", "greeting"}, {"title", "Hi"}, {"text", "Hello!"}});
}

QString TestSnapshots::image(const QString &name)
{
    const QString dir = m_tmp->filePath(name);
    test::crashImage(m_tmp->filePath(QStringLiteral("live")), dir);
    return dir;
}

QByteArray TestSnapshots::restartedState(const QString &dir, CoordinatorService::Stats *stats)
{
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
    QString error;
    if (!startTestService(m_clock, options(dir), kSite, service, gateway, &error)) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    const QStringList bad = service->engine().checkInvariants();
    if (!bad.isEmpty())
        qWarning("%s", qPrintable(bad.join(QLatin1Char('\n'))));
    const QByteArray state = bad.isEmpty() ? service->engine().saveState() : QByteArray();
    *stats = service->stats();
    stopTestService(service, gateway);
    return state;
}

void TestSnapshots::restartReplaysOnlyTheTail()
{
    drive();
    const QByteArray live = m_service->engine().saveState();
    const CoordinatorService::Stats running = m_service->stats();
    QVERIFY2(running.snapshotsTaken >= 3, qPrintable(QString::number(running.snapshotsTaken)));
    QCOMPARE(running.snapshotFailures, quint64(0));
    QVERIFY(running.lastSnapshotBytes > 0);

    const QString withSnapshots = image(QStringLiteral("crash"));
    const QString without = image(QStringLiteral("no-snapshots"));
    const QString damagedNewest = image(QStringLiteral("damaged-newest"));
    const QString otherBuild = image(QStringLiteral("other-build"));
    const StoreFacts facts = factsOf(dbPath(withSnapshots));
    QCOMPARE(facts.snapshots, 2); // the newest two only
    QVERIFY(facts.previousCovers < facts.newestCovers);
    QVERIFY(facts.newestCovers < facts.lastEvent); // a tail to replay
    QVERIFY(facts.newestCovers >= facts.lastEvent - kSnapshotEvery);
    QVERIFY(test::execOn(dbPath(without), QStringLiteral("DELETE FROM engine_snapshots")));
    // Damage inside the blob (the checksum catches it); another build's format in the column.
    QVERIFY(test::execOn(
        dbPath(damagedNewest),
        QStringLiteral(
            "UPDATE engine_snapshots SET state = substr(state, 1, 40) || x'00' || substr(state, 42)"
            " WHERE journal_id = %1")
            .arg(facts.newestCovers)));
    QVERIFY(test::execOn(dbPath(otherBuild), QStringLiteral("UPDATE engine_snapshots SET format = 99")));

    CoordinatorService::Stats s;
    // From the newest snapshot: only the journal after it is replayed.
    QCOMPARE(restartedState(withSnapshots, &s), live);
    QCOMPARE(s.snapshotJournalId, facts.newestCovers);
    QCOMPARE(s.replayedEvents, facts.lastEvent - facts.newestCovers);
    // Without snapshots: the whole journal, and the same engine.
    QCOMPARE(restartedState(without, &s), live);
    QCOMPARE(s.snapshotJournalId, qint64(0));
    QCOMPARE(s.replayedEvents, facts.lastEvent);
    // The newest unreadable: the one before it, and a longer tail.
    QCOMPARE(restartedState(damagedNewest, &s), live);
    QCOMPARE(s.snapshotJournalId, facts.previousCovers);
    QCOMPARE(s.replayedEvents, facts.lastEvent - facts.previousCovers);
    // None readable by this build: the whole journal, with a warning.
    QCOMPARE(restartedState(otherBuild, &s), live);
    QCOMPARE(s.snapshotJournalId, qint64(0));
    QCOMPARE(s.replayedEvents, facts.lastEvent);
}

void TestSnapshots::cleanStopRestartsFromItsSnapshot()
{
    drive();
    const QByteArray live = m_service->engine().saveState();
    const QStringList queued = m_service->engine().queueOrder(QStringLiteral("sales"));
    QVERIFY(!queued.isEmpty());
    m_customers.clear();
    m_agents.clear();
    m_admin.reset();
    stop();
    const QString liveDir = m_tmp->filePath(QStringLiteral("live"));
    const StoreFacts facts = factsOf(dbPath(liveDir));
    QCOMPARE(facts.newestCovers, facts.lastEvent); // the stop's snapshot covers everything

    QVERIFY(start(liveDir));
    const CoordinatorService::Stats s = m_service->stats();
    QCOMPARE(s.snapshotJournalId, facts.lastEvent);
    QCOMPARE(s.replayedEvents, qint64(0));
    const RoutingEngine &e = m_service->engine();
    QCOMPARE(e.saveState(), live);
    QCOMPARE(e.queueOrder(QStringLiteral("sales")), queued);

    // Routing carries on. Alice's desk comes back and the admin raises her cap: the queue drains
    // to her at once (all but what already timed out on her), and a new customer is hers too.
    m_admin = admin();
    auto alice = agent(QStringLiteral("alice"));
    const int waiting = e.waitingConversations();
    m_admin->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"maxConcurrent", 20}});
    QVERIFY2(e.waitingConversations() < waiting, qPrintable(QString::number(e.waitingConversations())));
    QVERIFY(e.conversationsOf(QStringLiteral("alice")).size() > 2);
    const QString fresh = customerWrites(QStringLiteral("after the restart"), QStringLiteral("web"));
    const auto served = e.conversation(fresh);
    QVERIFY(served);
    QCOMPARE(served->state, ConversationInfo::Assigned);
    // Nobody answers it: the reply timeout takes it away from its agent a minute later.
    const QString first = served->agent;
    m_clock.advanceMs(61 * 1000);
    m_service->tick();
    const auto after = e.conversation(fresh);
    QVERIFY(after);
    QVERIFY2(after->agent != first, qPrintable(after->agent));
    QVERIFY(e.checkInvariants().isEmpty());

    // And once more: the state after all that comes back through a full replay too.
    m_admin->ok_(QStringLiteral("quickreply.save"),
                 {{"category", "greeting"}, {"title", "Bye"}, {"text", "Bye!"}});
    const QByteArray later = e.saveState();
    const QString copy = image(QStringLiteral("later"));
    QVERIFY(test::execOn(dbPath(copy), QStringLiteral("DELETE FROM engine_snapshots")));
    CoordinatorService::Stats full;
    QCOMPARE(restartedState(copy, &full), later);
    QCOMPARE(full.snapshotJournalId, qint64(0));
}

QTEST_MAIN(TestSnapshots)
#include "tst_snapshots.moc"
