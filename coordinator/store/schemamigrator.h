#pragma once
// Brings a database to the schema this build uses, one migration per transaction, and refuses
// databases it cannot understand (newer, or not Switchboard's) without writing to them.

#include "schema.h"

#include <QSqlDatabase>
#include <QString>
#include <vector>

namespace sb {

class SchemaMigrator final
{
public:
    SchemaMigrator();
    // Tests pass their own list (e.g. one with a broken step); it must count 1, 2, 3... upwards.
    explicit SchemaMigrator(std::vector<Migration> migrations);

    int latestVersion() const;

    // The version recorded in `db`: 0 for an empty database; -1 and `error` when the database
    // cannot be read or has tables but no schema_version (it is not Switchboard's).
    static int currentVersion(QSqlDatabase &db, QString *error);

    // Switches the database to WAL and applies every migration above its version, up to
    // `targetVersion` (0: the latest). A database newer than this build is refused untouched. A
    // failing migration is rolled back whole and the database stays at the version before it.
    bool migrate(QSqlDatabase &db, QString *error, int targetVersion = 0) const;

    // True when `db` is exactly at the latest version (what a reader needs); `error` says why not.
    bool isCurrent(QSqlDatabase &db, QString *error) const;

private:
    bool apply(QSqlDatabase &db, const Migration &migration, QString *error) const;
    bool applyInTransaction(QSqlDatabase &db, const Migration &migration, QString *error) const;

    std::vector<Migration> m_migrations;
    QString m_invalid; // why the list itself is unusable, if it is
};

} // namespace sb
