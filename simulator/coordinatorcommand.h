#pragma once
// The switchboard-coordinator command line. Today it runs a site live with simulated traffic
// (--demo); the network service (WebSocket/HTTP) joins it in the coordinator-service work.

#include <QCoreApplication>

namespace sb {

int runCoordinatorCommand(QCoreApplication &app);

} // namespace sb
