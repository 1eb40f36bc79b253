#include "schemamigrator.h"

#include "storedatabase.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace sb {

namespace {
void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

QString newerMessage(int found, int known)
{
    return QStringLiteral("the database has schema version %1, newer than this build of Switchboard knows "
                          "(%2); it was left untouched: run a newer Switchboard, or restore a backup made "
                          "by this version")
        .arg(found)
        .arg(known);
}
} // namespace

SchemaMigrator::SchemaMigrator() : SchemaMigrator(schema::migrations()) {}

SchemaMigrator::SchemaMigrator(std::vector<Migration> migrations) : m_migrations(std::move(migrations))
{
    if (m_migrations.empty())
        m_invalid = QStringLiteral("no migrations");
    for (std::size_t i = 0; i < m_migrations.size(); ++i) {
        if (m_migrations[i].version != int(i) + 1) {
            m_invalid = QStringLiteral("migration %1 is numbered %2").arg(i + 1).arg(m_migrations[i].version);
            break;
        }
    }
}

int SchemaMigrator::latestVersion() const
{
    return m_migrations.empty() ? 0 : m_migrations.back().version;
}

int SchemaMigrator::currentVersion(QSqlDatabase &db, QString *error)
{
    QVariant tables;
    if (!StoreDatabase::scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &tables, error))
        return -1;
    if (tables.toInt() == 0)
        return 0;
    QVariant hasVersionTable;
    if (!StoreDatabase::scalar(db,
                               QStringLiteral("SELECT count(*) FROM sqlite_master "
                                              "WHERE type = 'table' AND name = 'schema_version'"),
                               &hasVersionTable, error))
        return -1;
    if (hasVersionTable.toInt() == 0) {
        setError(error, QStringLiteral(
                            "the database is not a Switchboard store: it has tables but no schema_version"));
        return -1;
    }
    QVariant version;
    if (!StoreDatabase::scalar(db, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"),
                               &version, error))
        return -1;
    return version.toInt();
}

bool SchemaMigrator::migrate(QSqlDatabase &db, QString *error, int targetVersion) const
{
    if (!m_invalid.isEmpty()) {
        setError(error, QStringLiteral("invalid migration list: %1").arg(m_invalid));
        return false;
    }
    const int latest = latestVersion();
    const int target = targetVersion <= 0 ? latest : std::min(targetVersion, latest);
    const int current = currentVersion(db, error);
    if (current < 0)
        return false;
    if (current > latest) {
        setError(error, newerMessage(current, latest));
        return false;
    }
    // WAL lets readers work while the writer commits. It is a property of the file, so it is set
    // only now that we know the file is one we may change.
    QVariant mode;
    if (!StoreDatabase::scalar(db, QStringLiteral("PRAGMA journal_mode = WAL"), &mode, error))
        return false;
    if (mode.toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        setError(
            error,
            QStringLiteral("the database cannot use WAL mode (journal mode is %1)").arg(mode.toString()));
        return false;
    }
    for (const Migration &migration : m_migrations) {
        if (migration.version <= current || migration.version > target)
            continue;
        if (!apply(db, migration, error))
            return false;
    }
    return true;
}

bool SchemaMigrator::apply(QSqlDatabase &db, const Migration &migration, QString *error) const
{
    if (!migration.rebuildsTables)
        return applyInTransaction(db, migration, error);
    // Foreign keys can only be switched outside a transaction; the connection gets back the setting
    // it had, whatever happens.
    QVariant before;
    QString why;
    if (!StoreDatabase::scalar(db, QStringLiteral("PRAGMA foreign_keys"), &before, &why) ||
        !StoreDatabase::exec(db, QStringLiteral("PRAGMA foreign_keys = OFF"), &why)) {
        setError(error, QStringLiteral("migration to schema version %1 (%2) failed: %3")
                            .arg(migration.version)
                            .arg(migration.name, why));
        return false;
    }
    const bool ok = applyInTransaction(db, migration, error);
    if (before.toInt() != 0 && !StoreDatabase::exec(db, QStringLiteral("PRAGMA foreign_keys = ON"), &why)) {
        setError(error,
                 QStringLiteral("after migration to schema version %1: %2").arg(migration.version).arg(why));
        return false;
    }
    return ok;
}

bool SchemaMigrator::applyInTransaction(QSqlDatabase &db, const Migration &migration, QString *error) const
{
    const QString prefix = QStringLiteral("migration to schema version %1 (%2) failed")
                               .arg(migration.version)
                               .arg(migration.name);
    QString why;
    // IMMEDIATE takes the write lock now, so a second process migrating at the same moment waits
    // here and then finds the work done, instead of failing halfway.
    if (!StoreDatabase::exec(db, QStringLiteral("BEGIN IMMEDIATE"), &why)) {
        setError(error, prefix + QStringLiteral(": ") + why);
        return false;
    }
    const int now = currentVersion(db, &why);
    if (now < 0 || now > latestVersion()) {
        StoreDatabase::exec(db, QStringLiteral("ROLLBACK"), nullptr);
        setError(error, now < 0 ? prefix + QStringLiteral(": ") + why : newerMessage(now, latestVersion()));
        return false;
    }
    if (now >= migration.version)
        return StoreDatabase::exec(db, QStringLiteral("COMMIT"), error);
    int step = 0;
    for (const QString &sql : migration.steps) {
        ++step;
        if (!StoreDatabase::exec(db, sql, &why)) {
            StoreDatabase::exec(db, QStringLiteral("ROLLBACK"), nullptr);
            setError(error, QStringLiteral("%1 at step %2: %3").arg(prefix).arg(step).arg(why));
            return false;
        }
    }
    if (migration.rebuildsTables) {
        // The copies must reference exactly what the originals did.
        QSqlQuery check(db);
        if (!check.exec(QStringLiteral("PRAGMA foreign_key_check")) || check.next()) {
            why = check.lastError().isValid()
                      ? check.lastError().text()
                      : QStringLiteral("a row of %1 references a missing row of %2")
                            .arg(check.value(0).toString(), check.value(2).toString());
            check.finish();
            StoreDatabase::exec(db, QStringLiteral("ROLLBACK"), nullptr);
            setError(error, QStringLiteral("%1: %2").arg(prefix, why));
            return false;
        }
    }
    QSqlQuery record(db);
    record.prepare(QStringLiteral("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)"));
    record.bindValue(0, migration.version);
    record.bindValue(1, migration.name);
    record.bindValue(2, QDateTime::currentMSecsSinceEpoch());
    if (!record.exec()) {
        why = record.lastError().text();
        record.finish();
        StoreDatabase::exec(db, QStringLiteral("ROLLBACK"), nullptr);
        setError(error, QStringLiteral("%1: recording the version: %2").arg(prefix, why));
        return false;
    }
    if (!StoreDatabase::exec(db, QStringLiteral("COMMIT"), &why)) {
        StoreDatabase::exec(db, QStringLiteral("ROLLBACK"), nullptr);
        setError(error, QStringLiteral("%1: %2").arg(prefix, why));
        return false;
    }
    return true;
}

bool SchemaMigrator::isCurrent(QSqlDatabase &db, QString *error) const
{
    const int current = currentVersion(db, error);
    if (current < 0)
        return false;
    if (current > latestVersion()) {
        setError(error, newerMessage(current, latestVersion()));
        return false;
    }
    if (current < latestVersion()) {
        setError(error,
                 QStringLiteral("the database has schema version %1 and needs migrating to %2: open it with "
                                "the store's writer first")
                     .arg(current)
                     .arg(latestVersion()));
        return false;
    }
    return true;
}

} // namespace sb
