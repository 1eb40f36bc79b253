// The writer's mechanics: acknowledgement only after commit and on the caller's thread, group
// commit (many writes, few transactions), a failing write that does not poison its batch, clean
// shutdown, refusal after close or a failed start, a database locked by someone else, and message
// numbers that stay gapless when a batch or a savepoint is rolled back, and conversations' groups
// (rewritten only when they change) that stay right when a batch or a write is rolled back.
#include "sqlstatement.h"
#include "storedatabase.h"
#include "storereader.h"
#include "storewriter.h"
#include "writertestdata.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace sb;

using test::seed;
using test::textMessage;

class TestStoreWriter : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void acknowledgedAfterCommitOnCallerThread();
    void deliverReadyAnswersWithoutTheEventLoop();
    void batchCapAndCounters();
    void groupCommitUnderConcurrentLoad();
    void failingWriteDoesNotPoisonBatch();
    void closeCommitsEverything();
    void refusedAfterClose();
    void startFailureFailsQueuedWrites();
    void startOnlyOnce();
    void lockedDatabase();
    void rolledBackWritesLeaveNoNumbers();
    void idsNeverGivenTwice();
    void conversationGroupsAfterRollbacks();
    void statementsThroughTheExpectedApi();
    void textOfEveryKindReadsBackAsWritten();
    void engineSnapshotsCoverTheJournalBeforeThem();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("store.db")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStoreWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStoreWriter::acknowledgedAfterCommitOnCallerThread()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    seed(writer, QStringLiteral("t1"));
    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));

    int acknowledged = 0;
    for (int i = 0; i < 200; ++i) {
        writer.appendMessage(
            textMessage(QStringLiteral("t1"), QString::number(i)), [&](const WriteResult &r) {
                QVERIFY2(r.ok, qPrintable(r.error));
                QCOMPARE(QThread::currentThread(), thread());
                // Another connection already sees the row: the commit came before this call.
                const QList<Message> seen = reader.messagesAfter(QStringLiteral("t1"), r.seq - 1, 1);
                QCOMPARE(seen.size(), 1);
                QCOMPARE(seen[0].id, r.id);
                ++acknowledged;
            });
    }
    QCOMPARE(acknowledged, 0); // never synchronously, always through the event loop
    QTRY_COMPARE(acknowledged, 200);
}

// A service busy reading a burst of frames reaches posted events only after the burst: between two
// frames it asks for the completions of what has committed, and they run there and then.
void TestStoreWriter::deliverReadyAnswersWithoutTheEventLoop()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    seed(writer, QStringLiteral("t1"));
    int acknowledged = 0;
    for (int i = 0; i < 50; ++i)
        writer.appendMessage(textMessage(QStringLiteral("t1"), QString::number(i)),
                             [&](const WriteResult &r) { acknowledged += r.ok ? 1 : 0; });
    writer.deliverReady(); // nothing committed yet, or some: never more than has committed
    QElapsedTimer timer;
    timer.start();
    while (acknowledged < 50 && timer.elapsed() < 10000) {
        QThread::msleep(1); // no event loop here: only deliverReady() can run the completions
        writer.deliverReady();
    }
    QCOMPARE(acknowledged, 50);
}

void TestStoreWriter::batchCapAndCounters()
{
    StoreWriter::Options options;
    options.batchCap = 100;
    StoreWriter writer(path(), options);
    // Writes submitted before start() wait for it: 1000 queued writes at a cap of 100 go in exactly
    // ten transactions.
    seed(writer, QStringLiteral("t1"));
    int ok = 0;
    for (int i = 0; i < 998; ++i)
        writer.appendMessage(textMessage(QStringLiteral("t1"), QString::number(i)),
                             [&](const WriteResult &r) { ok += r.ok ? 1 : 0; });
    QVERIFY(!writer.flush(100)); // not started: nothing can commit
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(writer.flush(10000));
    QCOMPARE(ok, 998);
    const StoreWriter::Stats stats = writer.stats();
    QCOMPARE(stats.operations, 1000u);
    QCOMPARE(stats.transactions, 10u);
    QCOMPARE(stats.largestBatch, 100);
    QCOMPARE(stats.failed, 0u);
}

