// Presence grace over real sockets: an agent whose desks all disconnect is set offline after the
// grace unless a desk of theirs resumes or signs in first. Time is a manual clock: the test moves
// it past the grace and fires the service's timers itself.

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

// Requeue on going offline, so the test can tell the offline policy ran.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "offlinePolicy": "requeue"},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 3},
    {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 3}
  ],
  "rules": [{"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");
constexpr qint64 kGraceMs = 90 * 1000;

} // namespace

class TestPresence : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void dropAndComeBackInTime();
    void dropAndStayAway();
    void secondDeskKeepsAgentOnline();
    void signingOutOfTheLastDeskStartsTheGrace();
    void restartGivesEveryoneTheGrace();
    void deskLeavingAfterStopWritesNothing();

private:
    void startService();
    void stopService();
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> admin();
    // Signs in and goes online; *token gets the session token.
    std::unique_ptr<WsClient> desk(const QString &login, QString *token = nullptr);
    // A customer writes; returns the conversation id.
    QString customerWrites(const QString &name);
    // Closes the client's socket and waits until the service has seen the link go.
    void drop(std::unique_ptr<WsClient> &c);
    // Moves the clock and fires what fell due, as the service's own timer would.
    void advance(qint64 ms);
    QString statusOf(const QString &agent) const;

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::vector<std::unique_ptr<WsClient>> m_customers;
};

void TestPresence::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    options.presenceGraceMs = kGraceMs;
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestPresence::stopService()
{
    m_customers.clear();
    stopTestService(m_service, m_gateway);
}

void TestPresence::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    startService();
}

void TestPresence::cleanup()
{
    stopService();
}

std::unique_ptr<WsClient> TestPresence::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestPresence::admin()
{
    auto c = client();
    const auto r = c->call(QStringLiteral("auth.setup"),
                           {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    if (r.kind != Incoming::Result)
        c->ok = c->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}})
                    .contains(QLatin1String("token"));
    for (const char *name : {"alice", "bob"}) {
        if (r.kind == Incoming::Result)
            c->ok_(QStringLiteral("account.create"),
                   {{"login", name}, {"displayName", name}, {"role", "agent"}, {"password", kPassword}});
    }
    return c;
}

std::unique_ptr<WsClient> TestPresence::desk(const QString &login, QString *token)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    if (token)
        *token = r.value("token").toString();
    c->ok = c->ok && c->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status");
    return c;
}

QString TestPresence::customerWrites(const QString &name)
{
    auto c = client();
    c->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", name}});
    const QString conv =
        c->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    m_customers.push_back(std::move(c));
    return conv;
}

void TestPresence::drop(std::unique_ptr<WsClient> &c)
{
    const int before = m_service->linkCount();
    c.reset(); // the socket goes without a word, as with a lost network
    QTRY_COMPARE(m_service->linkCount(), before - 1);
}

void TestPresence::advance(qint64 ms)
{
    m_clock.advanceMs(ms);
    m_service->tick();
}

QString TestPresence::statusOf(const QString &agent) const
{
    const auto a = m_service->engine().agent(agent);
    return a ? toString(a->status) : QStringLiteral("unknown");
}

void TestPresence::dropAndComeBackInTime()
{
    auto root = admin();
    QString token;
    auto alice = desk(QStringLiteral("alice"), &token);
    QVERIFY(root->ok && alice->ok);
    const QString conv = customerWrites(QStringLiteral("Carl"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));
    const int lastSeq = alice->events.empty() ? 0 : static_cast<int>(alice->events.back().seq);

    drop(alice);
    advance(kGraceMs - 30 * 1000);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));

    // The desk reconnects and resumes within the grace: nothing changes, and the grace is gone.
    alice = client();
    const QJsonObject resumed =
        alice->ok_(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", lastSeq}});
    QVERIFY(resumed.contains(QLatin1String("token")));
    advance(kGraceMs);
    advance(60 * 60 * 1000);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));
    const QJsonObject inbox = alice->ok_(QStringLiteral("inbox.snapshot"));
    QCOMPARE(inbox.value("me").toObject().value("status").toString(), QStringLiteral("online"));
    QCOMPARE(inbox.value("conversations").toArray().size(), 1);

    // A new sign-in (rather than a resume) cancels the grace too.
    drop(alice);
    advance(kGraceMs - 1000);
    auto again = client();
    QVERIFY(again->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}})
                .contains("token"));
    advance(2 * kGraceMs);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));
}

