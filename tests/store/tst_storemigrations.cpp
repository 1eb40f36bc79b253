// Schema migrations: from empty, from the fixture of every older version (every row arrives intact,
// the new schema works on it, engine snapshots and version 8's surveys included), the table rebuilds of
// version 4 (ids never reused, references kept, no temporary tables per insert), of version 7 (ids given by
// the writer, marks moved to id_marks, no sqlite_sequence per insert), refusal of newer and foreign databases
// without touching them, and rollback of a failed migration.
#include "schemamigrator.h"
#include "storedatabase.h"
#include "storereader.h"
#include "storewriter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
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

// Every row of every table but schema_version (which gains rows), in a stable order and with the
// columns by name, so that a table rebuilt with its columns in another order still compares equal.
// `columns` ("table.column"), when given, limits the rows to the columns a store had before it
// was migrated (a later version may add some).
QStringList contentsOf(QSqlDatabase &db, const QSet<QString> &columns = {})
{
    QStringList rows;
    QSqlQuery tables(db);
    tables.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"
                               " AND name <> 'schema_version' ORDER BY name"));
    QStringList names;
    while (tables.next())
        names << tables.value(0).toString();
    for (const QString &table : names) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT * FROM \"%1\"").arg(table))) {
            rows << QStringLiteral("%1: %2").arg(table, q.lastError().text());
            continue;
        }
        QStringList tableRows;
        while (q.next()) {
            const QSqlRecord record = q.record();
            QStringList fields;
            for (int i = 0; i < record.count(); ++i) {
                if (!columns.isEmpty() && !columns.contains(table + QLatin1Char('.') + record.fieldName(i)))
                    continue;
                fields << QStringLiteral("%1=%2%3").arg(
                    record.fieldName(i), record.value(i).isNull() ? QStringLiteral("NULL") : QString(),
                    record.value(i).typeId() == QMetaType::QByteArray
                        ? QString::fromLatin1(record.value(i).toByteArray().toHex())
                        : record.value(i).toString());
            }
            fields.sort();
            tableRows << table + QLatin1String(": ") + fields.join(QLatin1String(", "));
        }
        tableRows.sort();
        rows << tableRows;
    }
    return rows;
}

QSet<QString> columnsOf(QSqlDatabase &db)
{
    QSet<QString> columns;
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c"
                          " WHERE m.type = 'table'"));
    while (q.next())
        columns.insert(q.value(0).toString() + QLatin1Char('.') + q.value(1).toString());
    return columns;
}

