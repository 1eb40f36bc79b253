// Crash recovery of the real daemon: switchboard-coordinator runs as a child process on a loopback
// port, customers and agents keep it busy over WebSockets with requests always in flight, and it is
// killed with SIGKILL mid-load. Restarted on the same data directory, it must still hold every
// message it acknowledged, keep every assignment and the queue's order, and route on from there.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "records.h"
#include "storereader.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <memory>

using namespace sb;
using sb::protocol::Incoming;

namespace {

// One group of four agents with two conversations each; dave stays offline until after the crash,
// so there is always a queue and someone to route it to afterwards. No timers: nothing moves a
// conversation but the test's own requests, so what was seen before the kill is what must come back.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "carol", "name": "Carol", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "dave", "name": "Dave", "groups": ["sales"], "maxConcurrent": 2}
  ],
  "rules": [{"id": "web-sales", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load",
             "maxWaitSeconds": 0}]
})";

const QString kPassword = QStringLiteral("correct horse battery");
constexpr int kCustomers = 30;
const QStringList kWorkingAgents{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};

// A message the daemon acknowledged: the reply named its conversation, id and sequence number.
struct Ack
{
    QString conversation;
    qint64 id = 0;
    qint64 seq = 0;
    QString text;
    QString sender; // customer index as "c<i>", or the agent's id
    bool customer = false;
};

// Someone sending continuously: the next message goes as soon as the last one is answered.
struct Sender
{
    std::unique_ptr<WsClient> ws;
    QString name;
    bool customer = false;
    std::map<qint64, QString> inFlight; // request id -> text
    int sent = 0;
    QString token;
    QStringList conversations; // an agent's assignments, in the order they came
};

// What the store holds after a restart, read with SQLite directly (not through the store's code).
struct Stored
{
    std::map<qint64, std::pair<QString, qint64>> rows; // message id -> conversation, seq
    std::map<qint64, QString> bodies;
    std::map<QString, std::vector<qint64>> seqsOf; // conversation -> its message numbers, ascending
    std::map<QString, QString> state, agent;       // conversation -> state, agent
};

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void killMidLoadAndRestart_data();
    void killMidLoadAndRestart();
    void threeLivesEachKilled();
    void rowsBehindJournalRepaired();

private:
    void startDaemon();
    // Runs the load until `acks` more messages are acknowledged, kills the daemon, waits until every
    // socket noticed; returns how many requests were in flight at the kill.
    int loadAndKill(int acks);
    // Acknowledgements to m_acks, and the next message after each; agents learn their assignments.
    void hookUp(Sender *s);
    Stored readStore();
    // Every acknowledged message is a row with the id, number and text it was acknowledged with,
    // and each conversation's numbers run 1, 2, 3... without a gap.
    void verifyAcknowledged(const Stored &stored);
    void killDaemon();
    std::unique_ptr<WsClient> client();
    void sendNext(Sender &s);
    void onReply(Sender &s, const Incoming &in);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;

    bool m_loadRunning = false;
    std::size_t m_killAt = 0; // the acknowledgement that triggers the kill
    int m_inFlightAtKill = 0;
    std::vector<std::unique_ptr<Sender>> m_customers;
    std::vector<std::unique_ptr<Sender>> m_agents;
    std::vector<Ack> m_acks;
    QStringList m_errors;
};

#ifndef SB_COORDINATOR_BIN
#define SB_COORDINATOR_BIN ""
#endif

void TestCrashRecovery::initTestCase()
{
    if (QByteArray(SB_COORDINATOR_BIN).isEmpty())
        QSKIP("switchboard-coordinator is not part of this build");
    QVERIFY2(QFile::exists(QStringLiteral(SB_COORDINATOR_BIN)), SB_COORDINATOR_BIN);
    QVERIFY(m_dir.isValid());
    QFile site(m_dir.filePath(QStringLiteral("site.json")));
    QVERIFY(site.open(QIODevice::WriteOnly));
    site.write(kSite);
}

