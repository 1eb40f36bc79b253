#pragma once
// One client connection as the service sees it: somewhere to send frames. The WebSocket gateway
// implements it; the service never touches sockets.

#include "eventframe.h"

#include <QByteArray>
#include <QString>

namespace sb {

class ClientLink
{
public:
    virtual ~ClientLink() = default;
    virtual void send(const QByteArray &frame) = 0;
    // An event frame from its shared head and this recipient's number (eventframe.h). A link that
    // can write the pieces without joining them first overrides it.
    virtual void sendEvent(const QByteArray &head, quint64 seq) { send(eventFrame(head, seq)); }
    // The peer's address, for sign-in rate limits and logs.
    virtual QString peerAddress() const = 0;
};

} // namespace sb