QString fixtureFile(int version)
{
    return QFINDTESTDATA(QStringLiteral("fixtures/v%1.sql").arg(version));
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
    void everyOlderVersionHasAFixture();
    void fixtureIsItsVersion_data();
    void fixtureIsItsVersion();
    void fromFixture_data();
    void fromFixture();
    void migratedEqualsFresh_data();
    void migratedEqualsFresh();
    void rebuiltTablesInsertWithoutTemporaryTables();
    void rebuiltTablesKeepTheirChecks();
    void numberedInsertsLeaveSqliteSequenceAlone();
    void rebuildRefusesDanglingReferences();
    void readerNeedsCurrentSchema();
    void newerVersionRefusedUntouched_data();
    void newerVersionRefusedUntouched();
    void foreignDatabaseRefused();
    void notADatabase();
    void failedMigrationRollsBack();
    void migrationListMustCount();

private:
    QString loadFixture(const QString &name, int version = 1);
    void fixtureVersions();
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStoreMigrations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestStoreMigrations::loadFixture(const QString &name, int version)
{
    const QString path = m_dir->filePath(name);
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("fixture"), &error);
    if (!db.isValid()) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    const bool ok = loadSql(db, fixtureFile(version), &error);
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
    // Version 4 switched foreign keys off for its rebuild; the connection has them back.
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    const QStringList tables = {"accounts",      "attachments",   "conversation_groups", "conversations",
                                "customer_tags", "customers",     "decisions",           "engine_events",
                                "messages",      "quick_replies", "schema_version",      "sessions",
                                "settings",      "teams",         "customer_sessions",   "engine_snapshots"};
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

// The versions before the latest: each has a fixture, or the migrations from it go untested.
void TestStoreMigrations::fixtureVersions()
{
    QTest::addColumn<int>("version");
    for (int v = 1; v < schema::latestVersion(); ++v)
        QTest::addRow("v%d", v) << v;
}

void TestStoreMigrations::everyOlderVersionHasAFixture()
{
    for (int v = 1; v < schema::latestVersion(); ++v)
        QVERIFY2(!fixtureFile(v).isEmpty(), qPrintable(QStringLiteral("no fixtures/v%1.sql").arg(v)));
}

void TestStoreMigrations::fixtureIsItsVersion_data()
{
    fixtureVersions();
}

void TestStoreMigrations::fixtureIsItsVersion()
{
    // The fixture must be what that version really created, or the migration test proves nothing.
    QFETCH(int, version);
    const QString fixture = loadFixture(QStringLiteral("fixture.db"), version);
    QVERIFY(!fixture.isEmpty());
    QString error;
    QSqlDatabase a = StoreDatabase::open(fixture, QStringLiteral("a"), &error);
    QSqlDatabase b =
        StoreDatabase::open(m_dir->filePath(QStringLiteral("b.db")), QStringLiteral("b"), &error);
    QVERIFY2(SchemaMigrator().migrate(b, &error, version), qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(a, &error), version);
    QCOMPARE(SchemaMigrator::currentVersion(b, &error), version);
    QCOMPARE(scalar(a, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), version);
    QCOMPARE(schemaOf(a), schemaOf(b));
    StoreDatabase::close(a);
    StoreDatabase::close(b);
}

void TestStoreMigrations::fromFixture_data()
{
    fixtureVersions();
}

void TestStoreMigrations::fromFixture()
{
    QFETCH(int, version);
    const QString path = loadFixture(QStringLiteral("fixture.db"), version);
    QVERIFY(!path.isEmpty());
    QString error;
    QStringList before;
    QSet<QString> columns;
    {
        QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("before"), &error);
        before = contentsOf(db);
        columns = columnsOf(db);
        StoreDatabase::close(db);
    }
    QVERIFY(before.size() > 30);

    StoreWriter writer(path);
    QVERIFY2(writer.start(&error), qPrintable(error));
    StoreReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));

    // Every row, every column, arrived as it was (sqlite_sequence included: AUTOINCREMENT's marks),
    // but that version 6 gave quick_replies a mark of its own, from the highest id it had, and
    // version 7 moved the marks of messages and engine_events into id_marks.
    {
        QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("after"), &error);
        QStringList after = contentsOf(db, columns);
        QStringList marks;
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT name, last_id FROM id_marks ORDER BY name")));
        while (q.next())
            marks << QStringLiteral("sqlite_sequence: name=%1, seq=%2")
                         .arg(q.value(0).toString())
                         .arg(q.value(1).toLongLong());
        q.finish();
        StoreDatabase::close(db);
        if (version < 6)
            QVERIFY(after.removeOne(QStringLiteral("sqlite_sequence: name=quick_replies, seq=2")));
        // Before version 7, id_marks is not among the columns the store had: its rows read empty
        // here. Version 7's fixture has them already, as they are (compared with the rest below).
        if (version < 7)
            QCOMPARE(after.removeAll(QStringLiteral("id_marks: ")), 2);
        const QStringList moved = {QStringLiteral("sqlite_sequence: name=engine_events, seq=%1")
                                       .arg(version >= 4   ? 5
                                            : version >= 2 ? 4
                                                           : 3),
                                   QStringLiteral("sqlite_sequence: name=messages, seq=%1")
                                       .arg(version >= 3   ? 10
                                            : version >= 2 ? 8
                                                           : 7)};
        QCOMPARE(marks, moved);
        for (const QString &mark : moved) {
            if (version < 7)
                QVERIFY2(before.removeOne(mark), qPrintable(mark));
            else // not in sqlite_sequence since version 7
                QVERIFY2(!before.contains(mark), qPrintable(mark));
        }
        QCOMPARE(after, before);
    }

    // And the store reads them back as the same records: every kind of row of version 1's data.
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
    QCOMPARE(closed->closedAt, 1764000900000);
    QCOMPARE(closed->satisfaction, 5);
    QCOMPARE(closed->agentId, QStringLiteral("alice"));
    QCOMPARE(closed->rule, QStringLiteral("vip-first"));
    QCOMPARE(closed->groups, (QStringList{"vip", "sales"}));
    const QList<Message> history = reader.history(QStringLiteral("conv-1"));
    QCOMPARE(history.size(), 5);
    for (int i = 0; i < history.size(); ++i) {
        QCOMPARE(history[i].seq, i + 1);
        QCOMPARE(history[i].id, i + 1);
    }
    QCOMPARE(history[0].body, QStringLiteral("你好，我想問中學英文課程"));
    QCOMPARE(toString(history[1].senderKind), toString(SenderKind::System));
    QCOMPARE(history[2].senderId, QStringLiteral("alice"));
    QCOMPARE(history[2].createdAt, 1764000060000);
    QCOMPARE(history[0].editedAt, 0); // the column exists and is empty for old rows
    QVERIFY(history[3].attachment);
    QCOMPARE(history[3].attachment->name, QStringLiteral("timetable.png"));
    QCOMPARE(reader.attachmentData(history[3].id), QByteArray::fromHex("89504E470D0A1A0A"));
    QCOMPARE(toString(history[4].kind), toString(MessageKind::Note));
    const QList<Message> conv2 = reader.history(QStringLiteral("conv-2"));
    QCOMPARE(conv2.size(), version >= 2 ? 2 : 1);
    QCOMPARE(conv2[0].attachment->path, QStringLiteral("attachments/6/report.pdf"));
    QCOMPARE(conv2[0].attachment->size, 120400);
    QCOMPARE(reader.history(QStringLiteral("conv-3")).value(0).body, QStringLiteral("Hello? 😀"));
    const QList<DecisionRecord> decisions = reader.decisionsFor(QStringLiteral("conv-1"));
    QCOMPARE(decisions.size(), 2);
    QCOMPARE(decisions[0].explanation[QLatin1String("candidates")].toArray().size(), 1);
    QCOMPARE(decisions[0].reason, QStringLiteral("vip-dedicated"));
    const QList<EngineEvent> events = reader.engineEventsSince(0);
    QCOMPARE(events.size(), version >= 4 ? 5 : version >= 2 ? 4 : 3);
    QCOMPARE(events[0].payload[QLatin1String("channel")].toString(), QStringLiteral("wechat"));
    QCOMPARE(reader.setting(QStringLiteral("routing.replyTimeoutSeconds")), std::optional<QJsonValue>(60));
    QCOMPARE(reader.quickReplies(QStringLiteral("wechat")).size(), 2);
    QCOMPARE(reader.quickReplies(QStringLiteral("web")).size(), 1);
    if (version >= 5) {
        const auto snapshot = reader.latestEngineSnapshot();
        QVERIFY(snapshot);
        QCOMPARE(snapshot->journalId, 5);
        QCOMPARE(snapshot->state, QByteArray::fromHex("5342455301"));
    }

    // What the later versions' rows use.
    if (version >= 2) {
        QCOMPARE(conv2[1].body, QStringLiteral("收到成績表，稍後回覆您"));
        QCOMPARE(conv2[1].editedAt, 1764001260000);
        QVERIFY(reader.sessionByTokenHash(QStringLiteral("2c26b46b68ffc68ff99b453c1d304134"))->revoked);
        QCOMPARE(events[3].type, QStringLiteral("agent.message"));
    }
    if (version >= 4) {
        QCOMPARE(events[4].type, QStringLiteral("customer.message"));
        QCOMPARE(events[4].payload[QLatin1String("text")].toString(), QStringLiteral("\"退款\" please\n"));
        QCOMPARE(reader.decisionsFor(QStringLiteral("conv-3")).size(), 3);
    }
    if (version >= 3) {
        const auto web = reader.sessionByTokenHash(QStringLiteral("fcde2b2edba56bf408601fb721fe9b5c"));
        QVERIFY(web);
        QCOMPARE(web->customerId, QStringLiteral("cust-2"));
        QCOMPARE(web->expiresAt, 1767592000000);
        QCOMPARE(reader.history(QStringLiteral("conv-3")).size(), 2);
        QCOMPARE(reader.decisionsFor(QStringLiteral("conv-3")).last().explanation[QLatin1String("rule")],
                 QJsonValue(QStringLiteral("all")));
    }

    // The new schema works on the old data: edits, the open-conversation index, numbering.
    QCOMPARE(reader.openConversations().size(), 2);
    QCOMPARE(reader.openConversations(QStringLiteral("alice")).size(), 1);
    std::optional<WriteResult> edited, appended, journaled, decided, moved;
    writer.editMessage(history[2].id, QStringLiteral("您好！請問是中幾？"), 1764000070000,
                       [&](const WriteResult &r) { edited = r; });
    Message next;
    next.conversationId = QStringLiteral("conv-2");
    next.senderKind = SenderKind::Agent;
    next.senderId = QStringLiteral("alice");
    next.body = QStringLiteral("收到");
    next.createdAt = 1766000000000;
    writer.appendMessage(next, [&](const WriteResult &r) { appended = r; });
    writer.appendEngineEvent({0, 1766000000000, QStringLiteral("tick"), {}, {}},
                             [&](const WriteResult &r) { journaled = r; });
    DecisionRecord d;
    d.at = 1766000000000;
    d.kind = QStringLiteral("assigned");
    d.conversationId = QStringLiteral("conv-3");
    d.agentId = QStringLiteral("alice");
    d.reason = QStringLiteral("least-loaded");
    writer.appendDecision(d, [&](const WriteResult &r) { decided = r; });
    Conversation conv3 = *reader.conversation(QStringLiteral("conv-3"));
    conv3.state = ConversationState::Assigned;
    conv3.agentId = QStringLiteral("alice");
    writer.upsertConversation(conv3, [&](const WriteResult &r) { moved = r; });
    // Version 5: an engine snapshot covers the old journal and the row just written.
    std::optional<WriteResult> snapped;
    writer.saveEngineSnapshot({0, 1766000000000, 1, QByteArray("engine state")},
                              [&](const WriteResult &r) { snapped = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(edited && edited->ok);
    QVERIFY2(appended && appended->ok, qPrintable(appended ? appended->error : QString()));
    QCOMPARE(appended->seq, version >= 2 ? 3 : 2);
    // AUTOINCREMENT carries on after the old rows, past the removed one of version 3's fixture.
    QCOMPARE(appended->id, version >= 3 ? 11 : version >= 2 ? 9 : 8);
    QVERIFY(journaled && journaled->ok);
    QCOMPARE(journaled->id, version >= 4 ? 6 : version >= 2 ? 5 : 4);
    QVERIFY(decided && decided->ok);
    QCOMPARE(decided->id, version >= 4 ? 6 : version >= 3 ? 5 : 4);
    QVERIFY2(moved && moved->ok, qPrintable(moved ? moved->error : QString()));
    QVERIFY2(snapped && snapped->ok, qPrintable(snapped ? snapped->error : QString()));
    QCOMPARE(snapped->id, journaled->id);
    const auto snapshot = reader.latestEngineSnapshot();
    QVERIFY(snapshot);
    QCOMPARE(snapshot->journalId, journaled->id);
    QCOMPARE(snapshot->state, QByteArray("engine state"));
    QCOMPARE(reader.openConversations(QStringLiteral("alice")).size(), 2);
    QCOMPARE(reader.conversation(QStringLiteral("conv-3"))->groups, QStringList{"sales"});
    // Version 6: a quick reply's id is never taken again, not even the newest one's once deleted.
    std::optional<WriteResult> created, removed, recreated;
    QuickReply reply;
    reply.category = QStringLiteral("greeting");
    reply.title = QStringLiteral("Morning");
    reply.text = QStringLiteral("早晨！");
    writer.upsertQuickReply(reply, [&](const WriteResult &r) { created = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(created && created->ok);
    // After the highest there was: version 5's deleted 3 left no trace, version 6's left its mark.
    QCOMPARE(created->id, version >= 6 ? 4 : 3);
    writer.deleteQuickReply(created->id, [&](const WriteResult &r) { removed = r; });
    writer.upsertQuickReply(reply, [&](const WriteResult &r) { recreated = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(removed && removed->ok);
    QVERIFY(recreated && recreated->ok);
    QCOMPARE(recreated->id, created->id + 1);
    // Version 8: no survey was recorded before it, so none is pending; one requested now takes a
    // rating, once. conv-1 was rated before surveys were recorded: it stays rated.
    QCOMPARE(reader.conversation(QStringLiteral("conv-2"))->surveyRequestedAt, 0);
    std::optional<WriteResult> unasked, asked, rated, again, ratedBefore;
    writer.rateConversation(QStringLiteral("conv-2"), 4, [&](const WriteResult &r) { unasked = r; });
    writer.requestSurvey(QStringLiteral("conv-2"), 1766000000000, [&](const WriteResult &r) { asked = r; });
    writer.rateConversation(QStringLiteral("conv-2"), 4, [&](const WriteResult &r) { rated = r; });
    writer.rateConversation(QStringLiteral("conv-2"), 1, [&](const WriteResult &r) { again = r; });
    writer.requestSurvey(QStringLiteral("conv-1"), 1766000000000, {});
    writer.rateConversation(QStringLiteral("conv-1"), 2, [&](const WriteResult &r) { ratedBefore = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(unasked && !unasked->ok);
    QCOMPARE(unasked->code, QStringLiteral("conflict"));
    QVERIFY2(unasked->error.contains(QLatin1String("no survey")), qPrintable(unasked->error));
    QVERIFY(asked && asked->ok);
    QVERIFY(rated && rated->ok);
    QVERIFY(again && !again->ok);
    QCOMPARE(again->code, QStringLiteral("conflict"));
    QVERIFY2(again->error.contains(QLatin1String("already rated")), qPrintable(again->error));
    QVERIFY(ratedBefore && !ratedBefore->ok);
    QCOMPARE(reader.conversation(QStringLiteral("conv-2"))->satisfaction, 4);
    QCOMPARE(reader.conversation(QStringLiteral("conv-2"))->surveyRequestedAt, 1766000000000);
    QCOMPARE(reader.conversation(QStringLiteral("conv-1"))->satisfaction, 5);
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
    // The attachment still belongs to its message: deleting the message takes it along (a rebuild
    // done with foreign keys on would have deleted it then, and one done wrong would leave it).
    QVERIFY(fk.exec(QStringLiteral("DELETE FROM messages WHERE id = 4")));
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM attachments WHERE message_id = 4")).toInt(), 0);
    // Version 3: customers' sessions, usable on the migrated data.
    QVERIFY(fk.exec(
        QStringLiteral("INSERT INTO customer_sessions (token_hash, customer_id, created_at, expires_at)"
                       " VALUES ('h', 'cust-1', 1, 2)")));
    StoreDatabase::close(db);
}

void TestStoreMigrations::migratedEqualsFresh_data()
{
    fixtureVersions();
}

void TestStoreMigrations::migratedEqualsFresh()
{
    QFETCH(int, version);
    const QString migrated = loadFixture(QStringLiteral("fixture.db"), version);
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

void TestStoreMigrations::rebuiltTablesInsertWithoutTemporaryTables()
{
    // What version 4 is for: a CHECK (x IN (...)) compiles to a temporary table built on every
    // INSERT (OpenEphemeral), and json_valid() to a function call that parses the text (PureFunc).
    const QString path = loadFixture(QStringLiteral("fixture.db"), 3);
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("plan"), &error);
    // Values are bound, as the writer binds them: constant arguments would be folded away.
    const QStringList inserts = {
        QStringLiteral("INSERT INTO messages (conversation_id, seq, sender_kind, sender_id, kind, body,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        QStringLiteral("INSERT INTO engine_events (at, type, payload) VALUES (?, ?, ?)"),
        QStringLiteral("INSERT INTO decisions (seq, at, kind, conversation_id, reason, explanation)"
                       " VALUES (?, ?, ?, ?, ?, ?)"),
        QStringLiteral("UPDATE conversations SET state = ?, agent_id = ? WHERE id = ?"),
    };
    const auto opcodes = [&](const QString &sql) {
        QStringList ops;
        QSqlQuery q(db);
        if (!q.prepare(QStringLiteral("EXPLAIN ") + sql))
            return QStringList{QStringLiteral("error: ") + q.lastError().text()};
        for (int i = 0; i < sql.count(QLatin1Char('?')); ++i)
            q.addBindValue(QStringLiteral("x"));
        if (!q.exec())
            return QStringList{QStringLiteral("error: ") + q.lastError().text()};
        while (q.next())
            ops << q.value(1).toString();
        return ops;
    };
    for (const QString &sql : inserts) {
        const QStringList before = opcodes(sql);
        QVERIFY2(before.contains(QLatin1String("OpenEphemeral")) ||
                     before.contains(QLatin1String("PureFunc")),
                 qPrintable(sql)); // the test would prove nothing if version 3 were already cheap
    }
    QVERIFY2(SchemaMigrator().migrate(db, &error), qPrintable(error));
    for (const QString &sql : inserts) {
        const QStringList after = opcodes(sql);
        QVERIFY2(!after.isEmpty() && !after.first().contains(QLatin1String("error")), qPrintable(sql));
        QVERIFY2(!after.contains(QLatin1String("OpenEphemeral")), qPrintable(sql));
        QVERIFY2(!after.contains(QLatin1String("PureFunc")) && !after.contains(QLatin1String("Function")),
                 qPrintable(sql));
    }
    StoreDatabase::close(db);
}

void TestStoreMigrations::numberedInsertsLeaveSqliteSequenceAlone()
{
    // What version 7 is for: with AUTOINCREMENT every INSERT into messages or engine_events read
    // and rewrote the table's row of sqlite_sequence (MemMax keeps the high-water mark).
    const QString path = loadFixture(QStringLiteral("fixture.db"), 6);
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("plan"), &error);
    // As the writer writes them, with their ids.
    const QStringList inserts = {
        QStringLiteral("INSERT INTO messages (id, conversation_id, seq, sender_kind, sender_id, kind, body,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        QStringLiteral("INSERT INTO engine_events (id, at, type, payload) VALUES (?, ?, ?, ?)"),
    };
    const auto opcodes = [&](const QString &sql) {
        QStringList ops;
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("EXPLAIN ") + QString(sql).replace(QLatin1Char('?'), QLatin1String("1"))))
            return QStringList{QStringLiteral("error: ") + q.lastError().text()};
        while (q.next())
            ops << q.value(1).toString();
        return ops;
    };
    for (const QString &sql : inserts)
        QVERIFY2(opcodes(sql).contains(QLatin1String("MemMax")), qPrintable(sql));
    QVERIFY2(SchemaMigrator().migrate(db, &error), qPrintable(error));
    for (const QString &sql : inserts) {
        const QStringList after = opcodes(sql);
        QVERIFY2(after.contains(QLatin1String("Insert")), qPrintable(after.join(QLatin1Char(' '))));
        QVERIFY2(!after.contains(QLatin1String("MemMax")), qPrintable(sql));
    }
    StoreDatabase::close(db);
}

void TestStoreMigrations::rebuiltTablesKeepTheirChecks()
{
    // The enumerations are still refused by the database itself, as comparisons now.
    const QString path = m_dir->filePath(QStringLiteral("checks.db"));
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("checks"), &error);
    QVERIFY2(SchemaMigrator().migrate(db, &error), qPrintable(error));
    QVERIFY(StoreDatabase::exec(db, QStringLiteral("INSERT INTO customers (id, created_at) VALUES ('c', 1)"),
                                &error));
    QVERIFY(StoreDatabase::exec(db,
                                QStringLiteral("INSERT INTO conversations (id, customer_id, channel, state,"
                                               " created_at) VALUES ('v', 'c', 'web', 'queued', 1)"),
                                &error));
    const struct
    {
        const char *sql;
        const char *refusal;
    } refused[] = {
        {"INSERT INTO conversations (id, customer_id, channel, state, created_at)"
         " VALUES ('w', 'c', 'web', 'waiting', 1)",
         "CHECK"},
        {"UPDATE conversations SET state = 'closed' WHERE id = 'v'", "CHECK"},
        {"UPDATE conversations SET satisfaction = 6 WHERE id = 'v'", "CHECK"},
        {"INSERT INTO messages (conversation_id, seq, sender_kind, kind, created_at)"
         " VALUES ('v', 1, 'robot', 'text', 1)",
         "CHECK"},
        {"INSERT INTO messages (conversation_id, seq, sender_kind, kind, created_at)"
         " VALUES ('v', 1, 'agent', 'video', 1)",
         "CHECK"},
        {"INSERT INTO messages (conversation_id, seq, sender_kind, kind, created_at)"
         " VALUES ('v', 0, 'agent', 'text', 1)",
         "CHECK"},
        {"INSERT INTO messages (conversation_id, seq, sender_kind, kind, created_at)"
         " VALUES ('nowhere', 1, 'agent', 'text', 1)",
         "FOREIGN KEY"},
        {"INSERT INTO engine_events (at, type, payload) VALUES (1, '', '{}')", "CHECK"},
    };
    for (const auto &r : refused) {
        QVERIFY2(!StoreDatabase::exec(db, QString::fromUtf8(r.sql), &error), r.sql);
        QVERIFY2(error.contains(QLatin1String(r.refusal)), qPrintable(error));
    }
    QVERIFY(
        StoreDatabase::exec(db,
                            QStringLiteral("INSERT INTO messages (conversation_id, seq, sender_kind, kind,"
                                           " created_at) VALUES ('v', 1, 'system', 'note', 1)"),
                            &error));
    StoreDatabase::close(db);
}

void TestStoreMigrations::rebuildRefusesDanglingReferences()
{
    // A version 3 store with a message whose conversation is gone (only possible by hand, with
    // foreign keys off): the rebuild would carry the broken reference over unseen, so it refuses.
    const QString path = loadFixture(QStringLiteral("fixture.db"), 3);
    QString error;
    QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("dangling"), &error);
    QVERIFY(StoreDatabase::exec(db, QStringLiteral("PRAGMA foreign_keys = OFF"), &error));
    QVERIFY(
        StoreDatabase::exec(db,
                            QStringLiteral("INSERT INTO messages (conversation_id, seq, sender_kind, kind,"
                                           " created_at) VALUES ('conv-gone', 1, 'agent', 'text', 1)"),
                            &error));
    QVERIFY(StoreDatabase::exec(db, QStringLiteral("PRAGMA foreign_keys = ON"), &error));
    const QStringList before = contentsOf(db);
    QVERIFY(!SchemaMigrator().migrate(db, &error));
    QVERIFY2(error.contains(QLatin1String("version 4")) && error.contains(QLatin1String("messages")),
             qPrintable(error));
    QCOMPARE(SchemaMigrator::currentVersion(db, &error), 3);
    QCOMPARE(contentsOf(db), before);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    QVERIFY(scalar(db, QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'messages'"))
                .toString()
                .contains(QLatin1String("IN ('customer'")));
    StoreDatabase::close(db);
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
    writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}, {}},
                             [&](const WriteResult &r) { refused = r; });
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
