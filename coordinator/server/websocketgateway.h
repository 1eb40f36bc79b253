#pragma once
// The service on the network: a WebSocket server (wss when a certificate is configured) whose
// connections become ClientLinks of the CoordinatorService.

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <memory>
#include <optional>

class QTcpServer;
class QWebSocket;
class QWebSocketServer;

namespace sb {

class CoordinatorService;

class WebSocketGateway final : public QObject
{
    Q_OBJECT

public:
    explicit WebSocketGateway(CoordinatorService *service, QObject *parent = nullptr);
    ~WebSocketGateway() override;

    // With a TLS configuration the server speaks wss only.
    bool listen(const QHostAddress &address, quint16 port, QString *error,
                const std::optional<QSslConfiguration> &tls = std::nullopt);
    quint16 port() const;
    void close();
    int connectionCount() const;

private:
    void onConnection();
    class SocketLink;

    CoordinatorService *m_service;
    std::unique_ptr<QWebSocketServer> m_server;
    QTcpServer *m_tcp = nullptr; // plain ws only: the listener (a child of m_server)
    int m_connections = 0;
};

} // namespace sb