void TestStoreWriter::groupCommitUnderConcurrentLoad()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    seed(writer, QStringLiteral("t1"));
    QVERIFY(writer.flush(10000));
    const StoreWriter::Stats before = writer.stats();

    // Four producer threads; completions still arrive on this thread.
    constexpr int Threads = 4, PerThread = 1000;
    QList<qint64> seqs;
    bool wrongThread = false;
    QThread *self = QThread::currentThread();
    std::vector<std::unique_ptr<QThread>> producers;
    for (int t = 0; t < Threads; ++t) {
        producers.emplace_back(QThread::create([&writer, &seqs, &wrongThread, self, t] {
            for (int i = 0; i < PerThread; ++i)
                writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("%1/%2").arg(t).arg(i)),
                                     [&seqs, &wrongThread, self](const WriteResult &r) {
                                         wrongThread |= QThread::currentThread() != self;
                                         if (r.ok)
                                             seqs.append(r.seq);
                                     });
        }));
        producers.back()->start();
    }
    for (auto &p : producers)
        QVERIFY(p->wait(30000));
    QVERIFY(writer.flush(30000));
    QVERIFY(!wrongThread);
    QCOMPARE(seqs.size(), Threads * PerThread);
    std::sort(seqs.begin(), seqs.end());
    for (int i = 0; i < seqs.size(); ++i)
        QCOMPARE(seqs[i], i + 1);
    const StoreWriter::Stats after = writer.stats();
    const quint64 transactions = after.transactions - before.transactions;
    qInfo("%d writes from %d threads in %llu transactions (largest batch %d)", Threads * PerThread, Threads,
          transactions, after.largestBatch);
    QCOMPARE(after.operations - before.operations, quint64(Threads * PerThread));
    QVERIFY(transactions < quint64(Threads * PerThread));
}

void TestStoreWriter::failingWriteDoesNotPoisonBatch()
{
    StoreWriter writer(path());
    seed(writer, QStringLiteral("t1"));
    DecisionRecord decision;
    decision.seq = 1;
    decision.kind = QStringLiteral("assigned");
    decision.reason = QStringLiteral("least-load");
    decision.conversationId = QStringLiteral("t1");
    QStringList outcomes;
    auto record = [&outcomes](const QString &name) {
        return [&outcomes, name](const WriteResult &r) {
            outcomes << name + QLatin1Char(' ') + (r.ok ? QStringLiteral("ok %1").arg(r.seq) : r.code);
        };
    };
    // All queued before start, so they share one transaction.
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("first")), record("m1"));
    writer.appendMessage(textMessage(QStringLiteral("ghost"), QStringLiteral("stray")), record("stray"));
    writer.appendDecision(decision, record("d1"));
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("second")), record("m2"));
    writer.appendDecision(decision, record("d1-again"));
    Message image = textMessage(QStringLiteral("t1"), QString());
    image.kind = MessageKind::Image; // without its attachment
    writer.appendMessage(image, record("image"));
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("third")), record("m3"));
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(writer.flush(10000));
    QCOMPARE(outcomes, (QStringList{"m1 ok 1", "stray not-found", "d1 ok 1", "m2 ok 2", "d1-again conflict",
                                    "image invalid", "m3 ok 3"}));
    QCOMPARE(writer.stats().transactions, 1u);
    QCOMPARE(writer.stats().failed, 3u);

    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    const QList<Message> history = reader.history(QStringLiteral("t1"));
    QCOMPARE(history.size(), 3);
    QCOMPARE(history[0].body, QStringLiteral("first"));
    QCOMPARE(history[1].body, QStringLiteral("second"));
    QCOMPARE(history[2].body, QStringLiteral("third"));
    QCOMPARE(reader.decisionsFor(QStringLiteral("t1")).size(), 1);
    QVERIFY(reader.history(QStringLiteral("ghost")).isEmpty());
}

