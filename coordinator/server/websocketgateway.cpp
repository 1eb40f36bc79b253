#include "websocketgateway.h"

#include "acceptretry.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "qtbytestream.h"
#include "websocketlink.h"
#if defined(Q_OS_UNIX)
#include "rawbytestream.h"
#endif

#include <QEventLoop>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace sb {

// Accepts TCP connections: plain ones go to `plain` as descriptors when it is set, the others
// become Qt sockets, TLS server sockets when configured. Nagle's algorithm is off: events go out
// as many small frames, and with Nagle each one after the first waits for the peer's delayed ACK
// (up to 40 ms on Linux) while an earlier one is unacknowledged.
class WebSocketGateway::Listener final : public QTcpServer
{
public:
    explicit Listener(const std::optional<QSslConfiguration> &tls,
                      std::function<void(qintptr)> plain = nullptr)
        : m_tls(tls), m_plain(std::move(plain))
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (!m_tls && m_plain) {
            m_plain(descriptor);
            return;
        }
        auto *ssl = m_tls ? new QSslSocket(this) : nullptr;
        QTcpSocket *socket = ssl ? ssl : new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        if (ssl) {
            ssl->setSslConfiguration(*m_tls);
            ssl->startServerEncryption();
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        addPendingConnection(socket);
    }

private:
    std::optional<QSslConfiguration> m_tls;
    std::function<void(qintptr)> m_plain;
};

namespace {

// Plain connections on our own sockets where there are POSIX sockets, unless
// SWITCHBOARD_TRANSPORT=qt asks for Qt's (for comparison).
bool rawSockets()
{
#if defined(Q_OS_UNIX)
    return qgetenv("SWITCHBOARD_TRANSPORT") != "qt";
#else
    return false;
#endif
}

} // namespace

QString WebSocketGateway::tlsProblem(const QSslConfiguration &tls)
{
    Listener listener(tls);
    if (!listener.listen(QHostAddress::LocalHost, 0))
        return QStringLiteral("cannot listen on loopback to try the certificate: %1")
            .arg(listener.errorString());
    QSslSocket client;
    QSslConfiguration trustAnything = QSslConfiguration::defaultConfiguration();
    trustAnything.setPeerVerifyMode(QSslSocket::VerifyNone); // the pair is tried, not the chain
    client.setSslConfiguration(trustAnything);
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    QString problem;
    QObject::connect(&listener, &QTcpServer::newConnection, &loop, [&] {
        // An unusable key fails as the server starts encrypting, before anyone could listen for it.
        auto *server = qobject_cast<QSslSocket *>(listener.nextPendingConnection());
        if (server && server->error() != QAbstractSocket::UnknownSocketError) {
            problem = server->errorString();
            loop.quit();
        }
    });
    QObject::connect(&client, &QSslSocket::encrypted, &loop, &QEventLoop::quit);
    QObject::connect(&client, &QSslSocket::errorOccurred, &loop, [&] {
        if (problem.isEmpty())
            problem = client.errorString();
        loop.quit();
    });
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), listener.serverPort());
    deadline.start(10000);
    loop.exec();
    if (problem.isEmpty() && !client.isEncrypted())
        problem = QStringLiteral("a TLS handshake with itself did not finish within 10 s");
    return problem;
}

WebSocketGateway::WebSocketGateway(CoordinatorService *service, QObject *parent)
    : QObject(parent), m_service(service)
{}

WebSocketGateway::~WebSocketGateway()
{
    close();
    if (!m_listener)
        return;
    // The connections go with the gateway, each told why (1001) with what it still had to send.
    const auto links = m_listener->findChildren<WebSocketLink *>(Qt::FindDirectChildrenOnly);
    for (WebSocketLink *link : links)
        link->goAway();
    m_listener.reset(); // while the count the links' destruction lowers is still there
}

bool WebSocketGateway::listen(const QHostAddress &address, quint16 port, QString *error,
                              const std::optional<QSslConfiguration> &tls)
{
    std::function<void(qintptr)> plain;
#if defined(Q_OS_UNIX)
    if (rawSockets()) {
        m_flushes = std::make_unique<FlushQueue>();
        plain = [this](qintptr descriptor) { adopt(new RawByteStream(descriptor, m_flushes.get())); };
    }
#endif
    m_listener = std::make_unique<Listener>(tls, std::move(plain));
    // Desks reconnecting together after a restart arrive in a burst; the default backlog of 50
    // would turn most of them away to retry later.
    m_listener->setListenBacklogSize(4096);
    connect(m_listener.get(), &QTcpServer::newConnection, this, &WebSocketGateway::onConnection);
    keepAccepting(m_listener.get(), QStringLiteral("WebSocket"), &m_acceptErrors);
    if (!m_listener->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(m_listener->errorString());
        m_listener.reset();
        return false;
    }
    return true;
}

quint16 WebSocketGateway::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

void WebSocketGateway::close()
{
    if (m_listener)
        m_listener->close();
}

int WebSocketGateway::connectionCount() const
{
    return m_connections;
}

void WebSocketGateway::onConnection()
{
    while (QTcpSocket *socket = m_listener->nextPendingConnection())
        adopt(new QtByteStream(socket));
}

void WebSocketGateway::adopt(ByteStream *stream)
{
    WebSocketLink::Limits limits;
    // Frames up to twice the protocol limit are read and refused with `frame-too-large` (the
    // connection stays); beyond that the connection closes with 1009 before buffering them.
    limits.maxMessageBytes = 2 * protocol::Limits::maxFrameBytes;
    auto *link = new WebSocketLink(stream, limits, m_listener.get());
    link->setHandlers([this, link](const QByteArray &text) { m_service->handleFrame(link, text); },
                      [link](const QByteArray &) {
                          link->send(protocol::encodeError(
                              QJsonValue(), protocol::ErrorCode::BadJson,
                              QStringLiteral("binary frames are not part of the protocol; send JSON text")));
                      },
                      [this, link] { m_service->linkClosed(link); });
    ++m_connections;
    connect(link, &QObject::destroyed, this, [this] { --m_connections; });
}

} // namespace sb
