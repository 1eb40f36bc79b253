#include "acceptretry.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTimer>
#include <memory>

namespace sb {

Q_LOGGING_CATEGORY(lcAccept, "switchboard.coordinator.accept")

void keepAccepting(QTcpServer *server, const QString &what, quint64 *errors)
{
    auto *retry = new QTimer(server);
    retry->setSingleShot(true);
    retry->setInterval(100);
    QObject::connect(retry, &QTimer::timeout, server, [server] {
        if (server->isListening())
            server->resumeAccepting();
    });
    auto warned = std::make_shared<QElapsedTimer>();
    QObject::connect(server, &QTcpServer::acceptError, server, [server, retry, warned, what, errors] {
        if (errors)
            ++*errors;
        // Not from inside the server's own handler, and not in a tight loop while descriptors are
        // short: a tenth of a second later.
        if (retry->isActive())
            return;
        if (!warned->isValid() || warned->elapsed() > 10000) {
            qCWarning(lcAccept).noquote()
                << "the" << what << "port cannot accept a connection:" << server->errorString()
                << "- trying again every 100 ms";
            warned->start();
        }
        retry->start();
    });
}

} // namespace sb
