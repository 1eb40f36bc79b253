// switchboard-coordinator: the headless routing coordinator. All logic lives in the libraries.
#include "coordinatorcommand.h"
#include "epolldispatcher.h"

#include <QCoreApplication>

#if defined(__GLIBC__) && !defined(SB_HAVE_SQLITE3)
#include <malloc.h>
#endif

int main(int argc, char *argv[])
{
    // Qt's GLib event dispatcher slows to a crawl with thousands of sockets (a bare echo server fell
    // from 250k to 12k round trips/s at 3,000 connections and did not accept 5,000), and its plain
    // UNIX one still polls every socket on every turn. The main thread, where every connection
    // lives, gets an epoll dispatcher (it must be installed before the application object); the
    // store's threads, which have no sockets, get the plain UNIX one.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    if (QAbstractEventDispatcher *dispatcher = sb::makeCoordinatorEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
#if defined(__GLIBC__) && !defined(SB_HAVE_SQLITE3)
    // Only when the store cannot tune SQLite itself (built without libsqlite3-dev; see
    // StoreDatabase::open): SQLite then allocates and frees about 86 KB per message (each INSERT
    // opens temporary tables for its CHECK ... IN constraints, each with a 20-page first
    // allocation), and by default glibc hands that back to the kernel and faults it in again every
    // time; keeping 8 MiB took bench_load from 1,200 to 11,000-13,000 durable messages/s. With the
    // store's setting this makes no measurable difference and only keeps memory, so it is not used.
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-coordinator"));
    return sb::runCoordinatorCommand(app);
}
