// Schema migrations: from empty, from the version 1 fixture (data survives, the new schema works),
// refusal of newer and foreign databases without touching them, and rollback of a failed migration.
#include "schemamigrator.h"
#include "storedatabase.h"
#include "storereader.h"
#include "storewriter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

namespace {
// Runs a .sql file one statement at a time (Qt runs one per exec): a statement ends with ';' at
// the end of a line; lines starting with "--" are comments.
bool loadSql(QSqlDatabase &db, const QString &fileName, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1").arg(fileName);
        return false;
    }
    QString statement;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(QLatin1String("--")) || line.trimmed().isEmpty())
            continue;
        statement += line + QLatin1Char('\n');
        if (line.trimmed().endsWith(QLatin1Char(';'))) {
            if (!StoreDatabase::exec(db, statement, error))
                return false;
            statement.clear();
        }
    }
    return true;
}

QStringList schemaOf(QSqlDatabase &db)
{
    QStringList rows;
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"));
    while (q.next())
        rows << QStringLiteral("%1 %2 %3: %4")
                    .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toString());
    return rows;
}

QVariant scalar(QSqlDatabase &db, const QString &sql)
{
    QVariant v;
    QString error;
    if (!StoreDatabase::scalar(db, sql, &v, &error))
        qWarning("%s", qPrintable(error));
    return v;
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}
} // namespace

class TestStoreMigrations : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void fromEmpty();
    void connectionSettings();
    void fixtureIsVersionOne();
    void fromVersionOneFixture();
    void migratedEqualsFresh();
    void readerNeedsCurrentSchema();
    void newerVersionRefusedUntouched_data();
    void newerVersionRefusedUntouched();
    void foreignDatabaseRefused();
    void notADatabase();
    void failedMigrationRollsBack();
    void migrationListMustCount();

private:
    QString loadFixture(const QString &name);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStoreMigrations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestStoreMigrations::loadFixture(const QString &name)
{
    const QString path = m_dir->filePath(name);
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("fixture"), &error);
    if (!db.isValid()) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    const bool ok = loadSql(db, QFINDTESTDATA("fixtures/v1.sql"), &error);
    StoreDatabase::close(db);
    if (!ok) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return path;
}

void TestStoreMigrations::fromEmpty()
{
    const QString path = m_dir->filePath(QStringLiteral("fresh.db"));
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("test"), &error);
    QVERIFY2(db.isValid(), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), 0);
    SchemaMigrator migrator;
    QVERIFY2(migrator.migrate(db, &error), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), schema::latestVersion());
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(),
             schema::latestVersion());
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    const QStringList tables = {"accounts",      "attachments",   "conversation_groups", "conversations",
                                "customer_tags", "customers",     "decisions",           "engine_events",
                                "messages",      "quick_replies", "schema_version",      "sessions",
                                "settings",      "teams"};
    for (const QString &table : tables)
        QVERIFY2(scalar(db, QStringLiteral(
                                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%1'")
                                .arg(table))
                         .toInt() == 1,
                 qPrintable(table));
    // A second run is a no-op.
    QVERIFY2(migrator.migrate(db, &error), qPrintable(error));
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(),
             schema::latestVersion());
    StoreDatabase::close(db);
}

void TestStoreMigrations::connectionSettings()
{
    const QString path = m_dir->filePath(QStringLiteral("s.db"));
    StoreWriter writer(path);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("test"), &error);
    QVERIFY2(db.isValid(), qPrintable(error));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA synchronous")).toInt(), 2); // FULL
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA busy_timeout")).toInt(), StoreDatabase::DefaultBusyTimeoutMs);
    StoreDatabase::close(db);
}