void TestStoreWriter::closeCommitsEverything()
{
    int acknowledged = 0;
    {
        StoreWriter writer(path());
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        seed(writer, QStringLiteral("t1"));
        for (int i = 0; i < 3000; ++i)
            writer.appendMessage(textMessage(QStringLiteral("t1"), QString::number(i)),
                                 [&](const WriteResult &r) { acknowledged += r.ok ? 1 : 0; });
        writer.close();
        // Every completion ran before close() returned.
        QCOMPARE(acknowledged, 3000);
        QVERIFY(!writer.isRunning());
    }
    StoreReader reader;
    QString error;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    QCOMPARE(reader.messagesAfter(QStringLiteral("t1"), 0, 10000).size(), 3000);
}

void TestStoreWriter::refusedAfterClose()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.close();
    std::optional<WriteResult> result;
    writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}, {}},
                             [&](const WriteResult &r) { result = r; });
    QVERIFY(!result); // not from inside the call
    QTRY_VERIFY(result.has_value());
    QVERIFY(!result->ok);
    QCOMPARE(result->code, QStringLiteral("closed"));
}

void TestStoreWriter::startFailureFailsQueuedWrites()
{
    StoreWriter writer(m_dir->filePath(QStringLiteral("no/such/dir/store.db")));
    std::optional<WriteResult> queued;
    writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}, {}},
                             [&](const WriteResult &r) { queued = r; });
    QString error;
    QVERIFY(!writer.start(&error));
    QVERIFY2(error.contains(QLatin1String("cannot open")), qPrintable(error));
    QTRY_VERIFY(queued.has_value());
    QVERIFY(!queued->ok);
    QCOMPARE(queued->code, QStringLiteral("io"));
    QVERIFY2(queued->error.contains(QLatin1String("not open")), qPrintable(queued->error));
    std::optional<WriteResult> later;
    writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}, {}},
                             [&](const WriteResult &r) { later = r; });
    QTRY_VERIFY(later.has_value());
    QCOMPARE(later->code, QStringLiteral("closed"));
}

void TestStoreWriter::startOnlyOnce()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(!writer.start(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(writer.isRunning());
}

void TestStoreWriter::lockedDatabase()
{
    StoreWriter::Options options;
    options.busyTimeoutMs = 200;
    StoreWriter writer(path(), options);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.appendEngineEvent({0, 1, QStringLiteral("first"), {}, {}});
    QVERIFY(writer.flush(10000));
    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));

    // Someone else (another process) holds the write lock with an uncommitted write.
    QSqlDatabase other = StoreDatabase::open(path(), QStringLiteral("other"), &error);
    QVERIFY2(other.isValid(), qPrintable(error));
    QVERIFY(StoreDatabase::exec(other, QStringLiteral("BEGIN IMMEDIATE"), &error));
    QVERIFY(StoreDatabase::exec(
        other, QStringLiteral("INSERT INTO engine_events (at, type, payload) VALUES (2, 'hidden', '{}')"),
        &error));

    // WAL: readers neither wait for the lock nor see the uncommitted row.
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(reader.engineEventsSince(0).size(), 1);
    QVERIFY(timer.elapsed() < 150);

    std::optional<WriteResult> blocked;
    writer.appendEngineEvent({0, 3, QStringLiteral("blocked"), {}, {}},
                             [&](const WriteResult &r) { blocked = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY(blocked && !blocked->ok);
    QCOMPARE(blocked->code, QStringLiteral("io"));
    QVERIFY2(blocked->error.contains(QLatin1String("locked")), qPrintable(blocked->error));

    QVERIFY(StoreDatabase::exec(other, QStringLiteral("ROLLBACK"), &error));
    StoreDatabase::close(other);
    std::optional<WriteResult> after;
    writer.appendEngineEvent({0, 4, QStringLiteral("after"), {}, {}},
                             [&](const WriteResult &r) { after = r; });
    QVERIFY(writer.flush(10000));
    QVERIFY2(after && after->ok, qPrintable(after ? after->error : QString()));
    const QList<EngineEvent> events = reader.engineEventsSince(0);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[1].type, QStringLiteral("after"));
}

