#include "coordinatorhost.h"

#include "epolldispatcher.h"

#include "clock.h"
#include "coordinatormetrics.h"
#include "httpendpoint.h"
#include "websocketgateway.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QTcpServer>

namespace sb {

namespace {

// The gateway reports Qt's socket text; a person choosing a port needs to know what to do. Binding
// a plain TCP server to the same place tells which failure it was.
QString explainListenFailure(const QHostAddress &address, quint16 port, const QString &fallback)
{
    QTcpServer probe;
    if (probe.listen(address, port))
        return fallback; // free again (a race); the original words are all we have
    switch (probe.serverError()) {
    case QAbstractSocket::AddressInUseError:
        return QStringLiteral("port %1 is in use: another program (perhaps another coordinator) is "
                              "listening on it; choose another port or stop that program")
            .arg(port);
    case QAbstractSocket::SocketAccessError:
        return QStringLiteral("port %1 needs administrator rights; choose a port above 1023").arg(port);
    case QAbstractSocket::SocketAddressNotAvailableError:
        return QStringLiteral("%1 is not an address of this computer; listen on all addresses instead")
            .arg(address.toString());
    default:
        return fallback;
    }
}

bool listensEverywhere(const QHostAddress &a)
{
    return a == QHostAddress(QHostAddress::Any) || a == QHostAddress(QHostAddress::AnyIPv4) ||
           a == QHostAddress(QHostAddress::AnyIPv6);
}

QString wsUrl(const QHostAddress &a, quint16 port)
{
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(a.toString())
                             : a.toString();
    return QStringLiteral("ws://%1:%2").arg(host).arg(port);
}

} // namespace

// Owns the service's objects. The Worker itself is created on the owner's thread and moved to the
// host's thread; everything it holds is created and destroyed by code running on that thread.
class CoordinatorHost::Worker final : public QObject
{
public:
    bool open(const CoordinatorHost::Options &options, QString *error);
    void close();

    SystemClock clock;
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
    std::unique_ptr<HttpEndpoint> http;
    QElapsedTimer uptime;
};

bool CoordinatorHost::Worker::open(const CoordinatorHost::Options &options, QString *error)
{
    uptime.start();
    CoordinatorService::Options serviceOptions;
    serviceOptions.dataDir = options.dataDir;
    serviceOptions.seedSite = options.seedSite;
    serviceOptions.presenceGraceMs = qint64(options.presenceGraceSeconds) * 1000;
    service = std::make_unique<CoordinatorService>(clock, serviceOptions);
    QString why;
    if (!service->start(&why)) {
        *error = QStringLiteral("cannot open the store in %1: %2")
                     .arg(QDir::toNativeSeparators(options.dataDir), why);
        return false;
    }
    gateway = std::make_unique<WebSocketGateway>(service.get());
    if (!gateway->listen(options.address, options.port, &why)) {
        *error = explainListenFailure(options.address, options.port, why);
        return false;
    }
    if (options.httpPort) {
        http = std::make_unique<HttpEndpoint>();
        http->setHealthProvider([this] {
            return QJsonObject{{QLatin1String("status"), QLatin1String("ok")},
                               {QLatin1String("uptimeSeconds"), uptime.elapsed() / 1000},
                               {QLatin1String("connections"), gateway->connectionCount()},
                               {QLatin1String("needsSetup"), service->needsSetup()}};
        });
        http->setMetricsProvider([this] { return coordinatorMetrics(*service, *gateway, *http); });
        if (!http->listen(options.address, *options.httpPort, &why)) {
            *error = QStringLiteral("health and metrics: %1")
                         .arg(explainListenFailure(options.address, *options.httpPort, why));
            return false;
        }
    }
    return true;
}

void CoordinatorHost::Worker::close()
{
    // New connections first, so nobody arrives during the rest; then the service commits what is
    // pending and answers those waiting while their connections are still open; only then go the
    // connections (destroying the gateway), and last the service, which the gateway calls into.
    // All in this one turn of the thread's loop, which no request waits behind any more.
    excuseLoopTurn();
    if (http)
        http->close();
    if (gateway)
        gateway->close();
    if (service)
        service->stop();
    http.reset();
    gateway.reset();
    service.reset();
}

CoordinatorHost::CoordinatorHost(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("coordinator"));
}

