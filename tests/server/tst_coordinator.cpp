// Integration: a real coordinator (service + WebSocket gateway) on a loopback port, driven by real
// WebSocket clients. Timers run on a manual clock; nothing sleeps for real seconds.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "records.h"
#include "storereader.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::ErrorCode;
using protocol::Incoming;

// Error codes compare by their wire names, so a failure prints both.
namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "replyTimeoutSeconds": 60, "autoCloseMinutes": 10},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 2},
    {"id": "carol", "name": "Carol", "groups": ["support"], "maxConcurrent": 2}
  ],
  "rules": [{"id": "web-sales", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

} // namespace

class TestCoordinator : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void handshakeAndBadInput();
    void setupOnlyOnce();
    void dayInMiniature();
    void permissionBoundaries();
    void replyTimeoutOnInjectedClock();
    void sessionsAcrossConnections();
    void refusedMessageKeepsUploads();
    void restartRebuildsAndResumes();

private:
    void startService();
    void stopService();
    std::unique_ptr<WsClient> client(bool hello = true);
    std::unique_ptr<WsClient> admin();
    std::unique_ptr<WsClient> agent(const QString &login);
    std::unique_ptr<WsClient> customer(const QString &name);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestCoordinator::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestCoordinator::stopService()
{
    stopTestService(m_service, m_gateway);
}

void TestCoordinator::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000); // 2025-11-24 16:00 UTC
    startService();
}

void TestCoordinator::cleanup()
{
    stopService();
}

std::unique_ptr<WsClient> TestCoordinator::client(bool hello)
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok && hello)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestCoordinator::admin()
{
    auto c = client();
    const auto r = c->call(QStringLiteral("auth.setup"),
                           {{"login", "Root"}, {"password", kPassword}, {"displayName", "Root"}});
    if (r.kind != Incoming::Result)
        c->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
    for (const char *name : {"alice", "bob", "carol"}) {
        c->ok_(QStringLiteral("account.create"),
               {{"login", name}, {"displayName", name}, {"role", "agent"}, {"password", kPassword}});
    }
    return c;
}

std::unique_ptr<WsClient> TestCoordinator::agent(const QString &login)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    c->ok_(QStringLiteral("status.set"), {{"status", "online"}});
    return c;
}

std::unique_ptr<WsClient> TestCoordinator::customer(const QString &name)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", name}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    return c;
}

void TestCoordinator::handshakeAndBadInput()
{
    auto c = client(false);
    QVERIFY(c->ok);
    // Before hello, nothing else is answered but with an error that says so.
    Incoming r = c->call(QStringLiteral("inbox.snapshot"));
    QCOMPARE(r.kind, Incoming::Error);
    QCOMPARE_CODE(r, BadRequest);
    r = c->call(QStringLiteral("hello"), {{"protocol", 2}});
    QCOMPARE_CODE(r, VersionMismatch);
    QVERIFY(r.message.contains(QLatin1String("protocol 1")));
    r = c->call(QStringLiteral("hello"), {{"protocol", 1}});
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("needsSetup").toBool(), true);

    r = c->raw("this is not json");
    QCOMPARE_CODE(r, BadJson);
    QVERIFY(r.id.isNull());
    r = c->raw(R"({"id": 5, "op": "no.such.thing"})");
    QCOMPARE_CODE(r, UnknownOperation);
    QCOMPARE(r.id.toInt(), 5);
    r = c->raw(R"({"id": 6, "op": "auth.login", "args": {"login": "x"}})");
    QCOMPARE_CODE(r, BadRequest);
    QVERIFY2(r.message.contains(QLatin1String("password")), qPrintable(r.message));
    r = c->raw(R"({"id": 7, "op": "auth.login", "args": {"login": 12, "password": "x"}})");
    QCOMPARE_CODE(r, BadRequest);
    r = c->call(QStringLiteral("inbox.snapshot"));
    QCOMPARE_CODE(r, Unauthenticated);
    r = c->call(QStringLiteral("auth.resume"), {{"token", QString(43, QLatin1Char('A'))}});
    QCOMPARE_CODE(r, BadCredentials);
    // A frame over the limit is refused, and the connection stays usable.
    QByteArray big = R"({"id": 8, "op": "hello", "args": {"protocol": 1, "client": ")";
    big += QByteArray(protocol::Limits::maxFrameBytes, 'x') + R"("}})";
    r = c->raw(big);
    QCOMPARE_CODE(r, FrameTooLarge);
    QCOMPARE(c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind, Incoming::Result);
    QVERIFY(c->garbage.isEmpty());
}

