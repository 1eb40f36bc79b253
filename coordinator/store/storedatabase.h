#pragma once
// Opens and closes the store's SQLite connections with the settings every connection needs.

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

namespace sb {

class StoreDatabase final
{
public:
    static constexpr int DefaultBusyTimeoutMs = 5000;

    // A connection to `path` for the calling thread (Qt SQL connections are per thread), under a
    // fresh connection name, with foreign keys on, synchronous=FULL and a busy timeout. It does not
    // change the file: WAL mode is set by SchemaMigrator once it knows the schema is one we can use.
    // Returns an invalid QSqlDatabase and sets `error` on failure.
    static QSqlDatabase open(const QString &path, const QString &purpose, QString *error,
                             int busyTimeoutMs = DefaultBusyTimeoutMs);
    // Closes the connection and forgets its name. Every QSqlQuery on it must be gone.
    static void close(QSqlDatabase &db);

    // Runs one statement that needs no binding; false and `error` names the statement on failure.
    static bool exec(QSqlDatabase &db, const QString &sql, QString *error);
    // The first column of the first row of `sql` into `value`; false and `error` on failure.
    static bool scalar(QSqlDatabase &db, const QString &sql, QVariant *value, QString *error);
};

} // namespace sb