void TestCrashRecovery::cleanup()
{
    m_loadRunning = false;
    m_customers.clear();
    m_agents.clear();
    m_acks.clear();
    m_errors.clear();
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

void TestCrashRecovery::startDaemon()
{
    // --port 0: the system picks a free port; the daemon says which on its first line.
    m_output.clear();
    m_port = 0;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process.get(), &QProcess::readyReadStandardOutput, this,
            [this] { m_output += m_process->readAllStandardOutput(); });
    m_process->start(QStringLiteral(SB_COORDINATOR_BIN),
                     {QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                      QStringLiteral("0"), QStringLiteral("--http-port"), QStringLiteral("0"),
                      QStringLiteral("--data"), m_dir.filePath(QStringLiteral("data")),
                      QStringLiteral("--site"), m_dir.filePath(QStringLiteral("site.json"))});
    QVERIFY2(m_process->waitForStarted(5000), qPrintable(m_process->errorString()));
    static const QRegularExpression listening(QStringLiteral("listening on ws://127\\.0\\.0\\.1:(\\d+)"));
    QTRY_VERIFY2_WITH_TIMEOUT(listening.match(QString::fromUtf8(m_output)).hasMatch() ||
                                  m_process->state() == QProcess::NotRunning,
                              m_output.constData(), 15000);
    const auto match = listening.match(QString::fromUtf8(m_output));
    QVERIFY2(match.hasMatch(), m_output.constData());
    m_port = static_cast<quint16>(match.captured(1).toUInt());
}

void TestCrashRecovery::killDaemon()
{
    // SIGKILL: no handler runs, nothing is flushed or closed. It may have been sent already (the
    // reply that reached the count sends it), and the end seen by the event loop since.
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        QVERIFY(m_process->waitForFinished(5000));
    }
    QCOMPARE(m_process->exitStatus(), QProcess::CrashExit);
}

std::unique_ptr<WsClient> TestCrashRecovery::client()
{
    auto c = std::make_unique<WsClient>(m_port);
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

void TestCrashRecovery::sendNext(Sender &s)
{
    if (!m_loadRunning || !s.inFlight.empty())
        return;
    const QString text = QStringLiteral("%1 #%2").arg(s.name).arg(++s.sent);
    if (s.customer) {
        s.inFlight.emplace(s.ws->post(QStringLiteral("customer.send"), {{"text", text}}), text);
        return;
    }
    if (s.conversations.isEmpty())
        return; // an agent speaks once something was assigned
    const QString conv = s.conversations.at(s.sent % s.conversations.size());
    s.inFlight.emplace(s.ws->post(QStringLiteral("message.send"), {{"conversation", conv}, {"text", text}}),
                       text);
}

void TestCrashRecovery::onReply(Sender &s, const Incoming &in)
{
    const auto it = s.inFlight.find(static_cast<qint64>(in.id.toDouble()));
    if (it == s.inFlight.end())
        return; // a reply to a blocking call()
    const QString text = it->second;
    s.inFlight.erase(it);
    if (in.kind == Incoming::Result) {
        m_acks.push_back({in.payload.value("conversation").toString(), in.payload.value("id").toInteger(),
                          in.payload.value("seq").toInteger(), text, s.name, s.customer});
    } else {
        m_errors << QStringLiteral("%1: %2 %3").arg(s.name, sb::protocol::toString(in.code), in.message);
    }
    if (m_loadRunning && m_acks.size() >= m_killAt) {
        // The kill comes the moment the count is reached, with every other request in flight.
        m_loadRunning = false;
        m_inFlightAtKill = 0;
        for (const auto *list : {&m_customers, &m_agents}) {
            for (const auto &other : *list)
                m_inFlightAtKill += static_cast<int>(other->inFlight.size());
        }
        m_process->kill();
        return;
    }
    sendNext(s);
}

Stored TestCrashRecovery::readStore()
{
    Stored out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("crashcheck"));
        db.setDatabaseName(m_dir.filePath(QStringLiteral("data/switchboard.db")));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            qWarning("cannot open the store: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        q.exec(QStringLiteral(
            "SELECT id, conversation_id, seq, body FROM messages ORDER BY conversation_id, seq"));
        while (q.next()) {
            out.rows[q.value(0).toLongLong()] = {q.value(1).toString(), q.value(2).toLongLong()};
            out.bodies[q.value(0).toLongLong()] = q.value(3).toString();
            out.seqsOf[q.value(1).toString()].push_back(q.value(2).toLongLong());
        }
        q.exec(QStringLiteral("SELECT id, state, coalesce(agent_id, '') FROM conversations"));
        while (q.next()) {
            out.state[q.value(0).toString()] = q.value(1).toString();
            out.agent[q.value(0).toString()] = q.value(2).toString();
        }
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("crashcheck"));
    return out;
}

