#pragma once
// Runs a whole coordinator (service, WebSocket gateway, optional HTTP endpoint) on its own thread
// inside another program: the desktop's "host on this computer". Start and stop are explicit,
// blocking and ordered; every object of the service lives and dies on the worker thread.

#include "coordinatorservice.h"
#include "siteconfig.h"

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace sb {

class CoordinatorHost final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString dataDir; // the store lives in dataDir/switchboard.db
        QHostAddress address = QHostAddress::Any;
        quint16 port = 0;                   // 0: any free port; port() tells which
        std::optional<quint16> httpPort;    // health and metrics; unset: none, 0: any free port
        std::optional<SiteConfig> seedSite; // used when the store has no site yet
        int presenceGraceSeconds = 90;      // an agent with no connected desk for this long goes offline
    };

    explicit CoordinatorHost(QObject *parent = nullptr);
    ~CoordinatorHost() override; // stops

    // Blocks until the coordinator listens on the worker thread, or failed (then *error says why in
    // words a person can act on, e.g. "port 8765 is in use ..."). Call from the thread that owns
    // the host; a running host must be stopped first.
    bool start(const Options &options, QString *error);
    // Ordered: stop accepting, answer and commit what is pending, close every connection, close
    // the store, then quit and join the thread. Safe to call twice.
    void stop();

    bool isRunning() const { return m_worker != nullptr; }
    quint16 port() const { return m_port; }
    quint16 httpPort() const { return m_httpPort; }
    // Where a client on this computer connects: ws://127.0.0.1:port (or the listening address
    // when the host listens on one specific address).
    QUrl localUrl() const;
    // Where colleagues connect: ws://<address>:port for each non-loopback IPv4 address of the
    // machine's interfaces that are up (only the listening address when it is a specific one).
    QStringList lanUrls() const;
    QString storePath() const { return m_storePath; }

    // True until a first administrator exists (auth.setup); false when stopped. Asks the worker thread.
    bool needsSetup() const;
    // Runs `f` on the worker thread with the running service and waits for it: the only safe way
    // to look at the service from outside (engine views, stats). Does nothing when stopped.
    void inspect(const std::function<void(const CoordinatorService &)> &f) const;

private:
    class Worker;

    QThread m_thread;
    Worker *m_worker = nullptr; // lives on m_thread while running
    quint16 m_port = 0;
    quint16 m_httpPort = 0;
    QHostAddress m_address;
    QString m_storePath;
};

} // namespace sb