void TestStoreMigrations::fixtureIsVersionOne()
{
    // The fixture must be what version 1 really created, or the migration test proves nothing.
    const QString fixture = loadFixture(QStringLiteral("v1.db"));
    QVERIFY(!fixture.isEmpty());
    QString error;
    QSqlDatabase a = StoreDatabase::open(fixture, QStringLiteral("a"), &error);
    QSqlDatabase b =
        StoreDatabase::open(m_dir->filePath(QStringLiteral("b.db")), QStringLiteral("b"), &error);
    QVERIFY2(SchemaMigrator().migrate(b, &error, 1), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(a, &error), 1);
    QCOMPARE(SchemaMigrator::currentVersion(b, &error), 1);
    QCOMPARE(schemaOf(a), schemaOf(b));
    StoreDatabase::close(a);
    StoreDatabase::close(b);
}

void TestStoreMigrations::fromVersionOneFixture()
{
    const QString path = loadFixture(QStringLiteral("v1.db"));
    QVERIFY(!path.isEmpty());

    StoreWriter writer(path);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    StoreReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));

    // Every kind of row survived.
    const auto alice = reader.accountByLogin(QStringLiteral("ALICE"));
    QVERIFY(alice);
    QCOMPARE(alice->displayName, QStringLiteral("Alice Chan 陳"));
    QCOMPARE(toString(alice->role), toString(Role::Agent));
    QCOMPARE(alice->teamId, QStringLiteral("hk-sales"));
    QVERIFY(alice->passwordHash.startsWith(QLatin1String("$argon2id$")));
    QVERIFY(reader.accountById(QStringLiteral("old"))->disabled);
    QCOMPARE(reader.teamSubtree(QStringLiteral("hk")), (QStringList{"hk", "hk-sales", "hk-tutoring"}));
    const auto session = reader.sessionByTokenHash(QStringLiteral("9f86d081884c7d659a2feaa0c55ad015"));
    QVERIFY(session);
    QCOMPARE(session->accountId, QStringLiteral("alice"));
    const auto customer = reader.customer(QStringLiteral("cust-1"));
    QVERIFY(customer);
    QCOMPARE(customer->name, QStringLiteral("李小姐"));
    QCOMPARE(customer->tags, (QStringList{"returning", "vip"}));
    QVERIFY(customer->vip);
    QCOMPARE(customer->externalId, QStringLiteral("CRM-001"));
    const auto closed = reader.conversation(QStringLiteral("conv-1"));
    QVERIFY(closed);
    QCOMPARE(toString(closed->state), toString(ConversationState::Closed));
    QCOMPARE(closed->satisfaction, 5);
    QCOMPARE(closed->groups, (QStringList{"vip", "sales"}));
    const QList<Message> history = reader.history(QStringLiteral("conv-1"));
    QCOMPARE(history.size(), 5);
    for (int i = 0; i < history.size(); ++i)
        QCOMPARE(history[i].seq, i + 1);
    QCOMPARE(history[0].body, QStringLiteral("你好，我想問中學英文課程"));
    QCOMPARE(history[0].editedAt, 0); // the new column exists and is empty for old rows
    QVERIFY(history[3].attachment);
    QCOMPARE(history[3].attachment->name, QStringLiteral("timetable.png"));
    QCOMPARE(reader.attachmentData(history[3].id), QByteArray::fromHex("89504E470D0A1A0A"));
    QCOMPARE(toString(history[4].kind), toString(MessageKind::Note));
    const QList<Message> conv2 = reader.history(QStringLiteral("conv-2"));
    QCOMPARE(conv2.size(), 1);
    QCOMPARE(conv2[0].attachment->path, QStringLiteral("attachments/6/report.pdf"));
    QCOMPARE(reader.history(QStringLiteral("conv-3")).value(0).body, QStringLiteral("Hello? 😀"));
    const QList<DecisionRecord> decisions = reader.decisionsFor(QStringLiteral("conv-1"));
    QCOMPARE(decisions.size(), 2);
    QCOMPARE(decisions[0].explanation[QLatin1String("candidates")].toArray().size(), 1);
    QCOMPARE(reader.engineEventsSince(0).size(), 3);
    QCOMPARE(reader.setting(QStringLiteral("routing.replyTimeoutSeconds")), std::optional<QJsonValue>(60));
    QCOMPARE(reader.quickReplies(QStringLiteral("wechat")).size(), 2);
    QCOMPARE(reader.quickReplies(QStringLiteral("web")).size(), 1);

    // The new schema works on the old data: version 2's edit time and open-conversation index.
    QCOMPARE(reader.openConversations().size(), 2);
    QCOMPARE(reader.openConversations(QStringLiteral("alice")).size(), 1);
    std::optional<WriteResult> edited, appended;
    writer.editMessage(history[2].id, QStringLiteral("您好！請問是中幾？"), 1764000070000,
                       [&](const WriteResult &r) { edited = r; });
    Message next;
    next.conversationId = QStringLiteral("conv-2");
    next.senderKind = SenderKind::Agent;
    next.senderId = QStringLiteral("alice");
    next.body = QStringLiteral("收到");
    next.createdAt = 1764001200000;
    writer.appendMessage(next, [&](const WriteResult &r) { appended = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(edited && edited->ok);
    QVERIFY2(appended && appended->ok, qPrintable(appended ? appended->error : QString()));
    QCOMPARE(appended->seq, 2);
    QCOMPARE(appended->id, 8); // AUTOINCREMENT carries on after the old rows
    const Message fixed = reader.history(QStringLiteral("conv-1")).at(2);
    QCOMPARE(fixed.body, QStringLiteral("您好！請問是中幾？"));
    QCOMPARE(fixed.editedAt, 1764000070000);

    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("check"), &error);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    QSqlQuery fk(db);
    QVERIFY(fk.exec(QStringLiteral("PRAGMA foreign_key_check")));
    QVERIFY(!fk.next());
    fk.finish();
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(),
             schema::latestVersion());
    // Version 3: customers' sessions, usable on the migrated data.
    QVERIFY(fk.exec(
        QStringLiteral("INSERT INTO customer_sessions (token_hash, customer_id, created_at, expires_at)"
                       " VALUES ('h', 'cust-1', 1, 2)")));
    StoreDatabase::close(db);
}

