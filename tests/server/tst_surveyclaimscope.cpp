// Surveys, claims and scope, over real sockets: a survey is recorded (in SQLite, across a restart)
// and answered once; only the agent who handled a conversation, a supervisor above them or an admin
// sends one, never for a conversation still waiting; conversation.claim answers each refusal with
// the engine's code; tickets are opened only for customers the agent can see; an invited expert
// still reads the conversation after it closed.

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

namespace {

// Each agent has a channel of their own; "mail" waits in the sales queue until someone claims it.
// bob takes one conversation at a time, so a second is past his cap.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "to-alice", "name": "A"}, {"id": "to-bob", "name": "B"}, {"id": "mail", "name": "M"}],
  "groups": [{"id": "g-alice", "name": "A"}, {"id": "g-bob", "name": "B"},
             {"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["g-alice", "sales"], "maxConcurrent": 4},
    {"id": "bob", "name": "Bob", "groups": ["g-bob", "sales"], "maxConcurrent": 1},
    {"id": "carol", "name": "Carol", "groups": ["support"], "maxConcurrent": 2},
    {"id": "dave", "name": "Dave", "groups": ["sales"], "maxConcurrent": 2}
  ],
  "rules": [
    {"id": "a", "when": {"channels": ["to-alice"]}, "groups": ["g-alice"]},
    {"id": "b", "when": {"channels": ["to-bob"]}, "groups": ["g-bob"]},
    {"id": "m", "when": {"channels": ["mail"]}, "groups": ["sales"], "strategy": "manual"}
  ]
})";

const QString kPassword = QStringLiteral("correct horse battery");

} // namespace

class TestSurveyClaimScope : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void surveyRecordedAndRatedOnce();
    void surveyAfterClose();
    void surveyNamesItsConversation();
    void ratingsBackToBack();
    void surveySurvivesRestart();
    void surveySenders();
    void claimRefusals();
    void ticketOnlyForVisibleCustomers();
    void expertReadsAfterClose();

private:
    void startService();
    std::unique_ptr<WsClient> client();
    // Signs in; agents but dave (who stays offline) go online.
    std::unique_ptr<WsClient> signIn(const QString &login);
    // A customer on `channel` writes; returns the conversation (and, when given, the customer's
    // connection and id), once `agent` was told of it if one is given.
    QString conversationFor(const QString &channel, WsClient *agent,
                            std::unique_ptr<WsClient> *customer = nullptr, QString *customerId = nullptr);
    std::optional<Conversation> row(const QString &conversation);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::vector<std::unique_ptr<WsClient>> m_customers;
    std::unique_ptr<WsClient> m_admin;
};

void TestSurveyClaimScope::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestSurveyClaimScope::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    startService();
    // The agents get passwords and a team; sue supervises it.
    m_admin = client();
    m_admin->ok_(QStringLiteral("auth.setup"),
                 {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    QVERIFY(m_admin->ok_(QStringLiteral("team.create"), {{"id", "floor"}, {"name", "Floor"}}).contains("id"));
    for (const char *login : {"alice", "bob", "carol", "dave"}) {
        QVERIFY(m_admin
                    ->ok_(QStringLiteral("account.create"), {{"login", login},
                                                             {"displayName", login},
                                                             {"role", "agent"},
                                                             {"password", kPassword},
                                                             {"team", "floor"}})
                    .contains("id"));
    }
    QVERIFY(m_admin
                ->ok_(QStringLiteral("account.create"), {{"login", "sue"},
                                                         {"displayName", "Sue"},
                                                         {"role", "supervisor"},
                                                         {"password", kPassword},
                                                         {"team", "floor"}})
                .contains("id"));
}

void TestSurveyClaimScope::cleanup()
{
    m_customers.clear();
    m_admin.reset();
    stopTestService(m_service, m_gateway);
}

std::unique_ptr<WsClient> TestSurveyClaimScope::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestSurveyClaimScope::signIn(const QString &login)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    if (c->ok && r.value("account").toObject().value("role").toString() == QLatin1String("agent") &&
        login != QLatin1String("dave"))
        c->ok =
            c->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains(QLatin1String("status"));
    return c;
}

