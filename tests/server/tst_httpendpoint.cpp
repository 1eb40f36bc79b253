// The operations endpoint (/health, /metrics) driven by real TCP clients on the loopback. Client and
// server share the test's thread, so clients never block: they wait with QTest::qWaitFor, which
// keeps the event loop (and so the server) running.

#include "descriptorlimit.h"
#include "httpendpoint.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <cmath>
#include <limits>
using namespace sb;

namespace {

constexpr int kWaitMs = 5000;

struct Response
{
    bool closed = false; // the server closed the connection after answering
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QByteArray raw;
};

QByteArray request(const QByteArray &method, const QByteArray &target)
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: tst_httpendpoint\r\n\r\n";
}

// Connects, writes the chunks with gapMs between them, and reads until the server closes.
Response exchange(quint16 port, const QList<QByteArray> &chunks, int gapMs = 0)
{
    Response response;
    QTcpSocket socket;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { response.raw += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs))
        return response;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (i > 0 && gapMs > 0)
            QTest::qWait(gapMs);
        socket.write(chunks.at(i));
        socket.flush();
    }
    response.closed =
        QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    response.raw += socket.readAll();

    const qsizetype end = response.raw.indexOf("\r\n\r\n");
    if (end < 0)
        return response;
    const QList<QByteArray> lines = response.raw.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() >= 2 && statusLine.first() == "HTTP/1.1")
        response.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        response.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
    }
    response.body = response.raw.mid(end + 4);
    return response;
}

Response get(quint16 port, const QByteArray &target, const QByteArray &method = "GET")
{
    return exchange(port, {request(method, target)});
}

// A request head of exactly totalSize bytes, blank line included.
QByteArray paddedRequest(int totalSize)
{
    const QByteArray start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ";
    const QByteArray end = "\r\n\r\n";
    return start + QByteArray(totalSize - start.size() - end.size(), 'a') + end;
}

Metric metric(const QString &name, const QString &help, Metric::Type type, double value,
              const QList<QPair<QString, QString>> &labels = {})
{
    Metric m;
    m.name = name;
    m.help = help;
    m.type = type;
    m.value = value;
    m.labels = labels;
    return m;
}

} // namespace

class TestHttpEndpoint : public QObject
{
    Q_OBJECT

private slots:
    void healthAnswersWithTheProvidersJson();
    void healthWithoutProviderIsOk();
    void acceptingResumesAfterAnError();
    void unhealthyAnswers503_data();
    void unhealthyAnswers503();

    void metricsExposition();
    void metricValues_data();
    void metricValues();
    void invalidMetricsAreLeftOut();

    void unknownPathsAre404_data();
    void unknownPathsAre404();
    void otherMethodsAre405_data();
    void otherMethodsAre405();
    void acceptedRequestForms_data();
    void acceptedRequestForms();
    void refusedRequests_data();
    void refusedRequests();
    void headGivesHeadersWithoutBody_data();
    void headGivesHeadersWithoutBody();

    void requestSplitAcrossThreeWrites();
    void headSizeLimit_data();
    void headSizeLimit();
    void requestBodyDoesNotLoseTheResponse();
    void onlyOneResponsePerConnection();

    void idleClientIsDropped();
    void dribblingClientIsDroppedAtTheDeadline();
    void listenReportsBusyPort();
    void closeDropsConnectionsAndStopsListening();

private:
    bool start(HttpEndpoint &endpoint);
};

bool TestHttpEndpoint::start(HttpEndpoint &endpoint)
{
    QString error;
    const bool ok = endpoint.listen(QHostAddress::LocalHost, 0, &error);
    if (!ok)
        qWarning() << "listen failed:" << error;
    return ok && endpoint.port() != 0;
}

