#pragma once
// The headless coordinator logs to standard output, one line per message with its time, level and
// category: what a service manager (systemd's journal, docker logs) collects. Qt's own handler
// writes to standard error; start-up lines and the service's own log would otherwise be split
// across two streams. QT_MESSAGE_PATTERN in the environment still decides the line's shape.

namespace sb {

// Sends every Qt log message of this process to stdout, flushed per line (from any thread).
void installDaemonLog();

} // namespace sb
