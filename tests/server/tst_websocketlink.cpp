// WebSocketLink on real loopback sockets: Qt's own WebSocket client talks to it (text in every
// script, long messages, ping, the closing handshake), a raw TCP client breaks the rules and reads
// the bytes that come back, and the gateway serves wss with a certificate.

#include "clientframe.h"
#include "descriptorlimit.h"
#include "eventframe.h"
#include "qtbytestream.h"
#include "testservice.h"
#include "websocketframes.h"
#include "websocketlink.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>
#include <limits>

using namespace sb;

namespace {

// Links that echo every text message, as a server for the tests.
class EchoServer : public QObject
{
public:
    explicit EchoServer(const WebSocketLink::Limits &limits = {}) : m_limits(limits)
    {
        connect(&m_tcp, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
                auto *link = new WebSocketLink(new QtByteStream(socket), m_limits, this);
                last = link;
                link->setHandlers([link](const QByteArray &text) { link->send(text); },
                                  [this](const QByteArray &bytes) { binary << bytes; }, [this] { ++closed; });
            }
        });
        QVERIFY(m_tcp.listen(QHostAddress::LocalHost));
    }
    quint16 port() const { return m_tcp.serverPort(); }

    QPointer<WebSocketLink> last;
    QList<QByteArray> binary;
    int closed = 0;

private:
    QTcpServer m_tcp;
    WebSocketLink::Limits m_limits;
};

// A client that writes whatever bytes the test gives it and keeps what comes back.
struct RawClient
{
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
        ok = socket.waitForConnected(5000);
    }
    bool upgrade()
    {
        socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (!QTest::qWaitFor([this] { return received.contains("\r\n\r\n"); }, 5000))
            return false;
        const bool accepted = received.startsWith("HTTP/1.1 101 ");
        received.remove(0, received.indexOf("\r\n\r\n") + 4);
        return accepted;
    }
    bool waitForBytes(qsizetype n)
    {
        return QTest::qWaitFor([&] { return received.size() >= n; }, 5000);
    }
    bool waitForClose()
    {
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::UnconnectedState; }, 5000);
    }

    QTcpSocket socket;
    QByteArray received;
    bool ok = false;
};

// A bare service (manual clock, its own directory) and a gateway in front of it on a loopback
// port; stopped in that order when it goes.
struct ServedGateway
{
    bool start(const std::optional<QSslConfiguration> &tls = std::nullopt)
    {
        service = startBareService(clock, dir.path(), &error);
        if (!service)
            return false;
        gateway = std::make_unique<WebSocketGateway>(service.get());
        return gateway->listen(QHostAddress::LocalHost, 0, &error, tls);
    }
    ~ServedGateway()
    {
        gateway.reset();
        if (service)
            service->stop();
    }

    QTemporaryDir dir;
    ManualClock clock{QDateTime(QDate(2026, 12, 7), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch()};
    QString error;
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
};

quint16 closeCodeOf(const QByteArray &frame)
{
    if (frame.size() < 4 || quint8(frame.at(0)) != 0x88)
        return 0;
    return qFromBigEndian<quint16>(frame.constData() + 2);
}

} // namespace

class TestWebSocketLink : public QObject
{
    Q_OBJECT

private slots:
    void qtClientRoundTrip();
    void pingAnswered();
    void closingHandshake();
    void closingHandshakeRaw();
    void framesRightBehindTheRequest();
    void requestInPieces();
    void protocolViolationClosesWith1002();
    void tooBigClosesWith1009();
    void plainHttpIsRefused();
    void silentConnectionTimesOut();
    void slowReaderIsClosedLater();
    void goAwaySaysWhy();
    void eventFramesOnTheWire();
    void gatewayServesWss();
    void stoppingGatewayTellsTheService();
    void acceptingResumesAfterAnError();
    void tlsPairTriedBeforeServing();
};

void TestWebSocketLink::qtClientRoundTrip()
{
    EchoServer server;
    QWebSocket client;
    QList<QString> echoes;
    connect(&client, &QWebSocket::textMessageReceived, [&](const QString &t) { echoes << t; });
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.port())));
    QVERIFY(connected.wait(5000));
    const QString chinese = QString::fromUtf8("中學英文 請問 🙂 ok");
    QString longText;
    for (int i = 0; i < 70000 / 10; ++i)
        longText += QStringLiteral("0123456789");
    client.sendTextMessage(chinese);
    client.sendTextMessage(QString());
    client.sendTextMessage(longText); // past 65,535: a 64-bit length both ways
    client.sendBinaryMessage(QByteArray("\x00\x01", 2));
    QVERIFY(QTest::qWaitFor([&] { return echoes.size() == 3; }, 5000));
    QCOMPARE(echoes[0], chinese);
    QCOMPARE(echoes[1], QString());
    QCOMPARE(echoes[2], longText);
    QVERIFY(QTest::qWaitFor([&] { return server.binary.size() == 1; }, 5000));
    QCOMPARE(server.binary[0], QByteArray("\x00\x01", 2));
    QVERIFY(server.last);
    QCOMPARE(server.last->peerAddress(), QStringLiteral("127.0.0.1"));
}