void TestCrashRecovery::verifyAcknowledged(const Stored &stored)
{
    QVERIFY(!stored.rows.empty());
    for (const Ack &ack : m_acks) {
        const auto row = stored.rows.find(ack.id);
        QVERIFY2(
            row != stored.rows.end(),
            qPrintable(QStringLiteral("acknowledged message %1 (%2) is lost").arg(ack.id).arg(ack.text)));
        QCOMPARE(row->second.first, ack.conversation);
        QCOMPARE(row->second.second, ack.seq);
        QCOMPARE(stored.bodies.at(ack.id), ack.text);
    }
    for (const auto &entry : stored.seqsOf) {
        for (std::size_t i = 0; i < entry.second.size(); ++i)
            QCOMPARE(entry.second[i], static_cast<qint64>(i + 1));
    }
    QVERIFY(stored.rows.size() >= m_acks.size());
}

void TestCrashRecovery::hookUp(Sender *s)
{
    s->ws->onReply = [this, s](const Incoming &in) { onReply(*s, in); };
    if (s->customer)
        return;
    s->ws->onEvent = [this, s](const Incoming &e) {
        if (e.event == QLatin1String("conversation.assigned")) {
            s->conversations << e.payload.value("id").toString();
            sendNext(*s);
        } else if (e.event == QLatin1String("conversation.removed")) {
            s->conversations.removeAll(e.payload.value("conversation").toString());
        }
    };
}

int TestCrashRecovery::loadAndKill(int acks)
{
    // The load: every customer always has a message in flight, every agent a reply to one of theirs.
    const std::size_t target = m_acks.size() + static_cast<std::size_t>(acks);
    m_loadRunning = true;
    for (const auto *list : {&m_customers, &m_agents}) {
        for (const auto &s : *list)
            sendNext(*s);
    }
    m_killAt = target;
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!m_loadRunning, 20000); }();
    m_loadRunning = false;
    killDaemon(); // already killed by onReply, unless the wait timed out
    const int inFlight = m_inFlightAtKill;
    // Replies already on their way when the process died are acknowledgements too: read them all.
    for (const auto *list : {&m_customers, &m_agents}) {
        for (const auto &s : *list) {
            [&] {
                QTRY_VERIFY_WITH_TIMEOUT(s->ws->socket.state() == QAbstractSocket::UnconnectedState, 5000);
            }();
            s->inFlight.clear(); // never answered: whether they were stored is open
        }
    }
    return inFlight;
}

void TestCrashRecovery::killMidLoadAndRestart_data()
{
    QTest::addColumn<int>("killAfter");
    // Early: conversations are still being opened and routed. Later: long histories, full queue.
    QTest::newRow("while opening") << 20;
    QTest::newRow("mid-load") << 400;
    QTest::newRow("late") << 1500;
}