void TestStoreWriter::rolledBackWritesLeaveNoNumbers()
{
    // The writer numbers messages from a cache, not in the INSERT: numbers taken by writes that
    // were rolled back (the whole batch, or one write's savepoint) must be given again.
    QString error;
    {
        StoreWriter writer(path());
        QVERIFY2(writer.start(&error), qPrintable(error));
        seed(writer, QStringLiteral("t1"));
        seed(writer, QStringLiteral("t2"));
        writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("one")));
        QVERIFY(writer.flush(10000));
    }
    {
        // Failures on demand: a message statement that aborts, and an attachment that does.
        QSqlDatabase other = StoreDatabase::open(path(), QStringLiteral("triggers"), &error);
        QVERIFY2(other.isValid(), qPrintable(error));
        QVERIFY2(StoreDatabase::exec(other,
                                     QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON messages"
                                                    " WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, "
                                                    "'poisoned'); END"),
                                     &error),
                 qPrintable(error));
        QVERIFY2(StoreDatabase::exec(other,
                                     QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON attachments"
                                                    " WHEN NEW.name = 'refused' BEGIN SELECT RAISE(ABORT, "
                                                    "'refused'); END"),
                                     &error),
                 qPrintable(error));
        StoreDatabase::close(other);
    }
    StoreWriter writer(path());
    QList<WriteResult> results;
    auto record = [&results](const WriteResult &r) { results << r; };
    // One batch (queued before start): "two" takes number 2 of t1, then the poisoned write ends the
    // transaction (an io failure), so nothing of the batch is stored.
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("two")), record);
    writer.appendMessage(textMessage(QStringLiteral("t2"), QStringLiteral("poison")), record);
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), 2);
    QVERIFY(!results[0].ok);
    QVERIFY(!results[1].ok);
    QCOMPARE(results[1].code, QStringLiteral("io"));
    QCOMPARE(writer.stats().transactions, 1u);

    results.clear();
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("three")), record);
    writer.appendMessage(textMessage(QStringLiteral("t2"), QStringLiteral("first")), record);
    // An image whose attachment is refused: its savepoint undoes the message too.
    Message image = textMessage(QStringLiteral("t1"), QString());
    image.kind = MessageKind::Image;
    image.attachment = Attachment{QStringLiteral("refused"), QStringLiteral("image/png"), 3, "png", {}};
    writer.appendMessage(image, record);
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("four")), record);
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), 4);
    QVERIFY2(results[0].ok, qPrintable(results[0].error));
    QCOMPARE(results[0].seq, 2);
    QVERIFY2(results[1].ok, qPrintable(results[1].error));
    QCOMPARE(results[1].seq, 1);
    QVERIFY(!results[2].ok);
    QVERIFY2(results[2].error.contains(QLatin1String("refused")), qPrintable(results[2].error));
    QVERIFY2(results[3].ok, qPrintable(results[3].error));
    QCOMPARE(results[3].seq, 3);
    // Ids only grow, whatever was rolled back.
    QVERIFY(results[0].id < results[1].id);
    QVERIFY(results[1].id < results[3].id);

    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    const QList<Message> t1 = reader.history(QStringLiteral("t1"));
    QCOMPARE(t1.size(), 3);
    for (int i = 0; i < t1.size(); ++i) {
        QCOMPARE(t1[i].seq, qint64(i + 1));
        QCOMPARE(t1[i].body, (QStringList{"one", "three", "four"}[i]));
    }
    QCOMPARE(t1[1].id, results[0].id);
    QCOMPARE(t1[2].id, results[3].id);
    const QList<Message> t2 = reader.history(QStringLiteral("t2"));
    QCOMPARE(t2.size(), 1);
    QCOMPARE(t2[0].seq, 1);
    QCOMPARE(t2[0].id, results[1].id);
}

