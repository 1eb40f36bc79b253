// The real switchboard-coordinator with --tls-cert and --tls-key: a pair that belongs together
// serves wss (a client that trusts the certificate gets its answer, plain ws gets nothing) and
// stops cleanly on SIGTERM; a key that is not the certificate's own, or files it cannot read,
// stop it before it listens, with status 2 and the reason.

#include "testtls.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>

namespace {

QString data(const char *name)
{
    return QStringLiteral(SB_TEST_DATA_DIR "/") + QLatin1String(name);
}

} // namespace

class TestDaemonTls : public QObject
{
    Q_OBJECT

private slots:
    void matchingPairServesWss();
    void foreignKeyRefusedAtStart();
    void unreadableFilesRefusedAtStart();

private:
    // Starts the daemon on free ports with the given certificate and key files.
    void start(QProcess &process, const QString &cert, const QString &key);
    QTemporaryDir m_dir;
};

void TestDaemonTls::start(QProcess &process, const QString &cert, const QString &key)
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(SB_COORDINATOR_BIN),
                  {QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                   QStringLiteral("0"), QStringLiteral("--http-port"), QStringLiteral("0"),
                   QStringLiteral("--data"), m_dir.filePath(QStringLiteral("data")),
                   QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    QVERIFY2(process.waitForStarted(5000), qPrintable(process.errorString()));
}

void TestDaemonTls::matchingPairServesWss()
{
    QProcess daemon;
    start(daemon, data("test-cert.pem"), data("test-key.pem"));
    QByteArray output;
    static const QRegularExpression listening(QStringLiteral("listening on wss://127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((output += daemon.readAll(), match = listening.match(QString::fromUtf8(output)),
                              match.hasMatch() || daemon.state() == QProcess::NotRunning),
                             15000);
    QVERIFY2(match.hasMatch(), output.constData());
    const QString port = match.captured(1);
    // The fingerprint a desk shows for a certificate nobody vouches for, to compare with.
    const QByteArray fingerprint =
        QByteArray("certificate SHA-256 fingerprint ") + kTestCertFingerprint + '\n';
    QTRY_VERIFY2_WITH_TIMEOUT((output += daemon.readAll()).contains(fingerprint), output.constData(), 5000);

    QFile certFile(data("test-cert.pem"));
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.setCaCertificates({QSslCertificate(&certFile, QSsl::Pem)});
    QWebSocket client;
    client.setSslConfiguration(trust);
    QString reply;
    connect(&client, &QWebSocket::textMessageReceived, [&](const QString &t) { reply = t; });
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("wss://localhost:%1/").arg(port)));
    QVERIFY(connected.wait(10000));
    client.sendTextMessage(QStringLiteral(R"({"id": 7, "op": "hello", "args": {"protocol": 1}})"));
    QTRY_VERIFY_WITH_TIMEOUT(!reply.isEmpty(), 5000);
    const QJsonObject answer = QJsonDocument::fromJson(reply.toUtf8()).object();
    QCOMPARE(answer.value(QLatin1String("id")).toInt(), 7);
    QVERIFY2(answer.contains(QLatin1String("result")), qPrintable(reply));

    // The daemon speaks wss only: a plain ws client never gets a WebSocket.
    QWebSocket plain;
    QSignalSpy plainConnected(&plain, &QWebSocket::connected);
    QSignalSpy plainGone(&plain, &QWebSocket::disconnected);
    plain.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    QVERIFY(!plainGone.isEmpty() || plainGone.wait(15000));
    QVERIFY(plainConnected.isEmpty());

    ::kill(static_cast<pid_t>(daemon.processId()), SIGTERM);
    QVERIFY(daemon.waitForFinished(10000));
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QCOMPARE(daemon.exitCode(), 0);
}

void TestDaemonTls::foreignKeyRefusedAtStart()
{
    QProcess daemon;
    start(daemon, data("test-cert.pem"), data("other-key.pem"));
    QVERIFY(daemon.waitForFinished(15000));
    const QByteArray output = daemon.readAll();
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QCOMPARE(daemon.exitCode(), 2);
    QVERIFY2(output.contains("other-key.pem") && !output.contains("listening"), output.constData());
}

void TestDaemonTls::unreadableFilesRefusedAtStart()
{
    QProcess daemon;
    start(daemon, m_dir.filePath(QStringLiteral("missing-cert.pem")), data("test-key.pem"));
    QVERIFY(daemon.waitForFinished(15000));
    const QByteArray output = daemon.readAll();
    QCOMPARE(daemon.exitCode(), 2);
    QVERIFY2(output.contains("cannot read the TLS certificate") && output.contains("missing-cert.pem"),
             output.constData());
}

QTEST_GUILESS_MAIN(TestDaemonTls)
#include "tst_daemontls.moc"