void TestPresence::dropAndStayAway()
{
    auto root = admin();
    auto alice = desk(QStringLiteral("alice"));
    QVERIFY(root->ok && alice->ok);
    const QString conv = customerWrites(QStringLiteral("Carl"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));

    drop(alice);
    advance(kGraceMs - 1);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    const int from = static_cast<int>(root->events.size());
    advance(1);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("offline"));
    // The offline policy ran (requeue): the conversation waits again, at the head of the queue.
    const auto info = m_service->engine().conversation(conv);
    QVERIFY(info);
    QVERIFY(info->state == ConversationInfo::Queued);
    QVERIFY(info->agent.isEmpty());
    // The floor hears of it like any status change.
    const int status = root->waitEvent(QStringLiteral("agent.status"), from);
    QVERIFY(status >= 0);
    QCOMPARE(root->events[status].payload.value("agent").toString(), QStringLiteral("alice"));
    QCOMPARE(root->events[status].payload.value("status").toString(), QStringLiteral("offline"));
    QVERIFY(root->waitEvent(QStringLiteral("queue.added"), from) >= 0);

    // A customer arriving now is not routed to her: nobody is online, so they wait.
    const QString later = customerWrites(QStringLiteral("Dora"));
    QVERIFY(m_service->engine().conversation(later)->state == ConversationInfo::Queued);
    // Bob comes online and takes the waiting ones; alice is not considered.
    auto bob = desk(QStringLiteral("bob"));
    QVERIFY(bob->ok);
    QTRY_COMPARE(m_service->engine().conversation(later)->agent, QStringLiteral("bob"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("bob"));

    // It was journaled like a status.set: after a restart alice is still offline.
    root.reset();
    bob.reset();
    stopService();
    startService();
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("offline"));
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("bob"));
}

// The daemon stops the service before its gateway goes, so links close on a stopped service: the
// presence deadline that starts then must neither be written nor fire.
void TestPresence::deskLeavingAfterStopWritesNothing()
{
    auto root = admin();
    auto alice = desk(QStringLiteral("alice"));
    QVERIFY(root->ok && alice->ok);
    m_service->stop();
    drop(alice);
    advance(3 * kGraceMs); // the service's own timer would do this; nothing to do, nothing written
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
}

void TestPresence::secondDeskKeepsAgentOnline()
{
    auto root = admin();
    auto laptop = desk(QStringLiteral("alice"));
    auto phone = desk(QStringLiteral("alice"));
    QVERIFY(root->ok && laptop->ok && phone->ok);
    drop(laptop);
    advance(3 * kGraceMs);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    // The grace starts when the last one goes.
    advance(kGraceMs);
    drop(phone);
    advance(kGraceMs - 1000);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    advance(1000);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("offline"));
}

void TestPresence::signingOutOfTheLastDeskStartsTheGrace()
{
    auto root = admin();
    auto alice = desk(QStringLiteral("alice"));
    QVERIFY(root->ok && alice->ok);
    QVERIFY(alice->call(QStringLiteral("auth.logout")).kind == Incoming::Result);
    advance(kGraceMs);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("offline"));
    // An agent who chose offline before leaving gets no timer and no second status change.
    auto bob = desk(QStringLiteral("bob"));
    QVERIFY(bob->ok_(QStringLiteral("status.set"), {{"status", "offline"}}).contains("status"));
    const int from = static_cast<int>(root->events.size());
    drop(bob);
    advance(2 * kGraceMs);
    QCOMPARE(statusOf(QStringLiteral("bob")), QStringLiteral("offline"));
    QVERIFY(!root->waitFor(
        [&] {
            for (int i = from; i < static_cast<int>(root->events.size()); ++i) {
                if (root->events[i].event == QLatin1String("agent.status"))
                    return true;
            }
            return false;
        },
        200));
}

void TestPresence::restartGivesEveryoneTheGrace()
{
    QString bobToken;
    {
        auto root = admin();
        auto alice = desk(QStringLiteral("alice"));
        auto bob = desk(QStringLiteral("bob"), &bobToken);
        QVERIFY(root->ok && alice->ok && bob->ok);
        customerWrites(QStringLiteral("Carl"));
        customerWrites(QStringLiteral("Dora"));
    }
    stopService();
    startService();
    // The journal brings both back online, with nobody at their desks.
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("online"));
    QCOMPARE(statusOf(QStringLiteral("bob")), QStringLiteral("online"));
    QCOMPARE(m_service->engine().conversationsOf(QStringLiteral("alice")).size(), 1);
    advance(kGraceMs / 2);
    // Bob's desk resumes within the grace; alice's never comes back.
    auto bob = client();
    QVERIFY(bob->ok_(QStringLiteral("auth.resume"), {{"token", bobToken}, {"lastSeq", 0}}).contains("token"));
    advance(kGraceMs / 2);
    QCOMPARE(statusOf(QStringLiteral("alice")), QStringLiteral("offline"));
    QCOMPARE(statusOf(QStringLiteral("bob")), QStringLiteral("online"));
    // Requeued from alice and taken by bob, who is still there.
    QCOMPARE(m_service->engine().conversationsOf(QStringLiteral("alice")).size(), 0);
    QCOMPARE(m_service->engine().conversationsOf(QStringLiteral("bob")).size(), 2);
}

QTEST_GUILESS_MAIN(TestPresence)
#include "tst_presence.moc"
