#pragma once
// The opening handshake of a WebSocket connection (RFC 6455 section 4.2), server side: reads the
// client's HTTP upgrade request and answers with 101 Switching Protocols, or with an HTTP error
// that says what was wrong. No socket in sight; WebSocketLink feeds it what it reads.

#include <QByteArray>
#include <QString>

namespace sb::websocket {

// A request whose headers run past this is refused (431).
inline constexpr qsizetype maxHandshakeBytes = 16 * 1024;

struct Handshake
{
    enum Status { Incomplete, Accepted, Refused };
    Status status = Incomplete;
    QByteArray response;    // Accepted or Refused: the HTTP response to write
    qsizetype consumed = 0; // Accepted: the request's length (frames may follow it at once)
    QString error;          // Refused: why, for the log
};

Handshake readHandshake(const char *data, qsizetype size);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
QByteArray acceptKey(const QByteArray &clientKey);

} // namespace sb::websocket
