// The real switchboard-coordinator as a site runs it: its log on standard output (start-up lines and
// the service's own messages, timestamped, nothing on standard error), health and metrics answered
// by the daemon itself over HTTP, and SIGINT stopping it cleanly with everything committed: a
// restart on the same store finds the administrator made before the signal.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>

namespace {

struct Ports
{
    int ws = 0;
    int http = 0;
};

// An HTTP/1.0 GET on loopback: the whole response (status line, headers, body), or empty.
QByteArray httpGet(int port, const char *path)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(QByteArray("GET ") + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(5000))
        response += socket.readAll();
    return response + socket.readAll();
}

QByteArray body(const QByteArray &response)
{
    const qsizetype at = response.indexOf("\r\n\r\n");
    return at < 0 ? QByteArray() : response.mid(at + 4);
}

// A request's reply on a WebSocket (the first frame carrying its id), or an empty object.
QJsonObject ask(QWebSocket &socket, int id, const QByteArray &op, const QJsonObject &args)
{
    QJsonObject answer;
    const auto connection =
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [&](const QString &t) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            if (o.value(QLatin1String("id")).toInt() == id)
                answer = o;
        });
    const QJsonObject request{{"id", id}, {"op", QString::fromLatin1(op)}, {"args", args}};
    socket.sendTextMessage(QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact)));
    QElapsedTimer waited;
    waited.start();
    while (answer.isEmpty() && waited.elapsed() < 10000)
        QTest::qWait(10);
    QObject::disconnect(connection);
    return answer;
}

} // namespace

class TestDaemonProcess : public QObject
{
    Q_OBJECT

private slots:
    void logsHealthMetricsAndSigint();

private:
    // Starts the daemon on free loopback ports with its store in the test's directory.
    Ports start(QProcess &daemon, QByteArray *out);
    Ports startOnce(QProcess &daemon, QByteArray *out);
    QTemporaryDir m_dir;
};

Ports TestDaemonProcess::start(QProcess &daemon, QByteArray *out)
{
    // The HTTP port was free a moment before the daemon binds it; another process may take it
    // meanwhile (ctest runs tests side by side), and then the daemon stops at once: start again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const Ports ports = startOnce(daemon, out);
        if (ports.ws > 0 || daemon.state() != QProcess::NotRunning)
            return ports;
        *out += daemon.readAllStandardError();
    }
    return {};
}

Ports TestDaemonProcess::startOnce(QProcess &daemon, QByteArray *out)
{
    // --http-port 0 turns HTTP off: a port free a moment ago, then.
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return {};
    const QString httpPort = QString::number(probe.serverPort());
    probe.close();
    // The log's shape is the daemon's own, whatever this environment asks of Qt's logging.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    environment.remove(QStringLiteral("QT_LOGGING_RULES"));
    daemon.setProcessEnvironment(environment);
    daemon.start(QStringLiteral(SB_COORDINATOR_BIN),
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                  QStringLiteral("0"), QStringLiteral("--http-port"), httpPort, QStringLiteral("--data"),
                  m_dir.filePath(QStringLiteral("data"))});
    if (!daemon.waitForStarted(5000))
        return {};
    static const QRegularExpression listening(QStringLiteral(
        "listening on ws://127\\.0\\.0\\.1:(\\d+), health and metrics on http://127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    QElapsedTimer waited;
    waited.start();
    while (!match.hasMatch() && daemon.state() != QProcess::NotRunning && waited.elapsed() < 15000) {
        daemon.waitForReadyRead(200);
        *out += daemon.readAllStandardOutput();
        match = listening.match(QString::fromUtf8(*out));
    }
    if (!match.hasMatch())
        return {};
    return {match.captured(1).toInt(), match.captured(2).toInt()};
}

void TestDaemonProcess::logsHealthMetricsAndSigint()
{
    QVERIFY(m_dir.isValid());
    QProcess daemon;
    QByteArray out;
    const Ports ports = start(daemon, &out);
    QVERIFY2(ports.ws > 0 && ports.http > 0, out.constData());

    // The service's own log is on stdout too, each line with its time, level and category.
    static const QRegularExpression logLine(
        QStringLiteral("\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+ info "
                       "switchboard\\.coordinator: engine rebuilt "
                       "from 0 journal events"));
    QVERIFY2(logLine.match(QString::fromUtf8("\n" + out)).hasMatch(), out.constData());

    // Health and metrics from the daemon itself.
    const QByteArray health = httpGet(ports.http, "/health");
    QVERIFY2(health.startsWith("HTTP/1."), health.constData());
    QVERIFY2(health.contains(" 200 "), health.constData());
    const QJsonObject status = QJsonDocument::fromJson(body(health)).object();
    QCOMPARE(status.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(status.value(QLatin1String("needsSetup")).toBool(), true);
    const QByteArray metrics = body(httpGet(ports.http, "/metrics"));
    QVERIFY2(metrics.contains("\nswitchboard_connections 0\n"), metrics.constData());
    QVERIFY2(metrics.contains("# TYPE switchboard_requests_total counter\n"), metrics.constData());

    // An administrator made from this machine (no setup code on loopback).
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(ports.ws)));
        QVERIFY(connected.wait(10000));
        QVERIFY(ask(client, 1, "hello", {{"protocol", 1}}).contains(QLatin1String("result")));
        const QJsonObject setup =
            ask(client, 2, "auth.setup",
                {{"login", "root"}, {"password", "correct horse battery"}, {"displayName", "Root"}});
        QVERIFY2(setup.contains(QLatin1String("result")), QJsonDocument(setup).toJson().constData());
        const QByteArray after = body(httpGet(ports.http, "/metrics"));
        QVERIFY2(after.contains("\nswitchboard_connections 1\n"), after.constData());
    }

    // SIGINT: a clean stop, said on stdout, status 0, and nothing on stderr all along.
    ::kill(static_cast<pid_t>(daemon.processId()), SIGINT);
    QVERIFY(daemon.waitForFinished(10000));
    out += daemon.readAllStandardOutput();
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QCOMPARE(daemon.exitCode(), 0);
    QVERIFY2(out.contains(QByteArray("switchboard-coordinator: signal ") + QByteArray::number(SIGINT) +
                          ", stopping\n"),
             out.constData());
    const QByteArray errors = daemon.readAllStandardError();
    QVERIFY2(errors.isEmpty(), errors.constData());

    // The administrator was committed before the stop: the restarted daemon has one.
    QProcess again;
    QByteArray out2;
    const Ports ports2 = start(again, &out2);
    QVERIFY2(ports2.ws > 0, out2.constData());
    QVERIFY2(!out2.contains("no administrator yet"), out2.constData());
    QCOMPARE(
        QJsonDocument::fromJson(body(httpGet(ports2.http, "/health"))).object().value("needsSetup").toBool(),
        false);
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(ports2.ws)));
        QVERIFY(connected.wait(10000));
        QVERIFY(ask(client, 1, "hello", {{"protocol", 1}}).contains(QLatin1String("result")));
        const QJsonObject login =
            ask(client, 2, "auth.login", {{"login", "root"}, {"password", "correct horse battery"}});
        QVERIFY2(login.contains(QLatin1String("result")), QJsonDocument(login).toJson().constData());
    }
    ::kill(static_cast<pid_t>(again.processId()), SIGTERM);
    QVERIFY(again.waitForFinished(10000));
    QCOMPARE(again.exitCode(), 0);
}

QTEST_MAIN(TestDaemonProcess)
#include "tst_daemonprocess.moc"
