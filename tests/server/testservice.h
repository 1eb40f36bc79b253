#pragma once
// Coordinators for tests: a service seeded with a site, its timers fired by the test on a manual
// clock, behind a real WebSocket gateway on a free loopback port; or a hosted one on loopback.

#include "clock.h"
#include "coordinatorhost.h"
#include "coordinatorservice.h"
#include "websocketgateway.h"

#include <QHostAddress>
#include <memory>

// `options` carries dataDir and anything the test tunes; on failure *error says why.
inline bool startTestService(const sb::Clock &clock, sb::CoordinatorService::Options options,
                             const char *site, std::unique_ptr<sb::CoordinatorService> &service,
                             std::unique_ptr<sb::WebSocketGateway> &gateway, QString *error)
{
    options.seedSite = sb::SiteConfig::fromJson(site, error);
    if (!options.seedSite)
        return false;
    options.driveTimers = false;
    service = std::make_unique<sb::CoordinatorService>(clock, options);
    if (!service->start(error))
        return false;
    gateway = std::make_unique<sb::WebSocketGateway>(service.get());
    return gateway->listen(QHostAddress::LocalHost, 0, error);
}

// A service with no site and no gateway (tests hand it frames, or put their own gateway in front),
// its timers fired by the test; null on failure, with *error saying why.
inline std::unique_ptr<sb::CoordinatorService> startBareService(const sb::Clock &clock, const QString &dir,
                                                                QString *error)
{
    sb::CoordinatorService::Options options;
    options.dataDir = dir;
    options.driveTimers = false;
    auto service = std::make_unique<sb::CoordinatorService>(clock, options);
    if (!service->start(error))
        return nullptr;
    return service;
}

// The gateway first (no new requests), then the service commits what is pending and closes.
inline void stopTestService(std::unique_ptr<sb::CoordinatorService> &service,
                            std::unique_ptr<sb::WebSocketGateway> &gateway)
{
    gateway.reset();
    if (service)
        service->stop();
    service.reset();
}

// A hosted coordinator (its own thread, system clock) listening on loopback only, seeded with `site`
// (an unparsable site leaves seedSite empty, which the host reports when it starts).
inline sb::CoordinatorHost::Options loopbackHost(const QString &dir, const char *site, quint16 port = 0)
{
    sb::CoordinatorHost::Options o;
    o.dataDir = dir;
    o.address = QHostAddress::LocalHost;
    o.port = port;
    QString error;
    o.seedSite = sb::SiteConfig::fromJson(site, &error);
    return o;
}
