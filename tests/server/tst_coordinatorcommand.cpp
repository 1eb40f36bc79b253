// switchboard-coordinator's command line for the network service: every option reaches
// DaemonOptions (--presence-grace and --snapshot-every among them), defaults when absent, bad values refused.

#include "coordinatorcommand.h"
#include "daemon.h"

#include <QTest>

using namespace sb;

class TestCoordinatorCommand : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void everyOption();
    void refusals_data();
    void refusals();
};

namespace {
QStringList command(const QStringList &args)
{
    return QStringList{QStringLiteral("switchboard-coordinator")} + args;
}
} // namespace

void TestCoordinatorCommand::defaults()
{
    DaemonOptions o;
    o.presenceGraceSeconds = -1; // so the test sees the parser set it
    QString error;
    QVERIFY2(daemonOptionsFromArguments(command({}), &o, &error), qPrintable(error));
    QCOMPARE(o.presenceGraceSeconds, 90);
    QCOMPARE(o.snapshotEvery, 100000);
    QCOMPARE(o.port, quint16(8765));
    QCOMPARE(o.httpPort, quint16(8766));
    QCOMPARE(o.dataDir, QStringLiteral("switchboard-data"));
    QCOMPARE(o.address, QHostAddress(QStringLiteral("0.0.0.0")));
}

void TestCoordinatorCommand::everyOption()
{
    DaemonOptions o;
    QString error;
    QVERIFY2(daemonOptionsFromArguments(
                 command({"--presence-grace", "15", "--listen", "127.0.0.1", "--port", "9001", "--http-port",
                          "0", "--data", "/tmp/sb", "--site", "site.json", "--tls-cert", "c.pem", "--tls-key",
                          "k.pem", "--snapshot-every", "5000"}),
                 &o, &error),
             qPrintable(error));
    QCOMPARE(o.presenceGraceSeconds, 15);
    QCOMPARE(o.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(o.port, quint16(9001));
    QCOMPARE(o.httpPort, quint16(0));
    QCOMPARE(o.dataDir, QStringLiteral("/tmp/sb"));
    QCOMPARE(o.sitePath, QStringLiteral("site.json"));
    QCOMPARE(o.tlsCertificate, QStringLiteral("c.pem"));
    QCOMPARE(o.tlsKey, QStringLiteral("k.pem"));
    QCOMPARE(o.snapshotEvery, 5000);
    // 0: offline as soon as the last desk goes.
    QVERIFY2(daemonOptionsFromArguments(command({"--presence-grace=0"}), &o, &error), qPrintable(error));
    QCOMPARE(o.presenceGraceSeconds, 0);
}

void TestCoordinatorCommand::refusals_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("grace negative") << QStringList{"--presence-grace", "-5"} << "--presence-grace";
    QTest::newRow("grace not a number") << QStringList{"--presence-grace", "soon"} << "--presence-grace";
    QTest::newRow("grace fraction") << QStringList{"--presence-grace", "1.5"} << "--presence-grace";
    QTest::newRow("grace over a day") << QStringList{"--presence-grace", "86401"} << "--presence-grace";
    QTest::newRow("grace without value") << QStringList{"--presence-grace"} << "presence-grace";
    QTest::newRow("snapshot negative") << QStringList{"--snapshot-every", "-1"} << "--snapshot-every";
    QTest::newRow("snapshot not a number") << QStringList{"--snapshot-every", "often"} << "--snapshot-every";
    QTest::newRow("port too big") << QStringList{"--port", "70000"} << "--port";
    QTest::newRow("bad address") << QStringList{"--listen", "example"} << "--listen";
    QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "frobnicate";
}

void TestCoordinatorCommand::refusals()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    DaemonOptions o;
    QString error;
    QVERIFY(!daemonOptionsFromArguments(command(args), &o, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

QTEST_APPLESS_MAIN(TestCoordinatorCommand)
#include "tst_coordinatorcommand.moc"
