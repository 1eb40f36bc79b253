#pragma once
// The service on the network: a TCP listener whose connections, once upgraded to WebSocket
// (WebSocketLink; wss when a certificate is configured), become ClientLinks of the
// CoordinatorService.

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <memory>
#include <optional>

namespace sb {

class ByteStream;
class CoordinatorService;
class FlushQueue;

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
    // Whether a TLS configuration can serve: a handshake over loopback with itself, before the
    // service listens, so that a key that does not belong to the certificate is reported at start
    // and not as every desk's failed connection. Empty when it can; else what went wrong.
    static QString tlsProblem(const QSslConfiguration &tls);
    // Stops listening; the connections stay (the service answers what it owes them as it stops)
    // until the gateway is destroyed.
    void close();
    // Open TCP connections, those still in their WebSocket handshake included.
    int connectionCount() const;
    // accept() failures on the port since start (each retried 100 ms later: acceptretry.h).
    quint64 acceptErrors() const { return m_acceptErrors; }

private:
    class Listener;
    void onConnection();
    // A new connection's stream becomes a link of the service once its handshake completes.
    void adopt(ByteStream *stream);

    CoordinatorService *m_service;
    std::unique_ptr<FlushQueue> m_flushes; // outlives the listener and the links under it
    std::unique_ptr<Listener> m_listener;
    int m_connections = 0;
    quint64 m_acceptErrors = 0;
};

} // namespace sb
