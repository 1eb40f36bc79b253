// switchboard-coordinator: the headless routing coordinator. All logic lives in the libraries.
#include "coordinatorcommand.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-coordinator"));
    return sb::runCoordinatorCommand(app);
}