void TestCrashRecovery::killMidLoadAndRestart()
{
    QFETCH(int, killAfter);
    QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    startDaemon();
    if (QTest::currentTestFailed())
        return;

    // The admin, then passwords for the seeded agents.
    QStringList seenQueue;
    auto admin = client();
    QVERIFY(admin->ok);
    QVERIFY(admin
                ->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains(QLatin1String("token")));
    for (const QString &a : kWorkingAgents + QStringList{QStringLiteral("dave")}) {
        QVERIFY(admin
                    ->ok_(QStringLiteral("account.create"),
                          {{"login", a}, {"displayName", a}, {"role", "agent"}, {"password", kPassword}})
                    .contains(QLatin1String("id")));
    }
    // The admin watches every queue: the order of queue.added events is the queue's order.
    admin->onEvent = [&seenQueue](const Incoming &e) {
        if (e.event == QLatin1String("queue.added"))
            seenQueue << e.payload.value("id").toString();
        else if (e.event == QLatin1String("queue.removed"))
            seenQueue.removeAll(e.payload.value("conversation").toString());
    };

    for (const QString &a : kWorkingAgents) {
        auto s = std::make_unique<Sender>();
        s->name = a;
        s->ws = client();
        QVERIFY(s->ws->ok);
        s->token = s->ws->ok_(QStringLiteral("auth.login"), {{"login", a}, {"password", kPassword}})
                       .value("token")
                       .toString();
        QCOMPARE(s->token.size(), 43);
        QVERIFY(s->ws->ok_(QStringLiteral("status.set"), {{"status", "online"}})
                    .contains(QLatin1String("status")));
        hookUp(s.get());
        m_agents.push_back(std::move(s));
    }
    for (int i = 0; i < kCustomers; ++i) {
        auto s = std::make_unique<Sender>();
        s->name = QStringLiteral("c%1").arg(i);
        s->customer = true;
        s->ws = client();
        QVERIFY(s->ws->ok);
        const QJsonObject started =
            s->ws->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", s->name}});
        s->token = started.value("token").toString();
        QCOMPARE(s->token.size(), 43);
        hookUp(s.get());
        m_customers.push_back(std::move(s));
    }

    QElapsedTimer load;
    load.start();
    const int inFlight = loadAndKill(killAfter);
    const qint64 loadMs = load.elapsed();
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(admin->socket.state() == QAbstractSocket::UnconnectedState, 5000);
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join(QLatin1Char('\n'))));
    // Events came numbered one by one, none skipped: an agent missing conversation.assigned would
    // never learn of a conversation that is theirs.
    std::vector<std::pair<QString, const WsClient *>> everyone{{QStringLiteral("root"), admin.get()}};
    for (const auto *list : {&m_customers, &m_agents}) {
        for (const auto &s : *list)
            everyone.emplace_back(s->name, s->ws.get());
    }
    for (const auto &[name, ws] : everyone) {
        for (std::size_t i = 1; i < ws->events.size(); ++i) {
            QVERIFY2(ws->events[i].seq == ws->events[i - 1].seq + 1,
                     qPrintable(QStringLiteral("%1: event %2 (%3) after %4 (%5)")
                                    .arg(name)
                                    .arg(ws->events[i].seq)
                                    .arg(ws->events[i].event)
                                    .arg(ws->events[i - 1].seq)
                                    .arg(ws->events[i - 1].event)));
        }
    }
    QVERIFY(inFlight > 0);                 // the kill really came mid-load
    std::map<QString, QString> assignedTo; // conversation -> agent, as the agents were told
    for (const auto &a : m_agents) {
        QVERIFY(a->conversations.size() <= 2);
        for (const QString &conv : a->conversations)
            assignedTo[conv] = a->name;
    }
    qInfo("killed after %d acknowledged messages in %lld ms, %d requests in flight; %d assigned, %d "
          "queued as seen",
          static_cast<int>(m_acks.size()), loadMs, inFlight, static_cast<int>(assignedTo.size()),
          static_cast<int>(seenQueue.size()));

    QElapsedTimer restart;
    restart.start();
    startDaemon();
    if (QTest::currentTestFailed())
        return;
    const qint64 restartMs = restart.elapsed();
    static const QRegularExpression rebuilt(
        QStringLiteral("rebuilt from (\\d+) journal events in (\\d+) ms"));
    const auto replay = rebuilt.match(QString::fromUtf8(m_output));
    qInfo("restarted and listening in %lld ms (%s)%s", restartMs,
          replay.hasMatch() ? qPrintable(replay.captured(0)) : "no replay line",
          m_output.contains("behind the journal") ? "; rows behind the journal repaired" : "");

    // 1. Every acknowledged message is a row in SQLite, with the id, number and text it was acked with,
    //    and each conversation's numbers run 1, 2, 3... without a gap.
    const Stored stored = readStore();
    verifyAcknowledged(stored);
    if (QTest::currentTestFailed())
        return;
    auto seqsOf = stored.seqsOf;
    auto storedState = stored.state;
    auto storedAgent = stored.agent;

    // 2. The same over the protocol: each customer resumes with their token and reads their
    //    conversation; every message acknowledged to them is there.
    std::map<QString, std::vector<const Ack *>> acksBySender;
    for (const Ack &ack : m_acks)
        acksBySender[ack.sender].push_back(&ack);
    std::map<QString, QString> conversationOf; // customer index -> conversation
    std::vector<std::unique_ptr<WsClient>> back;
    for (const auto &c : m_customers) {
        back.push_back(client());
        WsClient &ws = *back.back();
        QVERIFY(ws.ok);
        const QJsonObject resumed =
            ws.ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"token", c->token}});
        QVERIFY2(resumed.contains(QLatin1String("customer")), qPrintable(c->name));
        const QString conv = resumed.value("conversation").toString();
        const auto &mine = acksBySender[c->name];
        if (mine.empty())
            continue; // its first message was never acknowledged; whether it was stored is open
        QCOMPARE(conv, mine.front()->conversation);
        conversationOf[c->name] = conv;
        std::map<qint64, QString> history; // seq -> text
        qint64 before = 0;
        for (;;) {
            QJsonObject args{{"limit", 200}};
            if (before > 0)
                args.insert(QStringLiteral("beforeSeq"), before);
            const QJsonArray page =
                ws.ok_(QStringLiteral("customer.history"), args).value("messages").toArray();
            for (const QJsonValue &m : page)
                history[m.toObject().value("seq").toInteger()] = m.toObject().value("text").toString();
            if (page.size() < 200)
                break;
            before = page.first().toObject().value("seq").toInteger();
        }
        for (const Ack *ack : mine) {
            QVERIFY2(history.count(ack->seq), qPrintable(ack->text));
            QCOMPARE(history[ack->seq], ack->text);
        }
    }
    for (const auto &a : m_agents) {
        for (const Ack *ack : acksBySender[a->name])
            QCOMPARE(storedAgent[ack->conversation], a->name);
    }

    // 3. Assignments kept: each agent signs in again and finds what they were given before the kill.
    //    The queue comes back in order, with what was seen queued at its head; store rows agree.
    //    Alice resumes her session from before the crash: the token holds, the events kept in the
    //    dead process are gone, so she is told to take a new snapshot.
    auto alice = client();
    const WsClient &aliceBefore = *m_agents.front()->ws;
    const Incoming resumed = alice->call(
        QStringLiteral("auth.resume"),
        {{"token", m_agents.front()->token},
         {"lastSeq", aliceBefore.events.empty() ? 0 : static_cast<qint64>(aliceBefore.events.back().seq)}});
    QCOMPARE(resumed.kind, Incoming::Result);
    QCOMPARE(resumed.payload.value("account").toObject().value("id").toString(), QStringLiteral("alice"));
    QCOMPARE(resumed.payload.value("reset").toBool(), true);
    QSet<QString> restoredAssigned;
    for (const QString &name : kWorkingAgents) {
        auto ws = name == QLatin1String("alice") ? nullptr : client();
        WsClient &agent = ws ? *ws : *alice;
        if (ws)
            QVERIFY(agent.ok_(QStringLiteral("auth.login"), {{"login", name}, {"password", kPassword}})
                        .contains(QLatin1String("token")));
        const QJsonObject inbox = agent.ok_(QStringLiteral("inbox.snapshot"));
        QCOMPARE(inbox.value("me").toObject().value("status").toString(), QStringLiteral("online"));
        QSet<QString> mine;
        for (const QJsonValue &v : inbox.value("conversations").toArray()) {
            const QJsonObject conv = v.toObject();
            QCOMPARE(conv.value("agent").toString(), name);
            QCOMPARE(conv.value("state").toString(), QStringLiteral("assigned"));
            QCOMPARE(storedState[conv.value("id").toString()], QStringLiteral("assigned"));
            QCOMPARE(storedAgent[conv.value("id").toString()], name);
            mine.insert(conv.value("id").toString());
            restoredAssigned.insert(conv.value("id").toString());
        }
        QVERIFY(mine.size() <= 2);
        for (const auto &entry : assignedTo) {
            if (entry.second == name)
                QVERIFY2(mine.contains(entry.first),
                         qPrintable(name + QLatin1String(" lost ") + entry.first));
        }
        // The agent reads their conversations' history over the protocol: their acknowledged
        // replies are there, with the numbers they were acknowledged with.
        std::map<QString, std::map<qint64, QString>> histories;
        for (const Ack *ack : acksBySender[name]) {
            auto &history = histories[ack->conversation];
            if (history.empty()) {
                const QJsonObject page = agent.ok_(QStringLiteral("conversation.history"),
                                                   {{"conversation", ack->conversation}, {"limit", 200}});
                for (const QJsonValue &m : page.value("messages").toArray())
                    history[m.toObject().value("seq").toInteger()] = m.toObject().value("text").toString();
            }
            // Pages hold the newest 200; older replies were checked in SQLite above.
            if (history.empty() || ack->seq < history.begin()->first)
                continue;
            QCOMPARE(history[ack->seq], ack->text);
        }
    }
    QStringList queue;
    for (const QJsonValue &v :
         alice->ok_(QStringLiteral("inbox.snapshot")).value("queues").toObject().value("sales").toArray()) {
        queue << v.toObject().value("id").toString();
        QCOMPARE(v.toObject().value("position").toInt(), queue.size());
        QCOMPARE(storedState[queue.last()], QStringLiteral("queued"));
    }
    QVERIFY2(queue.mid(0, seenQueue.size()) == seenQueue,
             qPrintable(QStringLiteral("seen before the kill: %1\nafter the restart: %2")
                            .arg(seenQueue.join(QLatin1Char(' ')), queue.join(QLatin1Char(' ')))));
    for (const auto &entry : conversationOf)
        QVERIFY2(queue.contains(entry.second) || restoredAssigned.contains(entry.second),
                 qPrintable(entry.second));
    int openRows = 0;
    for (const auto &entry : storedState)
        openRows += entry.second != QLatin1String("closed");
    QCOMPARE(openRows, static_cast<int>(queue.size() + restoredAssigned.size()));
    QVERIFY(queue.size() >= 3); // 30 customers, 6 places: the rest wait

    // 4. Routing resumes. A new customer joins the end of the queue.
    auto late = client();
    QVERIFY(late->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "late"}})
                .contains(QLatin1String("token")));
    const QJsonObject lateAck = late->ok_(QStringLiteral("customer.send"), {{"text", "anyone?"}});
    QCOMPARE(lateAck.value("seq").toInt(), 1);
    const QString lateConv = lateAck.value("conversation").toString();
    QVERIFY(!lateConv.isEmpty());
    const int noticed = late->waitEvent(QStringLiteral("notice"));
    QVERIFY(noticed >= 0);
    QCOMPARE(late->events[noticed].payload.value("kind").toString(), QStringLiteral("queued"));
    QCOMPARE(late->events[noticed].payload.value("queuePosition").toInt(), queue.size() + 1);
    queue << lateConv;
    // Alice closes one of hers: the head of the queue is hers now.
    const QString closing = alice->ok_(QStringLiteral("inbox.snapshot"))
                                .value("conversations")
                                .toArray()
                                .first()
                                .toObject()
                                .value("id")
                                .toString();
    const int from = static_cast<int>(alice->events.size());
    QCOMPARE(alice->ok_(QStringLiteral("conversation.close"), {{"conversation", closing}})
                 .value("state")
                 .toString(),
             QStringLiteral("closed"));
    const int next = alice->waitEvent(QStringLiteral("conversation.assigned"), from);
    QVERIFY(next >= 0);
    QCOMPARE(alice->events[next].payload.value("id").toString(), queue.takeFirst());
    // Dave comes online and takes the next two, in queue order.
    auto dave = client();
    QVERIFY(dave->ok_(QStringLiteral("auth.login"), {{"login", "dave"}, {"password", kPassword}})
                .contains(QLatin1String("token")));
    dave->ok_(QStringLiteral("status.set"), {{"status", "online"}});
    const int first = dave->waitEvent(QStringLiteral("conversation.assigned"));
    QVERIFY(first >= 0);
    const int second = dave->waitEvent(QStringLiteral("conversation.assigned"), first + 1);
    QVERIFY(second >= 0);
    QCOMPARE(dave->events[first].payload.value("id").toString(), queue.takeFirst());
    QCOMPARE(dave->events[second].payload.value("id").toString(), queue.takeFirst());
    // A customer from before the crash writes on in the same conversation, numbered after the last.
    auto resumedCustomer = conversationOf.begin();
    while (resumedCustomer != conversationOf.end() && resumedCustomer->second == closing)
        ++resumedCustomer;
    QVERIFY(resumedCustomer != conversationOf.end());
    const int index = resumedCustomer->first.mid(1).toInt();
    const QJsonObject more = back[index]->ok_(QStringLiteral("customer.send"), {{"text", "still there?"}});
    QCOMPARE(more.value("conversation").toString(), resumedCustomer->second);
    QCOMPARE(more.value("seq").toInteger(), static_cast<qint64>(seqsOf[resumedCustomer->second].size() + 1));
}