void TestStoreMigrations::migratedEqualsFresh()
{
    const QString migrated = loadFixture(QStringLiteral("v1.db"));
    QString error;
    QSqlDatabase a = StoreDatabase::open(migrated, QStringLiteral("a"), &error);
    QSqlDatabase b =
        StoreDatabase::open(m_dir->filePath(QStringLiteral("b.db")), QStringLiteral("b"), &error);
    QVERIFY2(SchemaMigrator().migrate(a, &error), qPrintable(error));
    QVERIFY2(SchemaMigrator().migrate(b, &error), qPrintable(error));
    QCOMPARE(schemaOf(a), schemaOf(b));
    StoreDatabase::close(a);
    StoreDatabase::close(b);
}

void TestStoreMigrations::readerNeedsCurrentSchema()
{
    const QString path = loadFixture(QStringLiteral("v1.db"));
    StoreReader reader;
    QString error;
    QVERIFY(!reader.open(path, &error));
    QVERIFY2(error.contains(QLatin1String("needs migrating")), qPrintable(error));
    QVERIFY(!reader.open(m_dir->filePath(QStringLiteral("missing.db")), &error));
    QVERIFY2(error.contains(QLatin1String("no store")), qPrintable(error));
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("missing.db"))));
}

void TestStoreMigrations::newerVersionRefusedUntouched_data()
{
    QTest::addColumn<bool>("wal");
    QTest::newRow("wal file") << true;
    QTest::newRow("rollback-journal file") << false;
}

