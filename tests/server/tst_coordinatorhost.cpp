// The embedded coordinator: a CoordinatorHost runs the service on its own thread while this test's
// main thread talks to it over real sockets, as the desktop's own desk and colleagues' desks do.

#include "coordinatorhost.h"
#include "protocol.h"
#include "storereader.h"
#include "testservice.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 2}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

CoordinatorHost::Options options(const QString &dir, quint16 port = 0)
{
    return loopbackHost(dir, kSite, port);
}

} // namespace

class TestCoordinatorHost : public QObject
{
    Q_OBJECT

private slots:
    void startSetupStopRestart();
    void secondHostOnSamePortFails();
    void httpEndpointAndUrls();
    void stopWhileRequestsAreInFlight();
};

void TestCoordinatorHost::startSetupStopRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CoordinatorHost host;
    QString error;
    QElapsedTimer startTime;
    startTime.start();
    QVERIFY2(host.start(options(dir.path()), &error), qPrintable(error));
    const qint64 startMs = startTime.elapsed();
    QVERIFY(host.isRunning());
    QVERIFY(host.port() != 0);
    QCOMPARE(host.localUrl(), QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(host.port())));
    QVERIFY(host.needsSetup());

    QString conversation;
    {
        WsClient admin(host.port());
        QVERIFY(admin.ok);
        const QJsonObject hello = admin.ok_(QStringLiteral("hello"), {{"protocol", 1}});
        QCOMPARE(hello.value("needsSetup").toBool(), true);
        const QJsonObject setup =
            admin.ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
        QCOMPARE(setup.value("token").toString().size(), 43);
        QVERIFY(!host.needsSetup());
        admin.ok_(QStringLiteral("account.create"),
                  {{"login", "alice"}, {"displayName", "Alice"}, {"role", "agent"}, {"password", kPassword}});

        // A customer writes; the service, on its own thread, routes it to alice.
        WsClient alice(host.port());
        alice.ok_(QStringLiteral("hello"), {{"protocol", 1}});
        QVERIFY(alice.ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}})
                    .contains(QLatin1String("token")));
        alice.ok_(QStringLiteral("status.set"), {{"status", "online"}});
        WsClient li(host.port());
        li.ok_(QStringLiteral("hello"), {{"protocol", 1}});
        li.ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "李小姐"}});
        conversation =
            li.ok_(QStringLiteral("customer.send"), {{"text", "你好"}}).value("conversation").toString();
        QVERIFY(!conversation.isEmpty());
        QVERIFY(alice.waitEvent(QStringLiteral("conversation.assigned")) >= 0);
        QString agent;
        int live = 0;
        host.inspect([&](const CoordinatorService &service) {
            agent = service.engine().conversation(conversation)->agent;
            live = service.engine().liveConversations();
        });
        QCOMPARE(agent, QStringLiteral("alice"));
        QCOMPARE(live, 1);

        // Stopping closes every connection: clients are told at once instead of hanging.
        QSignalSpy adminGone(&admin.socket, &QWebSocket::disconnected);
        QSignalSpy aliceGone(&alice.socket, &QWebSocket::disconnected);
        QElapsedTimer stopTime;
        stopTime.start();
        host.stop();
        qInfo("start %lld ms, stop %lld ms (with 3 connections)", startMs, stopTime.elapsed());
        QVERIFY(!host.isRunning());
        QCOMPARE(host.port(), quint16(0));
        QVERIFY(adminGone.count() == 1 || adminGone.wait(3000));
        QVERIFY(aliceGone.count() == 1 || aliceGone.wait(3000));
        host.stop(); // twice is harmless
    }

    // The store was closed cleanly: what was acknowledged is there.
    {
        StoreReader reader;
        QVERIFY2(reader.open(QDir(dir.path()).filePath(QStringLiteral("switchboard.db")), &error),
                 qPrintable(error));
        QVERIFY(reader.accountByLogin(QStringLiteral("root")));
        QCOMPARE(reader.history(conversation).size(), 1);
    }

    // Again on the same directory: the administrator is still there, and so is the conversation.
    QVERIFY2(host.start(options(dir.path()), &error), qPrintable(error));
    QVERIFY(!host.needsSetup());
    WsClient again(host.port());
    QVERIFY(again.ok);
    QCOMPARE(again.ok_(QStringLiteral("hello"), {{"protocol", 1}}).value("needsSetup").toBool(), false);
    QVERIFY(again.ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}})
                .contains(QLatin1String("token")));
    const Incoming refused = again.call(QStringLiteral("auth.setup"),
                                        {{"login", "eve"}, {"password", kPassword}, {"displayName", "Eve"}});
    QCOMPARE(protocol::toString(refused.code), protocol::toString(protocol::ErrorCode::SetupDone));
    QString agent;
    host.inspect([&](const CoordinatorService &service) {
        if (const auto c = service.engine().conversation(conversation))
            agent = c->agent;
    });
    QCOMPARE(agent, QStringLiteral("alice"));
    // The destructor stops it.
}

