// switchboard: the agent's desk. All logic lives in the libraries (app/desktop/desktopapp.cpp).
#include "desktopapp.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    sb::prepareDesktopEnvironment();
    QApplication app(argc, argv);
    return sb::runDesktop(app);
}
