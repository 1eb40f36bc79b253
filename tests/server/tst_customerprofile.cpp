// The customer panel's data and the quick replies' administration over real sockets: a returning
// customer's previous tickets with who handled them and their rating, scope (another agent gets
// not-found), and quick replies created, changed, listed per channel and deleted by an admin only.

#include "coordinatorhost.h"
#include "testservice.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}, {"id": "wechat", "name": "WeChat"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [{"id": "alice", "name": "Alice Wong", "groups": ["sales"], "maxConcurrent": 3, "status": "online"},
             {"id": "bob", "name": "Bob Lee", "groups": ["support"], "maxConcurrent": 3}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";
const QString kPassword = QStringLiteral("correct horse battery");

} // namespace

class TestCustomerProfile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void previousTicketsAndScope();
    void quickRepliesAdministered();
    void snapshotCarriesQueueHead();

private:
    std::unique_ptr<WsClient> signIn(const QString &login);

    QTemporaryDir m_dir;
    CoordinatorHost m_host;
};

std::unique_ptr<WsClient> TestCustomerProfile::signIn(const QString &login)
{
    auto c = std::make_unique<WsClient>(m_host.port());
    c->ok_("hello", {{"protocol", 1}});
    c->ok_("auth.login", {{"login", login}, {"password", kPassword}});
    return c;
}

