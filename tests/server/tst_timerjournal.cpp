// Timers after the last input, across a restart. The engine fires its timers (reply timeout,
// auto-close...) from its clock; the service records what they decided (audit rows, conversation
// rows, events). A restart rebuilds the engine from the journal of its inputs, so timers that fired
// after the last journaled input were not in the replay, and the start's own tick fired them again:
// every such decision a second time in the audit log, a closed conversation written open again
// ("behind the journal") and closed anew at the restart's time. A round of timers that decides
// something is journaled (clock.tick), so the replay fires them where they fired, and the start
// fires only what came due while the coordinator was down. Crash images (VACUUM INTO while it runs,
// no clean-stop snapshot), with and without snapshots; two clean restarts in a row; and a journal of
// an older build (no clock.tick rows), which must still replay to the same engine.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "storedatabase.h"
#include "storeimage.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QDir>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::Incoming;

namespace {

// Two agents of two places each for three customers: reply timeouts move conversations between them
// and to the queue; auto-close a quiet minute after an agent's reply.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "replyTimeoutSeconds": 60,
              "autoCloseMinutes": 1, "offlinePolicy": "requeue"},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 2}
  ],
  "rules": [{"id": "web-sales", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

// What a store recorded, read with SQL directly: each audit row and each conversation row as a line.
struct Recorded
{
    QStringList decisions; // in audit order, the audit's own number left out
    QStringList conversations;
    qint64 events = 0;   // journal rows
    qint64 tickRows = 0; // of them clock.tick
    qint64 snapshots = 0;
};

QStringList lines(QSqlDatabase &db, const QString &sql)
{
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        qWarning("%s failed", qPrintable(sql));
        return out;
    }
    while (q.next()) {
        QStringList fields;
        for (int i = 0; i < q.record().count(); ++i)
            fields << (q.value(i).isNull() ? QStringLiteral("NULL") : q.value(i).toString());
        out << fields.join(QLatin1Char('|'));
    }
    return out;
}

qint64 count(QSqlDatabase &db, const QString &sql)
{
    return test::scalarOf(db, sql).toLongLong();
}

Recorded recordedIn(const QString &path)
{
    Recorded r;
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("recorded"), &error);
    r.decisions =
        lines(db, QStringLiteral("SELECT at, kind, conversation_id, agent_id, from_agent_id, reason,"
                                 " detail, explanation FROM decisions ORDER BY seq"));
    r.conversations = lines(db, QStringLiteral("SELECT id, customer_id, channel, state, agent_id, rule,"
                                               " created_at, closed_at FROM conversations ORDER BY id"));
    r.events = count(db, QStringLiteral("SELECT count(*) FROM engine_events"));
    r.tickRows = count(db, QStringLiteral("SELECT count(*) FROM engine_events WHERE type = 'clock.tick'"));
    r.snapshots = count(db, QStringLiteral("SELECT count(*) FROM engine_snapshots"));
    StoreDatabase::close(db);
    return r;
}

int withReason(const QStringList &decisions, const char *reason)
{
    int n = 0;
    for (const QString &d : decisions)
        n += d.section(QLatin1Char('|'), 5, 5) == QLatin1String(reason);
    return n;
}

} // namespace

class TestTimerJournal : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void crashAfterTimersRecordsThemOnce_data();
    void crashAfterTimersRecordsThemOnce();
    void restartsInARowRecordTimersOnce();
    void roundsThatDecideNothingWriteNoRow();
    void journalWithoutTickRowsReplays();