void TestCrashRecovery::threeLivesEachKilled()
{
    // The daemon lives three times, each life ended by SIGKILL under load, then a fourth time for
    // the checks: journal and rows span several processes, and each start must carry all of it on.
    QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    std::map<QString, QSet<QString>> heldBefore; // agent -> assignments at the end of the last life
    for (int life = 0; life < 3; ++life) {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        if (life == 0) {
            auto admin = client();
            admin->ok_(QStringLiteral("auth.setup"),
                       {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
            for (const QString &a : kWorkingAgents) {
                QVERIFY(
                    admin
                        ->ok_(QStringLiteral("account.create"),
                              {{"login", a}, {"displayName", a}, {"role", "agent"}, {"password", kPassword}})
                        .contains(QLatin1String("id")));
                m_agents.push_back(std::make_unique<Sender>());
                m_agents.back()->name = a;
            }
            for (int i = 0; i < kCustomers; ++i) {
                m_customers.push_back(std::make_unique<Sender>());
                m_customers.back()->name = QStringLiteral("c%1").arg(i);
                m_customers.back()->customer = true;
            }
        }
        // Agents sign in again and find what they held; their status survived with the journal.
        for (auto &a : m_agents) {
            a->ws = client();
            QVERIFY(a->ws->ok_(QStringLiteral("auth.login"), {{"login", a->name}, {"password", kPassword}})
                        .contains(QLatin1String("token")));
            if (life == 0)
                a->ws->ok_(QStringLiteral("status.set"), {{"status", "online"}});
            a->conversations.clear();
            for (const QJsonValue &v :
                 a->ws->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray())
                a->conversations << v.toObject().value("id").toString();
            for (const QString &conv : std::as_const(heldBefore[a->name]))
                QVERIFY2(a->conversations.contains(conv),
                         qPrintable(a->name + QLatin1String(" lost ") + conv));
            hookUp(a.get());
        }
        // Customers come back with their tokens, to the conversation their messages went to.
        for (auto &c : m_customers) {
            c->ws = client();
            const QJsonObject started =
                c->ws->ok_(QStringLiteral("customer.start"),
                           c->token.isEmpty() ? QJsonObject{{"channel", "web"}}
                                              : QJsonObject{{"channel", "web"}, {"token", c->token}});
            QVERIFY2(started.contains(QLatin1String("token")), qPrintable(c->name));
            c->token = started.value("token").toString();
            for (const Ack &ack : m_acks) {
                if (ack.sender == c->name) {
                    QCOMPARE(started.value("conversation").toString(), ack.conversation);
                    break;
                }
            }
            hookUp(c.get());
        }
        QVERIFY(loadAndKill(200 + 300 * life) > 0);
        QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join(QLatin1Char('\n'))));
        for (const auto &a : m_agents)
            heldBefore[a->name] = QSet<QString>(a->conversations.begin(), a->conversations.end());
    }
    startDaemon();
    if (QTest::currentTestFailed())
        return;
    const Stored stored = readStore();
    verifyAcknowledged(stored);
    // A customer's messages, over all lives, went to one conversation; the assignments held.
    std::map<QString, QString> conversationOf;
    for (const Ack &ack : m_acks) {
        if (!ack.customer)
            continue;
        const auto known = conversationOf.emplace(ack.sender, ack.conversation).first;
        QCOMPARE(known->second, ack.conversation);
    }
    QCOMPARE(static_cast<int>(conversationOf.size()), kCustomers);
    for (const auto &a : m_agents) {
        for (const QString &conv : std::as_const(heldBefore[a->name]))
            QCOMPARE(stored.agent.at(conv), a->name);
    }
    qInfo("three lives: %d acknowledged messages, all stored", static_cast<int>(m_acks.size()));
}

