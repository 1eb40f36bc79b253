#pragma once
// A service's store as the tests look at it from outside: its file in a data directory, a copy
// as a crash at this moment would leave it (VACUUM INTO while the service runs), and SQL run on a
// store no service has open.

#include "storedatabase.h"

#include <QDir>
#include <QString>
#include <QVariant>

namespace sb::test {

inline QString storeFile(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("switchboard.db"));
}

// Copies the store in `fromDir` (a service may be running on it) into `toDir`, made if missing.
inline bool crashImage(const QString &fromDir, const QString &toDir)
{
    QDir().mkpath(toDir);
    QString error;
    QSqlDatabase db = StoreDatabase::open(storeFile(fromDir), QStringLiteral("image"), &error);
    const bool ok = db.isValid() &&
                    StoreDatabase::exec(db, QStringLiteral("VACUUM INTO '%1'").arg(storeFile(toDir)), &error);
    StoreDatabase::close(db);
    if (!ok)
        qWarning("VACUUM INTO: %s", qPrintable(error));
    return ok;
}

// The first column of the first row of `sql` on an open connection (invalid, with a warning, on failure).
inline QVariant scalarOf(QSqlDatabase &db, const QString &sql)
{
    QVariant v;
    QString error;
    if (!StoreDatabase::scalar(db, sql, &v, &error))
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
    return v;
}

// Runs SQL on the store file `path` that no service has open.
inline bool execOn(const QString &path, const QString &sql)
{
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("edit"), &error);
    const bool ok = db.isValid() && StoreDatabase::exec(db, sql, &error);
    if (!ok)
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
    StoreDatabase::close(db);
    return ok;
}

} // namespace sb::test