void TestCoordinator::setupOnlyOnce()
{
    auto a = client();
    Incoming r = a->call(QStringLiteral("auth.setup"),
                         {{"login", "Root"}, {"password", "short"}, {"displayName", "Root"}});
    QCOMPARE_CODE(r, BadRequest); // under 12 characters
    r = a->call(QStringLiteral("auth.setup"),
                {{"login", "Root"}, {"password", kPassword}, {"displayName", "Root"}});
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("token").toString().size(), 43);
    QCOMPARE(r.payload.value("account").toObject().value("role").toString(), QStringLiteral("admin"));
    auto b = client();
    r = b->call(QStringLiteral("auth.setup"),
                {{"login", "Mallory"}, {"password", kPassword}, {"displayName", "M"}});
    QCOMPARE_CODE(r, SetupDone);
    // Seeded agents have no password until an admin gives them one.
    r = b->call(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", "!"}});
    QCOMPARE_CODE(r, BadCredentials);
    // The stored hash is Argon2id; the token is stored only as a hash.
    StoreReader reader;
    QString error;
    QVERIFY(reader.open(m_service->storePath(), &error));
    QVERIFY(
        reader.accountByLogin(QStringLiteral("root"))->passwordHash.startsWith(QLatin1String("$argon2id$")));
    QVERIFY(!reader.sessionByTokenHash(a->replies.back().payload.value("token").toString()));
}

