// switchboard-coordinator: the headless routing coordinator. All logic lives in the libraries.
#include "coordinatorcommand.h"

#include <QCoreApplication>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char *argv[])
{
    // Qt's GLib event dispatcher slows to a crawl with thousands of sockets (a bare echo server fell
    // from 250k to 12k round trips/s at 3,000 connections and did not accept 5,000); the plain UNIX
    // dispatcher does not. It is chosen when the application object is created, so set it first,
    // unless the environment already says otherwise.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
#if defined(__GLIBC__)
    // By default glibc hands memory at the top of the store writer's arena back to the kernel as soon
    // as 128 KiB are free, and SQLite frees and allocates about that much on every message (INSERT ...
    // RETURNING builds a temporary table with its own page cache), so each commit faulted the same
    // pages in again, with TLB shootdowns across cores: bench_load measured 1,200 durable messages/s
    // at 1,000 connections with the default and 11,000-13,000/s with 8 MiB kept.
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-coordinator"));
    return sb::runCoordinatorCommand(app);
}
