#pragma once
// The coordinator's Prometheus samples, listed once for every host of the service (the daemon and
// the desktop's embedded coordinator) so the two cannot drift apart.

#include "httpendpoint.h"

#include <QList>

namespace sb {

class CoordinatorService;
class WebSocketGateway;

// Reads the service's counters and the engine's gauges; call it on the service's thread.
QList<Metric> coordinatorMetrics(const CoordinatorService &service, const WebSocketGateway &gateway,
                                 const HttpEndpoint &http);

} // namespace sb
