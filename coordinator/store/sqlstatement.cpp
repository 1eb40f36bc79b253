#include "sqlstatement.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#if defined(SB_HAVE_SQLITE3)
#include <sqlite3.h>
#endif

namespace sb {

SqlStatement::SqlStatement(const QSqlDatabase &db) : m_handle(nativeHandle(db))
{
    if (!m_handle) {
        m_query = std::make_unique<QSqlQuery>(db);
        m_query->setForwardOnly(true);
    }
}

SqlStatement::~SqlStatement()
{
#if defined(SB_HAVE_SQLITE3)
    // Before the connection closes: SQLite does not close a connection with statements left.
    if (m_stmt)
        sqlite3_finalize(m_stmt);
#endif
}

// The connection's sqlite3 handle, when Qt's driver and this build use the same SQLite (the Qt
// driver on Debian links the system libsqlite3, as this library does: see CMakeLists.txt).
sqlite3 *SqlStatement::nativeHandle(const QSqlDatabase &db)
{
#if defined(SB_HAVE_SQLITE3)
    if (!db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(handle.constData());
#else
    Q_UNUSED(db)
#endif
    return nullptr;
}

bool SqlStatement::isNative(const QSqlDatabase &db)
{
    return nativeHandle(db) != nullptr;
}

bool SqlStatement::prepare(const char *sql)
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        // PERSISTENT: kept for the connection's life, so SQLite takes it from the heap rather than
        // its lookaside slots.
        if (sqlite3_prepare_v3(m_handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) == SQLITE_OK &&
            m_stmt)
            return true;
        m_error = QString::fromUtf8(sqlite3_errmsg(m_handle));
        return false;
    }
#endif
    if (m_query->prepare(QString::fromUtf8(sql)))
        return true;
    m_error = m_query->lastError().text();
    return false;
}

void SqlStatement::bindValue(int index, const QString &text)
{
    Q_ASSERT(index >= 0 && index < kMaxParameters);
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        if (text.isNull()) {
            sqlite3_bind_null(m_stmt, index + 1);
            return;
        }
        // Bound as UTF-8, the database's encoding: text bound as UTF-16 is translated by SQLite a
        // character at a time, which was an eighth of the writer's instructions per message. Qt
        // encodes into this parameter's own buffer, which keeps its room from one bind to the next.
        QByteArray &utf8 = m_bytes[index];
        utf8.resize(m_utf8.requiredSpace(text.size()));
        char *const end = m_utf8.appendToBuffer(utf8.data(), text);
        utf8.resize(end - utf8.constData());
        sqlite3_bind_text(m_stmt, index + 1, utf8.isEmpty() ? "" : utf8.constData(), int(utf8.size()),
                          SQLITE_STATIC);
        return;
    }
#endif
    m_query->bindValue(index, text);
}

void SqlStatement::bindValue(int index, qint64 value)
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        sqlite3_bind_int64(m_stmt, index + 1, value);
        return;
    }
#endif
    m_query->bindValue(index, value);
}

void SqlStatement::bindValue(int index, std::optional<qint64> value)
{
    if (value)
        bindValue(index, *value);
    else
        bindNull(index);
}

void SqlStatement::bindBlob(int index, const QByteArray &bytes)
{
    Q_ASSERT(index >= 0 && index < kMaxParameters);
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        if (bytes.isNull()) {
            sqlite3_bind_null(m_stmt, index + 1);
        } else if (bytes.isEmpty()) {
            sqlite3_bind_zeroblob(m_stmt, index + 1, 0);
        } else {
            m_bytes[index] = bytes;
            sqlite3_bind_blob(m_stmt, index + 1, m_bytes[index].constData(), int(m_bytes[index].size()),
                              SQLITE_STATIC);
        }
        return;
    }
#endif
    m_query->bindValue(index, bytes);
}

void SqlStatement::bindUtf8(int index, const QByteArray &utf8)
{
    Q_ASSERT(index >= 0 && index < kMaxParameters);
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        m_bytes[index] = utf8;
        // Never NULL: an empty array binds ''.
        sqlite3_bind_text(m_stmt, index + 1, m_bytes[index].isNull() ? "" : m_bytes[index].constData(),
                          int(m_bytes[index].size()), SQLITE_STATIC);
        return;
    }
#endif
    m_query->bindValue(index, utf8.isNull() ? QStringLiteral("") : QString::fromUtf8(utf8));
}

void SqlStatement::bindNull(int index)
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        sqlite3_bind_null(m_stmt, index + 1);
        return;
    }
#endif
    m_query->bindValue(index, QVariant());
}

bool SqlStatement::exec()
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        sqlite3_reset(m_stmt);
        const int rc = sqlite3_step(m_stmt);
        m_pendingRow = rc == SQLITE_ROW;
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
            if (rc == SQLITE_DONE)
                sqlite3_reset(m_stmt); // a finished write holds nothing open
            return true;
        }
        // With prepare_v3 the step's own code and message are the failure's.
        m_error = QString::fromUtf8(sqlite3_errmsg(m_handle));
        sqlite3_reset(m_stmt);
        return false;
    }
#endif
    if (m_query->exec())
        return true;
    m_error = m_query->lastError().text();
    m_query->finish();
    return false;
}

bool SqlStatement::next()
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        if (m_pendingRow) {
            m_pendingRow = false;
            return true;
        }
        return sqlite3_stmt_busy(m_stmt) && sqlite3_step(m_stmt) == SQLITE_ROW;
    }
#endif
    return m_query->next();
}

qint64 SqlStatement::int64At(int column) const
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle)
        return sqlite3_column_int64(m_stmt, column);
#endif
    return m_query->value(column).toLongLong();
}

QString SqlStatement::textAt(int column) const
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        // The text first, then its length (the order SQLite documents).
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return text ? QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column)) : QString();
    }
#endif
    return m_query->value(column).toString();
}

void SqlStatement::finish()
{
    m_pendingRow = false;
#if defined(SB_HAVE_SQLITE3)
    if (m_handle) {
        sqlite3_reset(m_stmt);
        return;
    }
#endif
    m_query->finish();
}

qint64 SqlStatement::lastInsertId() const
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle)
        return sqlite3_last_insert_rowid(m_handle);
#endif
    return m_query->lastInsertId().toLongLong();
}

int SqlStatement::numRowsAffected() const
{
#if defined(SB_HAVE_SQLITE3)
    if (m_handle)
        return sqlite3_changes(m_handle);
#endif
    return m_query->numRowsAffected();
}

QString SqlStatement::errorText() const
{
    return m_error;
}

} // namespace sb
