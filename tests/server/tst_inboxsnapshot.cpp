// inbox.snapshot's lastMessage over real sockets: every conversation it lists (mine, invited, the
// queue heads, a supervisor's team) carries its latest message, notes included for staff, and the
// coordinator still has it after a restart.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}, {"id": "mail", "name": "Mail"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "later", "name": "Later"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales", "later"], "maxConcurrent": 5},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 5}
  ],
  "rules": [{"id": "mail", "when": {"channels": ["mail"]}, "groups": ["later"], "strategy": "manual"},
            {"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

// The conversation with this id among a snapshot's lists.
QJsonObject find(const QJsonArray &list, const QString &id)
{
    for (const QJsonValue &v : list) {
        if (v.toObject().value("id").toString() == id)
            return v.toObject();
    }
    return {};
}

} // namespace

class TestInboxSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void lastMessageEverywhere();
    void survivesRestart();

private:
    void startService();
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> signIn(const QString &login, bool online);
    std::unique_ptr<WsClient> customer(const QString &channel);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestInboxSnapshot::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestInboxSnapshot::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    startService();
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    QVERIFY(root->ok_(QStringLiteral("team.create"), {{"id", "floor"}, {"name", "Floor"}}).contains("id"));
    for (const char *name : {"alice", "bob"}) {
        QVERIFY(root->ok_(QStringLiteral("account.create"), {{"login", name},
                                                             {"displayName", name},
                                                             {"role", "agent"},
                                                             {"password", kPassword},
                                                             {"team", "floor"}})
                    .contains("id"));
    }
    QVERIFY(root->ok_(QStringLiteral("account.create"), {{"login", "sue"},
                                                         {"displayName", "Sue"},
                                                         {"role", "supervisor"},
                                                         {"password", kPassword},
                                                         {"team", "floor"}})
                .contains("id"));
}

void TestInboxSnapshot::cleanup()
{
    stopTestService(m_service, m_gateway);
}

std::unique_ptr<WsClient> TestInboxSnapshot::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestInboxSnapshot::signIn(const QString &login, bool online)
{
    auto c = client();
    c->ok = c->ok && c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}})
                         .contains(QLatin1String("token"));
    if (online)
        c->ok = c->ok && c->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status");
    return c;
}

std::unique_ptr<WsClient> TestInboxSnapshot::customer(const QString &channel)
{
    auto c = client();
    c->ok = c->ok && c->ok_(QStringLiteral("customer.start"), {{"channel", channel}, {"name", "Carl"}})
                         .contains(QLatin1String("token"));
    return c;
}

