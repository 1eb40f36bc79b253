// switchboard-sim: simulates a day of traffic and writes it as an event script.
#include "simcommand.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-sim"));
    QTextStream out(stdout), err(stderr);
    return sb::runSimCommand(QCoreApplication::arguments(), out, err);
}
