#include "coordinatormetrics.h"

#include "coordinatorservice.h"
#include "websocketgateway.h"

namespace sb {

QList<Metric> coordinatorMetrics(const CoordinatorService &service, const WebSocketGateway &gateway)
{
    const CoordinatorService::Stats s = service.stats();
    const RoutingEngine &e = service.engine();
    const auto sample = [](const char *name, const char *help, Metric::Type type, double value) {
        return Metric{QLatin1String(name), QLatin1String(help), type, value, {}};
    };
    return {
        sample("switchboard_connections", "Open WebSocket connections", Metric::Gauge,
               gateway.connectionCount()),
        sample("switchboard_sessions", "Signed-in sessions held in memory", Metric::Gauge,
               service.sessionCount()),
        sample("switchboard_requests_total", "Requests received", Metric::Counter, double(s.requests)),
        sample("switchboard_errors_total", "Requests answered with an error", Metric::Counter,
               double(s.errors)),
        sample("switchboard_messages_persisted_total", "Messages written to the store", Metric::Counter,
               double(s.messagesPersisted)),
        sample("switchboard_events_pushed_total", "Events sent to clients", Metric::Counter,
               double(s.eventsPushed)),
        sample("switchboard_routing_decisions_total", "Routing decisions since start", Metric::Counter,
               double(s.decisions)),
        sample("switchboard_store_failures_total", "Store writes that failed", Metric::Counter,
               double(s.storeFailures)),
        sample("switchboard_store_transactions_total", "Store commits", Metric::Counter,
               double(service.storeTransactions())),
        sample("switchboard_conversations_open", "Open conversations", Metric::Gauge,
               double(e.liveConversations())),
        sample("switchboard_conversations_waiting", "Conversations waiting in a queue", Metric::Gauge,
               double(e.waitingConversations())),
    };
}

} // namespace sb
