#pragma once
// The coordinator's operations endpoint: a deliberately small HTTP/1.1 server answering
// GET /health (JSON) and GET /metrics (Prometheus text format 0.0.4) for load balancers,
// orchestrators and scrapers. Not a general web server: one request per connection, no bodies.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <functional>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace sb {

// One sample of /metrics. Samples sharing a name form one metric family; the first sample of a
// name supplies its help text and type.
struct Metric
{
    enum Type { Counter, Gauge };

    QString name; // [a-zA-Z_:][a-zA-Z0-9_:]*; samples with other names are left out
    QString help;
    Type type = Gauge;
    double value = 0;
    QList<QPair<QString, QString>> labels; // label names [a-zA-Z_][a-zA-Z0-9_]*; values any text
};

class HttpEndpoint final : public QObject
{
    Q_OBJECT

public:
    // A client must deliver its whole request head within this time of connecting, and a
    // response that the client does not read is dropped after it.
    static constexpr int kDefaultIdleTimeoutMs = 10'000;
    // Request line plus headers, including the blank line that ends them.
    static constexpr int kMaxHeadBytes = 16 * 1024;
    // Beyond this many open connections new ones are closed at once, so that a flood of idle
    // clients costs bounded memory and file descriptors (the WebSocket server shares the limit).
    static constexpr int kMaxConnections = 128;

    explicit HttpEndpoint(QObject *parent = nullptr);
    ~HttpEndpoint() override;

    // Port 0 picks a free port; port() tells which. On failure *error (if given) says why.
    bool listen(const QHostAddress &address, quint16 port, QString *error = nullptr);
    quint16 port() const;
    bool isListening() const;
    // Stops listening and drops open connections.
    void close();

    // The providers run on this object's thread for each request; they must return quickly.
    // Health answers 200 only when the object's "status" is "ok" (a missing status counts as
    // unhealthy), otherwise 503 with the same body. Without a provider: 200 {"status":"ok"}.
    void setHealthProvider(std::function<QJsonObject()> provider);
    // Without a provider /metrics answers 200 with an empty body.
    void setMetricsProvider(std::function<QList<Metric>()> provider);

    void setIdleTimeout(int milliseconds);
    int idleTimeout() const;

    int connectionCount() const;
    // Connections the port failed to accept (no descriptors left, reset while queued); each time
    // it tries again 100 ms later.
    quint64 acceptErrors() const { return m_acceptErrors; }

    // The Prometheus text exposition (format 0.0.4) of the samples; public for tests and tools.
    static QByteArray renderMetrics(const QList<Metric> &metrics);

private:
    struct Connection
    {
        QByteArray head;         // what arrived of the request head so far
        QTimer *timer = nullptr; // child of the socket
        bool responded = false;  // from then on input is read and discarded
        bool halfClosed = false;
    };

    void acceptConnections();
    void onReadyRead(QTcpSocket *socket);
    void handleHead(QTcpSocket *socket, const QByteArray &head);
    void respond(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
                 bool includeBody = true, const QByteArray &extraHeaders = {});
    void respondError(QTcpSocket *socket, int status, bool includeBody = true,
                      const QByteArray &extraHeaders = {});
    void onBytesWritten(QTcpSocket *socket);
    void drop(QTcpSocket *socket);

    QTcpServer *m_server = nullptr;
    std::function<QJsonObject()> m_healthProvider;
    std::function<QList<Metric>()> m_metricsProvider;
    int m_idleTimeoutMs = kDefaultIdleTimeoutMs;
    QHash<QTcpSocket *, Connection> m_connections;
    quint64 m_acceptErrors = 0;
};

} // namespace sb