void TestCrashRecovery::rowsBehindJournalRepaired()
{
    // A round's writes may straddle two commits of the writer; a crash between them leaves the
    // journal ahead of the rows. Whether SIGKILL lands there is luck, so this case is made by hand on
    // an in-process coordinator: after a clean stop, the rows of one conversation are deleted (its
    // opening round lost its tail) and another's close is undone (its closing round did), while the
    // journal keeps both rounds whole.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ManualClock clock;
    clock.setMs(1764000000000);
    std::unique_ptr<CoordinatorService> service;
    std::unique_ptr<WebSocketGateway> gateway;
    auto start = [&] {
        CoordinatorService::Options options;
        options.dataDir = dir.path();
        QString error;
        return startTestService(clock, options, kSite, service, gateway, &error);
    };
    QVERIFY(start());
    m_port = gateway->port();
    QString tokenA, tokenB, x, y;
    {
        auto admin = client();
        admin->ok_(QStringLiteral("auth.setup"),
                   {{"login", "root"}, {"password", kPassword}, {"displayName", "R"}});
        admin->ok_(
            QStringLiteral("account.create"),
            {{"login", "alice"}, {"displayName", "Alice"}, {"role", "agent"}, {"password", kPassword}});
        admin->ok_(QStringLiteral("account.create"),
                   {{"login", "eve"}, {"displayName", "Eve"}, {"role", "agent"}, {"password", kPassword}});
        auto alice = client();
        alice->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
        alice->ok_(QStringLiteral("status.set"), {{"status", "online"}});
        auto a = client();
        auto b = client();
        tokenA = a->ok_(QStringLiteral("customer.start"), {{"channel", "web"}}).value("token").toString();
        tokenB = b->ok_(QStringLiteral("customer.start"), {{"channel", "web"}}).value("token").toString();
        x = a->ok_(QStringLiteral("customer.send"), {{"text", "a1"}}).value("conversation").toString();
        y = b->ok_(QStringLiteral("customer.send"), {{"text", "b1"}}).value("conversation").toString();
        QCOMPARE(service->engine().conversation(x)->agent, QStringLiteral("alice"));
        QCOMPARE(
            alice->ok_(QStringLiteral("conversation.close"), {{"conversation", y}}).value("state").toString(),
            QStringLiteral("closed"));
    }
    stopTestService(service, gateway);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tear"));
        db.setDatabaseName(dir.filePath(QStringLiteral("switchboard.db")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const char *sql : {"DELETE FROM messages WHERE conversation_id = ?",
                                "DELETE FROM decisions WHERE conversation_id = ?",
                                "DELETE FROM conversation_groups WHERE conversation_id = ?",
                                "DELETE FROM conversations WHERE id = ?"}) {
            QVERIFY(q.prepare(QLatin1String(sql)));
            q.addBindValue(x);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        // Eve's account lost its row; her engine input (written first) was kept.
        QVERIFY(q.exec(QStringLiteral("DELETE FROM sessions WHERE account_id = 'eve'")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM accounts WHERE id = 'eve'")));
        QVERIFY(q.prepare(
            QStringLiteral("UPDATE conversations SET state = 'assigned', closed_at = NULL WHERE id = ?")));
        q.addBindValue(y);
        QVERIFY2(q.exec() && q.numRowsAffected() == 1, qPrintable(q.lastError().text()));
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tear"));

    QVERIFY(start());
    m_port = gateway->port();
    StoreReader reader;
    QVERIFY(reader.open(service->storePath()));
    // Committed before start() returned: no waiting (both rows are read at once).
    QVERIFY(reader.conversation(x).has_value());
    QCOMPARE(reader.conversation(x)->agentId, QStringLiteral("alice"));
    QCOMPARE(toString(reader.conversation(x)->state), QStringLiteral("assigned"));
    QCOMPARE(toString(reader.conversation(y)->state), QStringLiteral("closed"));
    // Customer A writes on in the conversation the engine holds for them, not a second one.
    auto a = client();
    QCOMPARE(a->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"token", tokenA}})
                 .value("conversation")
                 .toString(),
             x);
    const QJsonObject more = a->ok_(QStringLiteral("customer.send"), {{"text", "a2"}});
    QCOMPARE(more.value("conversation").toString(), x);
    QCOMPARE(more.value("seq").toInt(), 1); // "a1" went with the lost commit
    // Customer B's conversation was closed: the next message opens a new one, not the old id again.
    auto b = client();
    QCOMPARE(b->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"token", tokenB}})
                 .value("conversation")
                 .toString(),
             QString());
    const QString fresh =
        b->ok_(QStringLiteral("customer.send"), {{"text", "b2"}}).value("conversation").toString();
    QVERIFY(!fresh.isEmpty() && fresh != y);
    QCOMPARE(toString(reader.conversation(y)->state), QStringLiteral("closed"));
    auto alice = client();
    alice->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
    const QJsonObject inbox = alice->ok_(QStringLiteral("inbox.snapshot"));
    QSet<QString> mine;
    for (const QJsonValue &v : inbox.value("conversations").toArray())
        mine.insert(v.toObject().value("id").toString());
    QCOMPARE(mine, (QSet<QString>{x, fresh}));
    // The admin's retry of the account whose row was lost completes it.
    auto admin = client();
    admin->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
    QCOMPARE(admin
                 ->ok_(QStringLiteral("account.create"),
                       {{"login", "eve"}, {"displayName", "Eve"}, {"role", "agent"}, {"password", kPassword}})
                 .value("id")
                 .toString(),
             QStringLiteral("eve"));
    auto eve = client();
    QVERIFY(eve->ok_(QStringLiteral("auth.login"), {{"login", "eve"}, {"password", kPassword}})
                .contains("token"));
    QCOMPARE(eve->ok_(QStringLiteral("status.set"), {{"status", "online"}}).value("status").toString(),
             QStringLiteral("online"));
    stopTestService(service, gateway);
}

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
