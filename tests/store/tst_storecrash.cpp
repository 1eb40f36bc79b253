// Durability before acknowledgement: a child process (this binary, re-run with --writer-child)
// writes through StoreWriter under load and prints every write it has been told is committed; the
// test kills it with SIGKILL mid-load, reopens the database, and checks that every acknowledged row
// is there, intact, and that the database passes SQLite's integrity check. Three rounds run on the
// same file, so each child also starts on a database whose last writer was killed.
#include "storedatabase.h"
#include "storewriter.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace sb;

namespace {
const char kChildFlag[] = "--writer-child";
constexpr int Conversations = 4;
constexpr int InFlight = 3000;

QString bodyFor(int round, int n)
{
    return QStringLiteral("round %1 message %2 已收到 ✓").arg(round).arg(n);
}
QString conversationFor(int round, int n)
{
    return QStringLiteral("r%1-c%2").arg(round).arg(n % Conversations);
}

// ---- the child: write forever, print what was acknowledged ----

class CrashChild : public QObject
{
public:
    CrashChild(const QString &path, int round) : m_writer(path), m_round(round) {}

    int run()
    {
        QString error;
        if (!m_writer.start(&error)) {
            fprintf(stderr, "child: %s\n", qPrintable(error));
            return 2;
        }
        m_writer.upsertCustomer({QStringLiteral("cust"), QStringLiteral("Li"), {}, false, {}, {}, {}, 1});
        for (int k = 0; k < Conversations; ++k) {
            Conversation c;
            c.id = conversationFor(m_round, k);
            c.customerId = QStringLiteral("cust");
            c.channel = QStringLiteral("web");
            c.createdAt = 1;
            m_writer.upsertConversation(c);
        }
        for (int i = 0; i < InFlight; ++i)
            submitNext();
        return QCoreApplication::exec();
    }

private:
    void print(const QByteArray &line)
    {
#ifdef Q_OS_UNIX
        // Unbuffered: once written, the parent has it, whatever happens to this process next.
        const char *p = line.constData();
        qsizetype left = line.size();
        while (left > 0) {
            const ssize_t n = ::write(STDOUT_FILENO, p, size_t(left));
            if (n <= 0)
                ::_exit(3);
            p += n;
            left -= n;
        }
#endif
    }

    void submitNext()
    {
        const int n = m_next++;
        switch (n % 10) {
        case 0: {
            m_writer.appendEngineEvent({0, n, QStringLiteral("customer-message"), QJsonObject{{"n", n}}, {}},
                                       [this, n](const WriteResult &r) {
                                           if (r.ok)
                                               print(QStringLiteral("E\t%1\t%2\n").arg(r.id).arg(n).toUtf8());
                                           submitNext();
                                       });
            break;
        }
        case 5: {
            DecisionRecord d;
            d.at = n;
            d.kind = QStringLiteral("assigned");
            d.reason = QStringLiteral("least-load");
            d.conversationId = conversationFor(m_round, n);
            d.agentId = QStringLiteral("alice");
            m_writer.appendDecision(d, [this, n](const WriteResult &r) {
                if (r.ok)
                    print(QStringLiteral("D\t%1\t%2\n").arg(r.seq).arg(n).toUtf8());
                submitNext();
            });
            break;
        }
        default: {
            Message m;
            m.conversationId = conversationFor(m_round, n);
            m.senderId = QStringLiteral("cust");
            m.body = bodyFor(m_round, n);
            m.createdAt = n;
            m_writer.appendMessage(m, [this, n](const WriteResult &r) {
                if (r.ok)
                    print(QStringLiteral("M\t%1\t%2\t%3\n").arg(r.id).arg(r.seq).arg(n).toUtf8());
                submitNext();
            });
        }
        }
    }

    StoreWriter m_writer;
    int m_round;
    int m_next = 0;
};

struct Acknowledged
{
    struct Msg
    {
        qint64 id, seq;
        int n;
    };
    QList<Msg> messages;
    QList<QPair<qint64, int>> events;    // id, n
    QList<QPair<qint64, int>> decisions; // seq, n
};

// Complete lines only: a line cut short by the kill was never fully acknowledged.
Acknowledged parse(const QByteArray &output)
{
    Acknowledged a;
    const int end = output.lastIndexOf('\n');
    const QList<QByteArray> lines = output.left(end + 1).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.split('\t');
        if (f.value(0) == "M" && f.size() == 4)
            a.messages.append({f[1].toLongLong(), f[2].toLongLong(), f[3].toInt()});
        else if (f.value(0) == "E" && f.size() == 3)
            a.events.append({f[1].toLongLong(), f[2].toInt()});
        else if (f.value(0) == "D" && f.size() == 3)
            a.decisions.append({f[1].toLongLong(), f[2].toInt()});
    }
    return a;
}
} // namespace

class TestStoreCrash : public QObject
{
    Q_OBJECT
private slots:
    void acknowledgedWritesSurviveSigkill();
};