void TestStoreMigrations::newerVersionRefusedUntouched()
{
    QFETCH(bool, wal);
    const QString path = m_dir->filePath(QStringLiteral("future.db"));
    QString error;
    {
        QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("make"), &error);
        if (wal) {
            QVERIFY2(SchemaMigrator().migrate(db, &error), qPrintable(error));
        } else {
            QVERIFY(loadSql(db, QFINDTESTDATA("fixtures/v1.sql"), &error));
        }
        QVERIFY(StoreDatabase::exec(
            db, QStringLiteral("INSERT INTO schema_version VALUES (99, 'from the future', 0)"), &error));
        StoreDatabase::close(db);
    }
    const QByteArray before = fileHash(path);
    QVERIFY(!before.isEmpty());

    StoreWriter writer(path);
    QVERIFY(!writer.start(&error));
    QVERIFY2(error.contains(QLatin1String("version 99")) && error.contains(QLatin1String("newer")),
             qPrintable(error));
    std::optional<WriteResult> refused;
    writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}}, [&](const WriteResult &r) { refused = r; });
    QTRY_VERIFY(refused.has_value());
    QVERIFY(!refused->ok);
    QCOMPARE(refused->code, QStringLiteral("closed"));
    writer.close();

    StoreReader reader;
    QVERIFY(!reader.open(path, &error));
    QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
    reader.close();

    QCOMPARE(fileHash(path), before);
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("check"), &error);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(),
             wal ? QStringLiteral("wal") : QStringLiteral("delete"));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), 99);
    StoreDatabase::close(db);
}

void TestStoreMigrations::foreignDatabaseRefused()
{
    const QString path = m_dir->filePath(QStringLiteral("other.db"));
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("other"), &error);
    QVERIFY(StoreDatabase::exec(db, QStringLiteral("CREATE TABLE photos (id INTEGER PRIMARY KEY)"), &error));
    QVERIFY(!SchemaMigrator().migrate(db, &error));
    QVERIFY2(error.contains(QLatin1String("not a Switchboard store")), qPrintable(error));
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master")).toInt(), 1);
    StoreDatabase::close(db);
}

void TestStoreMigrations::notADatabase()
{
    const QString path = m_dir->filePath(QStringLiteral("notes.txt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    StoreWriter writer(path);
    QString error;
    QVERIFY(!writer.start(&error));
    QVERIFY2(!error.isEmpty(), "a readable error");
    QCOMPARE(QFileInfo(path).size(), 4096);
}

void TestStoreMigrations::failedMigrationRollsBack()
{
    const QString path = m_dir->filePath(QStringLiteral("broken.db"));
    std::vector<Migration> list = schema::migrations();
    list.resize(1);
    list.push_back({2,
                    QStringLiteral("broken"),
                    {QStringLiteral("CREATE TABLE extra (x INTEGER)"),
                     QStringLiteral("ALTER TABLE messages ADD COLUMN edited_at INTEGER"),
                     QStringLiteral("INSERT INTO nowhere VALUES (1)")}});
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("broken"), &error);
    QVERIFY(!SchemaMigrator(list).migrate(db, &error));
    QVERIFY2(error.contains(QLatin1String("version 2 (broken)")) && error.contains(QLatin1String("step 3")) &&
                 error.contains(QLatin1String("nowhere")),
             qPrintable(error));
    // Version 1 went in; nothing of version 2 did.
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'extra'")).toInt(),
             0);
    QCOMPARE(scalar(db, QStringLiteral(
                            "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'edited_at'"))
                 .toInt(),
             0);
    // The real versions then apply cleanly.
    QVERIFY2(SchemaMigrator().migrate(db, &error), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), schema::latestVersion());
    StoreDatabase::close(db);
}

void TestStoreMigrations::migrationListMustCount()
{
    std::vector<Migration> list = schema::migrations();
    list[1].version = 3;
    QString error;
    QSqlDatabase db =
        StoreDatabase::open(m_dir->filePath(QStringLiteral("x.db")), QStringLiteral("x"), &error);
    QVERIFY(!SchemaMigrator(list).migrate(db, &error));
    QVERIFY2(error.contains(QLatin1String("invalid migration list")), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), 0);
    StoreDatabase::close(db);
}

QTEST_GUILESS_MAIN(TestStoreMigrations)
#include "tst_storemigrations.moc"