void TestWebSocketLink::pingAnswered()
{
    EchoServer server;
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.port())));
    QVERIFY(connected.wait(5000));
    QSignalSpy pong(&client, &QWebSocket::pong);
    client.ping("are you there");
    QVERIFY(pong.wait(5000));
    QCOMPARE(pong.first().at(1).toByteArray(), QByteArray("are you there"));
}

void TestWebSocketLink::closingHandshake()
{
    EchoServer server;
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.port())));
    QVERIFY(connected.wait(5000));
    client.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
    QVERIFY(!disconnected.isEmpty() || disconnected.wait(5000));
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QVERIFY(QTest::qWaitFor([&] { return server.closed == 1; }, 5000));
    QTest::qWait(20);
    QCOMPARE(server.closed, 1);                                           // once
    QVERIFY(QTest::qWaitFor([&] { return server.last.isNull(); }, 5000)); // the link deleted itself
}

void TestWebSocketLink::closingHandshakeRaw()
{
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok && raw.upgrade());
    raw.socket.write(clientFrame(0x88, QByteArray("\x03\xE8"
                                                  "bye",
                                                  5)));
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.received, QByteArray("\x88\x02\x03\xE8", 4)); // the code echoed, no reason
    QVERIFY(QTest::qWaitFor([&] { return server.closed == 1; }, 5000));
}

void TestWebSocketLink::framesRightBehindTheRequest()
{
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok);
    raw.socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
                     clientFrame(0x81, "first") + clientFrame(0x81, "second"));
    const QByteArray expected = QByteArray("\x81\x05"
                                           "first\x81\x06"
                                           "second");
    QVERIFY(QTest::qWaitFor([&] { return raw.received.endsWith(expected); }, 5000));
    QVERIFY(raw.received.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    QVERIFY(raw.received.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
}

void TestWebSocketLink::requestInPieces()
{
    // TCP may cut the upgrade request anywhere; here it comes a few bytes per segment.
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok);
    const QByteArray request =
        "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    for (qsizetype at = 0; at < request.size(); at += 7) {
        raw.socket.write(request.mid(at, 7));
        raw.socket.flush();
        QTest::qWait(1);
    }
    QVERIFY(QTest::qWaitFor([&] { return raw.received.contains("\r\n\r\n"); }, 5000));
    QVERIFY(raw.received.startsWith("HTTP/1.1 101 "));
    raw.received.clear();
    raw.socket.write(clientFrame(0x81, "after pieces"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return raw.received == QByteArray("\x81\x0c"
                                              "after pieces");
        },
        5000));
}

void TestWebSocketLink::protocolViolationClosesWith1002()
{
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok && raw.upgrade());
    raw.socket.write(QByteArray("\x81\x02hi", 4)); // not masked
    QVERIFY(raw.waitForClose());
    QCOMPARE(closeCodeOf(raw.received), quint16(1002));
    QVERIFY(raw.received.contains("masked"));
    QVERIFY(QTest::qWaitFor([&] { return server.closed == 1; }, 5000));
}

void TestWebSocketLink::tooBigClosesWith1009()
{
    WebSocketLink::Limits limits;
    limits.maxMessageBytes = 1000;
    EchoServer server(limits);
    RawClient raw(server.port());
    QVERIFY(raw.ok && raw.upgrade());
    raw.socket.write(clientFrame(0x81, QByteArray(999, 'x')));
    QVERIFY(raw.waitForBytes(4 + 999));
    QCOMPARE(raw.received.mid(4), QByteArray(999, 'x'));
    raw.received.clear();
    raw.socket.write(clientFrame(0x81, QByteArray(1001, 'x')).left(8)); // the header is enough
    QVERIFY(raw.waitForClose());
    QCOMPARE(closeCodeOf(raw.received), quint16(1009));
}

void TestWebSocketLink::plainHttpIsRefused()
{
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok);
    raw.socket.write("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(raw.waitForClose());
    QVERIFY2(raw.received.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), raw.received.constData());
    QVERIFY(raw.received.contains("this port speaks WebSocket"));
    QTest::qWait(20);
    QCOMPARE(server.closed, 0); // never a link the service knew
}