void TestCoordinatorHost::secondHostOnSamePortFails()
{
    QTemporaryDir first, second;
    CoordinatorHost a, b;
    QString error;
    QVERIFY2(a.start(options(first.path()), &error), qPrintable(error));
    QVERIFY(!b.start(options(second.path(), a.port()), &error));
    QVERIFY(!b.isRunning());
    QVERIFY2(error.contains(QStringLiteral("port %1 is in use").arg(a.port())), qPrintable(error));
    // The failed host left nothing behind and can start elsewhere; the first one is unharmed.
    QVERIFY2(b.start(options(second.path()), &error), qPrintable(error));
    QVERIFY(b.port() != a.port());
    WsClient client(a.port());
    QVERIFY(client.ok);
    QCOMPARE(client.call(QStringLiteral("hello"), {{"protocol", 1}}).kind, Incoming::Result);
    // Starting a running host is refused rather than leaking the first coordinator.
    QVERIFY(!a.start(options(first.path()), &error));
    QVERIFY(a.isRunning());
}

void TestCoordinatorHost::httpEndpointAndUrls()
{
    QTemporaryDir dir;
    CoordinatorHost host;
    CoordinatorHost::Options o = options(dir.path());
    o.address = QHostAddress::Any;
    o.httpPort = 0;
    QString error;
    QVERIFY2(host.start(o, &error), qPrintable(error));
    QVERIFY(host.httpPort() != 0);
    QCOMPARE(host.localUrl().host(), QStringLiteral("127.0.0.1"));
    for (const QString &url : host.lanUrls()) {
        const QUrl u(url);
        QCOMPARE(u.scheme(), QStringLiteral("ws"));
        QCOMPARE(u.port(), int(host.port()));
        QVERIFY(!QHostAddress(u.host()).isLoopback());
    }
    // The health endpoint answers from the worker thread.
    const auto get = [&host](const char *path, const char *until) {
        QTcpSocket http;
        http.connectToHost(QHostAddress::LocalHost, host.httpPort());
        if (!http.waitForConnected(3000))
            return QByteArray();
        http.write(QByteArray("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray response;
        for (int i = 0; i < 300 && !response.contains(until); ++i) {
            QTest::qWait(10);
            response += http.readAll();
        }
        return response;
    };
    const QByteArray health = get("/health", "needsSetup");
    QVERIFY2(health.startsWith("HTTP/1.1 200"), health.constData());
    QVERIFY(health.contains("\"needsSetup\":true"));
#if defined(__linux__)
    // The worker thread runs the epoll dispatcher, and /metrics reads that loop's turns (it has
    // turned: it just served /health).
    const QByteArray metrics = get("/metrics", "switchboard_loop_slow_turns_total ");
    static const QRegularExpression longest(QStringLiteral("\nswitchboard_loop_turn_ms_max ([0-9.e+-]+)"));
    const QRegularExpressionMatch m = longest.match(QString::fromUtf8(metrics));
    QVERIFY2(m.hasMatch(), metrics.constData());
    QVERIFY2(m.captured(1).toDouble() > 0, metrics.constData());
#endif
    host.stop();
    // A host bound to loopback only offers no LAN address.
    o.address = QHostAddress::LocalHost;
    o.httpPort.reset();
    QVERIFY2(host.start(o, &error), qPrintable(error));
    QVERIFY(host.lanUrls().isEmpty());
    QCOMPARE(host.httpPort(), quint16(0));
}

void TestCoordinatorHost::stopWhileRequestsAreInFlight()
{
    // Requests still in flight when stop() comes: stop neither hangs nor loses what it
    // acknowledged. Every message a customer got a result for is in the store afterwards.
    QTemporaryDir dir;
    CoordinatorHost host;
    QString error;
    QVERIFY2(host.start(options(dir.path()), &error), qPrintable(error));
    std::vector<std::unique_ptr<WsClient>> customers;
    for (int i = 0; i < 5; ++i) {
        customers.push_back(std::make_unique<WsClient>(host.port()));
        customers.back()->ok_(QStringLiteral("hello"), {{"protocol", 1}});
        customers.back()->ok_(QStringLiteral("customer.start"), {{"channel", "web"}});
    }
    for (auto &c : customers) {
        for (int i = 0; i < 20; ++i) {
            c->socket.sendTextMessage(
                QString::fromUtf8(protocol::encodeRequest(++c->nextId, QStringLiteral("customer.send"),
                                                          {{"text", QStringLiteral("message %1").arg(i)}})));
        }
        c->socket.flush();
    }
    // Let some of them be answered, not all.
    QTRY_VERIFY_WITH_TIMEOUT(customers.front()->replies.size() > 2, 3000);
    QElapsedTimer timer;
    timer.start();
    host.stop();
    QVERIFY(timer.elapsed() < 5000);
    QTest::qWait(50); // replies already on the wire reach the clients

    StoreReader reader;
    QVERIFY2(reader.open(QDir(dir.path()).filePath(QStringLiteral("switchboard.db")), &error),
             qPrintable(error));
    int acknowledged = 0;
    for (auto &c : customers) {
        QString conversation;
        int acked = 0;
        for (const Incoming &r : c->replies) {
            if (r.kind == Incoming::Result && r.id.toInt() > 2) { // after hello and customer.start
                conversation = r.payload.value("conversation").toString();
                ++acked;
            }
        }
        acknowledged += acked;
        if (acked > 0)
            QVERIFY(reader.history(conversation, 0, 200).size() >= acked);
    }
    QVERIFY(acknowledged >= 3);
    QVERIFY2(host.start(options(dir.path()), &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCoordinatorHost)
#include "tst_coordinatorhost.moc"