void TestStoreCrash::acknowledgedWritesSurviveSigkill()
{
#ifndef Q_OS_UNIX
    QSKIP("needs SIGKILL");
#else
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("crash.db"));
    for (int round = 0; round < 3; ++round) {
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(QCoreApplication::applicationFilePath(),
                    {QString::fromLatin1(kChildFlag), path, QString::number(round)});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));

        // Let it get well into its stride, then kill it at a random moment.
        const int wanted = 5000 + int(QRandomGenerator::global()->bounded(5000));
        QByteArray output;
        QElapsedTimer timer;
        timer.start();
        while (output.count('\n') < wanted && timer.elapsed() < 60000) {
            if (child.state() != QProcess::Running)
                break;
            child.waitForReadyRead(100);
            output += child.readAllStandardOutput();
        }
        QVERIFY2(child.state() == QProcess::Running,
                 qPrintable(QStringLiteral("the child stopped by itself: ") +
                            QString::fromLocal8Bit(child.readAllStandardError())));
        QVERIFY2(output.count('\n') >= wanted, "the child acknowledged too little within a minute");
        child.kill(); // SIGKILL: no destructor, no flush, no close
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        output += child.readAllStandardOutput();
        const Acknowledged acked = parse(output);
        QVERIFY(!acked.messages.isEmpty());

        // Reopening recovers from the WAL the killed writer left behind.
        QString error;
        QSqlDatabase db = StoreDatabase::open(path, QStringLiteral("check"), &error);
        QVERIFY2(db.isValid(), qPrintable(error));
        QVariant integrity;
        QVERIFY2(StoreDatabase::scalar(db, QStringLiteral("PRAGMA integrity_check"), &integrity, &error),
                 qPrintable(error));
        QCOMPARE(integrity.toString(), QStringLiteral("ok"));
        {
            QSqlQuery fk(db);
            QVERIFY(fk.exec(QStringLiteral("PRAGMA foreign_key_check")));
            QVERIFY2(!fk.next(), "a dangling reference");
        }
        {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            QVERIFY(
                q.prepare(QStringLiteral("SELECT conversation_id, seq, body FROM messages WHERE id = ?")));
            for (const auto &m : acked.messages) {
                q.bindValue(0, m.id);
                QVERIFY(q.exec());
                QVERIFY2(q.next(),
                         qPrintable(QStringLiteral("acknowledged message %1 is missing").arg(m.id)));
                QCOMPARE(q.value(0).toString(), conversationFor(round, m.n));
                QCOMPARE(q.value(1).toLongLong(), m.seq);
                QCOMPARE(q.value(2).toString(), bodyFor(round, m.n));
                q.finish();
            }
            QVERIFY(q.prepare(
                QStringLiteral("SELECT json_extract(payload, '$.n') FROM engine_events WHERE id = ?")));
            for (const auto &[id, n] : acked.events) {
                q.bindValue(0, id);
                QVERIFY(q.exec());
                QVERIFY2(q.next(),
                         qPrintable(QStringLiteral("acknowledged engine event %1 is missing").arg(id)));
                QCOMPARE(q.value(0).toInt(), n);
                q.finish();
            }
            QVERIFY(q.prepare(QStringLiteral("SELECT at FROM decisions WHERE seq = ?")));
            for (const auto &[seq, n] : acked.decisions) {
                q.bindValue(0, seq);
                QVERIFY(q.exec());
                QVERIFY2(q.next(),
                         qPrintable(QStringLiteral("acknowledged decision %1 is missing").arg(seq)));
                QCOMPARE(q.value(0).toInt(), n);
                q.finish();
            }
            // Whole transactions or nothing: each conversation's numbers have no holes.
            QVERIFY(q.exec(
                QStringLiteral("SELECT conversation_id, count(*), max(seq) FROM messages GROUP BY 1")));
            while (q.next())
                QCOMPARE(q.value(1).toLongLong(), q.value(2).toLongLong());
        }
        QVariant stored;
        QVERIFY(StoreDatabase::scalar(
            db, QStringLiteral("SELECT count(*) FROM messages WHERE conversation_id LIKE 'r%1-%'").arg(round),
            &stored, &error));
        qInfo(
            "round %d: killed after %lld acknowledged messages (+%lld events, %lld decisions); %lld messages "
            "were in the database",
            round, qlonglong(acked.messages.size()), qlonglong(acked.events.size()),
            qlonglong(acked.decisions.size()), stored.toLongLong());
        QVERIFY(stored.toLongLong() >= acked.messages.size());
        StoreDatabase::close(db);
    }
#endif
}

int main(int argc, char *argv[])
{
    if (argc == 4 && qstrcmp(argv[1], kChildFlag) == 0) {
        QCoreApplication app(argc, argv);
        CrashChild child(QString::fromLocal8Bit(argv[2]), atoi(argv[3]));
        return child.run();
    }
    QCoreApplication app(argc, argv);
    TestStoreCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storecrash.moc"
