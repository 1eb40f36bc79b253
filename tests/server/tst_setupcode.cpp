// The first administrator of a coordinator that has none: a client on the coordinator's own
// machine (loopback) sets it up without a code; any other needs the one-time setup code the
// coordinator made at start (missing: setup-code-required, wrong: bad-setup-code, counted by the
// address's sign-in limiter), and the code works no more once the administrator exists. The
// daemon prints the code on a fresh store, a new one each start, and none once set up.
// Other computers are played by this machine's own non-loopback address (skipped without one),
// and by an in-process link that reports another address (never skipped).

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "setupcode.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace sb;
using protocol::ErrorCode;
using protocol::Incoming;

// The reply's error code, or "(a result)" (wsclient.h's compares an empty code for a result).
#undef QCOMPARE_CODE
#define QCOMPARE_CODE(reply, expected) QCOMPARE(codeOf(reply), protocol::toString(ErrorCode::expected))

namespace {

QString codeOf(const Incoming &reply)
{
    return reply.kind == Incoming::Error ? protocol::toString(reply.code) : QStringLiteral("(a result)");
}

const char kSite[] =
    R"({"groups": [], "agents": [], "channels": [{"id": "web", "name": "Web"}], "rules": []})";

// An IPv4 address of this machine that is not loopback: a client that connects to it comes from it.
QHostAddress otherAddress()
{
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
            return a;
    }
    return {};
}

QJsonObject setupArgs(const QString &login, const QString &code = QString())
{
    QJsonObject args{{QLatin1String("login"), login},
                     {QLatin1String("password"), QStringLiteral("a long enough password")},
                     {QLatin1String("displayName"), QStringLiteral("Root")}};
    if (!code.isNull())
        args.insert(QLatin1String("setupCode"), code);
    return args;
}

// A protocol client to any address (WsClient connects to 127.0.0.1 only).
class Peer
{
public:
    explicit Peer(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            auto parsed = protocol::parseIncoming(text.toUtf8());
            if (auto *in = std::get_if<Incoming>(&parsed); in && in->kind != Incoming::Event)
                replies.push_back(*in);
        });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        ok = connected.wait(5000);
    }
    Incoming call(const QString &op, const QJsonObject &args = {})
    {
        const auto before = replies.size();
        socket.sendTextMessage(QString::fromUtf8(protocol::encodeRequest(++nextId, op, args)));
        if (!QTest::qWaitFor([&] { return replies.size() != before; }, 10000)) {
            Incoming timeout;
            timeout.kind = Incoming::Error;
            timeout.message = QStringLiteral("no reply");
            return timeout;
        }
        return replies.back();
    }
    Incoming hello()
    {
        return call(QStringLiteral("hello"), {{QLatin1String("protocol"), protocol::kVersion}});
    }

    QWebSocket socket;
    bool ok = false;
    qint64 nextId = 0;
    std::vector<Incoming> replies;
};

// A link from another computer without a network: the service sees the address it reports.
class RemoteLink final : public ClientLink
{
public:
    void send(const QByteArray &frame) override
    {
        auto parsed = protocol::parseIncoming(frame);
        if (auto *in = std::get_if<Incoming>(&parsed); in && in->kind != Incoming::Event)
            replies.push_back(*in);
    }
    QString peerAddress() const override { return QStringLiteral("192.0.2.1"); }
    std::vector<Incoming> replies;
};

const char kSiteWithAgent[] = R"({"groups": [{"id": "g", "name": "G"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["g"]}],
  "channels": [{"id": "web", "name": "Web"}], "rules": []})";

} // namespace

class TestSetupCode : public QObject
{
    Q_OBJECT

private slots:
    void loopbackPeers_data();
    void loopbackPeers();
    void codeShape();
    void codeAsTyped_data();
    void codeAsTyped();
    void loopbackNeedsNoCode();
    void otherComputerNeedsTheCode();
    void remoteLinkInProcess();
    void daemonPrintsTheCodeOnlyWhileNeeded();

private:
    QTemporaryDir m_dir;
};