private:
    CoordinatorService::Options options(const QString &dir, qint64 snapshotEvery) const;
    std::unique_ptr<WsClient> client(WebSocketGateway *gateway);
    QString customerWrites(const QString &name);
    // Three conversations, one answered; then only timers: reply timeouts and an auto-close fire in
    // the service's tick after the last journaled input. Every write committed when it returns.
    void drive();
    // Waits until every round before it has committed (the writer commits in order).
    void settle()
    {
        m_admin->ok_(QStringLiteral("quickreply.save"), {{"category", "c"}, {"title", "x"}, {"text", "x"}});
    }
    // A copy of the running service's store, as a crash at this moment would leave it.
    QString image(const QString &name);
    bool startOn(const QString &dir, qint64 snapshotEvery, std::unique_ptr<CoordinatorService> &service,
                 std::unique_ptr<WebSocketGateway> &gateway);
    static QString dbPath(const QString &dir) { return test::storeFile(dir); }
    QString liveDir() const { return m_tmp->filePath(QStringLiteral("live")); }

    std::unique_ptr<QTemporaryDir> m_tmp;
    ManualClock m_clock;
    qint64 m_snapshotEvery = 0;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::unique_ptr<WsClient> m_admin;
    std::map<QString, std::unique_ptr<WsClient>> m_desks;
    std::map<QString, QString> m_tokens;
    std::vector<std::unique_ptr<WsClient>> m_customers;
    qint64 m_lastInput = 0; // the clock at the last journaled input of drive()
};

CoordinatorService::Options TestTimerJournal::options(const QString &dir, qint64 snapshotEvery) const
{
    CoordinatorService::Options o;
    o.dataDir = dir;
    o.snapshotEvery = snapshotEvery;
    o.hashPassword = [](const QString &password) { return QStringLiteral("test$") + password; };
    o.verifyPassword = [](const QString &encoded, const QString &password) {
        return !encoded.isEmpty() && encoded == QStringLiteral("test$") + password;
    };
    // Presence is not what this is about: no desk's grace runs out within the test.
    o.presenceGraceMs = 24LL * 3600 * 1000;
    return o;
}

bool TestTimerJournal::startOn(const QString &dir, qint64 snapshotEvery,
                               std::unique_ptr<CoordinatorService> &service,
                               std::unique_ptr<WebSocketGateway> &gateway)
{
    QString error;
    const bool ok = startTestService(m_clock, options(dir, snapshotEvery), kSite, service, gateway, &error);
    if (!ok)
        qWarning("%s", qPrintable(error));
    return ok;
}

void TestTimerJournal::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_clock.setMs(1764000000000); // 2025-11-24 16:00 UTC
}

void TestTimerJournal::cleanup()
{
    m_customers.clear();
    m_desks.clear();
    m_tokens.clear();
    m_admin.reset();
    stopTestService(m_service, m_gateway);
}