void TestHttpEndpoint::healthAnswersWithTheProvidersJson()
{
    HttpEndpoint endpoint;
    const QJsonObject status{{"status", "ok"}, {"uptimeSeconds", 42}, {"version", "0.1.0"}};
    endpoint.setHealthProvider([&] { return status; });
    QVERIFY(start(endpoint));

    const Response r = get(endpoint.port(), "/health");
    QVERIFY(r.closed);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(r.headers.value("content-length").toInt(), r.body.size());
    QCOMPARE(r.headers.value("connection"), QByteArray("close"));
    QJsonParseError error;
    const QJsonDocument body = QJsonDocument::fromJson(r.body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(body.object(), status);
    QTRY_COMPARE(endpoint.connectionCount(), 0);
}

// QTcpServer stops accepting for good after an accept() error such as EMFILE; the endpoint starts
// it again, so health checks do not find the port deaf.
void TestHttpEndpoint::acceptingResumesAfterAnError()
{
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    QTcpSocket first;
    first.connectToHost(QHostAddress::LocalHost, endpoint.port());
    {
        const NoMoreDescriptors none; // accept() fails with EMFILE meanwhile
        QVERIFY(none.ok());
        QTest::qWait(300);
    }
    QVERIFY(endpoint.acceptErrors() > 0); // counted for /metrics
    const Response r = get(endpoint.port(), "/health");
    QCOMPARE(r.status, 200);
}

void TestHttpEndpoint::healthWithoutProviderIsOk()
{
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    const Response r = get(endpoint.port(), "/health");
    QCOMPARE(r.status, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("status").toString(), QString("ok"));
}

void TestHttpEndpoint::unhealthyAnswers503_data()
{
    QTest::addColumn<QJsonObject>("status");
    QTest::newRow("degraded") << QJsonObject{{"status", "degraded"}, {"reason", "store not writable"}};
    QTest::newRow("no status") << QJsonObject{{"uptimeSeconds", 3}};
    QTest::newRow("status not a string") << QJsonObject{{"status", true}};
    QTest::newRow("OK in capitals") << QJsonObject{{"status", "OK"}};
}

void TestHttpEndpoint::unhealthyAnswers503()
{
    QFETCH(QJsonObject, status);
    HttpEndpoint endpoint;
    endpoint.setHealthProvider([&] { return status; });
    QVERIFY(start(endpoint));

    const Response r = get(endpoint.port(), "/health");
    QVERIFY(r.closed);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(QJsonDocument::fromJson(r.body).object(), status);
}

void TestHttpEndpoint::metricsExposition()
{
    HttpEndpoint endpoint;
    endpoint.setMetricsProvider([] {
        return QList<Metric>{
            metric("sb_conversations_routed_total", "Conversations assigned to an agent.", Metric::Counter,
                   1234, {{"queue", "billing"}}),
            metric("sb_agents_online", "Agents signed in.\nBy team.", Metric::Gauge, 7, {{"team", "north"}}),
            // Interleaved on purpose: the family must still come out together, HELP and TYPE once.
            metric("sb_conversations_routed_total", "ignored: the first sample's help counts",
                   Metric::Counter, 5, {{"queue", "say \"hi\"\\back\nslash"}, {"site", "台北"}}),
            metric("sb_queue_wait_seconds", "", Metric::Gauge, 2.5),
            metric("sb_help_escapes", "C:\\path \"quoted\"", Metric::Gauge, 0),
        };
    });
    QVERIFY(start(endpoint));

    const Response r = get(endpoint.port(), "/metrics");
    QVERIFY(r.closed);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.headers.value("content-type").startsWith("text/plain; version=0.0.4"),
             r.headers.value("content-type"));
    const QByteArray expected = "# HELP sb_conversations_routed_total Conversations assigned to an agent.\n"
                                "# TYPE sb_conversations_routed_total counter\n"
                                "sb_conversations_routed_total{queue=\"billing\"} 1234\n"
                                "sb_conversations_routed_total{queue=\"say \\\"hi\\\"\\\\back\\nslash\","
                                "site=\"" +
                                QString("台北").toUtf8() +
                                "\"} 5\n"
                                "# HELP sb_agents_online Agents signed in.\\nBy team.\n"
                                "# TYPE sb_agents_online gauge\n"
                                "sb_agents_online{team=\"north\"} 7\n"
                                "# TYPE sb_queue_wait_seconds gauge\n"
                                "sb_queue_wait_seconds 2.5\n"
                                "# HELP sb_help_escapes C:\\\\path \"quoted\"\n"
                                "# TYPE sb_help_escapes gauge\n"
                                "sb_help_escapes 0\n";
    QCOMPARE(r.body, expected);
    QCOMPARE(r.headers.value("content-length").toInt(), expected.size());
}

