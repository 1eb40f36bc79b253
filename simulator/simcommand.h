#pragma once
// The switchboard-sim command line: simulate a day of traffic against a site on a virtual clock
// and write it as an event script (for switchboard-replay and what-if comparisons); or, with
// --live, send simulated people to a running coordinator over the protocol (WireTraffic).

#include <QStringList>
#include <QTextStream>

namespace sb {

int runSimCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace sb