QString TestSurveyClaimScope::conversationFor(const QString &channel, WsClient *agent,
                                              std::unique_ptr<WsClient> *customer, QString *customerId)
{
    auto c = client();
    const QString who = c->ok_(QStringLiteral("customer.start"), {{"channel", channel}, {"name", channel}})
                            .value("customer")
                            .toString();
    const int from = agent ? static_cast<int>(agent->events.size()) : 0;
    const QString conv =
        c->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    if (customerId)
        *customerId = who;
    if (customer)
        *customer = std::move(c);
    else
        m_customers.push_back(std::move(c));
    if (!agent)
        return conv;
    const int assigned = agent->waitEvent(QStringLiteral("conversation.assigned"), from);
    if (assigned < 0 || agent->events[assigned].payload.value("id").toString() != conv)
        return QString();
    return conv;
}

std::optional<Conversation> TestSurveyClaimScope::row(const QString &conversation)
{
    // A reader of its own: what SQLite holds, committed.
    StoreReader reader;
    QString error;
    if (!reader.open(m_service->storePath(), &error)) {
        qWarning("%s", qPrintable(error));
        return std::nullopt;
    }
    return reader.conversation(conversation);
}

void TestSurveyClaimScope::surveyRecordedAndRatedOnce()
{
    auto alice = signIn(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    std::unique_ptr<WsClient> customer;
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get(), &customer);
    QVERIFY(!conv.isEmpty());

    // Unasked: refused, and nothing is stored.
    const Incoming unasked = customer->call(QStringLiteral("survey.rate"), {{"score", 2}});
    QCOMPARE_CODE(unasked, NotFound);
    QVERIFY2(unasked.message.contains(QLatin1String("no survey")), qPrintable(unasked.message));
    QCOMPARE(row(conv)->satisfaction, 0);
    QCOMPARE(row(conv)->surveyRequestedAt, 0);

    // Asked: the request is in SQLite when the agent hears back, and the customer is told.
    m_clock.advanceMs(5000);
    QCOMPARE(
        alice->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).value("conversation").toString(),
        conv);
    QCOMPARE(row(conv)->surveyRequestedAt, m_clock.nowMs());
    QVERIFY(customer->waitEvent(QStringLiteral("survey.requested")) >= 0);

    // Answered once; a second answer does not overwrite the first.
    QCOMPARE(customer->ok_(QStringLiteral("survey.rate"), {{"score", 4}}).value("score").toInt(), 4);
    QCOMPARE(row(conv)->satisfaction, 4);
    QVERIFY(alice->waitEvent(QStringLiteral("survey.rated")) >= 0);
    const Incoming again = customer->call(QStringLiteral("survey.rate"), {{"score", 1}});
    QCOMPARE_CODE(again, Conflict);
    QVERIFY2(again.message.contains(QLatin1String("already rated")), qPrintable(again.message));
    QCOMPARE(row(conv)->satisfaction, 4);
    // Nor does asking again reopen it.
    QCOMPARE_CODE(alice->call(QStringLiteral("survey.send"), {{"conversation", conv}}), Conflict);
    QCOMPARE(row(conv)->surveyRequestedAt, m_clock.nowMs());
}

