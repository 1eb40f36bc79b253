// The desk's client logic against a real coordinator hosted in this test (on its own thread, over
// loopback): sign-in and snapshot, an assignment with unread counts, history, replies, a message
// written while the coordinator is down that arrives exactly once after the resume, and a transfer.

#include "coordinatorhost.h"
#include "deskclient.h"
#include "inboxmodel.h"
#include "messagemodel.h"
#include "testservice.h"
#include "wsclient.h"

#include <QBuffer>
#include <QImage>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 3},
             {"id": "bob", "name": "Bob", "groups": ["sales"], "maxConcurrent": 3}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";
const QString kPassword = QStringLiteral("correct horse battery");

int countText(const MessageModel &m, const QString &text)
{
    int n = 0;
    for (int i = 0; i < m.rowCount(); ++i)
        n += m.index(i).data(MessageModel::TextRole).toString() == text ? 1 : 0;
    return n;
}

} // namespace

class TestDeskClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void signInFailures();
    void dayAtTheDesk();
    void disabledAccountEndsTheSession();

private:
    bool startHost(quint16 port);

    QTemporaryDir m_dir;
    CoordinatorHost m_host;
    quint16 m_port = 0;
};

bool TestDeskClient::startHost(quint16 port)
{
    QString error;
    if (!m_host.start(loopbackHost(m_dir.path(), kSite, port), &error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    m_port = m_host.port();
    return true;
}

void TestDeskClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(startHost(0));
    WsClient admin(m_port);
    admin.ok_("hello", {{"protocol", 1}});
    QVERIFY(!admin.ok_("auth.setup", {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                 .contains("failed"));
    for (const char *login : {"alice", "bob"}) {
        QVERIFY(
            !admin
                 .ok_("account.create",
                      {{"login", login}, {"displayName", login}, {"role", "agent"}, {"password", kPassword}})
                 .contains("failed"));
    }
}

void TestDeskClient::cleanupTestCase()
{
    m_host.stop();
}

void TestDeskClient::signInFailures()
{
    DeskClient desk;
    QSignalSpy failed(desk.connection(), &CoordinatorConnection::signInFailed);
    desk.connection()->signIn(m_host.localUrl(), QStringLiteral("alice"), QStringLiteral("wrong password!!"));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.last().at(0).toString(), QStringLiteral("bad-credentials"));
    QCOMPARE(desk.connection()->state(), CoordinatorConnection::State::Disconnected);

    // Nothing listens on this port.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 closedPort = probe.serverPort();
    probe.close();
    desk.connection()->signIn(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(closedPort)),
                              QStringLiteral("alice"), kPassword);
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.last().at(0).toString(), QStringLiteral("unreachable"));
    QVERIFY(failed.last().at(1).toString().contains(QString::number(closedPort)));
}

