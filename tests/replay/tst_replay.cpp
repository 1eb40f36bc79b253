// The event-script parser, the replay runner's expectations, and simulate-then-replay determinism.
#include "eventscript.h"
#include "replayrunner.h"
#include "simulation.h"

#include <QtTest>

using namespace sb;

namespace {
const char *kSite = R"({
  "routing": {"timeZone": "Asia/Hong_Kong", "replyTimeoutSeconds": 60, "autoCloseMinutes": 5},
  "channels": [{"id": "web"}, {"id": "wechat", "priority": 5}],
  "groups": [{"id": "sales"}],
  "agents": [
    {"id": "alice", "groups": ["sales"], "maxConcurrent": 2, "status": "online"},
    {"id": "bob", "groups": ["sales"], "maxConcurrent": 2, "status": "online"}
  ],
  "rules": [{"id": "all", "groups": ["sales"]}]
})";

SiteConfig site()
{
    QString error;
    auto s = SiteConfig::fromJson(kSite, &error);
    if (!s)
        qFatal("%s", qPrintable(error));
    return *s;
}

QStringList decisionLines(const std::vector<Decision> &decisions)
{
    QStringList lines;
    for (const auto &d : decisions)
        lines << explain(d);
    return lines;
}
} // namespace

class TestReplay : public QObject
{
    Q_OBJECT
private slots:
    void parseErrors_data();
    void parseErrors();
    void times();
    void quotedText();
    void expectationsPassAndFail();
    void expectedErrors();
    void simulatedDayReplaysIdentically();
    void whatIfIsLenient();
};

void TestReplay::parseErrors_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("error");
    QTest::newRow("no start") << "10:00:00 tick"
                              << "1: events need @config and @start first";
    QTest::newRow("unknown verb") << "@start 2026-11-23\n10:00:00 dance alice"
                                  << "2: unknown event \"dance\"";
    QTest::newRow("backwards") << "@start 2026-11-23\n10:00:00 tick\n09:00:00 tick"
                               << "3: time goes backwards";
    QTest::newRow("bad time") << "@start 2026-11-23\n25:99 tick"
                              << "2: \"25:99\" is not a time";
    QTest::newRow("bad delay") << "@start 2026-11-23\n+5x tick"
                               << "2: \"+5x\" is not a delay";
    QTest::newRow("too few args") << "@start 2026-11-23\n10:00:00 claim alice"
                                  << "2: \"claim\" needs at least 2 arguments";
    QTest::newRow("quote") << "@start 2026-11-23\n10:00:00 message c1 x web \"open"
                           << "2: unterminated quote";
    QTest::newRow("directive") << "@begin 2026"
                               << "1: unknown directive @begin";
}

void TestReplay::parseErrors()
{
    QFETCH(QString, script);
    QFETCH(QString, error);
    QString actual;
    const auto parsed = EventScript::parse(script, QString(), &actual, site());
    QVERIFY(!parsed);
    QVERIFY2(actual.startsWith(error), qPrintable(actual));
}

void TestReplay::times()
{
    QString error;
    const auto s = EventScript::parse(QStringLiteral("@start 2026-11-23T09:00\n"
                                                     "10:00:00 tick\n"
                                                     "+90s tick\n"
                                                     "+2m tick\n"
                                                     "2026-11-24T01:00:00Z tick\n"
                                                     "09:30 tick\n"),
                                      QString(), &error, site());
    QVERIFY2(s, qPrintable(error));
    const qint64 start =
        QDateTime(QDate(2026, 11, 23), QTime(9, 0), QTimeZone("Asia/Hong_Kong")).toMSecsSinceEpoch();
    QCOMPARE(s->start, start);
    QCOMPARE(s->lines.size(), std::size_t(5));
    QCOMPARE(s->lines[0].at, start + 3600000);
    QCOMPARE(s->lines[1].at, start + 3600000 + 90000);
    QCOMPARE(s->lines[2].at, start + 3600000 + 90000 + 120000);
    // An ISO date-time moves the day: 01:00Z is 09:00 on the 24th in Hong Kong.
    QCOMPARE(s->lines[3].at, start + 24 * 3600000LL);
    QCOMPARE(s->lines[4].at, start + 24 * 3600000LL + 30 * 60000);
}

void TestReplay::quotedText()
{
    QStringList words;
    QString error;
    QVERIFY(
        splitWords(QStringLiteral("message c1 x web \"我想問 \\\"中學英文\\\"\" # comment"), &words, &error));
    QCOMPARE(words, (QStringList{"message", "c1", "x", "web", QStringLiteral("我想問 \"中學英文\"")}));
}

