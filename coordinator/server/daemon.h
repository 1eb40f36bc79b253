#pragma once
// The headless coordinator as a process: the service, its WebSocket gateway and the HTTP endpoint
// for health and metrics, stopped cleanly by SIGINT or SIGTERM.

#include <QHostAddress>
#include <QString>
#include <QTextStream>

namespace sb {

struct DaemonOptions
{
    QHostAddress address = QHostAddress::Any;
    quint16 port = 8765;
    quint16 httpPort = 8766; // 0: no HTTP endpoint
    QString dataDir;
    QString sitePath;       // seeds an empty store
    QString tlsCertificate; // PEM; with tlsKey, the gateway speaks wss only
    QString tlsKey;
    int presenceGraceSeconds = 90; // an agent with no connected desk for this long goes offline
    qint64 snapshotEvery = 100000; // journaled engine events between snapshots (0: only at a clean stop)
};

// Runs until a stop signal; returns the process exit code. Logs go to `out`.
int runDaemon(const DaemonOptions &options, QTextStream &out, QTextStream &err);

} // namespace sb