void TestHttpEndpoint::metricValues_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0");
    QTest::newRow("integer") << 42.0 << QByteArray("42");
    QTest::newRow("negative") << -3.0 << QByteArray("-3");
    QTest::newRow("large count") << 1234567890123.0 << QByteArray("1234567890123");
    QTest::newRow("fraction") << 0.1 << QByteArray("0.1");
    QTest::newRow("huge") << 1e20 << QByteArray("1e+20");
    QTest::newRow("tiny") << 2.5e-7 << QByteArray("2.5e-07");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
}

void TestHttpEndpoint::metricValues()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    const QByteArray out = HttpEndpoint::renderMetrics({metric("sb_x", "", Metric::Gauge, value)});
    QCOMPARE(out, "# TYPE sb_x gauge\nsb_x " + text + '\n');
}

void TestHttpEndpoint::invalidMetricsAreLeftOut()
{
    const QRegularExpression warning("invalid name or labels");
    for (int i = 0; i < 4; ++i)
        QTest::ignoreMessage(QtWarningMsg, warning);
    const QByteArray out = HttpEndpoint::renderMetrics({
        metric("1starts_with_digit", "", Metric::Gauge, 1),
        metric("has-dash", "", Metric::Gauge, 1),
        metric("sb_ok", "", Metric::Gauge, 1, {{"__reserved", "x"}}),
        metric("sb_ok", "", Metric::Gauge, 2, {{"a", "1"}, {"a", "2"}}),
        metric("sb_ok", "", Metric::Gauge, 3, {{"a", "1"}}),
    });
    QCOMPARE(out, QByteArray("# TYPE sb_ok gauge\nsb_ok{a=\"1\"} 3\n"));
}

void TestHttpEndpoint::unknownPathsAre404_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("root") << QByteArray("/");
    QTest::newRow("healthz") << QByteArray("/healthz");
    QTest::newRow("trailing slash") << QByteArray("/health/");
    QTest::newRow("below metrics") << QByteArray("/metrics/x");
    QTest::newRow("capitals") << QByteArray("/HEALTH");
    QTest::newRow("encoded") << QByteArray("/%68ealth");
    QTest::newRow("asterisk") << QByteArray("*");
}

void TestHttpEndpoint::unknownPathsAre404()
{
    QFETCH(QByteArray, target);
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    const Response r = get(endpoint.port(), target);
    QVERIFY(r.closed);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.headers.value("content-length").toInt(), r.body.size());
}

void TestHttpEndpoint::otherMethodsAre405_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("POST /health") << QByteArray("POST") << QByteArray("/health");
    QTest::newRow("PUT /metrics") << QByteArray("PUT") << QByteArray("/metrics");
    QTest::newRow("DELETE /health") << QByteArray("DELETE") << QByteArray("/health");
    QTest::newRow("OPTIONS /metrics") << QByteArray("OPTIONS") << QByteArray("/metrics");
    QTest::newRow("lower-case get") << QByteArray("get") << QByteArray("/health");
}

void TestHttpEndpoint::otherMethodsAre405()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    HttpEndpoint endpoint;
    int calls = 0;
    endpoint.setHealthProvider([&] {
        ++calls;
        return QJsonObject{{"status", "ok"}};
    });
    QVERIFY(start(endpoint));
    const Response r = get(endpoint.port(), target, method);
    QVERIFY(r.closed);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.headers.value("allow"), QByteArray("GET, HEAD"));
    QCOMPARE(calls, 0);
}

void TestHttpEndpoint::acceptedRequestForms_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("query ignored") << request("GET", "/health?verbose=1");
    QTest::newRow("absolute form") << request("GET", "http://127.0.0.1/health");
    QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET /health HTTP/1.0\r\n\r\n");
    QTest::newRow("header case and spacing") << QByteArray("GET /health HTTP/1.1\r\nhOsT:127.0.0.1\r\n"
                                                           "X-Empty:\r\nAccept:   */*   \r\n\r\n");
}

void TestHttpEndpoint::acceptedRequestForms()
{
    QFETCH(QByteArray, raw);
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    const Response r = exchange(endpoint.port(), {raw});
    QVERIFY(r.closed);
    QCOMPARE(r.status, 200);
}