void TestStoreWriter::idsNeverGivenTwice()
{
    // Message and journal ids are given by the writer (schema version 7), which records the
    // highest given in id_marks once per transaction. A row deleted by hand while the coordinator
    // is stopped, even the newest, keeps its id from the next row; a rolled-back batch leaves a gap.
    QString error;
    QList<WriteResult> results;
    auto record = [&results](const WriteResult &r) { results << r; };
    {
        StoreWriter writer(path());
        QVERIFY2(writer.start(&error), qPrintable(error));
        seed(writer, QStringLiteral("t1"));
        for (const char *body : {"a", "b", "c"})
            writer.appendMessage(textMessage(QStringLiteral("t1"), QString::fromLatin1(body)), record);
        writer.appendEngineEvent({0, 1, QStringLiteral("tick"), {}, {}}, record);
        writer.appendEngineEvent({0, 2, QStringLiteral("tick"), {}, {}}, record);
        QVERIFY(writer.flush(10000));
    }
    QCOMPARE(results.size(), 5);
    for (const WriteResult &r : std::as_const(results))
        QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(results[0].id, 1);
    QCOMPARE(results[2].id, 3);
    QCOMPARE(results[4].id, 2);
    {
        QSqlDatabase db = StoreDatabase::open(path(), QStringLiteral("erase"), &error);
        QVERIFY2(db.isValid(), qPrintable(error));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT name, last_id FROM id_marks ORDER BY name")));
        QStringList marks;
        while (q.next())
            marks << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
        QCOMPARE(marks, (QStringList{"engine_events=2", "messages=3"}));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_sequence WHERE name IN "
                                      "('messages', 'engine_events')")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0); // no AUTOINCREMENT row to rewrite per insert
        QVERIFY(q.exec(QStringLiteral("DELETE FROM messages WHERE id = 3")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM engine_events WHERE id = 2")));
        // A poisoned message, to roll a batch back below.
        QVERIFY(
            q.exec(QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON messages"
                                  " WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")));
        q.finish();
        StoreDatabase::close(db);
    }
    results.clear();
    StoreWriter writer(path());
    // One batch (queued before start) that the poisoned message rolls back whole.
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("lost")), record);
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("poison")), record);
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), 2);
    QVERIFY(!results[0].ok && !results[1].ok);
    results.clear();
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("d")), record);
    writer.appendEngineEvent({0, 3, QStringLiteral("tick"), {}, {}}, record);
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), 2);
    QVERIFY2(results[0].ok, qPrintable(results[0].error));
    QCOMPARE(results[0].id, 5); // not 3 (deleted), nor 4 (given to the rolled-back "lost")
    QCOMPARE(results[0].seq, 3);
    QVERIFY2(results[1].ok, qPrintable(results[1].error));
    QCOMPARE(results[1].id, 3); // not 2 (deleted)
}

