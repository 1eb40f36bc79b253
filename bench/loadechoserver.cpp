#include "loadechoserver.h"

#include <QCoreApplication>
#include <QWebSocket>
#include <QWebSocketServer>
#include <csignal>
#include <cstdio>

namespace sb {

LoadEchoServer::LoadEchoServer(QObject *parent)
    : QObject(parent), m_server(std::make_unique<QWebSocketServer>(QStringLiteral("bench_load echo"),
                                                                   QWebSocketServer::NonSecureMode))
{
    connect(m_server.get(), &QWebSocketServer::newConnection, this, &LoadEchoServer::onConnection);
}

LoadEchoServer::~LoadEchoServer() = default;

bool LoadEchoServer::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

quint16 LoadEchoServer::port() const
{
    return m_server->serverPort();
}

void LoadEchoServer::onConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QWebSocket::textMessageReceived, socket,
                [socket](const QString &text) { socket->sendTextMessage(text); });
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    }
}

int runLoadEchoServer()
{
    // The parent stops it with SIGTERM; nothing here needs saving, so it leaves at once.
    std::signal(SIGTERM, [](int) { std::_Exit(0); });
    LoadEchoServer server;
    if (!server.listen(0)) {
        std::fprintf(stderr, "bench_load --echo-server: cannot listen\n");
        return 1;
    }
    std::printf("bench_load echo server: port=%u\n", unsigned(server.port()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace sb