void TestHttpEndpoint::refusedRequests_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    const QByteArray host = "Host: 127.0.0.1\r\n";
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400;
    QTest::newRow("no version") << "GET /health\r\n" + host + "\r\n" << 400;
    QTest::newRow("double space") << "GET  /health HTTP/1.1\r\n" + host + "\r\n" << 400;
    QTest::newRow("trailing space") << "GET /health HTTP/1.1 \r\n" + host + "\r\n" << 400;
    QTest::newRow("relative target") << "GET health HTTP/1.1\r\n" + host + "\r\n" << 400;
    QTest::newRow("control character in target") << "GET /hea\x01lth HTTP/1.1\r\n" + host + "\r\n" << 400;
    QTest::newRow("bad version") << "GET /health HTTX/1.1\r\n" + host + "\r\n" << 400;
    QTest::newRow("method with slash") << "GE/T /health HTTP/1.1\r\n" + host + "\r\n" << 400;
    QTest::newRow("header without colon") << "GET /health HTTP/1.1\r\n" + host + "NoColon\r\n\r\n" << 400;
    QTest::newRow("space before colon")
        << QByteArray("GET /health HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n") << 400;
    QTest::newRow("folded header") << "GET /health HTTP/1.1\r\n" + host + "X-A: 1\r\n  more\r\n\r\n" << 400;
    QTest::newRow("bare LF") << "GET /health HTTP/1.1\r\n" + host + "X-A: 1\nX-B: 2\r\n\r\n" << 400;
    QTest::newRow("bare CR") << "GET /health HTTP/1.1\r\n" + host + "X-A: 1\rX-B: 2\r\n\r\n" << 400;
    QTest::newRow("NUL byte") << "GET /health HTTP/1.1\r\n" + host + QByteArray("X-A: \0\r\n\r\n", 10) << 400;
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET /health HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Host headers") << "GET /health HTTP/1.1\r\n" + host + host + "\r\n" << 400;
    QTest::newRow("HTTP/2.0") << "GET /health HTTP/2.0\r\n" + host + "\r\n" << 505;
}

void TestHttpEndpoint::refusedRequests()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    const Response r = exchange(endpoint.port(), {raw});
    QVERIFY(r.closed);
    QCOMPARE(r.status, status);
    QCOMPARE(r.headers.value("connection"), QByteArray("close"));
}

void TestHttpEndpoint::headGivesHeadersWithoutBody_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("health") << QByteArray("/health") << 200;
    QTest::newRow("metrics") << QByteArray("/metrics") << 200;
    QTest::newRow("not found") << QByteArray("/nothing") << 404;
}

void TestHttpEndpoint::headGivesHeadersWithoutBody()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    HttpEndpoint endpoint;
    endpoint.setHealthProvider([] { return QJsonObject{{"status", "ok"}, {"uptimeSeconds", 12}}; });
    endpoint.setMetricsProvider([] { return QList<Metric>{metric("sb_up", "Up.", Metric::Gauge, 1)}; });
    QVERIFY(start(endpoint));

    const Response full = get(endpoint.port(), target);
    const Response head = get(endpoint.port(), target, "HEAD");
    QVERIFY(head.closed);
    QCOMPARE(head.status, status);
    QVERIFY(!full.body.isEmpty());
    QVERIFY2(head.body.isEmpty(), head.body);
    QCOMPARE(head.headers.value("content-length").toInt(), full.body.size());
    QCOMPARE(head.headers.value("content-type"), full.headers.value("content-type"));
}

void TestHttpEndpoint::requestSplitAcrossThreeWrites()
{
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    // The last split falls inside the "\r\n\r\n" that ends the head.
    const Response r =
        exchange(endpoint.port(), {"GET /hea", "lth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r", "\n"}, 100);
    QVERIFY(r.closed);
    QCOMPARE(r.status, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("status").toString(), QString("ok"));
}

void TestHttpEndpoint::headSizeLimit_data()
{
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<int>("status");
    QTest::newRow("exactly 16 KiB") << QList<QByteArray>{paddedRequest(HttpEndpoint::kMaxHeadBytes)} << 200;
    QTest::newRow("one byte over") << QList<QByteArray>{paddedRequest(HttpEndpoint::kMaxHeadBytes + 1)}
                                   << 400;
    QTest::newRow("64 KiB in one write") << QList<QByteArray>{paddedRequest(64 * 1024)} << 400;
    // Never ends its head: refused as soon as the limit is passed, not at the deadline.
    const QByteArray start = "GET /health HTTP/1.1\r\nX-Padding: ";
    QTest::newRow("unterminated, in pieces")
        << QList<QByteArray>{start, QByteArray(10000, 'a'), QByteArray(10000, 'a')} << 400;
}