void TestDeskClient::dayAtTheDesk()
{
    DeskClient desk;
    desk.connection()->setReconnectDelays(50, 200);
    QSignalSpy assigned(&desk, &DeskClient::assigned);
    desk.connection()->signIn(m_host.localUrl(), QStringLiteral("alice"), kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(desk.ready(), 5000);
    QCOMPARE(desk.me(), QStringLiteral("alice"));
    desk.setStatus(QStringLiteral("online"));
    QTRY_COMPARE(desk.status(), QStringLiteral("online"));

    // A customer writes and the conversation is routed here.
    WsClient customer(m_port);
    customer.ok_("hello", {{"protocol", 1}});
    customer.ok_("customer.start", {{"channel", "web"}, {"name", "Ann 安"}});
    const QString conv =
        customer.ok_("customer.send", {{"text", "Hi, my order is late"}}).value("conversation").toString();
    QVERIFY(!conv.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(assigned.count(), 1, 5000);
    QCOMPARE(assigned.last().at(0).toString(), conv);
    QCOMPARE(assigned.last().at(1).toString(), QStringLiteral("Ann 安"));
    QTRY_COMPARE(desk.inbox()->count(InboxEntry::Place::Mine), 1);
    QCOMPARE(desk.load(), 1);
    QTRY_COMPARE(desk.inbox()->entry(conv)->unread, 1);
    QCOMPARE(desk.inbox()->entry(conv)->lastText, QStringLiteral("Hi, my order is late"));

    // Opening it reads the history and clears the unread count.
    desk.openConversation(conv);
    QTRY_COMPARE(desk.messages()->rowCount(), 1);
    QCOMPARE(desk.inbox()->totalUnread(), 0);

    // A reply reaches the customer and is stored once.
    const int before = static_cast<int>(customer.events.size());
    desk.send(QStringLiteral("Sorry Ann, let me check"), false);
    QVERIFY(customer.waitEvent("message.new", before) >= 0);
    QTRY_COMPARE(desk.messages()->rowCount(), 2);
    QTRY_COMPARE(desk.messages()->index(1).data(MessageModel::DeliveryRole).toInt(),
                 int(ChatMessage::Delivery::Stored));

    // A picture: uploaded, sent, shown inline once fetched back.
    QImage picture(40, 30, QImage::Format_RGB32);
    picture.fill(Qt::red);
    QByteArray png;
    {
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        picture.save(&buffer, "PNG");
    }
    const int beforePicture = static_cast<int>(customer.events.size());
    desk.sendFile(QStringLiteral("red.png"), QStringLiteral("image/png"), png);
    const int pictureEvent = customer.waitEvent("message.new", beforePicture);
    QVERIFY(pictureEvent >= 0);
    QCOMPARE(customer.events[pictureEvent].payload.value("kind").toString(), QStringLiteral("image"));
    QTRY_COMPARE(desk.messages()->rowCount(), 3);
    QTRY_VERIFY(!desk.messages()->index(2).data(MessageModel::ImageRole).value<QImage>().isNull());
    QCOMPARE(desk.messages()->index(2).data(MessageModel::ImageRole).value<QImage>().size(), QSize(40, 30));

    // The coordinator goes down; a message written meanwhile waits, then goes exactly once.
    m_host.stop();
    QTRY_COMPARE_WITH_TIMEOUT(desk.connection()->state(), CoordinatorConnection::State::Reconnecting, 5000);
    const QString offline = QStringLiteral("Written while the coordinator was down");
    desk.send(offline, false);
    QCOMPARE(desk.messages()->index(3).data(MessageModel::DeliveryRole).toInt(),
             int(ChatMessage::Delivery::Sending));
    QVERIFY(startHost(m_port));
    QTRY_COMPARE_WITH_TIMEOUT(desk.connection()->state(), CoordinatorConnection::State::Online, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(desk.messages()->index(3).data(MessageModel::DeliveryRole).toInt(),
                              int(ChatMessage::Delivery::Stored), 5000);
    QCOMPARE(countText(*desk.messages(), offline), 1);
    QCOMPARE(desk.inbox()->count(InboxEntry::Place::Mine), 1); // the snapshot after the resume kept it
    {
        WsClient check(m_port);
        check.ok_("hello", {{"protocol", 1}});
        check.ok_("auth.login", {{"login", "alice"}, {"password", kPassword}});
        const QJsonArray history =
            check.ok_("conversation.history", {{"conversation", conv}}).value("messages").toArray();
        int stored = 0;
        for (const QJsonValue &m : history)
            stored += m.toObject().value("text").toString() == offline ? 1 : 0;
        QCOMPARE(stored, 1);
        QCOMPARE(history.size(), 4);
    }
    {
        // A desk signing in now shows the last message from the snapshot alone.
        DeskClient second;
        second.connection()->signIn(m_host.localUrl(), QStringLiteral("alice"), kPassword);
        QTRY_VERIFY_WITH_TIMEOUT(second.ready(), 5000);
        QVERIFY(second.inbox()->entry(conv));
        QCOMPARE(second.inbox()->entry(conv)->lastText, offline);
        QVERIFY(second.inbox()->entry(conv)->lastAt > 0);
        QCOMPARE(second.inbox()->entry(conv)->waitingSince, 0); // answered
    }

    // Transfer to bob: it leaves this desk and reaches his.
    WsClient bob(m_port);
    bob.ok_("hello", {{"protocol", 1}});
    bob.ok_("auth.login", {{"login", "bob"}, {"password", kPassword}});
    bob.ok_("status.set", {{"status", "online"}});
    QSignalSpy left(&desk, &DeskClient::conversationLeft);
    desk.transferToAgent(conv, QStringLiteral("bob"));
    QVERIFY(bob.waitEvent("conversation.assigned") >= 0);
    QTRY_COMPARE(desk.inbox()->count(InboxEntry::Place::Mine), 0);
    QCOMPARE(left.count(), 1);
    QCOMPARE(desk.load(), 0);

    // Nobody online: the next customer waits in the queue this desk can claim from.
    bob.ok_("status.set", {{"status", "away"}});
    desk.setStatus(QStringLiteral("away"));
    QTRY_COMPARE(desk.status(), QStringLiteral("away"));
    WsClient waiting(m_port);
    waiting.ok_("hello", {{"protocol", 1}});
    const QString waitingCustomer =
        waiting.ok_("customer.start", {{"channel", "web"}, {"name", "Wai"}}).value("customer").toString();
    const QString queued =
        waiting.ok_("customer.send", {{"text", "anyone?"}}).value("conversation").toString();
    QTRY_VERIFY_WITH_TIMEOUT(desk.inbox()->entry(queued) != nullptr, 5000);
    QCOMPARE(desk.inbox()->entry(queued)->place, InboxEntry::Place::Queue);
    QCOMPARE(desk.inbox()->entry(queued)->position, 1);
    desk.claim(queued);
    QTRY_COMPARE(desk.inbox()->entry(queued)->place, InboxEntry::Place::Mine);
    QCOMPARE(desk.inbox()->count(InboxEntry::Place::Queue), 0);
    QVERIFY(waiting.waitEvent("notice") >= 0);

    // The survey, the rating coming back, closing, and a new ticket for the same customer.
    QSignalSpy rated(&desk, &DeskClient::surveyRated);
    desk.requestSurvey(queued);
    QVERIFY(waiting.waitEvent("survey.requested") >= 0);
    waiting.ok_("survey.rate", {{"score", 5}, {"comment", "很好"}});
    QTRY_COMPARE(rated.count(), 1);
    QCOMPARE(rated.last().at(1).toInt(), 5);
    desk.close(queued);
    QVERIFY(waiting.waitEvent("conversation.closed") >= 0);
    QTRY_VERIFY(desk.inbox()->entry(queued) == nullptr);
    const int inboxBefore = desk.inbox()->rowCount();
    desk.openTicket(waitingCustomer, QStringLiteral("web"));
    QTRY_COMPARE(desk.inbox()->rowCount(), inboxBefore + 1); // nobody online: it waits in the queue
    QCOMPARE(desk.inbox()->count(InboxEntry::Place::Queue), 1);
}

// An administrator disables the account while the desk is signed in: the desk hears it at once
// (session.ended), stops, and does not try to resume.
void TestDeskClient::disabledAccountEndsTheSession()
{
    WsClient admin(m_port);
    admin.ok_("hello", {{"protocol", 1}});
    admin.ok_("auth.login", {{"login", "root"}, {"password", kPassword}});
    QVERIFY(
        !admin
             .ok_("account.create",
                  {{"login", "dora"}, {"displayName", "Dora"}, {"role", "agent"}, {"password", kPassword}})
             .contains("failed"));
    DeskClient desk;
    desk.connection()->setReconnectDelays(50, 200);
    QSignalSpy lost(desk.connection(), &CoordinatorConnection::sessionLost);
    desk.connection()->signIn(m_host.localUrl(), QStringLiteral("dora"), kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(desk.ready(), 5000);

    admin.ok_("account.update", {{"id", "dora"}, {"disabled", true}});
    QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 5000);
    QVERIFY(lost.last().at(0).toString().contains(QStringLiteral("disabled")));
    QCOMPARE(lost.last().at(1).toString(), QStringLiteral("disabled"));
    QCOMPARE(desk.connection()->state(), CoordinatorConnection::State::Disconnected);
    QTest::qWait(400); // longer than the reconnect delays: it stays signed out
    QCOMPARE(desk.connection()->state(), CoordinatorConnection::State::Disconnected);
    QCOMPARE(lost.count(), 1);
}

QTEST_MAIN(TestDeskClient)
#include "tst_deskclient.moc"