void TestStoreWriter::conversationGroupsAfterRollbacks()
{
    // The writer remembers each conversation's groups and writes them only when they change: what
    // it remembers must be what the store has, whatever was rolled back.
    QString error;
    Conversation c;
    c.id = QStringLiteral("t1");
    c.customerId = QStringLiteral("cust");
    c.channel = QStringLiteral("web");
    c.createdAt = 1;
    c.groups = QStringList{"a"};
    const auto groups = [this] {
        StoreReader reader;
        QString why;
        if (!reader.open(path(), &why))
            return QStringList{why};
        const auto row = reader.conversation(QStringLiteral("t1"));
        return row ? row->groups : QStringList{QStringLiteral("no row")};
    };
    {
        StoreWriter writer(path());
        QVERIFY2(writer.start(&error), qPrintable(error));
        seed(writer, QStringLiteral("t1"));
        writer.upsertAccount({QStringLiteral("alice"),
                              QStringLiteral("alice"),
                              QStringLiteral("Alice"),
                              Role::Agent,
                              {},
                              QStringLiteral("h"),
                              1,
                              false});
        writer.upsertConversation(c);
        QVERIFY(writer.flush(10000));
    }
    QCOMPARE(groups(), QStringList{"a"});
    {
        QSqlDatabase other = StoreDatabase::open(path(), QStringLiteral("triggers"), &error);
        QVERIFY2(other.isValid(), qPrintable(error));
        QVERIFY2(StoreDatabase::exec(other,
                                     QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON messages"
                                                    " WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, "
                                                    "'poisoned'); END"),
                                     &error),
                 qPrintable(error));
        QVERIFY2(
            StoreDatabase::exec(other,
                                QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON conversation_groups"
                                               " WHEN NEW.group_id = 'refused' BEGIN SELECT RAISE(ABORT, "
                                               "'refused'); END"),
                                &error),
            qPrintable(error));
        StoreDatabase::close(other);
    }
    StoreWriter writer(path());
    QList<WriteResult> results;
    auto record = [&results](const WriteResult &r) { results << r; };
    // One batch (queued before start): the groups become "b", then the poisoned message ends the
    // transaction, so the store keeps "a".
    c.groups = QStringList{"b"};
    writer.upsertConversation(c, record);
    writer.appendMessage(textMessage(QStringLiteral("t1"), QStringLiteral("poison")), record);
    QVERIFY2(writer.start(&error), qPrintable(error));
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), 2);
    QVERIFY(!results[0].ok);
    QCOMPARE(results[1].code, QStringLiteral("io"));
    QCOMPARE(groups(), QStringList{"a"});

    // The same upsert again must write "b", though this writer wrote it once already.
    results.clear();
    writer.upsertConversation(c, record);
    QVERIFY(writer.flush(10000));
    QVERIFY2(results.value(0).ok, qPrintable(results.value(0).error));
    QCOMPARE(groups(), QStringList{"b"});

    // A groups write that fails undoes the row with it (the write's own savepoint) and nothing else
    // of its batch, and the writer does not take the refused groups for the stored ones. Queued
    // before start, so that the three writes share one transaction.
    writer.close();
    StoreWriter third(path());
    results.clear();
    Conversation assigned = c;
    assigned.state = ConversationState::Assigned;
    assigned.agentId = QStringLiteral("alice");
    assigned.groups = QStringList{"b", "refused"};
    third.upsertConversation(assigned, record);
    // A refused reference (an agent nobody knows), then a good write after both.
    Conversation ghost = assigned;
    ghost.agentId = QStringLiteral("ghost");
    ghost.groups = QStringList{"c"};
    third.upsertConversation(ghost, record);
    Conversation last = c;
    last.groups = QStringList{"b", "c"};
    third.upsertConversation(last, record);
    QVERIFY2(third.start(&error), qPrintable(error));
    QVERIFY(third.flush(10000));
    QCOMPARE(third.stats().transactions, 1u);
    QCOMPARE(results.size(), 3);
    QVERIFY(!results[0].ok);
    QVERIFY2(results[0].error.contains(QLatin1String("refused")), qPrintable(results[0].error));
    QVERIFY2(results[1].code == QLatin1String("not-found"), qPrintable(results[1].code + results[1].error));
    QVERIFY2(results[1].error.contains(QLatin1String("unknown agent \"ghost\"")),
             qPrintable(results[1].error));
    QVERIFY2(results[2].ok, qPrintable(results[2].error));
    QCOMPARE(groups(), (QStringList{"b", "c"}));
    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    QCOMPARE(toString(reader.conversation(QStringLiteral("t1"))->state), toString(ConversationState::Queued));
    QVERIFY(reader.conversation(QStringLiteral("t1"))->agentId.isEmpty());

    // And back to what an earlier, rolled-back write had: written, not skipped.
    results.clear();
    third.upsertConversation(c, record);
    QVERIFY(third.flush(10000));
    QVERIFY(results.value(0).ok);
    QCOMPARE(groups(), QStringList{"b"});
}

void TestStoreWriter::statementsThroughTheExpectedApi()
{
    // This file runs twice: against the store built with SQLite's API (the writer's statements go
    // straight to SQLite) and against the one built without (tst_storewriter_qtsql, QSqlQuery).
    QString error;
    QSqlDatabase db = StoreDatabase::open(path(), QStringLiteral("api"), &error);
    QVERIFY2(db.isValid(), qPrintable(error));
#if defined(SB_HAVE_SQLITE3)
    QVERIFY(SqlStatement::isNative(db));
#else
    QVERIFY(!SqlStatement::isNative(db));
#endif
    StoreDatabase::close(db);
}