CoordinatorHost::~CoordinatorHost()
{
    stop();
}

bool CoordinatorHost::start(const Options &options, QString *error)
{
    if (m_worker) {
        *error = QStringLiteral("the coordinator is already running on port %1").arg(m_port);
        return false;
    }
    // Its connections are watched by epoll, as in the daemon (a thread that ran before lost its
    // dispatcher when it finished).
    if (!m_thread.eventDispatcher()) {
        if (QAbstractEventDispatcher *dispatcher = makeCoordinatorEventDispatcher())
            m_thread.setEventDispatcher(dispatcher);
    }
    m_thread.start();
    auto *worker = new Worker;
    worker->moveToThread(&m_thread);
    bool ok = false;
    QString why;
    quint16 port = 0, httpPort = 0;
    // Blocking: the caller learns the outcome (and the port) before start() returns.
    QMetaObject::invokeMethod(
        worker,
        [&] {
            ok = worker->open(options, &why);
            if (ok) {
                port = worker->gateway->port();
                httpPort = worker->http ? worker->http->port() : 0;
            } else {
                worker->close(); // on this thread, where the objects were made
            }
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        m_thread.quit();
        m_thread.wait();
        delete worker; // its thread has finished and it holds nothing any more
        *error = why;
        return false;
    }
    m_worker = worker;
    m_port = port;
    m_httpPort = httpPort;
    m_address = options.address;
    m_storePath = QDir(options.dataDir).filePath(QStringLiteral("switchboard.db"));
    return true;
}

void CoordinatorHost::stop()
{
    if (!m_worker)
        return;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete worker;
    m_worker = nullptr;
    m_port = 0;
    m_httpPort = 0;
}

QUrl CoordinatorHost::localUrl() const
{
    if (!m_worker)
        return {};
    QHostAddress a = m_address;
    if (listensEverywhere(a) || a.isLoopback())
        a = a.protocol() == QAbstractSocket::IPv6Protocol && a != QHostAddress(QHostAddress::Any)
                ? QHostAddress(QHostAddress::LocalHostIPv6)
                : QHostAddress(QHostAddress::LocalHost);
    return QUrl(wsUrl(a, m_port));
}

QStringList CoordinatorHost::lanUrls() const
{
    QStringList urls;
    if (!m_worker || m_address.isLoopback())
        return urls;
    if (!listensEverywhere(m_address))
        return {wsUrl(m_address, m_port)};
    for (const QNetworkInterface &nic : QNetworkInterface::allInterfaces()) {
        const auto flags = nic.flags();
        if (!(flags & QNetworkInterface::IsUp) || !(flags & QNetworkInterface::IsRunning) ||
            (flags & QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &entry : nic.addressEntries()) {
            const QHostAddress ip = entry.ip();
            // Link-local addresses (169.254/16) are not ones a colleague can type in usefully.
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && !ip.isLoopback() && !ip.isLinkLocal())
                urls << wsUrl(ip, m_port);
        }
    }
    urls.removeDuplicates();
    return urls;
}

bool CoordinatorHost::needsSetup() const
{
    bool needs = false;
    inspect([&](const CoordinatorService &service) { needs = service.needsSetup(); });
    return needs;
}

void CoordinatorHost::inspect(const std::function<void(const CoordinatorService &)> &f) const
{
    Worker *worker = m_worker;
    if (!worker)
        return;
    const auto run = [worker, &f] {
        if (worker->service)
            f(*worker->service);
    };
    // From the worker thread itself (a provider, a slot of the service) a blocking call would
    // deadlock; there the service may be used directly.
    if (QThread::currentThread() == &m_thread)
        run();
    else
        QMetaObject::invokeMethod(worker, run, Qt::BlockingQueuedConnection);
}

} // namespace sb
