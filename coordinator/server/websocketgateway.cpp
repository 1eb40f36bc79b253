#include "websocketgateway.h"

#include "clientlink.h"
#include "coordinatorservice.h"
#include "protocol.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace sb {

class WebSocketGateway::SocketLink final : public ClientLink
{
public:
    explicit SocketLink(QWebSocket *socket) : m_socket(socket) {}
    void send(const QByteArray &frame) override { m_socket->sendTextMessage(QString::fromUtf8(frame)); }
    QString peerAddress() const override { return m_socket->peerAddress().toString(); }

private:
    QWebSocket *m_socket;
};

WebSocketGateway::WebSocketGateway(CoordinatorService *service, QObject *parent)
    : QObject(parent), m_service(service)
{}

WebSocketGateway::~WebSocketGateway()
{
    close();
}

bool WebSocketGateway::listen(const QHostAddress &address, quint16 port, QString *error,
                              const std::optional<QSslConfiguration> &tls)
{
    m_tcp = nullptr; // a child of the server it replaces
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("switchboard-coordinator"),
                                                  tls ? QWebSocketServer::SecureMode
                                                      : QWebSocketServer::NonSecureMode);
    connect(m_server.get(), &QWebSocketServer::newConnection, this, &WebSocketGateway::onConnection);
    if (tls) {
        m_server->setSslConfiguration(*tls);
        if (!m_server->listen(address, port)) {
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(m_server->errorString());
            return false;
        }
        return true;
    }
    // Plain ws: the gateway accepts the TCP connections itself to turn Nagle's algorithm off before
    // handing them to the WebSocket server (which does not expose its sockets). Events go out as
    // many small frames; with Nagle each one after the first waits for the peer's delayed ACK (up
    // to 40 ms on Linux) while an earlier one is unacknowledged. A child of the WebSocket server,
    // like the server's own listener, so sockets are torn down in the same order.
    m_tcp = new QTcpServer(m_server.get());
    connect(m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_server->handleConnection(socket);
        }
    });
    if (!m_tcp->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(m_tcp->errorString());
        return false;
    }
    return true;
}

quint16 WebSocketGateway::port() const
{
    if (m_tcp)
        return m_tcp->serverPort();
    return m_server ? m_server->serverPort() : 0;
}

void WebSocketGateway::close()
{
    if (m_tcp)
        m_tcp->close();
    if (m_server)
        m_server->close();
}

int WebSocketGateway::connectionCount() const
{
    return m_connections;
}

void WebSocketGateway::onConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        // Frames up to twice the protocol limit are read and refused with `frame-too-large` (the
        // connection stays); beyond that the socket closes with 1009 before buffering them.
        socket->setMaxAllowedIncomingFrameSize(2 * protocol::Limits::maxFrameBytes);
        socket->setMaxAllowedIncomingMessageSize(2 * protocol::Limits::maxFrameBytes);
        auto link = std::make_shared<SocketLink>(socket);
        ++m_connections;
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, link](const QString &text) { m_service->handleFrame(link.get(), text.toUtf8()); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [link](const QByteArray &) {
            link->send(protocol::encodeError(
                QJsonValue(), protocol::ErrorCode::BadJson,
                QStringLiteral("binary frames are not part of the protocol; send JSON text")));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket, link]() {
            --m_connections;
            m_service->linkClosed(link.get());
            socket->deleteLater();
        });
    }
}

} // namespace sb
