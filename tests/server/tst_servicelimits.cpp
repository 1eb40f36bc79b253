// The service's edges over real sockets, each checked by what the coordinator answers and does:
// a group created twice, a transfer to a group, attachment limits, a session outliving its
// lifetime on the test's clock, and the two queue events the other suites never see
// (queue.widened after the perfect-skill wait, queue.unmatched for a channel no rule takes).

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::ErrorCode;
using protocol::Incoming;

namespace {

// "fr" needs a skill nobody has, so it waits out its 60 s and is widened; "fax" matches no rule.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}, {"id": "fr", "name": "French"}, {"id": "fax", "name": "Fax"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"]},
    {"id": "carol", "name": "Carol", "groups": ["support"]}
  ],
  "rules": [
    {"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"]},
    {"id": "fr", "when": {"channels": ["fr"]}, "groups": ["sales"], "skills": ["french"],
     "maxWaitSeconds": 60}
  ]
})";

const QString kPassword = QStringLiteral("correct horse battery");

} // namespace

class TestServiceLimits : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void groupCreatedOnce();
    void groupUpdated();
    void transferToGroup();
    void attachmentLimits();
    void sessionExpires();
    void widenedAndUnmatchedQueues();

private:
    void startService(qint64 sessionLifetimeMs = 12LL * 3600 * 1000);
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> setUp();                     // the admin, with alice and carol signed up
    std::unique_ptr<WsClient> agent(const QString &login); // signed in and online
    std::unique_ptr<WsClient> customer(const QString &channel, const QString &text, QString *conversation);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestServiceLimits::startService(qint64 sessionLifetimeMs)
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    options.sessionLifetimeMs = sessionLifetimeMs;
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestServiceLimits::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
}

void TestServiceLimits::cleanup()
{
    stopTestService(m_service, m_gateway);
}

std::unique_ptr<WsClient> TestServiceLimits::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestServiceLimits::setUp()
{
    auto admin = client();
    admin->ok = admin->ok && admin
                                 ->ok_(QStringLiteral("auth.setup"),
                                       {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                                 .contains("token");
    for (const char *login : {"alice", "carol"}) {
        admin->ok =
            admin->ok &&
            admin
                ->ok_(QStringLiteral("account.create"),
                      {{"login", login}, {"displayName", login}, {"role", "agent"}, {"password", kPassword}})
                .contains("id");
    }
    return admin;
}

std::unique_ptr<WsClient> TestServiceLimits::agent(const QString &login)
{
    auto c = client();
    c->ok =
        c->ok &&
        c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}}).contains("token");
    c->ok = c->ok && c->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status");
    return c;
}

std::unique_ptr<WsClient> TestServiceLimits::customer(const QString &channel, const QString &text,
                                                      QString *conversation)
{
    auto c = client();
    c->ok =
        c->ok &&
        c->ok_(QStringLiteral("customer.start"), {{"channel", channel}, {"name", "Dana"}}).contains("token");
    *conversation =
        c->ok_(QStringLiteral("customer.send"), {{"text", text}}).value("conversation").toString();
    c->ok = c->ok && !conversation->isEmpty();
    return c;
}

