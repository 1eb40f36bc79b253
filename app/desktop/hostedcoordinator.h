#pragma once
// "Host on this computer" for the desktop: the coordinator library on its own thread
// (CoordinatorHost) behind the models' EmbeddedHost interface, keeping its data in the app's data
// folder (or in the folder given, for the demo and tests).

#include "coordinatorhost.h"
#include "embeddedhost.h"

namespace sb {

class HostedCoordinator final : public EmbeddedHost
{
public:
    explicit HostedCoordinator(QString dataDir = QString(),
                               std::optional<SiteConfig> seedSite = std::nullopt);
    ~HostedCoordinator() override;

    bool start(quint16 port, QString *error) override;
    void stop() override;
    bool running() const override { return m_host.isRunning(); }
    QUrl localUrl() const override { return m_host.localUrl(); }
    QStringList lanUrls() const override { return m_host.lanUrls(); }
    QString dataDir() const { return m_dataDir; }
    CoordinatorHost &host() { return m_host; }

private:
    QString m_dataDir;
    std::optional<SiteConfig> m_seedSite;
    CoordinatorHost m_host;
};

} // namespace sb