void TestSetupCode::loopbackPeers_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("IPv4 loopback") << "127.0.0.1" << true;
    QTest::newRow("elsewhere in 127/8") << "127.0.1.1" << true;
    QTest::newRow("IPv6 loopback") << "::1" << true;
    QTest::newRow("IPv4-mapped loopback") << "::ffff:127.0.0.1" << true;
    QTest::newRow("LAN") << "192.168.1.5" << false;
    QTest::newRow("IPv4-mapped LAN") << "::ffff:192.168.1.5" << false;
    QTest::newRow("IPv6 LAN") << "fe80::1" << false;
    QTest::newRow("any") << "0.0.0.0" << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("not an address") << "localhost" << false;
}

void TestSetupCode::loopbackPeers()
{
    QFETCH(QString, address);
    QFETCH(bool, loopback);
    QCOMPARE(isLoopbackPeer(address), loopback);
}

void TestSetupCode::codeShape()
{
    static const QRegularExpression shape(
        QStringLiteral("^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$"));
    QSet<QString> seen;
    for (int i = 0; i < 200; ++i) {
        const QString code = newSetupCode();
        QVERIFY2(shape.match(code).hasMatch(), qPrintable(code));
        seen.insert(code);
    }
    QCOMPARE(seen.size(), 200); // 80 random bits: no two alike
}

void TestSetupCode::codeAsTyped_data()
{
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<bool>("matches");
    const QString code = QStringLiteral("K7Q2-M9XD-4TFA-PW10");
    QTest::newRow("as printed") << code << code << true;
    QTest::newRow("lower case, no dashes") << code << "k7q2m9xd4tfapw10" << true;
    QTest::newRow("spaces") << code << " K7Q2 M9XD 4TFA PW10 " << true;
    QTest::newRow("O and I for 0 and 1") << code << "K7Q2-M9XD-4TFA-PWIO" << true;
    QTest::newRow("one character off") << code << "K7Q2-M9XD-4TFA-PW11" << false;
    QTest::newRow("one short") << code << "K7Q2-M9XD-4TFA-PW1" << false;
    QTest::newRow("one more") << code << "K7Q2-M9XD-4TFA-PW100" << false;
    QTest::newRow("empty") << code << "" << false;
    QTest::newRow("not Latin") << code << QString::fromUtf8("K7Q2-M9XD-4TFA-PW1Ｏ") << false;
    QTest::newRow("no code to match") << ""
                                      << "" << false;
}

void TestSetupCode::codeAsTyped()
{
    QFETCH(QString, expected);
    QFETCH(QString, typed);
    QFETCH(bool, matches);
    QCOMPARE(setupCodeMatches(expected, typed), matches);
}

void TestSetupCode::loopbackNeedsNoCode()
{
    ManualClock clock(1764000000000);
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
    CoordinatorService::Options options;
    options.dataDir = m_dir.filePath(QStringLiteral("loopback"));
    QString error;
    QVERIFY2(startTestService(clock, options, kSite, service, gateway, &error), qPrintable(error));
    QVERIFY(!service->setupCode().isEmpty()); // made all the same: it is not asked of this client
    WsClient client(gateway->port());
    QVERIFY(client.ok);
    const Incoming hello =
        client.call(QStringLiteral("hello"), {{QLatin1String("protocol"), protocol::kVersion}});
    QVERIFY(hello.payload.value(QLatin1String("needsSetup")).toBool());
    QCOMPARE(hello.payload.value(QLatin1String("setupCodeRequired")), QJsonValue(false));
    const Incoming setup = client.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root")));
    QVERIFY2(setup.kind == Incoming::Result, qPrintable(setup.message));
    QVERIFY(service->setupCode().isEmpty());
    stopTestService(service, gateway);
}

