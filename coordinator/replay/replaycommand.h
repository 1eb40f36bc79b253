#pragma once
// The switchboard-replay command line, as a function the thin main() and the tests both call.

#include <QStringList>
#include <QTextStream>

namespace sb {

// arguments: as QCoreApplication::arguments() (program name first). Returns the exit code:
// 0 success, 1 a failed expectation or refused event, 2 bad usage or unreadable input.
int runReplayCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace sb