void TestCoordinator::dayInMiniature()
{
    auto root = admin();
    auto alice = agent(QStringLiteral("alice"));
    auto bob = agent(QStringLiteral("bob"));
    QVERIFY(root->ok && alice->ok && bob->ok);
    auto li = customer(QStringLiteral("李小姐"));
    QVERIFY(li->ok);

    // The customer writes; least-load gives it to one of the two (alice: first in the ring).
    QJsonObject sent = li->ok_(QStringLiteral("customer.send"), {{"text", "你好，我想問價錢"}});
    const QString conv = sent.value("conversation").toString();
    QVERIFY(!conv.isEmpty());
    QCOMPARE(sent.value("seq").toInt(), 1);
    const int assigned = alice->waitEvent(QStringLiteral("conversation.assigned"));
    QVERIFY(assigned >= 0);
    QCOMPARE(alice->events[assigned].payload.value("id").toString(), conv);
    QVERIFY(li->waitEvent(QStringLiteral("notice")) >= 0);
    QVERIFY(alice->waitEvent(QStringLiteral("message.new")) >= 0);

    // The agent replies; the customer gets it, with the store's sequence number.
    sent = alice->ok_(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "您好！😀"}});
    QCOMPARE(sent.value("seq").toInt(), 2);
    // The customer's own message comes back first (every tab of theirs sees it), then the reply.
    const int own = li->waitEvent(QStringLiteral("message.new"));
    QVERIFY(own >= 0);
    QCOMPARE(li->events[own].payload.value("sender").toString(), QStringLiteral("customer"));
    const int got = li->waitEvent(QStringLiteral("message.new"), own + 1);
    QVERIFY(got >= 0);
    QCOMPARE(li->events[got].payload.value("text").toString(), QStringLiteral("您好！😀"));
    // An internal note never reaches the customer.
    alice->ok_(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "VIP?"}, {"note", true}});
    QJsonObject history = li->ok_(QStringLiteral("customer.history"));
    QCOMPARE(history.value("messages").toArray().size(), 2);
    history = alice->ok_(QStringLiteral("conversation.history"), {{"conversation", conv}});
    QCOMPARE(history.value("messages").toArray().size(), 3);

    // An attachment, uploaded then sent, then downloaded by the customer.
    const QJsonObject up = alice->ok_(QStringLiteral("attachment.upload"),
                                      {{"name", "price.png"},
                                       {"mime", "image/png"},
                                       {"data", QString::fromLatin1(QByteArray("PNGDATA").toBase64())}});
    alice->ok_(QStringLiteral("message.send"),
               {{"conversation", conv}, {"attachments", QJsonArray{up.value("id")}}});
    const int fileEvent = li->waitEvent(QStringLiteral("message.new"), got + 1);
    QVERIFY(fileEvent >= 0);
    const QJsonObject picture = li->events[fileEvent].payload;
    QCOMPARE(picture.value("kind").toString(), QStringLiteral("image")); // a picture, by its type
    QCOMPARE(picture.value("attachment").toObject().value("name").toString(), QStringLiteral("price.png"));
    QCOMPARE(picture.value("attachment").toObject().value("mime").toString(), QStringLiteral("image/png"));
    const QString attachmentId = picture.value("attachment").toObject().value("id").toString();
    const QJsonObject file = li->ok_(QStringLiteral("attachment.get"), {{"id", attachmentId}});
    QCOMPARE(QByteArray::fromBase64(file.value("data").toString().toLatin1()), QByteArray("PNGDATA"));

    // Transfer to bob; alice is told it left, bob that it arrived.
    alice->ok_(QStringLiteral("conversation.transfer"), {{"conversation", conv}, {"toAgent", "bob"}});
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.removed")) >= 0);
    QVERIFY(bob->waitEvent(QStringLiteral("conversation.assigned")) >= 0);
    QJsonObject inbox = bob->ok_(QStringLiteral("inbox.snapshot"));
    QCOMPARE(inbox.value("conversations").toArray().size(), 1);

    // Close and rate.
    bob->ok_(QStringLiteral("survey.send"), {{"conversation", conv}});
    QVERIFY(li->waitEvent(QStringLiteral("survey.requested")) >= 0);
    bob->ok_(QStringLiteral("conversation.close"), {{"conversation", conv}});
    QVERIFY(li->waitEvent(QStringLiteral("conversation.closed")) >= 0);
    QCOMPARE_CODE(bob->call(QStringLiteral("conversation.close"), {{"conversation", conv}}), Conflict);
    const int bobFrom = static_cast<int>(bob->events.size());
    li->ok_(QStringLiteral("survey.rate"), {{"score", 5}, {"comment", "好快"}});
    const int rated = bob->waitEvent(QStringLiteral("survey.rated"), bobFrom);
    QVERIFY(rated >= 0);
    QCOMPARE(bob->events[rated].payload.value("conversation").toString(), conv);
    QCOMPARE(bob->events[rated].payload.value("score").toInt(), 5);

    // Rows in SQLite.
    StoreReader reader;
    QString error;
    QVERIFY(reader.open(m_service->storePath(), &error));
    const auto row = reader.conversation(conv);
    QVERIFY(row);
    QCOMPARE(toString(row->state), QStringLiteral("closed"));
    QCOMPARE(row->agentId, QStringLiteral("bob"));
    QCOMPARE(row->satisfaction, 5);
    QVERIFY(reader.history(conv).size() >= 4);
    const QList<DecisionRecord> decisions = reader.decisionsFor(conv);
    QVERIFY(decisions.size() >= 3); // assigned, transferred, closed
    QCOMPARE(decisions.first().kind, QStringLiteral("assigned"));
    QVERIFY(decisions.first().explanation.contains(QLatin1String("candidates")));

    // Event numbers are consecutive for every session.
    for (const auto *c : {alice.get(), bob.get(), li.get()}) {
        for (std::size_t i = 0; i < c->events.size(); ++i)
            QCOMPARE(c->events[i].seq, c->events.front().seq + i);
    }
}

