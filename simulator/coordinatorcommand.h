#pragma once
// The switchboard-coordinator command line: the network service (WebSocket, HTTP), or with --demo a
// site run live with simulated traffic.

#include <QCoreApplication>
#include <QStringList>

namespace sb {

struct DaemonOptions;

int runCoordinatorCommand(QCoreApplication &app);
// The network service's settings from a command line (the program's name first), as
// runCoordinatorCommand reads them; false with *error on an unknown option or a bad value.
bool daemonOptionsFromArguments(const QStringList &arguments, DaemonOptions *daemon, QString *error);

} // namespace sb
