#pragma once
// The yardstick of the load benchmark: a bare QWebSocketServer that sends every text frame back,
// with nothing else in the way. The coordinator's throughput is reported as a ratio of its.

#include <QObject>
#include <memory>

class QWebSocketServer;

namespace sb {

class LoadEchoServer final : public QObject
{
    Q_OBJECT

public:
    explicit LoadEchoServer(QObject *parent = nullptr);
    ~LoadEchoServer() override;

    // Listens on 127.0.0.1; port 0 picks a free one.
    bool listen(quint16 port);
    quint16 port() const;

private:
    void onConnection();

    std::unique_ptr<QWebSocketServer> m_server;
};

// The child-process entry point: listens, prints "port=N", serves until SIGTERM.
int runLoadEchoServer();

} // namespace sb
