#pragma once
// QTcpServer stops accepting for good after any accept() error other than "try again" (a
// connection reset while it waited in the queue, no descriptors left), and the port goes deaf:
// new clients' SYNs are dropped until they time out. keepAccepting() starts it again a tenth of a
// second later, each time, and says so in the log at most every 10 s.

#include <QString>

class QTcpServer;

namespace sb {

// `what` names the port in the log ("WebSocket", "HTTP"). `errors`, if given, counts the failures
// (for /metrics); it must outlive the server.
void keepAccepting(QTcpServer *server, const QString &what, quint64 *errors = nullptr);

} // namespace sb
