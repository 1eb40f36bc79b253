// The events a session keeps for resuming are capped in bytes as well as in number: the oldest go
// first, exactly as many as the cap needs, and a resume from before the oldest kept event answers
// `reset` (docs/PROTOCOL.md) while one from inside the kept window replays every later event again,
// byte for byte. A real coordinator over real sockets; nothing sleeps.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace sb;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "replyTimeoutSeconds": 600, "autoCloseMinutes": 60},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 5}],
  "rules": [{"id": "web-sales", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

// Every frame a client received, by event number (events only).
struct FrameLog
{
    explicit FrameLog(WsClient &client)
    {
        QObject::connect(&client.socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            const QByteArray frame = text.toUtf8();
            auto parsed = protocol::parseIncoming(frame);
            if (auto *in = std::get_if<Incoming>(&parsed); in && in->kind == Incoming::Event)
                frames[in->seq] = frame;
        });
    }
    std::map<quint64, QByteArray> frames;
};

} // namespace

class TestReplayCap : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void byteCapDropsOldestAndResumeBeyondItResets();
    void countCapStillHolds();
    void eventLargerThanCapIsNotKept();
    void customersKeepLess();

private:
    void startService(int replayEvents, qint64 replayBytes, qint64 customerReplayBytes = 1024 * 1024);
    std::unique_ptr<WsClient> client();
    // Signs the admin in, creates alice's account, signs her in online; returns her client and token.
    std::unique_ptr<WsClient> alice(QString *token);
    std::unique_ptr<WsClient> customer();
    // A fresh connection resuming alice's session after `lastSeq`.
    // `log`, if given, records the frames from before the resume is sent.
    std::unique_ptr<WsClient> resume(const QString &token, quint64 lastSeq, Incoming *reply,
                                     std::unique_ptr<FrameLog> *log = nullptr);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::unique_ptr<WsClient> m_admin;
};

void TestReplayCap::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
}

void TestReplayCap::cleanup()
{
    m_admin.reset();
    stopTestService(m_service, m_gateway);
}

void TestReplayCap::startService(int replayEvents, qint64 replayBytes, qint64 customerReplayBytes)
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    options.replayEvents = replayEvents;
    options.replayBytes = replayBytes;
    options.customerReplayBytes = customerReplayBytes;
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

std::unique_ptr<WsClient> TestReplayCap::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestReplayCap::alice(QString *token)
{
    m_admin = client();
    m_admin->ok_(QStringLiteral("auth.setup"),
                 {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    m_admin->ok_(QStringLiteral("account.create"),
                 {{"login", "alice"}, {"displayName", "Alice"}, {"role", "agent"}, {"password", kPassword}});
    auto c = client();
    *token = c->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}})
                 .value("token")
                 .toString();
    c->ok_(QStringLiteral("status.set"), {{"status", "online"}});
    return c;
}

std::unique_ptr<WsClient> TestReplayCap::customer()
{
    auto c = client();
    c->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Li"}});
    return c;
}

std::unique_ptr<WsClient> TestReplayCap::resume(const QString &token, quint64 lastSeq, Incoming *reply,
                                                std::unique_ptr<FrameLog> *log)
{
    auto c = client();
    if (log)
        *log = std::make_unique<FrameLog>(*c);
    *reply = c->call(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", qint64(lastSeq)}});
    return c;
}

void TestReplayCap::byteCapDropsOldestAndResumeBeyondItResets()
{
    const qint64 cap = 16 * 1024;
    startService(5000, cap);
    QString token;
    auto agent = alice(&token);
    QVERIFY(!token.isEmpty());
    FrameLog log(*agent);
    auto li = customer();
    // 40 messages of about 1 KB: about 40 KB of message.new events for alice, well past the cap but
    // far below the count limit.
    for (int i = 0; i < 40; ++i) {
        const QString text =
            QStringLiteral("%1 ").arg(i, 3, 10, QLatin1Char('0')) + QString(1000, QLatin1Char('x'));
        QCOMPARE(li->call(QStringLiteral("customer.send"), {{"text", text}}).kind, Incoming::Result);
    }
    QVERIFY(agent->waitFor([&] { return agent->events.size() >= 41; }, 5000)); // assigned + 40 messages
    const quint64 last = log.frames.rbegin()->first;
    const quint64 first = log.frames.begin()->first;        // the log starts after sign-in
    QCOMPARE(quint64(log.frames.size()), last - first + 1); // none missing
    qint64 total = 0;
    for (const auto &[seq, frame] : log.frames)
        total += frame.size();
    QVERIFY2(total > 2 * cap, "the test must overflow the cap");

    // What the cap must keep: the newest events whose frames fit together, and not one more.
    qint64 kept = 0;
    quint64 oldestKept = last + 1;
    while (oldestKept > first && kept + log.frames[oldestKept - 1].size() <= cap) {
        --oldestKept;
        kept += log.frames[oldestKept].size();
    }
    QVERIFY(oldestKept > first && oldestKept < last);

    // From inside the window: every later event again, the same bytes, in order; no reset.
    Incoming r;
    std::unique_ptr<FrameLog> insideLog;
    auto inside = resume(token, oldestKept - 1, &r, &insideLog);
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("reset").toBool(), false);
    QVERIFY(inside->waitFor([&] { return inside->events.size() >= last - oldestKept + 1; }, 5000));
    QCOMPARE(quint64(inside->events.size()), last - oldestKept + 1);
    for (std::size_t i = 0; i < inside->events.size(); ++i)
        QCOMPARE(inside->events[i].seq, oldestKept + i);
    QCOMPARE(insideLog->frames.size(), inside->events.size());
    for (const auto &[seq, frame] : insideLog->frames)
        QCOMPARE(frame, log.frames[seq]);

    // One event earlier is beyond the cap: it was dropped, so the answer is reset and nothing old
    // is replayed.
    auto beyond = resume(token, oldestKept - 2, &r);
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("reset").toBool(), true);
    QCOMPARE(quint64(r.payload.value("seq").toDouble()), last);
    // Nothing arrives: a new event proves the link works and comes next in order.
    li->ok_(QStringLiteral("customer.send"), {{"text", "one more"}});
    QVERIFY(beyond->waitEvent(QStringLiteral("message.new")) >= 0);
    QCOMPARE(beyond->events.size(), std::size_t(1));
    QCOMPARE(beyond->events[0].seq, last + 1);
}