void TestHttpEndpoint::headSizeLimit()
{
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(int, status);
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    QElapsedTimer clock;
    clock.start();
    const Response r = exchange(endpoint.port(), chunks, 20);
    QVERIFY(r.closed);
    QCOMPARE(r.status, status);
    QVERIFY(clock.elapsed() < HttpEndpoint::kDefaultIdleTimeoutMs / 2);
}

void TestHttpEndpoint::requestBodyDoesNotLoseTheResponse()
{
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    // A body larger than the socket buffers is still arriving when the answer is sent. Closing
    // with unread bytes would reset the connection, and the client could lose the answer (seen
    // here about one run in three before the endpoint half-closed instead).
    const QByteArray body(4'000'000, 'b');
    const QByteArray head =
        "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n\r\n";
    const Response r = exchange(endpoint.port(), {head + body});
    QVERIFY(r.closed);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.body, QByteArray("Method Not Allowed\n"));
}

void TestHttpEndpoint::onlyOneResponsePerConnection()
{
    HttpEndpoint endpoint;
    int calls = 0;
    endpoint.setHealthProvider([&] {
        ++calls;
        return QJsonObject{{"status", "ok"}};
    });
    QVERIFY(start(endpoint));
    const Response r = exchange(endpoint.port(), {request("GET", "/health") + request("GET", "/health")});
    QVERIFY(r.closed);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.raw.count("HTTP/1.1 "), 1);
    QCOMPARE(calls, 1);
}

void TestHttpEndpoint::idleClientIsDropped()
{
    HttpEndpoint endpoint;
    endpoint.setIdleTimeout(200);
    QCOMPARE(endpoint.idleTimeout(), 200);
    QVERIFY(start(endpoint));

    QTcpSocket client;
    QElapsedTimer clock;
    clock.start();
    client.connectToHost(QHostAddress::LocalHost, endpoint.port());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(endpoint.connectionCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, kWaitMs);
    QVERIFY2(clock.elapsed() >= 150, QByteArray::number(clock.elapsed()));
    QCOMPARE(endpoint.connectionCount(), 0);
    QVERIFY(client.readAll().isEmpty());
}

void TestHttpEndpoint::dribblingClientIsDroppedAtTheDeadline()
{
    HttpEndpoint endpoint;
    endpoint.setIdleTimeout(300);
    QVERIFY(start(endpoint));

    // A byte every 50 ms never lets the connection go idle, yet the head never completes: the
    // deadline counts from the connection, so the client is dropped all the same.
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, endpoint.port());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QElapsedTimer clock;
    clock.start();
    while (client.state() == QAbstractSocket::ConnectedState && clock.elapsed() < kWaitMs) {
        client.write("a");
        client.flush();
        QTest::qWait(50);
    }
    QCOMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QVERIFY2(clock.elapsed() < 2000, QByteArray::number(clock.elapsed()));
}

void TestHttpEndpoint::listenReportsBusyPort()
{
    HttpEndpoint first;
    QVERIFY(start(first));
    QVERIFY(first.isListening());

    HttpEndpoint second;
    QString error;
    QVERIFY(!second.listen(QHostAddress::LocalHost, first.port(), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!second.isListening());

    // Listening twice is refused too, and leaves the first socket alone.
    QVERIFY(!first.listen(QHostAddress::LocalHost, 0, &error));
    QCOMPARE(get(first.port(), "/health").status, 200);
}

void TestHttpEndpoint::closeDropsConnectionsAndStopsListening()
{
    HttpEndpoint endpoint;
    QVERIFY(start(endpoint));
    const quint16 port = endpoint.port();

    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(endpoint.connectionCount(), 1);

    endpoint.close();
    QVERIFY(!endpoint.isListening());
    QCOMPARE(endpoint.connectionCount(), 0);
    QTRY_COMPARE(idle.state(), QAbstractSocket::UnconnectedState);

    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(late.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(late.error(), QAbstractSocket::ConnectionRefusedError);
}

QTEST_GUILESS_MAIN(TestHttpEndpoint)
#include "tst_httpendpoint.moc"