void TestServiceLimits::groupCreatedOnce()
{
    startService();
    auto admin = setUp();
    QVERIFY(admin->ok);
    const QJsonObject made =
        admin->ok_(QStringLiteral("group.create"), {{"id", "billing"}, {"name", "Billing"}});
    QCOMPARE(made.value("name").toString(), QStringLiteral("Billing"));
    QVERIFY(m_service->engine().groupIds().contains(QStringLiteral("billing")));
    const Incoming again =
        admin->call(QStringLiteral("group.create"), {{"id", "billing"}, {"name", "Other"}});
    QCOMPARE_CODE(again, Conflict);
    QCOMPARE(again.message, QStringLiteral("the group \"billing\" exists"));

    // A seeded group "created" again with hours closed now (16:00 UTC): refused, and it stays as it
    // was, so a customer is still routed to its agent instead of waiting for the hours.
    const QJsonObject closed{{"timeZone", "UTC"}, {"daily", "02:00-03:00"}};
    QCOMPARE_CODE(
        admin->call(QStringLiteral("group.create"), {{"id", "sales"}, {"name", "Sales"}, {"hours", closed}}),
        Conflict);
    auto alice = agent(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    QString conv;
    auto dana = customer(QStringLiteral("web"), QStringLiteral("hi"), &conv);
    QVERIFY(dana->ok);
    const int assigned = alice->waitEvent(QStringLiteral("conversation.assigned"));
    QVERIFY(assigned >= 0);
    QCOMPARE(alice->events[assigned].payload.value("id").toString(), conv);
}

void TestServiceLimits::groupUpdated()
{
    startService();
    auto admin = setUp();
    QVERIFY(admin->ok);
    auto alice = agent(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    QCOMPARE_CODE(admin->call(QStringLiteral("group.update"), {{"id", "nope"}, {"name", "X"}}), NotFound);
    QCOMPARE_CODE(admin->call(QStringLiteral("group.update"),
                              {{"id", "sales"}, {"hours", QJsonObject{{"daily", "nonsense"}}}}),
                  BadRequest);
    QCOMPARE_CODE(alice->call(QStringLiteral("group.update"), {{"id", "sales"}, {"name", "Mine"}}),
                  Forbidden);

    // Renamed, hours left as they were (always open): a customer is routed at once.
    const QJsonObject renamed =
        admin->ok_(QStringLiteral("group.update"), {{"id", "sales"}, {"name", "Sales & billing"}});
    QCOMPARE(renamed.value("name").toString(), QStringLiteral("Sales & billing"));
    QCOMPARE(m_service->engine().groupConfig(QStringLiteral("sales"))->name,
             QStringLiteral("Sales & billing"));
    QString first;
    auto dana = customer(QStringLiteral("web"), QStringLiteral("hi"), &first);
    QVERIFY(dana->ok);
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);

    // Closed now (16:00 UTC), the name kept: the next customer waits for the hours.
    const QJsonObject closed{{"timeZone", "UTC"}, {"daily", "02:00-03:00"}};
    QCOMPARE(admin->ok_(QStringLiteral("group.update"), {{"id", "sales"}, {"hours", closed}})
                 .value("name")
                 .toString(),
             QStringLiteral("Sales & billing"));
    QString second;
    auto eve = customer(QStringLiteral("web"), QStringLiteral("hello"), &second);
    QVERIFY(eve->ok);
    QTRY_VERIFY(m_service->engine().conversation(second).has_value());
    QVERIFY(m_service->engine().conversation(second)->agent.isEmpty());

    // Open again: the waiting conversation is routed at once.
    const int from = static_cast<int>(alice->events.size());
    admin->ok_(QStringLiteral("group.update"),
               {{"id", "sales"}, {"hours", QJsonObject{{"timeZone", "UTC"}, {"daily", "00:00-24:00"}}}});
    const int assigned = alice->waitEvent(QStringLiteral("conversation.assigned"), from);
    QVERIFY(assigned >= 0);
    QCOMPARE(alice->events[assigned].payload.value("id").toString(), second);
}

void TestServiceLimits::transferToGroup()
{
    startService();
    auto admin = setUp();
    QVERIFY(admin->ok);
    auto alice = agent(QStringLiteral("alice"));
    auto carol = agent(QStringLiteral("carol"));
    QVERIFY(alice->ok && carol->ok);
    QString conv;
    auto dana = customer(QStringLiteral("web"), QStringLiteral("my invoice is wrong"), &conv);
    QVERIFY(dana->ok);
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);

    // Exactly one of the two targets.
    const Incoming both = alice->call(QStringLiteral("conversation.transfer"),
                                      {{"conversation", conv}, {"toAgent", "carol"}, {"toGroup", "support"}});
    QCOMPARE_CODE(both, BadRequest);
    QCOMPARE(both.message, QStringLiteral("give exactly one of \"toAgent\" and \"toGroup\""));
    QCOMPARE_CODE(alice->call(QStringLiteral("conversation.transfer"), {{"conversation", conv}}), BadRequest);
    QCOMPARE_CODE(alice->call(QStringLiteral("conversation.transfer"),
                              {{"conversation", conv}, {"toGroup", "no-such-group"}}),
                  NotFound);
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));

    // To the support group: routed there, to its only member.
    const int carolFrom = static_cast<int>(carol->events.size());
    const int aliceFrom = static_cast<int>(alice->events.size());
    const QJsonObject moved =
        alice->ok_(QStringLiteral("conversation.transfer"), {{"conversation", conv}, {"toGroup", "support"}});
    QCOMPARE(moved.value("id").toString(), conv);
    const int assigned = carol->waitEvent(QStringLiteral("conversation.assigned"), carolFrom);
    QVERIFY(assigned >= 0);
    QCOMPARE(carol->events[assigned].payload.value("id").toString(), conv);
    QVERIFY(alice->waitEvent(QStringLiteral("conversation.removed"), aliceFrom) >= 0);
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("carol"));
    // Alice no longer handles it: she can't close it.
    QCOMPARE_CODE(alice->call(QStringLiteral("conversation.close"), {{"conversation", conv}}), Forbidden);
}