void TestReplayCap::countCapStillHolds()
{
    startService(5, 1024 * 1024);
    QString token;
    auto agent = alice(&token);
    auto li = customer();
    for (int i = 0; i < 10; ++i)
        QCOMPARE(li->call(QStringLiteral("customer.send"), {{"text", QString::number(i)}}).kind,
                 Incoming::Result);
    QVERIFY(agent->waitFor([&] { return agent->events.size() >= 11; }, 5000));
    const quint64 last = agent->events.back().seq;
    Incoming r;
    auto inside = resume(token, last - 5, &r);
    QCOMPARE(r.payload.value("reset").toBool(), false);
    QVERIFY(inside->waitFor([&] { return inside->events.size() >= 5; }, 5000));
    QCOMPARE(inside->events.front().seq, last - 4);
    auto beyond = resume(token, last - 6, &r);
    QCOMPARE(r.payload.value("reset").toBool(), true);
}

void TestReplayCap::eventLargerThanCapIsNotKept()
{
    // A cap below one event's size keeps nothing: resuming from just before it must reset rather
    // than silently skip it.
    startService(5000, 512);
    QString token;
    auto agent = alice(&token);
    auto li = customer();
    QCOMPARE(li->call(QStringLiteral("customer.send"), {{"text", QString(2000, QLatin1Char('y'))}}).kind,
             Incoming::Result);
    QVERIFY(agent->waitEvent(QStringLiteral("message.new")) >= 0);
    const quint64 last = agent->events.back().seq;
    Incoming r;
    auto again = resume(token, last - 1, &r);
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("reset").toBool(), true);
    // Up to date: nothing to replay, no reset.
    auto current = resume(token, last, &r);
    QCOMPARE(r.payload.value("reset").toBool(), false);
}

void TestReplayCap::customersKeepLess()
{
    // Staff keep 1 MiB, customers 8 KiB: after 20 messages of about 1 KB the customer's oldest
    // events are gone (a resume from before them resets) while the agent still has all of them.
    startService(5000, 1024 * 1024, 8 * 1024);
    QString agentToken;
    auto agent = alice(&agentToken);
    auto li = client();
    const QString liToken = li->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Li"}})
                                .value("token")
                                .toString();
    QVERIFY(!liToken.isEmpty());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(li->call(QStringLiteral("customer.send"), {{"text", QString(1000, QLatin1Char('z'))}}).kind,
                 Incoming::Result);
    QVERIFY(li->waitFor([&] { return li->events.size() >= 20; }, 5000));
    QVERIFY(agent->waitFor([&] { return agent->events.size() >= 21; }, 5000));
    const quint64 liFirst = li->events.front().seq;
    const quint64 agentFirst = agent->events.front().seq;

    Incoming r;
    auto liAgain = resume(liToken, liFirst - 1, &r);
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("reset").toBool(), true);
    // Within the last 8 KiB (a few events back) it replays them.
    const quint64 liLast = li->events.back().seq;
    auto liRecent = resume(liToken, liLast - 3, &r);
    QCOMPARE(r.payload.value("reset").toBool(), false);
    QVERIFY(liRecent->waitFor([&] { return liRecent->events.size() >= 3; }, 5000));
    QCOMPARE(liRecent->events.front().seq, liLast - 2);

    auto agentAgain = resume(agentToken, agentFirst - 1, &r);
    QCOMPARE(r.payload.value("reset").toBool(), false);
    QVERIFY(agentAgain->waitFor([&] { return agentAgain->events.size() >= 21; }, 5000));
    QCOMPARE(agentAgain->events.front().seq, agentFirst);
}

QTEST_GUILESS_MAIN(TestReplayCap)
#include "tst_replaycap.moc"