void TestReplay::expectationsPassAndFail()
{
    QString error;
    const auto s = EventScript::parse(QStringLiteral("@start 2026-11-23T09:00\n"
                                                     "10:00:00 message c1 cust1 web hello\n"
                                                     "10:00:00 expect c1 assigned alice\n"
                                                     "10:00:01 expect c1 assigned bob\n"
                                                     "10:00:02 expect agent alice load=1 open=1\n"
                                                     "10:00:03 expect c1 last queued\n"),
                                      QString(), &error, site());
    QVERIFY2(s, qPrintable(error));
    ReplayRunner runner(*s);
    QVERIFY(!runner.run());
    QCOMPARE(runner.expectationsChecked(), 4);
    QCOMPARE(runner.failures(),
             (QStringList{QStringLiteral("line 4: c1 is with alice, expected bob"),
                          QStringLiteral("line 6: last decision for c1 is assigned, expected queued")}));
}

void TestReplay::expectedErrors()
{
    QString error;
    const auto s = EventScript::parse(QStringLiteral("@start 2026-11-23T09:00\n"
                                                     "10:00:00 claim alice nope error=unknown-conversation\n"
                                                     "10:00:01 claim alice nope error=at-cap\n"
                                                     "10:00:02 claim zed nope\n"),
                                      QString(), &error, site());
    QVERIFY2(s, qPrintable(error));
    ReplayRunner runner(*s);
    QVERIFY(!runner.run());
    QCOMPARE(runner.failures().size(), 2);
    QVERIFY(runner.failures()[0].startsWith(
        QStringLiteral("line 3: expected error at-cap, got unknown-conversation")));
    QVERIFY(runner.failures()[1].startsWith(QStringLiteral("line 4: claim refused: no agent \"zed\"")));
}

void TestReplay::simulatedDayReplaysIdentically()
{
    // Simulate two hours, record the events, replay them: the decisions must be identical.
    const SiteConfig s = site();
    const qint64 start =
        QDateTime(QDate(2026, 11, 23), QTime(9, 0), QTimeZone("Asia/Hong_Kong")).toMSecsSinceEpoch();
    ManualClock clock(start);
    RoutingEngine engine(clock);
    QVERIFY(engine.loadSite(s).ok);
    TrafficProfile profile;
    profile.arrivalsPerHour = 120;
    profile.seed = 7;
    Simulation sim(engine, s, profile, start);
    std::vector<Decision> live;
    engine.setSink([&](const Decision &d) {
        live.push_back(d);
        sim.onDecision(d);
    });
    QStringList lines{QStringLiteral("@start 2026-11-23T09:00")};
    sim.setRecorder([&](const QString &line) { lines << line; });
    const qint64 end = start + 2 * 3600000;
    for (qint64 now = start; now < end;) {
        clock.setMs(now);
        engine.tick();
        qint64 next = sim.step(now);
        const qint64 timer = engine.nextTimerMs();
        if (timer > now && (next < 0 || timer < next))
            next = timer;
        now = std::min(std::max(next, now + 1), end);
    }
    QVERIFY(live.size() > 200);
    QVERIFY(sim.arrivals() > 150);

    QString error;
    const auto script = EventScript::parse(lines.join(u'\n'), QString(), &error, s);
    QVERIFY2(script, qPrintable(error));
    ReplayRunner runner(*script);
    QVERIFY2(runner.run(), qPrintable(runner.failures().join(u'\n')));
    // The replay stops at the last event; the live run may have fired timers after it.
    const QStringList replayed = decisionLines(runner.decisions());
    const QStringList original = decisionLines(live).mid(0, replayed.size());
    QCOMPARE(replayed, original);
    QVERIFY(replayed.size() >= static_cast<qsizetype>(live.size()) - 20);
}

void TestReplay::whatIfIsLenient()
{
    // Alice's reply is recorded, but under a configuration where bob gets the conversation the
    // reply does not apply: a strict run fails, a what-if run counts it as skipped.
    QString error;
    const QString text = QStringLiteral("@start 2026-11-23T09:00\n"
                                        "10:00:00 message c1 cust1 web hello\n"
                                        "10:00:10 reply c1 alice\n");
    SiteConfig other = site();
    other.agents[0].status = AgentStatus::Offline;
    const auto script = EventScript::parse(text, QString(), &error, other);
    QVERIFY2(script, qPrintable(error));
    ReplayRunner strict(*script);
    QVERIFY(!strict.run());
    ReplayRunner lenient(*script, false);
    QVERIFY(lenient.run());
    QCOMPARE(lenient.skippedEvents(), 1);
    QCOMPARE(lenient.decisions().front().agent, QStringLiteral("bob"));
}

QTEST_APPLESS_MAIN(TestReplay)
#include "tst_replay.moc"