void TestServiceLimits::attachmentLimits()
{
    startService();
    auto admin = setUp();
    QVERIFY(admin->ok);
    auto alice = agent(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    const qint64 limit = protocol::Limits::maxAttachmentBytes;
    auto upload = [&](qint64 bytes) {
        return alice->call(QStringLiteral("attachment.upload"),
                           {{"name", "scan.png"},
                            {"mime", "image/png"},
                            {"data", QString::fromLatin1(QByteArray(bytes, 'z').toBase64())}});
    };
    const Incoming over = upload(limit + 1);
    QCOMPARE_CODE(over, BadRequest);
    QCOMPARE(over.message,
             QStringLiteral("the file has %1 bytes; the limit is %2").arg(limit + 1).arg(limit));
    const Incoming garbled =
        alice->call(QStringLiteral("attachment.upload"),
                    {{"name", "a.bin"}, {"mime", "application/octet-stream"}, {"data", "not*base64!"}});
    QCOMPARE_CODE(garbled, BadRequest);
    QCOMPARE(garbled.message, QStringLiteral("\"data\" is not valid base64"));

    // Files up to the limit are taken, until 32 MiB wait unsent on the connection.
    const Incoming exact = upload(limit);
    QCOMPARE(exact.kind, Incoming::Result);
    QCOMPARE(exact.payload.value("size").toInteger(), limit);
    for (int i = 1; i < 6; ++i)
        QCOMPARE(upload(limit).kind, Incoming::Result); // 30 MiB now
    const Incoming tooMany = upload(limit);
    QCOMPARE_CODE(tooMany, RateLimited);
    QCOMPARE(tooMany.message,
             QStringLiteral("too many unsent uploads on this connection; send or drop some first"));
    // The cap is the connection's: another one of hers uploads.
    auto again = agent(QStringLiteral("alice"));
    QCOMPARE(again
                 ->call(QStringLiteral("attachment.upload"),
                        {{"name", "a.txt"}, {"mime", "text/plain"}, {"data", QStringLiteral("aGk=")}})
                 .kind,
             Incoming::Result);
}

void TestServiceLimits::sessionExpires()
{
    startService(60 * 1000);
    auto admin = setUp();
    QVERIFY(admin->ok);
    auto alice = client();
    const QJsonObject login =
        alice->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
    const QString token = login.value("token").toString();
    QVERIFY(!token.isEmpty());
    QCOMPARE(login.value("expiresAt").toInteger(), m_clock.nowMs() + 60 * 1000);
    QVERIFY(alice->ok_(QStringLiteral("inbox.snapshot")).contains("conversations"));

    m_clock.advanceMs(59 * 1000);
    QVERIFY(alice->ok_(QStringLiteral("inbox.snapshot")).contains("conversations"));
    m_clock.advanceMs(1000);
    // Expired while connected: the connection is signed out, and the token no longer resumes.
    const Incoming late = alice->call(QStringLiteral("inbox.snapshot"));
    QCOMPARE_CODE(late, Unauthenticated);
    auto later = client();
    const Incoming resumed = later->call(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", 0}});
    QCOMPARE_CODE(resumed, BadCredentials);
    QCOMPARE(resumed.message,
             QStringLiteral("the session token is unknown, expired or revoked; sign in again"));
    // Signing in again works, with a new lifetime.
    const QJsonObject again =
        later->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
    QVERIFY(again.value("token").toString() != token);
    QCOMPARE(again.value("expiresAt").toInteger(), m_clock.nowMs() + 60 * 1000);
}

void TestServiceLimits::widenedAndUnmatchedQueues()
{
    startService();
    auto admin = setUp();
    QVERIFY(admin->ok);
    auto alice = agent(QStringLiteral("alice"));
    QVERIFY(alice->ok);

    // Nobody speaks French: it waits in sales' queue for its 60 s, then goes to the closest match.
    QString fr;
    auto dana = customer(QStringLiteral("fr"), QStringLiteral("bonjour"), &fr);
    QVERIFY(dana->ok);
    QVERIFY(alice->waitEvent(QStringLiteral("queue.added")) >= 0);
    QVERIFY(m_service->engine().conversation(fr)->agent.isEmpty());
    m_clock.advanceMs(59 * 1000);
    m_service->tick();
    QVERIFY(
        !alice->waitFor([&] { return alice->waitEvent(QStringLiteral("queue.widened"), 0, 0) >= 0; }, 100));
    m_clock.advanceMs(1000);
    m_service->tick();
    const int widened = alice->waitEvent(QStringLiteral("queue.widened"));
    QVERIFY(widened >= 0);
    QCOMPARE(alice->events[widened].payload.value("conversation").toString(), fr);
    QCOMPARE(alice->events[widened].payload.value("reason").toString(), QStringLiteral("wait-exceeded"));
    const int assigned = alice->waitEvent(QStringLiteral("conversation.assigned"), widened);
    QVERIFY(assigned >= 0);
    QCOMPARE(alice->events[assigned].payload.value("id").toString(), fr);

    // A channel no rule takes: admins hear of it; agents don't.
    const int aliceFrom = static_cast<int>(alice->events.size());
    QString fax;
    auto eve = customer(QStringLiteral("fax"), QStringLiteral("hello?"), &fax);
    QVERIFY(eve->ok);
    const int unmatched = admin->waitEvent(QStringLiteral("queue.unmatched"));
    QVERIFY(unmatched >= 0);
    QCOMPARE(admin->events[unmatched].payload.value("id").toString(), fax);
    QVERIFY(!alice->waitFor(
        [&] {
            for (int i = aliceFrom; i < static_cast<int>(alice->events.size()); ++i) {
                if (alice->events[i].payload.value("id").toString() == fax ||
                    alice->events[i].payload.value("conversation").toString() == fax)
                    return true;
            }
            return false;
        },
        200));
}

QTEST_MAIN(TestServiceLimits)
#include "tst_servicelimits.moc"