std::unique_ptr<WsClient> TestTimerJournal::client(WebSocketGateway *gateway)
{
    auto c = std::make_unique<WsClient>(gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

QString TestTimerJournal::customerWrites(const QString &name)
{
    auto c = client(m_gateway.get());
    c->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", name}});
    const QString conversation =
        c->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    m_customers.push_back(std::move(c));
    return conversation;
}

void TestTimerJournal::drive()
{
    QVERIFY(startOn(liveDir(), m_snapshotEvery, m_service, m_gateway));
    m_admin = client(m_gateway.get());
    m_admin->ok_(QStringLiteral("auth.setup"),
                 {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    for (const char *name : {"alice", "bob"}) {
        m_admin->ok_(QStringLiteral("account.create"),
                     {{"login", name}, {"displayName", name}, {"role", "agent"}, {"password", kPassword}});
        auto desk = client(m_gateway.get());
        m_tokens[QLatin1String(name)] =
            desk->ok_(QStringLiteral("auth.login"), {{"login", name}, {"password", kPassword}})
                .value("token")
                .toString();
        desk->ok_(QStringLiteral("status.set"), {{"status", "online"}});
        m_desks[QLatin1String(name)] = std::move(desk);
    }
    for (int i = 0; i < 3; ++i) {
        customerWrites(QStringLiteral("customer %1").arg(i));
        m_clock.advanceMs(1000);
    }
    const RoutingEngine &e = m_service->engine();
    const QStringList alices = e.conversationsOf(QStringLiteral("alice"));
    QVERIFY(!alices.isEmpty());
    m_desks["alice"]->ok_(QStringLiteral("message.send"), {{"conversation", alices.front()}, {"text", "hi"}});
    m_lastInput = m_clock.nowMs();
    // From here on only the clock moves, in rounds of the service's own tick: the first reply
    // timeout (the conversation goes back to the queue), then the second (to the other agent, and
    // the first to the agent freed) and the answered conversation's auto-close.
    m_clock.advanceMs(58500);
    m_service->tick();
    m_clock.advanceMs(2500);
    m_service->tick();
    settle();
    QVERIFY(e.nextTimerMs() > m_clock.nowMs()); // more pending: a later start has some to fire
    QVERIFY(e.checkInvariants().isEmpty());
}

QString TestTimerJournal::image(const QString &name)
{
    const QString dir = m_tmp->filePath(name);
    test::crashImage(liveDir(), dir);
    return dir;
}

void TestTimerJournal::crashAfterTimersRecordsThemOnce_data()
{
    QTest::addColumn<qint64>("snapshotEvery");
    QTest::newRow("whole journal") << qint64(0);   // only a clean stop would take one
    QTest::newRow("from a snapshot") << qint64(3); // the crash image holds some
}

void TestTimerJournal::crashAfterTimersRecordsThemOnce()
{
    QFETCH(qint64, snapshotEvery);
    m_snapshotEvery = snapshotEvery;
    drive();
    if (QTest::currentTestFailed())
        return;
    const QByteArray liveState = m_service->engine().saveState();
    const QString crash = image(QStringLiteral("crash"));
    const Recorded before = recordedIn(dbPath(crash));
    // The timers did decide things after the last input: reassignments and a close.
    int afterLastInput = 0;
    for (const QString &d : before.decisions)
        afterLastInput += d.section(QLatin1Char('|'), 0, 0).toLongLong() > m_lastInput;
    QVERIFY2(afterLastInput >= 3, qPrintable(before.decisions.join(QLatin1Char('\n'))));
    QVERIFY(withReason(before.decisions, "reply-timeout") >= 2);
    QCOMPARE(withReason(before.decisions, "customer-inactive"), 1);
    QVERIFY(snapshotEvery == 0 ? before.snapshots == 0 : before.snapshots > 0);

    // Restarted at once (nothing new due): the engine as it was (its clock reading included), and
    // the start decides nothing.
    std::unique_ptr<CoordinatorService> restarted;
    std::unique_ptr<WebSocketGateway> gateway;
    QVERIFY(startOn(crash, snapshotEvery, restarted, gateway));
    QCOMPARE(restarted->stats().snapshotJournalId > 0, snapshotEvery > 0);
    QCOMPARE(restarted->engine().saveState(), liveState);
    QCOMPARE(restarted->stats().decisions, quint64(0));

    // A desk that comes back is not told again: its resume says reset, its new inbox snapshot holds
    // what the running service gave it, and no conversation event arrives.
    auto alice = client(gateway.get());
    const QJsonObject resumed =
        alice->ok_(QStringLiteral("auth.resume"), {{"token", m_tokens["alice"]}, {"lastSeq", 1000000}});
    QVERIFY(resumed.value("reset").toBool());
    QStringList inbox;
    for (const QJsonValue &c : alice->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray())
        inbox << c.toObject().value("id").toString();
    QCOMPARE(inbox, m_service->engine().conversationsOf(QStringLiteral("alice")));
    QVERIFY(!inbox.isEmpty());
    for (const Incoming &ev : alice->events)
        QVERIFY2(!ev.event.startsWith(QLatin1String("conversation.")), qPrintable(ev.event));
    alice.reset();
    stopTestService(restarted, gateway);
    const Recorded after = recordedIn(dbPath(crash));
    QCOMPARE(after.decisions, before.decisions); // each timer's decision exactly once
    QCOMPARE(after.conversations, before.conversations);

    // Later, past the next timers: a start fires what came due while it was down, exactly what the
    // running service records when it fires them itself.
    const QString later = image(QStringLiteral("later"));
    m_clock.advanceMs(130 * 1000);
    m_service->tick();
    settle();
    const QByteArray liveLater = m_service->engine().saveState();
    const Recorded live = recordedIn(dbPath(liveDir()));
    QVERIFY(live.decisions.size() > before.decisions.size());
    QVERIFY(startOn(later, snapshotEvery, restarted, gateway));
    QCOMPARE(restarted->engine().saveState(), liveLater);
    QCOMPARE(restarted->stats().decisions, quint64(live.decisions.size() - before.decisions.size()));
    stopTestService(restarted, gateway);
    const Recorded restartedLater = recordedIn(dbPath(later));
    QCOMPARE(restartedLater.decisions, live.decisions.mid(0, restartedLater.decisions.size()));
    QCOMPARE(restartedLater.decisions.size(), live.decisions.size());
    QCOMPARE(restartedLater.conversations, live.conversations);
}

void TestTimerJournal::restartsInARowRecordTimersOnce()
{
    // A clean stop snapshots the engine; the next start fires the timers that came due meanwhile;
    // stopped again with nothing else journaled, and started once more: those timers are in the
    // snapshot or the journal, not fired a third time.
    m_snapshotEvery = 1;
    drive();
    if (QTest::currentTestFailed())
        return;
    m_customers.clear();
    m_desks.clear();
    m_admin.reset();
    stopTestService(m_service, m_gateway);
    const Recorded first = recordedIn(dbPath(liveDir()));

    m_clock.advanceMs(130 * 1000); // reply timeouts come due while it is down
    QVERIFY(startOn(liveDir(), m_snapshotEvery, m_service, m_gateway));
    const quint64 firedAtStart = m_service->stats().decisions;
    QVERIFY(firedAtStart > 0);
    const QByteArray state = m_service->engine().saveState();
    stopTestService(m_service, m_gateway);
    const Recorded second = recordedIn(dbPath(liveDir()));
    QCOMPARE(second.decisions.size(), first.decisions.size() + qsizetype(firedAtStart));

    QVERIFY(startOn(liveDir(), m_snapshotEvery, m_service, m_gateway));
    QCOMPARE(m_service->stats().decisions, quint64(0));
    QCOMPARE(m_service->engine().saveState(), state);
    stopTestService(m_service, m_gateway);
    const Recorded third = recordedIn(dbPath(liveDir()));
    QCOMPARE(third.decisions, second.decisions);
    QCOMPARE(third.conversations, second.conversations);
}

void TestTimerJournal::roundsThatDecideNothingWriteNoRow()
{
    drive();
    if (QTest::currentTestFailed())
        return;
    const Recorded before = recordedIn(dbPath(liveDir()));
    QVERIFY(before.tickRows >= 2); // the two rounds of drive() that decided something
    // Nothing due: no row.
    m_clock.advanceMs(1000);
    m_service->tick();
    settle();
    const Recorded after = recordedIn(dbPath(liveDir()));
    QCOMPARE(after.events, before.events);
    QCOMPARE(after.decisions, before.decisions);
}

void TestTimerJournal::journalWithoutTickRowsReplays()
{
    // An older build journaled no timer rounds; its replay fires them before the next input. A
    // journal whose timer rounds are all followed by inputs, with its clock.tick rows taken out,
    // replays to the same engine and decides nothing at start.
    drive();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!customerWrites(QStringLiteral("one more")).isEmpty()); // an input after the timers
    settle();
    const QByteArray liveState = m_service->engine().saveState();
    const QString old = image(QStringLiteral("old"));
    const Recorded before = recordedIn(dbPath(old));
    QVERIFY(before.tickRows >= 2);
    QVERIFY(test::execOn(dbPath(old), QStringLiteral("DELETE FROM engine_events WHERE type = 'clock.tick'")));
    QVERIFY(test::execOn(dbPath(old), QStringLiteral("DELETE FROM engine_snapshots")));

    std::unique_ptr<CoordinatorService> restarted;
    std::unique_ptr<WebSocketGateway> gateway;
    QVERIFY(startOn(old, 0, restarted, gateway));
    QCOMPARE(restarted->stats().replayedEvents, before.events - before.tickRows);
    QCOMPARE(restarted->engine().saveState(), liveState);
    QCOMPARE(restarted->stats().decisions, quint64(0));
    stopTestService(restarted, gateway);
    const Recorded after = recordedIn(dbPath(old));
    QCOMPARE(after.decisions, before.decisions);
    QCOMPARE(after.conversations, before.conversations);
}

QTEST_MAIN(TestTimerJournal)
#include "tst_timerjournal.moc"
