// The coordinator's metrics, listed once for both hosts: the samples a service and its gateway
// give, and the same list served at /metrics by the desktop's embedded host (which used to lack
// the store's commit count the daemon had).

#include "clock.h"
#include "coordinatorhost.h"
#include "coordinatormetrics.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

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
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"]}],
  "rules": [{"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"]}]
})";

const QStringList kNames = {
    "switchboard_request_latency_ms", // quantiles 0.5, 0.9, 0.99 and 1
    "switchboard_request_latency_ms",
    "switchboard_request_latency_ms",
    "switchboard_request_latency_ms",
    "switchboard_store_commit_ms",
    "switchboard_store_commit_ms",
    "switchboard_store_commit_ms",
    "switchboard_store_commit_ms",
    "switchboard_connections",
    "switchboard_accept_errors_total",
    "switchboard_http_accept_errors_total",
    "switchboard_loop_turn_ms_max",
    "switchboard_loop_slow_turns_total",
    "switchboard_sessions",
    "switchboard_requests_total",
    "switchboard_errors_total",
    "switchboard_messages_persisted_total",
    "switchboard_events_pushed_total",
    "switchboard_routing_decisions_total",
    "switchboard_store_failures_total",
    "switchboard_store_transactions_total",
    "switchboard_store_wal_pages",
    "switchboard_store_wal_pages_max",
    "switchboard_store_checkpoints_total",
    "switchboard_store_writer_checkpoints_total",
    "switchboard_store_writer_checkpoint_ms_max",
    "switchboard_store_writer_checkpoint_pages_max",
    "switchboard_store_wal_restarts_total",
    "switchboard_conversations_open",
    "switchboard_conversations_waiting",
    "switchboard_start_replayed_events",
    "switchboard_start_snapshot_load_ms",
    "switchboard_snapshots_total",
    "switchboard_snapshot_failures_total",
    "switchboard_snapshot_bytes",
    "switchboard_snapshot_save_ms",
};

double valueOf(const QList<Metric> &metrics, const QString &name)
{
    for (const Metric &m : metrics) {
        if (m.name == name)
            return m.value;
    }
    return -1;
}

} // namespace

class TestCoordinatorMetrics : public QObject
{
    Q_OBJECT

private slots:
    void samplesFollowTheService();
    void hostServesTheSameList();
};

void TestCoordinatorMetrics::samplesFollowTheService()
{
    QTemporaryDir dir;
    ManualClock clock(1764000000000);
    CoordinatorService::Options options;
    options.dataDir = dir.path();
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
    QString error;
    QVERIFY2(startTestService(clock, options, kSite, service, gateway, &error), qPrintable(error));
    HttpEndpoint http; // not listening: its count is still read
    QList<Metric> metrics = coordinatorMetrics(*service, *gateway, http);
    QStringList names;
    for (const Metric &m : metrics)
        names << m.name;
    QCOMPARE(names, kNames);
    QCOMPARE(valueOf(metrics, "switchboard_connections"), 0.0);
    QCOMPARE(valueOf(metrics, "switchboard_accept_errors_total"), 0.0);
    QCOMPARE(valueOf(metrics, "switchboard_http_accept_errors_total"), 0.0);
    {
        WsClient customer(gateway->port());
        QVERIFY(customer.ok_(QStringLiteral("hello"), {{"protocol", 1}}).contains("protocol"));
        QVERIFY(customer.ok_(QStringLiteral("customer.start"), {{"channel", "web"}}).contains("token"));
        QVERIFY(customer.ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).contains("id"));
        metrics = coordinatorMetrics(*service, *gateway, http);
        QCOMPARE(valueOf(metrics, "switchboard_connections"), 1.0);
        QCOMPARE(valueOf(metrics, "switchboard_sessions"), 1.0);
        QCOMPARE(valueOf(metrics, "switchboard_requests_total"), 3.0);
        QCOMPARE(valueOf(metrics, "switchboard_messages_persisted_total"), 1.0);
        QCOMPARE(valueOf(metrics, "switchboard_conversations_waiting"), 1.0); // nobody online
        QVERIFY(valueOf(metrics, "switchboard_store_transactions_total") >= 1.0);
        // The writer's commits reach the WAL and the checkpointer is told how long it is.
        QVERIFY(valueOf(metrics, "switchboard_store_wal_pages") >= 1.0);
        // Three requests answered, each after a commit: the window has them, the longest above 0.
        double longestRequest = -1, longestCommit = -1;
        for (const Metric &m : metrics) {
            const bool longest = m.labels == QList<QPair<QString, QString>>{{"quantile", "1"}};
            if (longest && m.name == QLatin1String("switchboard_request_latency_ms"))
                longestRequest = m.value;
            if (longest && m.name == QLatin1String("switchboard_store_commit_ms"))
                longestCommit = m.value;
        }
        QVERIFY(longestRequest > 0);
        QVERIFY(longestCommit > 0);
        QVERIFY(valueOf(metrics, "switchboard_store_wal_pages_max") >=
                valueOf(metrics, "switchboard_store_wal_pages"));
    }
    stopTestService(service, gateway);
}

void TestCoordinatorMetrics::hostServesTheSameList()
{
    QTemporaryDir dir;
    CoordinatorHost host;
    CoordinatorHost::Options o = loopbackHost(dir.path(), kSite);
    o.httpPort = 0;
    QString error;
    QVERIFY2(host.start(o, &error), qPrintable(error));
    QTcpSocket http;
    http.connectToHost(QHostAddress::LocalHost, host.httpPort());
    QVERIFY(http.waitForConnected(3000));
    http.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray response;
    for (int i = 0; i < 300 && !response.contains("switchboard_conversations_waiting "); ++i) {
        QTest::qWait(10);
        response += http.readAll();
    }
    QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
    for (const QString &name : kNames)
        QVERIFY2(response.contains(("# TYPE " + name + ' ').toUtf8()), qPrintable(name));
    host.stop();
}

QTEST_GUILESS_MAIN(TestCoordinatorMetrics)
#include "tst_coordinatormetrics.moc"
