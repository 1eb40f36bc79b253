#include "coordinatormetrics.h"

#include "coordinatorservice.h"
#include "epolldispatcher.h"
#include "websocketgateway.h"

namespace sb {

namespace {
struct LoopTurns
{
    quint64 slowTurns = 0;
    qint64 longestUs = 0;
};
// This thread's loop, when it is our epoll dispatcher (the daemon's and the hosted coordinator's).
LoopTurns loopTurns()
{
#if defined(__linux__)
    if (const auto *loop = dynamic_cast<const EpollEventDispatcher *>(QAbstractEventDispatcher::instance())) {
        const EpollEventDispatcher::TurnStats t = loop->turnStats();
        return {t.slowTurns, t.longest.totalUs()};
    }
#endif
    return {};
}
} // namespace

QList<Metric> coordinatorMetrics(const CoordinatorService &service, const WebSocketGateway &gateway,
                                 const HttpEndpoint &http)
{
    const CoordinatorService::Stats s = service.stats();
    const auto turns = loopTurns();
    const WalCheckpointer::Stats wal = service.storeCheckpoints();
    const RoutingEngine &e = service.engine();
    const auto sample = [](const char *name, const char *help, Metric::Type type, double value) {
        return Metric{QLatin1String(name), QLatin1String(help), type, value, {}};
    };
    // Quantiles over a window of the latest durations, one sample per quantile (1: the longest).
    const auto quantiles = [](const char *name, const char *help, const LatencyWindow::Quantiles &q) {
        QList<Metric> out;
        const std::pair<const char *, double> values[] = {
            {"0.5", q.p50Ms}, {"0.9", q.p90Ms}, {"0.99", q.p99Ms}, {"1", q.maxMs}};
        for (const auto &[quantile, value] : values)
            out.append(Metric{QLatin1String(name),
                              QLatin1String(help),
                              Metric::Gauge,
                              value,
                              {{QStringLiteral("quantile"), QLatin1String(quantile)}}});
        return out;
    };
    QList<Metric> latencies =
        quantiles("switchboard_request_latency_ms",
                  "Request received to answer sent, commit included, over the latest 8,192 requests, ms",
                  service.requestTimes());
    latencies += quantiles("switchboard_store_commit_ms",
                           "One group commit, sync included, over the latest 8,192 commits, ms",
                           service.storeCommitTimes());
    return latencies +
           QList<Metric>{
               sample("switchboard_connections",
                      "Open connections, those still in their WebSocket handshake included", Metric::Gauge,
                      gateway.connectionCount()),
               sample("switchboard_accept_errors_total",
                      "Connections the WebSocket port failed to accept (no descriptors left, reset while "
                      "queued); it tries again 100 ms later",
                      Metric::Counter, double(gateway.acceptErrors())),
               sample("switchboard_http_accept_errors_total",
                      "Connections the health and metrics port failed to accept; it tries again 100 ms later",
                      Metric::Counter, double(http.acceptErrors())),
               sample("switchboard_loop_turn_ms_max",
                      "Longest turn of the connections' event loop since start, ms: every request on it "
                      "waited behind that turn (0 where the loop is Qt's own)",
                      Metric::Gauge, double(turns.longestUs) / 1000.0),
               sample("switchboard_loop_slow_turns_total",
                      "Turns of the connections' event loop over 50 ms (each logged, at most every 10 s)",
                      Metric::Counter, double(turns.slowTurns)),
               sample("switchboard_sessions", "Signed-in sessions held in memory", Metric::Gauge,
                      service.sessionCount()),
               sample("switchboard_requests_total", "Requests received", Metric::Counter, double(s.requests)),
               sample("switchboard_errors_total", "Requests answered with an error", Metric::Counter,
                      double(s.errors)),
               sample("switchboard_messages_persisted_total", "Messages written to the store",
                      Metric::Counter, double(s.messagesPersisted)),
               sample("switchboard_events_pushed_total", "Events sent to clients", Metric::Counter,
                      double(s.eventsPushed)),
               sample("switchboard_routing_decisions_total", "Routing decisions since start", Metric::Counter,
                      double(s.decisions)),
               sample("switchboard_store_failures_total", "Store writes that failed", Metric::Counter,
                      double(s.storeFailures)),
               sample("switchboard_store_transactions_total", "Store commits", Metric::Counter,
                      double(service.storeTransactions())),
               sample("switchboard_store_wal_pages",
                      "Pages in the store's write-ahead log after the last commit", Metric::Gauge,
                      double(wal.walFrames)),
               sample("switchboard_store_wal_pages_max",
                      "Most pages the write-ahead log has held since start", Metric::Gauge,
                      double(wal.largestWalFrames)),
               sample("switchboard_store_checkpoints_total",
                      "Checkpoints copying the write-ahead log back, in the background thread",
                      Metric::Counter, double(wal.backgroundPasses)),
               sample("switchboard_store_writer_checkpoints_total",
                      "Checkpoints the store writer ran itself so the write-ahead log could start over",
                      Metric::Counter, double(wal.writerPasses)),
               sample("switchboard_store_writer_checkpoint_ms_max",
                      "Longest of those passes since start, ms: every commit waits for it", Metric::Gauge,
                      double(wal.longestWriterPassMs)),
               sample("switchboard_store_writer_checkpoint_pages_max",
                      "Most pages one of those passes had left to copy", Metric::Gauge,
                      double(wal.largestWriterPassFrames)),
               sample("switchboard_store_wal_restarts_total",
                      "Times the write-ahead log started over from its beginning", Metric::Counter,
                      double(wal.restarts)),
               sample("switchboard_conversations_open", "Open conversations", Metric::Gauge,
                      double(e.liveConversations())),
               sample("switchboard_conversations_waiting", "Conversations waiting in a queue", Metric::Gauge,
                      double(e.waitingConversations())),
               sample("switchboard_start_replayed_events",
                      "Journal events replayed at start (after the snapshot)", Metric::Gauge,
                      double(s.replayedEvents)),
               sample("switchboard_start_snapshot_load_ms",
                      "Restoring the engine snapshot at start, ms (0: none)", Metric::Gauge,
                      double(s.snapshotLoadMs)),
               sample("switchboard_snapshots_total", "Engine snapshots stored since start", Metric::Counter,
                      double(s.snapshotsTaken)),
               sample("switchboard_snapshot_failures_total", "Engine snapshots the store refused",
                      Metric::Counter, double(s.snapshotFailures)),
               sample("switchboard_snapshot_bytes", "Size of the last engine snapshot", Metric::Gauge,
                      double(s.lastSnapshotBytes)),
               sample("switchboard_snapshot_save_ms",
                      "Service-thread time to save the last engine snapshot, ms", Metric::Gauge,
                      double(s.lastSnapshotSaveMs)),
           };
}

} // namespace sb