void TestCoordinator::permissionBoundaries()
{
    auto root = admin();
    auto alice = agent(QStringLiteral("alice"));
    auto carol = agent(QStringLiteral("carol"));
    auto li = customer(QStringLiteral("Li"));
    auto wong = customer(QStringLiteral("Wong"));
    const QString conv =
        li->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);

    // Another agent (other group) can neither read nor act on alice's conversation.
    QCOMPARE_CODE(carol->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(carol->call(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "hi"}}),
                  Forbidden);
    QCOMPARE_CODE(carol->call(QStringLiteral("conversation.close"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(
        carol->call(QStringLiteral("conversation.transfer"), {{"conversation", conv}, {"toAgent", "carol"}}),
        Forbidden);
    QCOMPARE_CODE(carol->call(QStringLiteral("conversation.history"), {{"conversation", "nope"}}), NotFound);
    // A colleague in the same group claims from its queue, but a conversation assigned to alice is
    // hers: bob can neither read nor act on it.
    auto bob = agent(QStringLiteral("bob"));
    QCOMPARE_CODE(bob->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(bob->call(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "hi"}}),
                  Forbidden);
    QCOMPARE_CODE(bob->call(QStringLiteral("conversation.close"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(
        bob->call(QStringLiteral("conversation.invite"), {{"conversation", conv}, {"expert", "bob"}}),
        Forbidden);
    const QJsonArray bobsOwn = bob->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray();
    QVERIFY(bobsOwn.isEmpty());
    // Agents are not admins; customers are not agents.
    QCOMPARE_CODE(alice->call(QStringLiteral("account.create"),
                              {{"login", "eve"}, {"displayName", "Eve"}, {"password", kPassword}}),
                  Forbidden);
    QCOMPARE_CODE(wong->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    // A customer sees only their own conversation: Wong's history is empty, Li's attachment is not his.
    QCOMPARE(wong->ok_(QStringLiteral("customer.history")).value("messages").toArray().size(), 0);
    QCOMPARE_CODE(wong->call(QStringLiteral("attachment.get"), {{"id", conv + "/1/1"}}), NotFound);
    // An invited expert reads it and writes notes, but does not reply to the customer.
    alice->ok_(QStringLiteral("conversation.invite"), {{"conversation", conv}, {"expert", "carol"}});
    QVERIFY(carol->waitEvent(QStringLiteral("conversation.invited")) >= 0);
    QCOMPARE(carol->call(QStringLiteral("conversation.history"), {{"conversation", conv}}).kind,
             Incoming::Result);
    QCOMPARE_CODE(carol->call(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "hi"}}),
                  Forbidden);
    QCOMPARE(carol
                 ->call(QStringLiteral("message.send"),
                        {{"conversation", conv}, {"text", "check stock"}, {"note", true}})
                 .kind,
             Incoming::Result);
    // A forged token and a logged-out token are both refused.
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.resume"), {{"token", "forged"}}), BadCredentials);
    const QString token = alice->replies[1].payload.value("token").toString(); // [0] hello, [1] login
    QCOMPARE(token.size(), 43);
    alice->ok_(QStringLiteral("auth.logout"));
    QCOMPARE_CODE(alice->call(QStringLiteral("inbox.snapshot")), Unauthenticated);
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.resume"), {{"token", token}}), BadCredentials);
    // Repeated wrong passwords lock the login for a while.
    auto guesser = client();
    for (int i = 0; i < 5; ++i)
        QCOMPARE_CODE(
            guesser->call(QStringLiteral("auth.login"), {{"login", "bob"}, {"password", "wrong password"}}),
            BadCredentials);
    const Incoming locked =
        guesser->call(QStringLiteral("auth.login"), {{"login", "bob"}, {"password", kPassword}});
    QCOMPARE_CODE(locked, RateLimited);
    m_clock.advanceMs(61 * 1000);
    QCOMPARE(guesser->call(QStringLiteral("auth.login"), {{"login", "bob"}, {"password", kPassword}}).kind,
             Incoming::Result);
}

void TestCoordinator::replyTimeoutOnInjectedClock()
{
    auto root = admin();
    auto alice = agent(QStringLiteral("alice"));
    auto bob = agent(QStringLiteral("bob"));
    auto li = customer(QStringLiteral("Li"));
    const QString conv =
        li->ok_(QStringLiteral("customer.send"), {{"text", "anyone?"}}).value("conversation").toString();
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);
    // Alice does not answer within 60 s: it goes to bob.
    m_clock.advanceMs(61 * 1000);
    m_service->tick();
    const int removed = alice->waitEvent(QStringLiteral("conversation.removed"));
    QVERIFY(removed >= 0);
    QCOMPARE(alice->events[removed].payload.value("reason").toString(), QStringLiteral("reply-timeout"));
    const int moved = bob->waitEvent(QStringLiteral("conversation.assigned"));
    QVERIFY(moved >= 0);
    QCOMPARE(bob->events[moved].payload.value("id").toString(), conv);
}

void TestCoordinator::sessionsAcrossConnections()
{
    auto root = admin();
    auto first = agent(QStringLiteral("alice"));
    const QString token = first->replies[1].payload.value("token").toString();
    // A second connection resumes the same session and takes over its events.
    auto second = client();
    const Incoming resumed = second->call(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", 0}});
    QCOMPARE(resumed.kind, Incoming::Result);
    QCOMPARE(resumed.payload.value("reset").toBool(), false);
    // Signing out on one signs out both.
    second->ok_(QStringLiteral("auth.logout"));
    QCOMPARE_CODE(first->call(QStringLiteral("inbox.snapshot")), Unauthenticated);
    QCOMPARE_CODE(second->call(QStringLiteral("inbox.snapshot")), Unauthenticated);
    // Two visitors naming the same CRM id are two customers; neither start fails.
    auto a = client();
    auto b = client();
    const QJsonObject ca =
        a->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"externalId", "CRM-7"}});
    const QJsonObject cb =
        b->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"externalId", "CRM-7"}});
    QVERIFY(ca.contains(QLatin1String("token")) && cb.contains(QLatin1String("token")));
    QVERIFY(ca.value("customer").toString() != cb.value("customer").toString());
}

