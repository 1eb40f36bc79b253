#pragma once
// One prepared statement of the store writer's connection, kept for the connection's life: SQLite's
// own API where the build has it (QSqlQuery makes strings and variants for every bound value), else
// QSqlQuery. Bound values follow Qt's rules: a null QString or QByteArray binds NULL.

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringEncoder>
#include <array>
#include <memory>
#include <optional>

class QSqlQuery;
struct sqlite3;
struct sqlite3_stmt;

namespace sb {

class SqlStatement final
{
public:
    explicit SqlStatement(const QSqlDatabase &db);
    ~SqlStatement();
    SqlStatement(const SqlStatement &) = delete;
    SqlStatement &operator=(const SqlStatement &) = delete;

    // Whether statements use SQLite's API directly on this build and connection.
    static bool isNative(const QSqlDatabase &db);
    // The connection's SQLite handle when statements are native on it, else null.
    static sqlite3 *nativeHandle(const QSqlDatabase &db);

    bool prepare(const char *sql); // false: see errorText()

    // Parameters count from 0, as in QSqlQuery. The values are kept until bound again, so
    // temporaries may be passed.
    void bindValue(int index, const QString &text);
    void bindValue(int index, qint64 value);
    void bindValue(int index, int value) { bindValue(index, qint64(value)); }
    void bindValue(int index, std::optional<qint64> value);
    void bindBlob(int index, const QByteArray &bytes); // a null array binds NULL, an empty one ''
    void bindUtf8(int index, const QByteArray &utf8);  // text already in UTF-8 (JSON from QJsonDocument)
    void bindNull(int index);

    // Runs the statement from the start: true when it ran (a row or the end), false on error.
    bool exec();
    // The next row of a query, the first after exec().
    bool next();
    qint64 int64At(int column) const;
    QString textAt(int column) const; // NULL: a null QString
    // Ends the run (releases the read it may hold); the bound values stay.
    void finish();

    qint64 lastInsertId() const;
    int numRowsAffected() const;
    // SQLite's own message for the last failure ("UNIQUE constraint failed: ...", "database is locked").
    QString errorText() const;

private:
    static constexpr int kMaxParameters = 16;

    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    bool m_pendingRow = false; // exec() stepped onto a row next() has not returned yet
    // What the statement points into (bound without copying): kept alive here until rebound.
    std::array<QByteArray, kMaxParameters> m_bytes;
    // Stateless: a lone surrogate at the end of one value does not carry into the next.
    QStringEncoder m_utf8{QStringConverter::Utf8, QStringConverter::Flag::Stateless};
    QString m_error;
    std::unique_ptr<QSqlQuery> m_query; // without SQLite's API
};

} // namespace sb
