// switchboard-replay: replays a day of routing events; all logic lives in sb_replay.
#include "replaycommand.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-replay"));
    QTextStream out(stdout), err(stderr);
    return sb::runReplayCommand(QCoreApplication::arguments(), out, err);
}