void TestSurveyClaimScope::surveyAfterClose()
{
    auto alice = signIn(QStringLiteral("alice"));
    auto bob = signIn(QStringLiteral("bob"));
    auto sue = signIn(QStringLiteral("sue"));
    QVERIFY(alice->ok && bob->ok && sue->ok);
    std::unique_ptr<WsClient> customer;
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get(), &customer);
    QVERIFY(!conv.isEmpty());
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", conv}});
    QVERIFY(customer->waitEvent(QStringLiteral("conversation.closed")) >= 0);

    // Closed: its agent (from the stored row) and her supervisor may ask; a colleague may not.
    QCOMPARE_CODE(bob->call(QStringLiteral("survey.send"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(alice->call(QStringLiteral("survey.send"), {{"conversation", "c-none"}}), NotFound);
    QCOMPARE(row(conv)->surveyRequestedAt, 0);
    QVERIFY(alice->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
    QVERIFY(sue->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
    QVERIFY(row(conv)->surveyRequestedAt > 0);
    // The customer has no open conversation: the latest one is rated.
    QCOMPARE(customer->ok_(QStringLiteral("survey.rate"), {{"score", 5}}).value("conversation").toString(),
             conv);
    QCOMPARE(row(conv)->satisfaction, 5);
    QCOMPARE(toString(row(conv)->state), QStringLiteral("closed"));
}

void TestSurveyClaimScope::ratingsBackToBack()
{
    // Requests in flight together, none waiting for another's commit: the survey asked and the
    // customer answering twice at once. One rating lands; the other is a conflict, not an error.
    auto alice = signIn(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    std::unique_ptr<WsClient> customer;
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get(), &customer);
    QVERIFY(!conv.isEmpty());
    alice->post(QStringLiteral("survey.send"), {{"conversation", conv}});
    QVERIFY(customer->waitEvent(QStringLiteral("survey.requested")) >= 0);
    const qint64 first = customer->post(QStringLiteral("survey.rate"), {{"score", 2}});
    const qint64 second = customer->post(QStringLiteral("survey.rate"), {{"score", 5}});
    QVERIFY(customer->waitFor(
        [&] {
            int answered = 0;
            for (const Incoming &r : customer->replies)
                answered += r.id.toInteger() == first || r.id.toInteger() == second;
            return answered == 2;
        },
        5000));
    for (const Incoming &r : customer->replies) {
        if (r.id.toInteger() == first)
            QCOMPARE(r.kind, Incoming::Result);
        if (r.id.toInteger() == second)
            QCOMPARE_CODE(r, Conflict);
    }
    QCOMPARE(row(conv)->satisfaction, 2);
}

void TestSurveyClaimScope::surveyNamesItsConversation()
{
    auto alice = signIn(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    std::unique_ptr<WsClient> customer;
    const QString first = conversationFor(QStringLiteral("to-alice"), alice.get(), &customer);
    QVERIFY(!first.isEmpty());
    QVERIFY(alice->ok_(QStringLiteral("survey.send"), {{"conversation", first}}).contains("conversation"));
    const int asked = customer->waitEvent(QStringLiteral("survey.requested"));
    QVERIFY(asked >= 0);
    QCOMPARE(customer->events[asked].payload.value("conversation").toString(), first);
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", first}});
    QVERIFY(customer->waitEvent(QStringLiteral("conversation.closed")) >= 0);
    // The customer writes again before answering: a new conversation is open now.
    const QString second = customer->ok_(QStringLiteral("customer.send"), {{"text", "one more thing"}})
                               .value("conversation")
                               .toString();
    QVERIFY(!second.isEmpty() && second != first);
    // Without a name the open one is meant, which was never surveyed; named, the survey is answered.
    QCOMPARE_CODE(customer->call(QStringLiteral("survey.rate"), {{"score", 3}}), NotFound);
    QCOMPARE(customer->ok_(QStringLiteral("survey.rate"), {{"score", 4}, {"conversation", first}})
                 .value("conversation")
                 .toString(),
             first);
    QCOMPARE(row(first)->satisfaction, 4);
    QCOMPARE(row(second)->satisfaction, 0);
    // Another customer's conversation, or one that does not exist, is not theirs to rate.
    std::unique_ptr<WsClient> other;
    const QString theirs = conversationFor(QStringLiteral("to-alice"), alice.get(), &other);
    QVERIFY(!theirs.isEmpty());
    QVERIFY(alice->ok_(QStringLiteral("survey.send"), {{"conversation", theirs}}).contains("conversation"));
    const Incoming stranger =
        customer->call(QStringLiteral("survey.rate"), {{"score", 1}, {"conversation", theirs}});
    QCOMPARE_CODE(stranger, NotFound);
    QCOMPARE(stranger.message, QStringLiteral("no conversation \"%1\" of yours").arg(theirs));
    QCOMPARE_CODE(customer->call(QStringLiteral("survey.rate"), {{"score", 1}, {"conversation", "c-none"}}),
                  NotFound);
    QCOMPARE(row(theirs)->satisfaction, 0);
}

void TestSurveyClaimScope::surveySurvivesRestart()
{
    QString conv;
    QString token;
    {
        auto alice = signIn(QStringLiteral("alice"));
        QVERIFY(alice->ok);
        auto customer = client();
        token = customer->ok_(QStringLiteral("customer.start"), {{"channel", "to-alice"}, {"name", "Ann"}})
                    .value("token")
                    .toString();
        QVERIFY(!token.isEmpty());
        conv =
            customer->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
        QVERIFY(alice->waitEvent(QStringLiteral("conversation.assigned")) >= 0);
        QVERIFY(alice->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
        QVERIFY(customer->waitEvent(QStringLiteral("survey.requested")) >= 0);
    }
    m_admin.reset();
    stopTestService(m_service, m_gateway);
    startService();

    // Another coordinator on the same store: the request is still there, so the rating is taken.
    auto customer = client();
    QVERIFY(customer->ok_(QStringLiteral("customer.start"), {{"channel", "to-alice"}, {"token", token}})
                .contains("customer"));
    QCOMPARE(customer->ok_(QStringLiteral("survey.rate"), {{"score", 3}}).value("conversation").toString(),
             conv);
    QCOMPARE(row(conv)->satisfaction, 3);
    QCOMPARE_CODE(customer->call(QStringLiteral("survey.rate"), {{"score", 5}}), Conflict);
    QCOMPARE(row(conv)->satisfaction, 3);
}

void TestSurveyClaimScope::surveySenders()
{
    auto alice = signIn(QStringLiteral("alice"));
    auto bob = signIn(QStringLiteral("bob"));
    auto carol = signIn(QStringLiteral("carol"));
    auto sue = signIn(QStringLiteral("sue"));
    QVERIFY(alice->ok && bob->ok && carol->ok && sue->ok);

    // Waiting in the sales queue: nobody handled it, so no survey, not even from the queue's members
    // (who can see it) or an admin.
    std::unique_ptr<WsClient> waiting;
    const QString queued = conversationFor(QStringLiteral("mail"), nullptr, &waiting);
    QVERIFY(!queued.isEmpty());
    QCOMPARE(m_service->engine().conversation(queued)->state, ConversationInfo::Queued);
    QCOMPARE_CODE(alice->call(QStringLiteral("survey.send"), {{"conversation", queued}}), Conflict);
    QCOMPARE_CODE(m_admin->call(QStringLiteral("survey.send"), {{"conversation", queued}}), Conflict);
    QCOMPARE_CODE(carol->call(QStringLiteral("survey.send"), {{"conversation", queued}}), Forbidden);
    QCOMPARE(row(queued)->surveyRequestedAt, 0);

    // Assigned to alice, carol invited as an expert: the expert may not ask, nor a colleague; alice,
    // her supervisor and an admin may.
    std::unique_ptr<WsClient> customer;
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get(), &customer);
    QVERIFY(!conv.isEmpty());
    QVERIFY(alice->ok_(QStringLiteral("conversation.invite"), {{"conversation", conv}, {"expert", "carol"}})
                .contains("expert"));
    QCOMPARE_CODE(carol->call(QStringLiteral("survey.send"), {{"conversation", conv}}), Forbidden);
    QCOMPARE_CODE(bob->call(QStringLiteral("survey.send"), {{"conversation", conv}}), Forbidden);
    QCOMPARE(row(conv)->surveyRequestedAt, 0);
    QCOMPARE(customer->waitEvent(QStringLiteral("survey.requested"), 0, 100), -1);
    QVERIFY(sue->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
    QVERIFY(m_admin->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
    QVERIFY(alice->ok_(QStringLiteral("survey.send"), {{"conversation", conv}}).contains("conversation"));
    QVERIFY(row(conv)->surveyRequestedAt > 0);
}

void TestSurveyClaimScope::claimRefusals()
{
    auto alice = signIn(QStringLiteral("alice"));
    auto bob = signIn(QStringLiteral("bob"));
    auto carol = signIn(QStringLiteral("carol"));
    auto dave = signIn(QStringLiteral("dave")); // in sales, but offline
    QVERIFY(alice->ok && bob->ok && carol->ok && dave->ok);
    const QString bobs = conversationFor(QStringLiteral("to-bob"), bob.get()); // bob is at his cap of 1
    QVERIFY(!bobs.isEmpty());
    const QString queued = conversationFor(QStringLiteral("mail"), nullptr);
    QVERIFY(!queued.isEmpty());
    QCOMPARE(m_service->engine().conversation(queued)->state, ConversationInfo::Queued);

    const auto claim = [&](WsClient &agent, const QString &conversation) {
        return agent.call(QStringLiteral("conversation.claim"), {{"conversation", conversation}});
    };
    QCOMPARE_CODE(claim(*carol, queued), NotMember); // it waits for sales, carol is in support
    QCOMPARE_CODE(claim(*dave, queued), AgentOffline);
    QCOMPARE_CODE(claim(*bob, queued), AtCap);
    QCOMPARE_CODE(claim(*alice, QStringLiteral("c-none")), NotFound);
    QCOMPARE(m_service->engine().conversation(queued)->state, ConversationInfo::Queued);

    const Incoming claimed = claim(*alice, queued);
    QCOMPARE(claimed.kind, Incoming::Result);
    QCOMPARE(claimed.payload.value("agent").toString(), QStringLiteral("alice"));
    QCOMPARE(m_service->engine().conversation(queued)->agent, QStringLiteral("alice"));
    QCOMPARE(row(queued)->agentId, QStringLiteral("alice"));

    // Taken: it no longer waits, whoever asks (its queue's members, outsiders, alice herself).
    const Incoming taken = claim(*dave, queued);
    QCOMPARE_CODE(taken, NotQueued);
    QVERIFY2(!taken.message.contains(QLatin1String("alice")), qPrintable(taken.message));
    QCOMPARE_CODE(claim(*carol, queued), NotQueued);
    QCOMPARE_CODE(claim(*alice, queued), NotQueued);
    QCOMPARE_CODE(claim(*alice, bobs), NotQueued); // bob's, never queued for sales
    // Closed: not waiting either.
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", queued}});
    QCOMPARE(toString(row(queued)->state), QStringLiteral("closed"));
    QCOMPARE_CODE(claim(*dave, queued), NotQueued);
    QCOMPARE(row(queued)->agentId, QStringLiteral("alice"));
}

void TestSurveyClaimScope::ticketOnlyForVisibleCustomers()
{
    auto alice = signIn(QStringLiteral("alice"));
    auto bob = signIn(QStringLiteral("bob"));
    auto carol = signIn(QStringLiteral("carol"));
    QVERIFY(alice->ok && bob->ok && carol->ok);
    const auto ticket = [](WsClient &agent, const QString &customer) {
        return agent.call(QStringLiteral("ticket.open"),
                          {{"customer", customer}, {"channel", "mail"}, {"keep", true}});
    };
    const auto ticketsOf = [&](const QString &customer) {
        StoreReader reader;
        QString error;
        return reader.open(m_service->storePath(), &error) ? reader.customerConversations(customer).size()
                                                           : -1;
    };

    // alice handled this customer's conversation (closed since): she may open a ticket, others not.
    QString handled;
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get(), nullptr, &handled);
    QVERIFY(!conv.isEmpty());
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", conv}});
    QCOMPARE_CODE(ticket(*bob, handled), NotFound);
    QCOMPARE_CODE(ticket(*carol, handled), NotFound);
    QCOMPARE(ticketsOf(handled), 1);
    const Incoming opened = ticket(*alice, handled);
    QCOMPARE(opened.kind, Incoming::Result);
    QCOMPARE(opened.payload.value("agent").toString(), QStringLiteral("alice"));
    QCOMPARE(ticketsOf(handled), 2);

    // Waiting in the sales queue: its members see the customer, support does not.
    QString waiting;
    QVERIFY(!conversationFor(QStringLiteral("mail"), nullptr, nullptr, &waiting).isEmpty());
    QCOMPARE_CODE(ticket(*carol, waiting), NotFound);
    QCOMPARE(ticketsOf(waiting), 1);
    QCOMPARE(ticket(*alice, waiting).kind, Incoming::Result);
    QCOMPARE(ticketsOf(waiting), 2);
    QCOMPARE_CODE(ticket(*alice, QStringLiteral("cu-none")), NotFound);
}

void TestSurveyClaimScope::expertReadsAfterClose()
{
    auto alice = signIn(QStringLiteral("alice"));
    auto bob = signIn(QStringLiteral("bob"));
    auto carol = signIn(QStringLiteral("carol"));
    QVERIFY(alice->ok && bob->ok && carol->ok);
    const QString conv = conversationFor(QStringLiteral("to-alice"), alice.get());
    QVERIFY(!conv.isEmpty());
    QVERIFY(alice->ok_(QStringLiteral("conversation.invite"), {{"conversation", conv}, {"expert", "carol"}})
                .contains("expert"));
    QVERIFY(
        carol
            ->ok_(QStringLiteral("message.send"), {{"conversation", conv}, {"text", "try X"}, {"note", true}})
            .contains("seq"));
    QCOMPARE(carol->ok_(QStringLiteral("conversation.history"), {{"conversation", conv}})
                 .value("messages")
                 .toArray()
                 .size(),
             2);
    alice->ok_(QStringLiteral("conversation.close"), {{"conversation", conv}});
    QCOMPARE(toString(row(conv)->state), QStringLiteral("closed"));

    // The engine forgot carol with the close; the audit log did not.
    const Incoming read = carol->call(QStringLiteral("conversation.history"), {{"conversation", conv}});
    QCOMPARE(read.kind, Incoming::Result);
    QCOMPARE(read.payload.value("messages").toArray().size(), 2);
    QCOMPARE_CODE(bob->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    // Reading is all: a closed conversation takes no more notes, and the expert sends no survey.
    QCOMPARE_CODE(carol->call(QStringLiteral("message.send"),
                              {{"conversation", conv}, {"text", "late"}, {"note", true}}),
                  Conflict);
    QCOMPARE_CODE(carol->call(QStringLiteral("survey.send"), {{"conversation", conv}}), Forbidden);
}

QTEST_GUILESS_MAIN(TestSurveyClaimScope)
#include "tst_surveyclaimscope.moc"