void TestInboxSnapshot::lastMessageEverywhere()
{
    auto alice = signIn(QStringLiteral("alice"), true);
    auto bob = signIn(QStringLiteral("bob"), true);
    auto sue = signIn(QStringLiteral("sue"), false);
    QVERIFY(alice->ok && bob->ok && sue->ok);

    // A conversation waiting in a (manual) queue: the customer's words are its last message.
    auto waiting = customer(QStringLiteral("mail"));
    m_clock.advanceMs(1000);
    const QJsonObject sent = waiting->ok_(QStringLiteral("customer.send"), {{"text", "where is my order?"}});
    const QString queued = sent.value("conversation").toString();
    QVERIFY(!queued.isEmpty());
    QJsonObject inbox = alice->ok_(QStringLiteral("inbox.snapshot"));
    QJsonObject last = find(inbox.value("queues").toObject().value("later").toArray(), queued)
                           .value("lastMessage")
                           .toObject();
    QCOMPARE(last.value("text").toString(), QStringLiteral("where is my order?"));
    QCOMPARE(last.value("kind").toString(), QStringLiteral("text"));
    QCOMPARE(last.value("sender").toString(), QStringLiteral("customer"));
    QCOMPARE(last.value("at").toInteger(), m_clock.nowMs());
    QVERIFY(!last.contains("attachmentName"));

    // Routed to someone: the agent's reply, then a note, each becomes the last message.
    auto web = customer(QStringLiteral("web"));
    const QString mine =
        web->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
    const auto info = m_service->engine().conversation(mine);
    QVERIFY(info && !info->agent.isEmpty());
    auto &owner = info->agent == QLatin1String("alice") ? alice : bob;
    auto &other = info->agent == QLatin1String("alice") ? bob : alice;
    m_clock.advanceMs(1000);
    QVERIFY(owner->ok_(QStringLiteral("message.send"), {{"conversation", mine}, {"text", "Hello Carl"}})
                .contains("id"));
    last = find(owner->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray(), mine)
               .value("lastMessage")
               .toObject();
    QCOMPARE(last.value("text").toString(), QStringLiteral("Hello Carl"));
    QCOMPARE(last.value("sender").toString(), QStringLiteral("agent"));
    QCOMPARE(last.value("senderId").toString(), info->agent);
    QVERIFY(owner
                ->ok_(QStringLiteral("message.send"),
                      {{"conversation", mine}, {"text", "VIP, be nice"}, {"note", true}})
                .contains("id"));
    // The invited expert and the supervisor see the same: a note, flagged as one.
    const QString expert =
        info->agent == QLatin1String("alice") ? QStringLiteral("bob") : QStringLiteral("alice");
    QVERIFY(owner->ok_(QStringLiteral("conversation.invite"), {{"conversation", mine}, {"expert", expert}})
                .contains("expert"));
    for (WsClient *c : {owner.get(), other.get()}) {
        last = find(c->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray(), mine)
                   .value("lastMessage")
                   .toObject();
        QCOMPARE(last.value("kind").toString(), QStringLiteral("note"));
        QCOMPARE(last.value("text").toString(), QStringLiteral("VIP, be nice"));
    }
    last = find(sue->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray(), mine)
               .value("lastMessage")
               .toObject();
    QCOMPARE(last.value("kind").toString(), QStringLiteral("note"));

    // An attachment alone: its name comes along. A long text is cut to the preview's length.
    const QString upload =
        web->ok_(QStringLiteral("attachment.upload"),
                 {{"name", "receipt.png"}, {"mime", "image/png"}, {"data", "iVBORw0KGgo="}})
            .value("id")
            .toString();
    QVERIFY(web->ok_(QStringLiteral("customer.send"), {{"attachments", QJsonArray{upload}}}).contains("id"));
    last = find(owner->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray(), mine)
               .value("lastMessage")
               .toObject();
    QCOMPARE(last.value("kind").toString(), QStringLiteral("image"));
    QCOMPARE(last.value("attachmentName").toString(), QStringLiteral("receipt.png"));
    QVERIFY(web->ok_(QStringLiteral("customer.send"), {{"text", QString(1000, QLatin1Char('x'))}})
                .contains("id"));
    last = find(owner->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray(), mine)
               .value("lastMessage")
               .toObject();
    QCOMPARE(last.value("text").toString(), QString(200, QLatin1Char('x')));

    // A ticket opened and kept has no message yet: no lastMessage. (For the agent's own customer:
    // agents open tickets only for customers they can see.)
    const QString who = info->customer;
    QVERIFY(!who.isEmpty());
    const QString ticket =
        owner->ok_(QStringLiteral("ticket.open"), {{"customer", who}, {"channel", "mail"}, {"keep", true}})
            .value("id")
            .toString();
    QVERIFY(!ticket.isEmpty());
    const QJsonObject fresh =
        find(owner->ok_(QStringLiteral("inbox.snapshot")).value("conversations").toArray(), ticket);
    QCOMPARE(fresh.value("id").toString(), ticket);
    QVERIFY(!fresh.contains("lastMessage"));
}

void TestInboxSnapshot::survivesRestart()
{
    QString queued;
    {
        auto waiting = customer(QStringLiteral("mail"));
        queued = waiting->ok_(QStringLiteral("customer.send"), {{"text", "first"}})
                     .value("conversation")
                     .toString();
        m_clock.advanceMs(5000);
        QVERIFY(waiting->ok_(QStringLiteral("customer.send"), {{"text", "second"}}).contains("id"));
    }
    stopTestService(m_service, m_gateway);
    startService();
    auto alice = signIn(QStringLiteral("alice"), false);
    QVERIFY(alice->ok);
    const QJsonObject last =
        find(alice->ok_(QStringLiteral("inbox.snapshot")).value("queues").toObject().value("later").toArray(),
             queued)
            .value("lastMessage")
            .toObject();
    QCOMPARE(last.value("text").toString(), QStringLiteral("second"));
    QCOMPARE(last.value("at").toInteger(), m_clock.nowMs());
}

QTEST_GUILESS_MAIN(TestInboxSnapshot)
#include "tst_inboxsnapshot.moc"
