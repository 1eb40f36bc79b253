#include "storedatabase.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlQuery>

#if defined(SB_HAVE_SQLITE3)
#include <mutex>
#include <sqlite3.h>
#endif

namespace sb {

namespace {
QAtomicInteger<quint64> s_connectionSerial;

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

// By default SQLite gives every pager a first allocation of 20 pages (about 86 KB), and a CHECK
// (x IN (a, b, c)) makes each INSERT into messages or conversations open temporary tables, each
// with its own pager: every write allocated and freed that much, and glibc handed it back to the
// kernel and faulted it in again each time (the writer thread spent most of its time in madvise and
// TLB shootdowns). Without the first allocation a temporary table takes the one page it needs.
// Only possible before SQLite initialises, so before the first connection; if something opened
// one earlier this does nothing, which is only slower. The same goes for memory statistics below.
void configureSqlite()
{
#if defined(SB_HAVE_SQLITE3)
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
        // Memory statistics (sqlite3_memory_used, which nothing here reads) take a global mutex
        // around every allocation and free SQLite makes: several per statement.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
#endif
}
} // namespace

QSqlDatabase StoreDatabase::open(const QString &path, const QString &purpose, QString *error,
                                 int busyTimeoutMs)
{
    configureSqlite();
    const QString name = QStringLiteral("sb-store-%1-%2").arg(purpose).arg(++s_connectionSerial);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid()) {
        setError(error, QStringLiteral(
                            "the Qt SQLite driver (QSQLITE) is not available: install libqt6sql6-sqlite"));
        QSqlDatabase::removeDatabase(name);
        return QSqlDatabase();
    }
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    if (!db.open()) {
        setError(error, QStringLiteral("cannot open database %1: %2").arg(path, db.lastError().text()));
        close(db);
        return QSqlDatabase();
    }
    // Connection-level settings, not stored in the file. FULL makes each WAL commit reach the disk
    // before COMMIT returns, which is what lets the writer acknowledge after it.
    const QString pragmas[] = {
        QStringLiteral("PRAGMA foreign_keys = ON"),
        QStringLiteral("PRAGMA synchronous = FULL"),
        QStringLiteral("PRAGMA busy_timeout = %1").arg(busyTimeoutMs),
    };
    for (const QString &pragma : pragmas) {
        QString why;
        if (!exec(db, pragma, &why)) {
            setError(error, QStringLiteral("cannot open database %1: %2").arg(path, why));
            close(db);
            return QSqlDatabase();
        }
    }
    return db;
}

void StoreDatabase::close(QSqlDatabase &db)
{
    const QString name = db.connectionName();
    db.close();
    db = QSqlDatabase();
    if (!name.isEmpty())
        QSqlDatabase::removeDatabase(name);
}

bool StoreDatabase::exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    setError(error,
             QStringLiteral("%1: %2").arg(sql.section(QLatin1Char('\n'), 0, 0), query.lastError().text()));
    return false;
}

bool StoreDatabase::scalar(QSqlDatabase &db, const QString &sql, QVariant *value, QString *error)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql)) {
        setError(error, QStringLiteral("%1: %2").arg(sql, query.lastError().text()));
        return false;
    }
    if (!query.next()) {
        setError(error, QStringLiteral("%1: no result").arg(sql));
        return false;
    }
    *value = query.value(0);
    return true;
}

} // namespace sb