void TestSetupCode::remoteLinkInProcess()
{
    // The same rules as over a LAN socket, on any machine: the service is handed frames by a link
    // that says it is another computer.
    ManualClock clock(1764000000000);
    CoordinatorService::Options options;
    options.dataDir = m_dir.filePath(QStringLiteral("in-process"));
    QString error;
    options.seedSite = SiteConfig::fromJson(kSiteWithAgent, &error);
    QVERIFY2(options.seedSite, qPrintable(error));
    options.driveTimers = false;
    CoordinatorService service(clock, options);
    QVERIFY2(service.start(&error), qPrintable(error));
    RemoteLink link;
    qint64 id = 0;
    auto ask = [&](const QString &op, const QJsonObject &args) {
        const std::size_t before = link.replies.size();
        service.handleFrame(&link, protocol::encodeRequest(++id, op, args));
        QElapsedTimer waited;
        waited.start();
        while (link.replies.size() == before && waited.elapsed() < 10000)
            QTest::qWait(5);
        return link.replies.size() > before ? link.replies.back() : Incoming();
    };
    const Incoming hello = ask(QStringLiteral("hello"), {{QLatin1String("protocol"), protocol::kVersion}});
    QCOMPARE(hello.payload.value(QLatin1String("setupCodeRequired")), QJsonValue(true));
    // Without the code, a taken login (the seeded agent's) is not told apart from a free one.
    QCOMPARE_CODE(ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("alice"))), SetupCodeRequired);
    QCOMPARE_CODE(ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root"))), SetupCodeRequired);
    QCOMPARE_CODE(
        ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("alice"), QStringLiteral("XXXX-XXXX"))),
        BadSetupCode);
    // With it, the login is checked; then the administrator is made.
    const QString code = service.setupCode();
    QCOMPARE_CODE(ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("alice"), code)), Conflict);
    const Incoming made =
        ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root"), code.toLower()));
    QVERIFY2(made.kind == Incoming::Result, qPrintable(made.message));
    QCOMPARE_CODE(ask(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root2"), code)), SetupDone);
    service.linkClosed(&link);
    service.stop();
}

void TestSetupCode::otherComputerNeedsTheCode()
{
    const QHostAddress address = otherAddress();
    if (address.isNull())
        QSKIP("this machine has no non-loopback IPv4 address to play another computer");
    ManualClock clock(1764000000000);
    CoordinatorService::Options options;
    QString error;
    options.dataDir = m_dir.filePath(QStringLiteral("remote"));
    options.seedSite = SiteConfig::fromJson(kSite, &error);
    options.driveTimers = false;
    QVERIFY2(options.seedSite, qPrintable(error));
    CoordinatorService service(clock, options);
    QVERIFY2(service.start(&error), qPrintable(error));
    const QString code = service.setupCode();
    QVERIFY(!code.isEmpty());
    WebSocketGateway gateway(&service);
    QVERIFY2(gateway.listen(address, 0, &error), qPrintable(error));
    const QUrl url(QStringLiteral("ws://%1:%2").arg(address.toString()).arg(gateway.port()));

    Peer peer(url);
    QVERIFY(peer.ok);
    const Incoming hello = peer.hello();
    QVERIFY(hello.payload.value(QLatin1String("needsSetup")).toBool());
    QCOMPARE(hello.payload.value(QLatin1String("setupCodeRequired")), QJsonValue(true));

    // No code, then a wrong one: refused, nobody created.
    Incoming r = peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("mallory")));
    QCOMPARE_CODE(r, SetupCodeRequired);
    QVERIFY2(r.message.contains(QLatin1String("setup code")), qPrintable(r.message));
    QString wrong = code;
    wrong[0] = wrong[0] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    r = peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("mallory"), wrong));
    QCOMPARE_CODE(r, BadSetupCode);
    QVERIFY(service.needsSetup());

    // Wrong codes are failed sign-ins of the address: at its limit (30 a minute) even the right
    // code waits, and a minute later it works.
    for (int i = 1; i < 30; ++i) {
        r = peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("mallory"), wrong));
        QCOMPARE_CODE(r, BadSetupCode);
    }
    r = peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root"), code));
    QCOMPARE_CODE(r, RateLimited);
    QVERIFY(service.needsSetup());
    clock.advanceMs(61 * 1000);

    // As a person types it.
    r = peer.call(QStringLiteral("auth.setup"),
                  setupArgs(QStringLiteral("root"), code.toLower().remove('-')));
    QVERIFY2(r.kind == Incoming::Result, qPrintable(r.message));
    QCOMPARE(r.payload.value(QLatin1String("account")).toObject().value(QLatin1String("role")).toString(),
             QStringLiteral("admin"));
    QVERIFY(!service.needsSetup());
    QVERIFY(service.setupCode().isEmpty());

    // Done: the same code creates nobody else.
    Peer late(url);
    QVERIFY(late.ok);
    const Incoming after = late.hello();
    QCOMPARE(after.payload.value(QLatin1String("needsSetup")), QJsonValue(false));
    QCOMPARE(after.payload.value(QLatin1String("setupCodeRequired")), QJsonValue(false));
    QCOMPARE_CODE(late.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("second"), code)),
                  SetupDone);
    QCOMPARE_CODE(late.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("second"))), SetupDone);
    gateway.close();
    service.stop();
}

