#pragma once
// "Host on this computer": a coordinator this desk runs itself, on its own thread, that colleagues'
// desks connect to over the LAN. The desktop program provides it; the views only start and stop it
// and show its addresses, so nothing here depends on the coordinator's code.

#include <QStringList>
#include <QUrl>

namespace sb {

class EmbeddedHost
{
public:
    virtual ~EmbeddedHost() = default;
    // Starts listening on every interface at `port` (0: any free port). On failure says why.
    virtual bool start(quint16 port, QString *error) = 0;
    virtual void stop() = 0;
    virtual bool running() const = 0;
    // Where this desk connects (loopback) and where colleagues connect (each LAN address).
    virtual QUrl localUrl() const = 0;
    virtual QStringList lanUrls() const = 0;
};

} // namespace sb