void TestCustomerProfile::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_host.start(loopbackHost(m_dir.path(), kSite), &error), qPrintable(error));
    WsClient admin(m_host.port());
    admin.ok_("hello", {{"protocol", 1}});
    QVERIFY(!admin.ok_("auth.setup", {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                 .contains("failed"));
    for (const char *login : {"alice", "bob"})
        QVERIFY(!admin
                     .ok_("account.create",
                          {{"login", login},
                           {"displayName", login == QLatin1String("alice") ? "Alice Wong" : "Bob Lee"},
                           {"role", "agent"},
                           {"password", kPassword}})
                     .contains("failed"));
    // The site says alice is online, but no desk of hers is: the coordinator starts her offline.
    for (const QJsonValue &a : admin.ok_("directory.agents").value("agents").toArray())
        QCOMPARE(a.toObject().value("status").toString(), QStringLiteral("offline"));
}

void TestCustomerProfile::cleanupTestCase()
{
    m_host.stop();
}

void TestCustomerProfile::previousTicketsAndScope()
{
    auto alice = signIn("alice");
    alice->ok_("status.set", {{"status", "online"}});
    auto bob = signIn("bob");
    bob->ok_("status.set", {{"status", "online"}});

    WsClient customer(m_host.port());
    customer.ok_("hello", {{"protocol", 1}});
    const QJsonObject started =
        customer.ok_("customer.start", {{"channel", "web"}, {"name", "Ann Chan"}, {"externalId", "crm-77"}});
    const QString customerId = started.value("customer").toString();
    QVERIFY(!customerId.isEmpty());
    const QString first =
        customer.ok_("customer.send", {{"text", "first visit"}}).value("conversation").toString();
    QVERIFY(alice->waitEvent("conversation.assigned") >= 0);
    alice->ok_("survey.send", {{"conversation", first}});
    QVERIFY(customer.waitEvent("survey.requested") >= 0);
    customer.ok_("survey.rate", {{"score", 4}});
    alice->ok_("conversation.close", {{"conversation", first}});
    const int before = static_cast<int>(alice->events.size());
    const QString second =
        customer.ok_("customer.send", {{"text", "back again"}}).value("conversation").toString();
    QVERIFY(second != first);
    QVERIFY(alice->waitEvent("conversation.assigned", before) >= 0);

    const QJsonObject profile = alice->ok_("customer.profile", {{"customer", customerId}});
    QCOMPARE(profile.value("customer").toObject().value("name").toString(), QStringLiteral("Ann Chan"));
    QCOMPARE(profile.value("customer").toObject().value("externalId").toString(), QStringLiteral("crm-77"));
    const QJsonArray tickets = profile.value("tickets").toArray();
    QCOMPARE(tickets.size(), 2);
    QCOMPARE(tickets[0].toObject().value("id").toString(), second); // newest first
    QCOMPARE(tickets[0].toObject().value("closedAt").toDouble(), 0.0);
    QCOMPARE(tickets[1].toObject().value("id").toString(), first);
    QCOMPARE(tickets[1].toObject().value("agentName").toString(), QStringLiteral("Alice Wong"));
    QCOMPARE(tickets[1].toObject().value("rating").toInt(), 4);
    QCOMPARE(tickets[1].toObject().value("state").toString(), QStringLiteral("closed"));

    // bob is in another group and not on the conversation: as if the customer did not exist.
    const Incoming refused = bob->call("customer.profile", {{"customer", customerId}});
    QCOMPARE(refused.kind, Incoming::Error);
    QCOMPARE(protocol::toString(refused.code), protocol::toString(protocol::ErrorCode::NotFound));
    // Invited, he may look.
    alice->ok_("conversation.invite", {{"conversation", second}, {"expert", "bob"}});
    QVERIFY(bob->waitEvent("conversation.invited") >= 0);
    QCOMPARE(bob->ok_("customer.profile", {{"customer", customerId}}).value("tickets").toArray().size(), 2);
    // A customer may not call it at all.
    QCOMPARE(protocol::toString(customer.call("customer.profile", {{"customer", customerId}}).code),
             protocol::toString(protocol::ErrorCode::Forbidden));
    QCOMPARE(protocol::toString(alice->call("customer.profile", {{"customer", "nobody"}}).code),
             protocol::toString(protocol::ErrorCode::NotFound));
}

void TestCustomerProfile::quickRepliesAdministered()
{
    auto admin = signIn("root");
    auto alice = signIn("alice");
    const qint64 everywhere = static_cast<qint64>(
        admin
            ->ok_("quickreply.save",
                  {{"category", "Greetings"}, {"title", "Hello"}, {"text", "Hello! How can I help?"}})
            .value("id")
            .toDouble());
    QVERIFY(everywhere > 0);
    const qint64 wechatOnly = static_cast<qint64>(
        admin
            ->ok_(
                "quickreply.save",
                {{"category", "Billing"}, {"channel", "wechat"}, {"title", "Refund"}, {"text", "退款已处理"}})
            .value("id")
            .toDouble());
    QVERIFY(wechatOnly > everywhere);
    // Changed in place.
    QCOMPARE(static_cast<qint64>(admin
                                     ->ok_("quickreply.save", {{"id", everywhere},
                                                               {"category", "Greetings"},
                                                               {"title", "Hello"},
                                                               {"text", "Hi there!"}})
                                     .value("id")
                                     .toDouble()),
             everywhere);
    const QJsonObject web =
        alice->ok_("quickreply.list", {{"channel", "web"}}).value("categories").toObject();
    QCOMPARE(web.keys(), QStringList{QStringLiteral("Greetings")});
    QCOMPARE(web.value("Greetings").toArray().first().toObject().value("text").toString(),
             QStringLiteral("Hi there!"));
    const QJsonObject wechat =
        alice->ok_("quickreply.list", {{"channel", "wechat"}}).value("categories").toObject();
    QCOMPARE(wechat.keys(), (QStringList{QStringLiteral("Billing"), QStringLiteral("Greetings")}));

    // Refusals: agents may not edit, unknown ids and channels, missing fields.
    QCOMPARE(protocol::toString(
                 alice->call("quickreply.save", {{"category", "X"}, {"title", "Y"}, {"text", "Z"}}).code),
             protocol::toString(protocol::ErrorCode::Forbidden));
    QCOMPARE(
        protocol::toString(
            admin->call("quickreply.save", {{"id", 99999}, {"category", "X"}, {"title", "Y"}, {"text", "Z"}})
                .code),
        protocol::toString(protocol::ErrorCode::NotFound));
    QCOMPARE(
        protocol::toString(admin
                               ->call("quickreply.save",
                                      {{"category", "X"}, {"channel", "fax"}, {"title", "Y"}, {"text", "Z"}})
                               .code),
        protocol::toString(protocol::ErrorCode::NotFound));
    QCOMPARE(protocol::toString(admin->call("quickreply.save", {{"category", "X"}, {"title", "Y"}}).code),
             protocol::toString(protocol::ErrorCode::BadRequest));

    admin->ok_("quickreply.delete", {{"id", wechatOnly}});
    QCOMPARE(protocol::toString(admin->call("quickreply.delete", {{"id", wechatOnly}}).code),
             protocol::toString(protocol::ErrorCode::NotFound));
    QCOMPARE(alice->ok_("quickreply.list", {{"channel", "wechat"}}).value("categories").toObject().keys(),
             QStringList{QStringLiteral("Greetings")});
}

void TestCustomerProfile::snapshotCarriesQueueHead()
{
    // Nobody online: every customer waits. The snapshot carries the first 500 and the total.
    auto alice = signIn("alice");
    alice->ok_("status.set", {{"status", "away"}});
    auto bob = signIn("bob");
    bob->ok_("status.set", {{"status", "away"}});
    const int before = alice->ok_("inbox.snapshot").value("queueTotals").toObject().value("sales").toInt();
    WsClient customers(m_host.port());
    customers.ok_("hello", {{"protocol", 1}});
    for (int i = 0; i < 510; ++i) {
        customers.ok_("customer.start", {{"channel", "web"}, {"name", QStringLiteral("Guest %1").arg(i)}});
        customers.post("customer.send", {{"text", "hello"}});
    }
    customers.ok_("hello", {{"protocol", 1}}); // answered after every send before it
    const QJsonObject snapshot = alice->ok_("inbox.snapshot");
    QCOMPARE(snapshot.value("queueTotals").toObject().value("sales").toInt(), before + 510);
    const QJsonArray head = snapshot.value("queues").toObject().value("sales").toArray();
    QCOMPARE(head.size(), 500);
    QCOMPARE(head.first().toObject().value("position").toInt(), 1);
    QCOMPARE(head.last().toObject().value("position").toInt(), 500);
}

QTEST_MAIN(TestCustomerProfile)
#include "tst_customerprofile.moc"