namespace {

struct Daemon
{
    QProcess process;
    QByteArray output;
    QString port;

    // Starts the real binary on a free port and reads its start-up lines.
    bool start(const QString &dataDir, const QString &address)
    {
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(SB_COORDINATOR_BIN),
                      {QStringLiteral("--listen"), address, QStringLiteral("--port"), QStringLiteral("0"),
                       QStringLiteral("--http-port"), QStringLiteral("0"), QStringLiteral("--data"),
                       dataDir});
        if (!process.waitForStarted(5000))
            return false;
        static const QRegularExpression listening(QStringLiteral("listening on ws://[^:]+:(\\d+).*\\n"));
        QRegularExpressionMatch match;
        (void)QTest::qWaitFor(
            [&] {
                output += process.readAll();
                match = listening.match(QString::fromUtf8(output));
                return match.hasMatch() || process.state() == QProcess::NotRunning;
            },
            15000);
        port = match.captured(1);
        // The start-up lines are written at once; the rest of them may come a moment later.
        QTest::qWait(200);
        output += process.readAll();
        return match.hasMatch();
    }
    // The printed code, or empty.
    QString code() const
    {
        static const QRegularExpression printed(QStringLiteral("Setup code: (\\S+)\\n"));
        return printed.match(QString::fromUtf8(output)).captured(1);
    }
    bool stop()
    {
        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        return process.waitForFinished(10000) && process.exitCode() == 0;
    }
};

} // namespace

void TestSetupCode::daemonPrintsTheCodeOnlyWhileNeeded()
{
    const QString data = m_dir.filePath(QStringLiteral("daemon"));
    const QHostAddress other = otherAddress();
    // On another computer's address when the machine has one, so the printed code is the one asked for.
    const QString address = other.isNull() ? QStringLiteral("127.0.0.1") : other.toString();
    QString first;
    {
        Daemon daemon;
        QVERIFY2(daemon.start(data, address), daemon.output.constData());
        first = daemon.code();
        QVERIFY2(!first.isEmpty(), daemon.output.constData());
        QVERIFY2(daemon.output.contains("to create the first administrator"), daemon.output.constData());
        QVERIFY(daemon.stop());
    }
    Daemon daemon;
    QVERIFY2(daemon.start(data, address), daemon.output.constData());
    const QString code = daemon.code();
    QVERIFY2(!code.isEmpty(), daemon.output.constData());
    QVERIFY(code != first); // kept in memory only: each start makes a new one
    {
        Peer peer(QUrl(QStringLiteral("ws://%1:%2").arg(address, daemon.port)));
        QVERIFY(peer.ok);
        QVERIFY(peer.hello().kind == Incoming::Result);
        if (!other.isNull())
            QCOMPARE_CODE(peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root"), first)),
                          BadSetupCode);
        const Incoming r = peer.call(QStringLiteral("auth.setup"), setupArgs(QStringLiteral("root"), code));
        QVERIFY2(r.kind == Incoming::Result, qPrintable(r.message));
    }
    QVERIFY(daemon.stop());

    Daemon again;
    QVERIFY2(again.start(data, address), again.output.constData());
    QVERIFY2(again.code().isEmpty() && !again.output.contains("Setup code"), again.output.constData());
    QVERIFY(again.stop());
}

QTEST_GUILESS_MAIN(TestSetupCode)
#include "tst_setupcode.moc"