// Text is bound in UTF-8 (the database's encoding) through a buffer each parameter reuses: a long
// text then a short one, characters outside the BMP, embedded NULs and empty strings must all read
// back exactly, and an empty text stays '' (not NULL).
void TestStoreWriter::textOfEveryKindReadsBackAsWritten()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    seed(writer, QStringLiteral("t1"));
    const QStringList bodies = {
        QString(5000, QLatin1Char('x')),
        QStringLiteral("short"),
        QStringLiteral("你好，我想問中學英文課程"),
        QString::fromUtf8("emoji \xF0\x9F\x98\x80 and \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"),
        QStringLiteral("quote \" backslash \\ tab \t newline \n"),
        QString::fromUtf16(u"nul\u0000inside", 10),
        QString(),
        QStringLiteral("after the empty one"),
    };
    int done = 0;
    for (const QString &body : bodies)
        writer.appendMessage(textMessage(QStringLiteral("t1"), body), [&](const WriteResult &r) {
            QVERIFY2(r.ok, qPrintable(r.error));
            ++done;
        });
    QVERIFY(writer.flush(10000));
    QCOMPARE(done, int(bodies.size()));
    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    const QList<Message> stored = reader.messagesAfter(QStringLiteral("t1"), 0, 100);
    QCOMPARE(stored.size(), bodies.size());
    for (int i = 0; i < bodies.size(); ++i) {
        QCOMPARE(stored[i].body, bodies[i].isNull() ? QStringLiteral("") : bodies[i]);
        QVERIFY(!stored[i].body.isNull());
        QCOMPARE(stored[i].conversationId, QStringLiteral("t1"));
    }
}

void TestStoreWriter::engineSnapshotsCoverTheJournalBeforeThem()
{
    StoreWriter writer(path());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    // Submitted back to back (most share a batch): each snapshot covers exactly the journal rows
    // submitted before it, whatever batches they end up in.
    std::vector<WriteResult> results;
    const auto keep = [&](const WriteResult &r) { results.push_back(r); };
    const auto event = [&](int n) {
        writer.appendEngineEvent({0, 1000 + n, QStringLiteral("tick"), {{QStringLiteral("n"), n}}, {}});
    };
    const auto snapshot = [&](const char *state) {
        writer.saveEngineSnapshot({999, 2000, 1, QByteArray(state)}, keep); // 999: the writer decides
    };
    snapshot("empty journal");
    for (int n = 1; n <= 3; ++n)
        event(n);
    snapshot("after 3");
    event(4);
    event(5);
    snapshot("after 5");
    snapshot("after 5, again");
    event(6);
    snapshot("after 6");
    writer.saveEngineSnapshot({0, 2000, 1, QByteArray()}, keep);
    QVERIFY(writer.flush(10000));
    QCOMPARE(results.size(), std::size_t(6));
    const qint64 covered[] = {0, 3, 5, 5, 6};
    for (int i = 0; i < 5; ++i) {
        QVERIFY2(results[std::size_t(i)].ok, qPrintable(results[std::size_t(i)].error));
        QCOMPARE(results[std::size_t(i)].id, covered[i]);
    }
    QVERIFY(!results[5].ok);
    QCOMPARE(results[5].code, QStringLiteral("invalid"));

    StoreReader reader;
    QVERIFY2(reader.open(path(), &error), qPrintable(error));
    const auto newest = reader.latestEngineSnapshot();
    QVERIFY(newest);
    QCOMPARE(newest->journalId, 6);
    QCOMPARE(newest->state, QByteArray("after 6"));
    QCOMPARE(newest->at, 2000);
    QCOMPARE(newest->format, 1);
    // The one before it (a second snapshot at the same row replaced the first); no older ones kept.
    const auto previous = reader.latestEngineSnapshot(newest->journalId);
    QVERIFY(previous);
    QCOMPARE(previous->journalId, 5);
    QCOMPARE(previous->state, QByteArray("after 5, again"));
    QVERIFY(!reader.latestEngineSnapshot(previous->journalId));
    QVERIFY(reader.lastError().isEmpty());
    // The journal is never cut.
    QCOMPARE(reader.engineEventsSince(0).size(), 6);
    QCOMPARE(reader.engineEventsSince(newest->journalId).size(), 0);
}

QTEST_GUILESS_MAIN(TestStoreWriter)
#include "tst_storewriter.moc"