void TestWebSocketLink::silentConnectionTimesOut()
{
    WebSocketLink::Limits limits;
    limits.handshakeTimeoutMs = 50;
    EchoServer server(limits);
    RawClient raw(server.port());
    QVERIFY(raw.ok);
    raw.socket.write("GET / HTTP/1.1\r\n"); // and then nothing
    QVERIFY(raw.waitForClose());
    QVERIFY(raw.received.isEmpty());
    QCOMPARE(server.closed, 0);
}

void TestWebSocketLink::slowReaderIsClosedLater()
{
    WebSocketLink::Limits limits;
    limits.maxUnsentBytes = 256 * 1024;
    EchoServer server(limits);
    RawClient raw(server.port());
    QVERIFY(raw.ok && raw.upgrade());
    QVERIFY(QTest::qWaitFor([&] { return server.last && server.last->isOpen(); }, 5000));
    const QByteArray chunk(100 * 1024, 'e');
    for (int i = 0; i < 4; ++i)
        server.last->send(chunk); // nothing leaves before the event loop runs
    // Not from inside send(): the caller may be in the middle of something that names the link.
    QCOMPARE(server.closed, 0);
    QVERIFY(!server.last->isOpen());
    server.last->send(chunk); // dropped: the link is closing
    QVERIFY(QTest::qWaitFor([&] { return server.closed == 1; }, 5000));
    QVERIFY(raw.waitForClose());
}

void TestWebSocketLink::goAwaySaysWhy()
{
    EchoServer server;
    RawClient raw(server.port());
    QVERIFY(raw.ok && raw.upgrade());
    QVERIFY(QTest::qWaitFor([&] { return server.last && server.last->isOpen(); }, 5000));
    server.last->send("last words");
    server.last->goAway();
    QCOMPARE(server.closed, 1); // told before the link is destroyed
    server.last->goAway();
    QCOMPARE(server.closed, 1); // and only once
    delete server.last.data();
    QVERIFY(raw.waitForClose());
    QVERIFY(raw.received.startsWith(QByteArray("\x81\x0A"
                                               "last words")));
    QCOMPARE(closeCodeOf(raw.received.mid(12)), quint16(1001));
    QVERIFY(raw.received.contains("stopping"));
}

void TestWebSocketLink::eventFramesOnTheWire()
{
    // The joined frame first: the head, the number, the brace.
    const QByteArray head = "{\"event\":\"x\",\"data\":{},\"seq\":";
    QCOMPARE(eventFrame(head, 42), head + "42}");
    QCOMPARE(eventFrame(head, 0), head + "0}");
    QCOMPARE(eventFrame(head, std::numeric_limits<quint64>::max()), head + "18446744073709551615}");
    QCOMPARE(eventFrameSize(head, 1234), eventFrame(head, 1234).size());

    // A link writes the pieces into its socket: the same bytes as sending the joined frame, at
    // each length encoding (7 bits up to 125, 16 bits up to 65,535, then 64 bits).
    EchoServer pieces, joined;
    RawClient a(pieces.port()), b(joined.port());
    QVERIFY(a.ok && a.upgrade() && b.ok && b.upgrade());
    QVERIFY(QTest::qWaitFor([&] { return pieces.last && pieces.last->isOpen(); }, 5000));
    QVERIFY(QTest::qWaitFor([&] { return joined.last && joined.last->isOpen(); }, 5000));
    // 125 bytes (the longest 7-bit length), 126 (the shortest 16-bit), 65,534, and 70,010 (64-bit).
    const QList<QByteArray> heads = {head, QByteArray(123, 'h'), QByteArray(124, 'h'), QByteArray(65531, 'h'),
                                     QByteArray(70000, 'h')};
    const QList<quint64> seqs = {1, 1, 9, 99, 123456789};
    qsizetype payload = 0;
    for (qsizetype i = 0; i < heads.size(); ++i) {
        pieces.last->sendEvent(heads[i], seqs[i]);
        joined.last->send(eventFrame(heads[i], seqs[i]));
        payload += eventFrameSize(heads[i], seqs[i]);
    }
    QVERIFY(b.waitForBytes(payload + 2 + 2 + 4 + 4 + 10));
    QVERIFY(a.waitForBytes(b.received.size()));
    QCOMPARE(a.received.size(), b.received.size());
    QVERIFY(a.received == b.received);
    QVERIFY(a.received.startsWith("\x81" + QByteArray(1, char(head.size() + 2)) + head + "1}"));
}

