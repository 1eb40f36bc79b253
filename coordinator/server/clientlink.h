#pragma once
// One client connection as the service sees it: somewhere to send frames. The WebSocket gateway
// implements it; the service never touches sockets.

#include <QByteArray>
#include <QString>

namespace sb {

class ClientLink
{
public:
    virtual ~ClientLink() = default;
    virtual void send(const QByteArray &frame) = 0;
    // The peer's address, for sign-in rate limits and logs.
    virtual QString peerAddress() const = 0;
};

} // namespace sb
