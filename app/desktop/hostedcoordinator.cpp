#include "hostedcoordinator.h"

#include <QDir>
#include <QStandardPaths>

namespace sb {

HostedCoordinator::HostedCoordinator(QString dataDir, std::optional<SiteConfig> seedSite)
    : m_dataDir(dataDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                        QStringLiteral("/coordinator")
                                  : std::move(dataDir)),
      m_seedSite(std::move(seedSite))
{}

HostedCoordinator::~HostedCoordinator()
{
    m_host.stop();
}

bool HostedCoordinator::start(quint16 port, QString *error)
{
    if (!QDir().mkpath(m_dataDir)) {
        *error = QObject::tr("cannot create the folder %1").arg(m_dataDir);
        return false;
    }
    CoordinatorHost::Options options;
    options.dataDir = m_dataDir;
    options.port = port;
    options.seedSite = m_seedSite;
    return m_host.start(options, error);
}

void HostedCoordinator::stop()
{
    m_host.stop();
}

} // namespace sb