void TestWebSocketLink::gatewayServesWss()
{
    QFile certFile(QStringLiteral(SB_TEST_DATA_DIR "/test-cert.pem"));
    QFile keyFile(QStringLiteral(SB_TEST_DATA_DIR "/test-key.pem"));
    QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
    const QSslCertificate cert(&certFile, QSsl::Pem);
    const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
    QVERIFY(!cert.isNull() && !key.isNull());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(cert);
    tls.setPrivateKey(key);

    ServedGateway served;
    QVERIFY2(served.start(tls), qPrintable(served.error));
    WebSocketGateway *gateway = served.gateway.get();

    QWebSocket client;
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.setCaCertificates({cert});
    client.setSslConfiguration(trust);
    QString reply;
    connect(&client, &QWebSocket::textMessageReceived, [&](const QString &t) { reply = t; });
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("wss://localhost:%1/").arg(gateway->port())));
    QVERIFY(connected.wait(10000));
    client.sendTextMessage(QStringLiteral(R"({"id": 1, "op": "hello", "args": {"protocol": 1}})"));
    QVERIFY(QTest::qWaitFor([&] { return !reply.isEmpty(); }, 5000));
    const QJsonObject answer = QJsonDocument::fromJson(reply.toUtf8()).object();
    QCOMPARE(answer.value(QLatin1String("id")).toInt(), 1);
    QVERIFY2(answer.contains(QLatin1String("result")), qPrintable(reply));
    QCOMPARE(gateway->connectionCount(), 1);

    // Plain ws to the wss port gets no WebSocket.
    QWebSocket plain;
    QSignalSpy plainConnected(&plain, &QWebSocket::connected);
    QSignalSpy plainGone(&plain, &QWebSocket::disconnected);
    plain.open(QUrl(QStringLiteral("ws://localhost:%1/").arg(gateway->port())));
    QVERIFY(!plainGone.isEmpty() || plainGone.wait(15000));
    QVERIFY(plainConnected.isEmpty());

    client.close();
    QVERIFY(QTest::qWaitFor([&] { return gateway->connectionCount() == 0; }, 5000));
}

// The gateway destroys its links when it goes; the service must have forgotten them by then, or
// a round committed afterwards (stop() delivers every pending one) sends to a destroyed link.
void TestWebSocketLink::stoppingGatewayTellsTheService()
{
    ServedGateway served;
    QVERIFY2(served.start(), qPrintable(served.error));
    QWebSocket client;
    QStringList replies;
    connect(&client, &QWebSocket::textMessageReceived, [&](const QString &t) { replies << t; });
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://localhost:%1/").arg(served.gateway->port())));
    QVERIFY(connected.wait(5000));
    client.sendTextMessage(QStringLiteral(R"({"id": 1, "op": "hello", "args": {"protocol": 1}})"));
    QVERIFY(QTest::qWaitFor([&] { return !replies.isEmpty(); }, 5000));
    QCOMPARE(served.service->linkCount(), 1);

    served.gateway.reset();
    QCOMPARE(served.service->linkCount(), 0);
}

// Qt's listener stops accepting for good after an accept() error other than "try again" (here:
// no descriptors left); the gateway starts it again, so the port is not left deaf.
void TestWebSocketLink::acceptingResumesAfterAnError()
{
    ServedGateway served;
    QVERIFY2(served.start(), qPrintable(served.error));
    QTcpSocket first;
    first.connectToHost(QHostAddress::LocalHost, served.gateway->port()); // its descriptor exists now
    int acceptedWhileShort = -1;
    {
        const NoMoreDescriptors none; // the gateway's accept() fails with EMFILE
        QVERIFY(none.ok());
        QTest::qWait(300);
        acceptedWhileShort = served.gateway->connectionCount();
    }
    QCOMPARE(acceptedWhileShort, 0);
    QVERIFY(served.gateway->acceptErrors() > 0); // counted for /metrics
    QTRY_COMPARE_WITH_TIMEOUT(served.gateway->connectionCount(), 1, 5000);
    // And the port goes on taking new connections.
    QTcpSocket second;
    second.connectToHost(QHostAddress::LocalHost, served.gateway->port());
    QTRY_COMPARE_WITH_TIMEOUT(served.gateway->connectionCount(), 2, 5000);
}

void TestWebSocketLink::tlsPairTriedBeforeServing()
{
    QFile certFile(QStringLiteral(SB_TEST_DATA_DIR "/test-cert.pem"));
    QFile keyFile(QStringLiteral(SB_TEST_DATA_DIR "/test-key.pem"));
    QFile otherKeyFile(QStringLiteral(SB_TEST_DATA_DIR "/other-key.pem"));
    QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly) &&
            otherKeyFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
    tls.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
    QCOMPARE(WebSocketGateway::tlsProblem(tls), QString());
    // A valid key of another certificate: every handshake would fail, so it is found at start.
    tls.setPrivateKey(QSslKey(&otherKeyFile, QSsl::Rsa, QSsl::Pem));
    QVERIFY(!tls.privateKey().isNull());
    const QString problem = WebSocketGateway::tlsProblem(tls);
    QVERIFY2(!problem.isEmpty(), "a key that does not belong to the certificate was accepted");
}

QTEST_MAIN(TestWebSocketLink)
#include "tst_websocketlink.moc"