void TestCoordinator::refusedMessageKeepsUploads()
{
    auto root = admin();
    auto alice = agent(QStringLiteral("alice"));
    auto li = customer(QStringLiteral("Li"));
    const QString conv =
        li->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);
    const QString upload = alice
                               ->ok_(QStringLiteral("attachment.upload"),
                                     {{"name", "a.txt"}, {"mime", "text/plain"}, {"data", "aGVsbG8="}})
                               .value("id")
                               .toString();
    QCOMPARE_CODE(alice->call(QStringLiteral("message.send"),
                              {{"conversation", "nope"}, {"attachments", QJsonArray{upload}}}),
                  NotFound);
    QCOMPARE_CODE(alice->call(QStringLiteral("message.send"),
                              {{"conversation", conv}, {"attachments", QJsonArray{"up-unknown"}}}),
                  NotFound);
    QCOMPARE_CODE(alice->call(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "  "}}),
                  BadRequest);
    // The upload survived the refusals and goes out now, once.
    const QJsonObject sent = alice->ok_(QStringLiteral("message.send"),
                                        {{"conversation", conv}, {"attachments", QJsonArray{upload}}});
    QCOMPARE(sent.value("seq").toInt(), 2);
    QCOMPARE_CODE(alice->call(QStringLiteral("message.send"),
                              {{"conversation", conv}, {"attachments", QJsonArray{upload}}}),
                  NotFound);
}

void TestCoordinator::restartRebuildsAndResumes()
{
    QString token;
    QString queued;
    QString assigned;
    quint64 lastSeq = 0;
    {
        auto root = admin();
        auto alice = agent(QStringLiteral("alice"));
        token = alice->replies[1].payload.value("token").toString();
        // Alice's cap is 2: the third customer waits.
        std::vector<std::unique_ptr<WsClient>> customers;
        QStringList convs;
        for (int i = 0; i < 3; ++i) {
            customers.push_back(customer(QStringLiteral("c%1").arg(i)));
            convs << customers.back()
                         ->ok_(QStringLiteral("customer.send"), {{"text", "hi"}})
                         .value("conversation")
                         .toString();
        }
        assigned = convs[0];
        queued = convs[2];
        QCOMPARE(m_service->engine().queueStatus(queued).position, 1);
        QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);
        lastSeq = alice->events.back().seq;
    }
    stopService();
    startService();
    // The engine came back from the journal: same agent, same queue.
    QCOMPARE(m_service->engine().conversation(assigned)->agent, QStringLiteral("alice"));
    QCOMPARE(m_service->engine().queueStatus(queued).position, 1);
    // A clean stop took a snapshot of everything journaled, so nothing is left to replay after it.
    QVERIFY(m_service->stats().snapshotJournalId > 5);
    QCOMPARE(m_service->stats().replayedEvents, 0);
    // Alice resumes with her token; the events kept before the restart are gone, so she is told to
    // take a new snapshot, and numbering continues after what she saw.
    auto alice = client();
    const Incoming r = alice->call(QStringLiteral("auth.resume"),
                                   {{"token", token}, {"lastSeq", static_cast<qint64>(lastSeq)}});
    QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(r.payload.value("reset").toBool(), true);
    const QJsonObject inbox = alice->ok_(QStringLiteral("inbox.snapshot"));
    QCOMPARE(inbox.value("conversations").toArray().size(), 2);
    QCOMPARE(inbox.value("queues").toObject().value("sales").toArray().size(), 1);
    // Routing resumes: closing one gives her the waiting conversation.
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", assigned}});
    const int next = alice->waitEvent(QStringLiteral("conversation.assigned"));
    QVERIFY(next >= 0);
    QCOMPARE(alice->events[next].payload.value("id").toString(), queued);
    QVERIFY(alice->events[next].seq > lastSeq);
}

QTEST_GUILESS_MAIN(TestCoordinator)
#include "tst_coordinator.moc"
