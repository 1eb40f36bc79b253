// Teams and the supervisor's subtree, over real sockets: an admin builds the team tree with
// team.create (root > north > north-east, root > south), and each check asks the coordinator as a
// supervisor, an agent or an admin what they may read and do with conversations around the tree.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
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

// One channel and one group per agent, so each customer's conversation goes to a known agent.
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "to-rita", "name": "R"}, {"id": "to-nora", "name": "N"},
               {"id": "to-nell", "name": "NE"}, {"id": "to-sam", "name": "S"}],
  "groups": [{"id": "g-rita", "name": "R"}, {"id": "g-nora", "name": "N"},
             {"id": "g-nell", "name": "NE"}, {"id": "g-sam", "name": "S"}],
  "agents": [
    {"id": "rita", "name": "Rita", "groups": ["g-rita"]},
    {"id": "nora", "name": "Nora", "groups": ["g-nora"]},
    {"id": "nell", "name": "Nell", "groups": ["g-nell"]},
    {"id": "sam", "name": "Sam", "groups": ["g-sam"]}
  ],
  "rules": [
    {"id": "r", "when": {"channels": ["to-rita"]}, "groups": ["g-rita"]},
    {"id": "n", "when": {"channels": ["to-nora"]}, "groups": ["g-nora"]},
    {"id": "ne", "when": {"channels": ["to-nell"]}, "groups": ["g-nell"]},
    {"id": "s", "when": {"channels": ["to-sam"]}, "groups": ["g-sam"]}
  ]
})";

const QString kPassword = QStringLiteral("correct horse battery");

QSet<QString> idsOf(const QJsonArray &conversations)
{
    QSet<QString> ids;
    for (const QJsonValue &v : conversations)
        ids.insert(v.toObject().value("id").toString());
    return ids;
}

} // namespace

class TestSupervisorScope : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void teamCreate();
    void accountNeedsExistingTeam();
    void supervisorSeesSubtree();
    void supervisorActsInSubtreeOnly();
    void agentsAndTeamlessSupervisors();
    void supervisorFollowsSubtreeLive();
    void supervisorHearsSubtreeMessages();
    void treeSurvivesRestart();

private:
    void startService();
    void stopService();
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> signIn(const QString &login);
    // Builds the tree and the accounts; returns the admin's connection.
    std::unique_ptr<WsClient> buildTree();
    // A customer on `channel` writes; returns the conversation once its agent was told.
    QString conversationFor(const QString &channel, WsClient &agent);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::vector<std::unique_ptr<WsClient>> m_customers;
};

void TestSupervisorScope::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestSupervisorScope::stopService()
{
    m_customers.clear();
    stopTestService(m_service, m_gateway);
}

void TestSupervisorScope::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    startService();
}

void TestSupervisorScope::cleanup()
{
    stopService();
}

std::unique_ptr<WsClient> TestSupervisorScope::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestSupervisorScope::signIn(const QString &login)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    if (c->ok && r.value("account").toObject().value("role").toString() != QLatin1String("supervisor"))
        c->ok =
            c->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains(QLatin1String("status"));
    return c;
}

std::unique_ptr<WsClient> TestSupervisorScope::buildTree()
{
    auto admin = client();
    admin->ok_(QStringLiteral("auth.setup"),
               {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    for (const auto &[id, parent] : std::vector<std::pair<const char *, const char *>>{
             {"hq", ""}, {"north", "hq"}, {"north-east", "north"}, {"south", "hq"}}) {
        QJsonObject args{{"id", id}, {"name", QString::fromLatin1(id).toUpper()}};
        if (*parent)
            args.insert(QStringLiteral("parent"), parent);
        admin->ok = admin->ok && admin->ok_(QStringLiteral("team.create"), args).value("id").toString() ==
                                     QLatin1String(id);
    }
    // Seeded agents get passwords and a team; supervisors are new accounts in no routing group.
    const std::vector<std::tuple<const char *, const char *, const char *>> accounts = {
        {"rita", "agent", "hq"},        {"nora", "agent", "north"},      {"nell", "agent", "north-east"},
        {"sam", "agent", "south"},      {"nico", "supervisor", "north"}, {"neve", "supervisor", "north-east"},
        {"sue", "supervisor", "south"}, {"tom", "supervisor", ""}};
    for (const auto &[login, role, team] : accounts) {
        QJsonObject args{{"login", login}, {"displayName", login}, {"role", role}, {"password", kPassword}};
        if (*team)
            args.insert(QStringLiteral("team"), team);
        const QJsonObject made = admin->ok_(QStringLiteral("account.create"), args);
        admin->ok = admin->ok && made.value("team").toString() == QLatin1String(team) &&
                    made.value("role").toString() == QLatin1String(role);
    }
    return admin;
}

QString TestSupervisorScope::conversationFor(const QString &channel, WsClient &agent)
{
    auto c = client();
    c->ok_(QStringLiteral("customer.start"), {{"channel", channel}, {"name", channel}});
    const int from = static_cast<int>(agent.events.size());
    const QString conv =
        c->ok_(QStringLiteral("customer.send"), {{"text", "hello"}}).value("conversation").toString();
    m_customers.push_back(std::move(c));
    const int assigned = agent.waitEvent(QStringLiteral("conversation.assigned"), from);
    if (assigned < 0 || agent.events[assigned].payload.value("id").toString() != conv)
        return QString();
    return conv;
}

void TestSupervisorScope::teamCreate()
{
    auto admin = client();
    admin->ok_(QStringLiteral("auth.setup"),
               {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    const QJsonObject hq = admin->ok_(QStringLiteral("team.create"), {{"id", "hq"}, {"name", "Head office"}});
    QCOMPARE(hq.value("id").toString(), QStringLiteral("hq"));
    QCOMPARE(hq.value("name").toString(), QStringLiteral("Head office"));
    QCOMPARE(hq.value("parent").toString(), QString());
    const QJsonObject north =
        admin->ok_(QStringLiteral("team.create"), {{"id", "north"}, {"name", "北區"}, {"parent", "hq"}});
    QCOMPARE(north.value("parent").toString(), QStringLiteral("hq"));

    // Refusals: the id is taken, the parent does not exist, fields missing or blank.
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", "north"}, {"name", "Again"}}), Conflict);
    QCOMPARE_CODE(
        admin->call(QStringLiteral("team.create"), {{"id", "x"}, {"name", "X"}, {"parent", "nowhere"}}),
        NotFound);
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", "x"}, {"name", "X"}, {"parent", "x"}}),
                  NotFound); // its own parent: does not exist yet, so no cycle can be made
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"name", "X"}}), BadRequest);
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", "x"}}), BadRequest);
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", "x"}, {"name", "   "}}), BadRequest);
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", " x"}, {"name", "X"}}), BadRequest);
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", 7}, {"name", "X"}}), BadRequest);
    QCOMPARE_CODE(
        admin->call(QStringLiteral("team.create"), {{"id", QString(129, QLatin1Char('x'))}, {"name", "X"}}),
        BadRequest);
    // Only admins build the tree.
    admin->ok_(QStringLiteral("account.create"), {{"login", "nico"},
                                                  {"displayName", "Nico"},
                                                  {"role", "supervisor"},
                                                  {"password", kPassword},
                                                  {"team", "north"}});
    auto nico = signIn(QStringLiteral("nico"));
    QVERIFY(nico->ok);
    QCOMPARE_CODE(nico->call(QStringLiteral("team.create"), {{"id", "y"}, {"name", "Y"}}), Forbidden);
    QCOMPARE_CODE(client()->call(QStringLiteral("team.create"), {{"id", "y"}, {"name", "Y"}}),
                  Unauthenticated);

    // The rows are in SQLite, in the tree the store answers supervisors' scope from.
    StoreReader reader;
    QString error;
    QVERIFY2(reader.open(m_service->storePath(), &error), qPrintable(error));
    QCOMPARE(reader.teams().size(), 2);
    QCOMPARE(reader.teamSubtree(QStringLiteral("hq")), (QStringList{"hq", "north"}));
    QCOMPARE(reader.teams().last().name, QStringLiteral("北區"));
}

void TestSupervisorScope::accountNeedsExistingTeam()
{
    auto admin = client();
    admin->ok_(QStringLiteral("auth.setup"),
               {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    const Incoming r = admin->call(QStringLiteral("account.create"), {{"login", "nico"},
                                                                      {"displayName", "Nico"},
                                                                      {"role", "supervisor"},
                                                                      {"password", kPassword},
                                                                      {"team", "north"}});
    QCOMPARE_CODE(r, NotFound);
    QVERIFY2(r.message.contains(QLatin1String("north")), qPrintable(r.message));
    // Nothing was created: the login is still free, and works once the team exists.
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.login"), {{"login", "nico"}, {"password", kPassword}}),
                  BadCredentials);
    admin->ok_(QStringLiteral("team.create"), {{"id", "north"}, {"name", "North"}});
    const QJsonObject made = admin->ok_(QStringLiteral("account.create"), {{"login", "nico"},
                                                                           {"displayName", "Nico"},
                                                                           {"role", "supervisor"},
                                                                           {"password", kPassword},
                                                                           {"team", "north"}});
    QCOMPARE(made.value("team").toString(), QStringLiteral("north"));
    const QJsonObject signedIn =
        client()->ok_(QStringLiteral("auth.login"), {{"login", "nico"}, {"password", kPassword}});
    QCOMPARE(signedIn.value("account").toObject().value("team").toString(), QStringLiteral("north"));
}

void TestSupervisorScope::supervisorSeesSubtree()
{
    auto admin = buildTree();
    QVERIFY(admin->ok);
    auto rita = signIn(QStringLiteral("rita"));
    auto nora = signIn(QStringLiteral("nora"));
    auto nell = signIn(QStringLiteral("nell"));
    auto sam = signIn(QStringLiteral("sam"));
    QVERIFY(rita->ok && nora->ok && nell->ok && sam->ok);
    const QString cHq = conversationFor(QStringLiteral("to-rita"), *rita);
    const QString cNorth = conversationFor(QStringLiteral("to-nora"), *nora);
    const QString cNe = conversationFor(QStringLiteral("to-nell"), *nell);
    const QString cSouth = conversationFor(QStringLiteral("to-sam"), *sam);
    QVERIFY(!cHq.isEmpty() && !cNorth.isEmpty() && !cNe.isEmpty() && !cSouth.isEmpty());

    // North's supervisor: north and north-east, listed in the inbox and readable; not south, not hq.
    auto nico = signIn(QStringLiteral("nico"));
    QVERIFY(nico->ok);
    QJsonObject inbox = nico->ok_(QStringLiteral("inbox.snapshot"));
    QCOMPARE(idsOf(inbox.value("team").toArray()), (QSet<QString>{cNorth, cNe}));
    QCOMPARE(inbox.value("conversations").toArray().size(), 0);
    QJsonObject history = nico->ok_(QStringLiteral("conversation.history"), {{"conversation", cNe}});
    QCOMPARE(history.value("messages").toArray().first().toObject().value("text").toString(),
             QStringLiteral("hello"));
    QVERIFY(
        nico->ok_(QStringLiteral("conversation.history"), {{"conversation", cNorth}}).contains("messages"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", cSouth}}), Forbidden);
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", cHq}}), Forbidden);
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", "c-none"}}), NotFound);

    // North-east's supervisor: only north-east; north is a team above theirs.
    auto neve = signIn(QStringLiteral("neve"));
    QCOMPARE(idsOf(neve->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray()), QSet<QString>{cNe});
    QVERIFY(neve->ok_(QStringLiteral("conversation.history"), {{"conversation", cNe}}).contains("messages"));
    QCOMPARE_CODE(neve->call(QStringLiteral("conversation.history"), {{"conversation", cNorth}}), Forbidden);

    // South's supervisor: only south.
    auto sue = signIn(QStringLiteral("sue"));
    QCOMPARE(idsOf(sue->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray()),
             QSet<QString>{cSouth});
    QCOMPARE_CODE(sue->call(QStringLiteral("conversation.history"), {{"conversation", cNe}}), Forbidden);

    // The admin reads everything.
    for (const QString &c : {cHq, cNorth, cNe, cSouth})
        QVERIFY(
            admin->ok_(QStringLiteral("conversation.history"), {{"conversation", c}}).contains("messages"));

    // Files follow the conversation's scope: north-east's customer sends one; north's supervisor
    // downloads it, south's is told there is no such attachment for them.
    WsClient &customer = *m_customers[2];
    const QString upload =
        customer
            .ok_(QStringLiteral("attachment.upload"),
                 {{"name", "order.pdf"}, {"mime", "application/pdf"}, {"data", "JVBERi0="}})
            .value("id")
            .toString();
    QCOMPARE(customer.ok_(QStringLiteral("customer.send"), {{"attachments", QJsonArray{upload}}})
                 .value("conversation")
                 .toString(),
             cNe);
    history = nico->ok_(QStringLiteral("conversation.history"), {{"conversation", cNe}});
    const QString file = history.value("messages")
                             .toArray()
                             .last()
                             .toObject()
                             .value("attachment")
                             .toObject()
                             .value("id")
                             .toString();
    QVERIFY(!file.isEmpty());
    QCOMPARE(nico->ok_(QStringLiteral("attachment.get"), {{"id", file}}).value("data").toString(),
             QStringLiteral("JVBERi0="));
    QCOMPARE_CODE(sue->call(QStringLiteral("attachment.get"), {{"id", file}}), NotFound);
    QCOMPARE_CODE(sam->call(QStringLiteral("attachment.get"), {{"id", file}}), NotFound);
}

void TestSupervisorScope::supervisorActsInSubtreeOnly()
{
    auto admin = buildTree();
    QVERIFY(admin->ok);
    auto rita = signIn(QStringLiteral("rita"));
    auto nora = signIn(QStringLiteral("nora"));
    auto nell = signIn(QStringLiteral("nell"));
    auto sam = signIn(QStringLiteral("sam"));
    const QString cHq = conversationFor(QStringLiteral("to-rita"), *rita);
    const QString cNorth = conversationFor(QStringLiteral("to-nora"), *nora);
    const QString cNe = conversationFor(QStringLiteral("to-nell"), *nell);
    const QString cSouth = conversationFor(QStringLiteral("to-sam"), *sam);
    QVERIFY(!cHq.isEmpty() && !cNorth.isEmpty() && !cNe.isEmpty() && !cSouth.isEmpty());
    auto nico = signIn(QStringLiteral("nico"));
    QVERIFY(nico->ok);

    // Outside the subtree every action is refused, and nothing changes.
    for (const QString &c : {cSouth, cHq}) {
        QCOMPARE_CODE(nico->call(QStringLiteral("conversation.close"), {{"conversation", c}}), Forbidden);
        QCOMPARE_CODE(
            nico->call(QStringLiteral("conversation.transfer"), {{"conversation", c}, {"toAgent", "nora"}}),
            Forbidden);
        QCOMPARE_CODE(
            nico->call(QStringLiteral("conversation.invite"), {{"conversation", c}, {"expert", "nora"}}),
            Forbidden);
        QCOMPARE_CODE(nico->call(QStringLiteral("message.send"),
                                 {{"conversation", c}, {"text", "psst"}, {"note", true}}),
                      Forbidden);
        QCOMPARE_CODE(nico->call(QStringLiteral("survey.send"), {{"conversation", c}}), Forbidden);
    }
    QCOMPARE(m_service->engine().conversation(cSouth)->agent, QStringLiteral("sam"));
    QCOMPARE(m_service->engine().conversation(cHq)->agent, QStringLiteral("rita"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.close"), {{"conversation", "c-none"}}), NotFound);

    // Inside it: a note (not a reply: only the assigned agent speaks to the customer), a transfer
    // from north-east to north, and a close; the agents concerned are told.
    QVERIFY(nico->ok_(QStringLiteral("message.send"),
                      {{"conversation", cNe}, {"text", "check stock"}, {"note", true}})
                .contains("seq"));
    QCOMPARE_CODE(nico->call(QStringLiteral("message.send"), {{"conversation", cNe}, {"text", "hi"}}),
                  Forbidden);
    int from = static_cast<int>(nora->events.size());
    const QJsonObject moved =
        nico->ok_(QStringLiteral("conversation.transfer"), {{"conversation", cNe}, {"toAgent", "nora"}});
    QCOMPARE(moved.value("agent").toString(), QStringLiteral("nora"));
    QVERIFY(nell->waitEvent(QStringLiteral("conversation.removed")) >= 0);
    const int assigned = nora->waitEvent(QStringLiteral("conversation.assigned"), from);
    QVERIFY(assigned >= 0);
    QCOMPARE(nora->events[assigned].payload.value("id").toString(), cNe);
    from = static_cast<int>(nora->events.size());
    QCOMPARE(
        nico->ok_(QStringLiteral("conversation.close"), {{"conversation", cNorth}}).value("state").toString(),
        QStringLiteral("closed"));
    QVERIFY(nora->waitEvent(QStringLiteral("conversation.closed"), from) >= 0);
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.close"), {{"conversation", cNorth}}), Conflict);
    // A closed conversation of the subtree stays readable to its supervisor, and closed to others.
    QVERIFY(
        nico->ok_(QStringLiteral("conversation.history"), {{"conversation", cNorth}}).contains("messages"));
    auto sue = signIn(QStringLiteral("sue"));
    QCOMPARE_CODE(sue->call(QStringLiteral("conversation.history"), {{"conversation", cNorth}}), Forbidden);
    // South's supervisor cannot pull a north conversation down to south either.
    QCOMPARE_CODE(
        sue->call(QStringLiteral("conversation.transfer"), {{"conversation", cNe}, {"toAgent", "sam"}}),
        Forbidden);
    QCOMPARE(m_service->engine().conversation(cNe)->agent, QStringLiteral("nora"));
    // Supervisors act; the role table still keeps them out of administration.
    QCOMPARE_CODE(nico->call(QStringLiteral("group.create"), {{"id", "g"}, {"name", "G"}}), Forbidden);
}

void TestSupervisorScope::agentsAndTeamlessSupervisors()
{
    auto admin = buildTree();
    QVERIFY(admin->ok);
    auto nora = signIn(QStringLiteral("nora"));
    auto nell = signIn(QStringLiteral("nell"));
    const QString cNorth = conversationFor(QStringLiteral("to-nora"), *nora);
    const QString cNe = conversationFor(QStringLiteral("to-nell"), *nell);
    QVERIFY(!cNorth.isEmpty() && !cNe.isEmpty());

    // An agent, even in the team above, is refused on another agent's conversation.
    QCOMPARE_CODE(nora->call(QStringLiteral("conversation.history"), {{"conversation", cNe}}), Forbidden);
    QCOMPARE_CODE(nora->call(QStringLiteral("conversation.close"), {{"conversation", cNe}}), Forbidden);
    QCOMPARE_CODE(
        nora->call(QStringLiteral("conversation.transfer"), {{"conversation", cNe}, {"toAgent", "nora"}}),
        Forbidden);
    QCOMPARE_CODE(
        nora->call(QStringLiteral("message.send"), {{"conversation", cNe}, {"text", "x"}, {"note", true}}),
        Forbidden);
    QCOMPARE_CODE(nell->call(QStringLiteral("conversation.history"), {{"conversation", cNorth}}), Forbidden);
    // An agent's inbox has no team list: that is a supervisor's.
    const QJsonObject inbox = nora->ok_(QStringLiteral("inbox.snapshot"));
    QCOMPARE(idsOf(inbox.value("conversations").toArray()), QSet<QString>{cNorth});
    QCOMPARE(inbox.value("team").toArray().size(), 0);
    // A supervisor in no team oversees nobody.
    auto tom = signIn(QStringLiteral("tom"));
    QVERIFY(tom->ok);
    QCOMPARE(tom->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray().size(), 0);
    QCOMPARE_CODE(tom->call(QStringLiteral("conversation.history"), {{"conversation", cNorth}}), Forbidden);
    QCOMPARE_CODE(tom->call(QStringLiteral("conversation.close"), {{"conversation", cNe}}), Forbidden);
}

void TestSupervisorScope::supervisorFollowsSubtreeLive()
{
    auto admin = buildTree();
    QVERIFY(admin->ok);
    auto nora = signIn(QStringLiteral("nora"));
    auto nell = signIn(QStringLiteral("nell"));
    auto sam = signIn(QStringLiteral("sam"));
    auto nico = signIn(QStringLiteral("nico"));
    auto neve = signIn(QStringLiteral("neve"));
    auto sue = signIn(QStringLiteral("sue"));
    QVERIFY(nora->ok && nell->ok && sam->ok && nico->ok && neve->ok && sue->ok);
    // Each supervisor hears of their subtree's conversations as they are assigned, moved and closed.
    const auto teamEvents = [](const WsClient &c) {
        QStringList seen;
        for (const Incoming &e : c.events) {
            if (e.event == QLatin1String("team.conversation"))
                seen << QStringLiteral("%1 %2 %3 %4")
                            .arg(e.payload.value("id").toString(), e.payload.value("kind").toString(),
                                 e.payload.value("agent").toString(), e.payload.value("state").toString());
        }
        return seen;
    };
    const QString cNe = conversationFor(QStringLiteral("to-nell"), *nell);
    const QString cSouth = conversationFor(QStringLiteral("to-sam"), *sam);
    QVERIFY(!cNe.isEmpty() && !cSouth.isEmpty());
    nico->ok_(QStringLiteral("conversation.transfer"), {{"conversation", cNe}, {"toAgent", "nora"}});
    nico->ok_(QStringLiteral("conversation.close"), {{"conversation", cNe}});
    QTRY_COMPARE(teamEvents(*nico),
                 (QStringList{cNe + " assigned nell assigned", cNe + " transferred nora assigned",
                              cNe + " closed nora closed"}));
    // North-east's supervisor saw it while it was in north-east: assigned to nell, then moved away.
    QTRY_COMPARE(teamEvents(*neve),
                 (QStringList{cNe + " assigned nell assigned", cNe + " transferred nora assigned"}));
    QTRY_COMPARE(teamEvents(*sue), QStringList{cSouth + " assigned sam assigned"});
    // Agents get none of these: their own conversations come as conversation.* events.
    QVERIFY(teamEvents(*nell).isEmpty() && teamEvents(*nora).isEmpty() && teamEvents(*admin).isEmpty());
}

void TestSupervisorScope::supervisorHearsSubtreeMessages()
{
    auto admin = buildTree();
    QVERIFY(admin->ok);
    auto nora = signIn(QStringLiteral("nora"));
    auto nell = signIn(QStringLiteral("nell"));
    auto sam = signIn(QStringLiteral("sam"));
    auto nico = signIn(QStringLiteral("nico"));
    auto neve = signIn(QStringLiteral("neve"));
    auto sue = signIn(QStringLiteral("sue"));
    auto tom = signIn(QStringLiteral("tom"));
    QVERIFY(nora->ok && nell->ok && sam->ok && nico->ok && neve->ok && sue->ok && tom->ok);
    // The texts of message.new a client received, as "conversation text".
    const auto heard = [](const WsClient &c) {
        QStringList seen;
        for (const Incoming &e : c.events) {
            if (e.event == QLatin1String("message.new"))
                seen << e.payload.value("conversation").toString() + QLatin1Char(' ') +
                            e.payload.value("text").toString();
        }
        return seen;
    };
    const QString cNorth = conversationFor(QStringLiteral("to-nora"), *nora);
    const QString cNe = conversationFor(QStringLiteral("to-nell"), *nell);
    const QString cSouth = conversationFor(QStringLiteral("to-sam"), *sam);
    QVERIFY(!cNorth.isEmpty() && !cNe.isEmpty() && !cSouth.isEmpty());
    QVERIFY(nora->ok_(QStringLiteral("message.send"), {{"conversation", cNorth}, {"text", "north reply"}})
                .contains("id"));
    QVERIFY(nell->ok_(QStringLiteral("message.send"), {{"conversation", cNe}, {"text", "ne reply"}})
                .contains("id"));
    QVERIFY(nell->ok_(QStringLiteral("message.send"),
                      {{"conversation", cNe}, {"text", "ne note"}, {"note", true}})
                .contains("id"));
    QVERIFY(sam->ok_(QStringLiteral("message.send"), {{"conversation", cSouth}, {"text", "south reply"}})
                .contains("id"));
    // A supervisor's own note comes back to them like anyone's.
    QVERIFY(neve->ok_(QStringLiteral("message.send"),
                      {{"conversation", cNe}, {"text", "neve note"}, {"note", true}})
                .contains("id"));
    const QStringList northAll{cNorth + " hello", cNe + " hello",   cNorth + " north reply",
                               cNe + " ne reply", cNe + " ne note", cNe + " neve note"};
    QTRY_COMPARE(heard(*nico), northAll);
    QTRY_COMPARE(heard(*neve),
                 (QStringList{cNe + " hello", cNe + " ne reply", cNe + " ne note", cNe + " neve note"}));
    QTRY_COMPARE(heard(*sue), (QStringList{cSouth + " hello", cSouth + " south reply"}));
    // Nothing outside a subtree: a teamless supervisor hears nothing, agents only their own.
    QCOMPARE(heard(*tom), QStringList());
    QCOMPARE(heard(*nora), (QStringList{cNorth + " hello", cNorth + " north reply"}));
    QCOMPARE(heard(*admin), QStringList());

    // Moved to south, the conversation's traffic follows it: south hears it, north no longer.
    QVERIFY(admin->ok_(QStringLiteral("conversation.transfer"), {{"conversation", cNe}, {"toAgent", "sam"}})
                .contains("agent"));
    QVERIFY(sam->ok_(QStringLiteral("message.send"), {{"conversation", cNe}, {"text", "now south"}})
                .contains("id"));
    QTRY_COMPARE(heard(*sue).last(), cNe + QStringLiteral(" now south"));
    QVERIFY(!nico->waitFor([&] { return heard(*nico).size() > northAll.size(); }, 200));
    QCOMPARE(heard(*neve).size(), 4);
    QCOMPARE(heard(*nell).size(), 4); // hello, ne reply, ne note, neve note: not since it left her
}

void TestSupervisorScope::treeSurvivesRestart()
{
    QString cNe, cSouth;
    {
        auto admin = buildTree();
        QVERIFY(admin->ok);
        auto nell = signIn(QStringLiteral("nell"));
        auto sam = signIn(QStringLiteral("sam"));
        cNe = conversationFor(QStringLiteral("to-nell"), *nell);
        cSouth = conversationFor(QStringLiteral("to-sam"), *sam);
        QVERIFY(!cNe.isEmpty() && !cSouth.isEmpty());
    }
    stopService();
    startService();
    // The tree came back from the store: the same scope, and ids still taken.
    auto nico = signIn(QStringLiteral("nico"));
    QVERIFY(nico->ok);
    QCOMPARE(idsOf(nico->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray()), QSet<QString>{cNe});
    QVERIFY(nico->ok_(QStringLiteral("conversation.history"), {{"conversation", cNe}}).contains("messages"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", cSouth}}), Forbidden);
    auto admin = client();
    QVERIFY(admin->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}})
                .contains("token"));
    QCOMPARE_CODE(admin->call(QStringLiteral("team.create"), {{"id", "south"}, {"name", "S"}}), Conflict);
    QVERIFY(
        admin->ok_(QStringLiteral("team.create"), {{"id", "south-west"}, {"name", "SW"}, {"parent", "south"}})
            .contains("id"));
    // A new team under south widens south's supervisor's subtree, not north's.
    QVERIFY(admin
                ->ok_(QStringLiteral("account.create"), {{"login", "sid"},
                                                         {"displayName", "Sid"},
                                                         {"role", "agent"},
                                                         {"password", kPassword},
                                                         {"team", "south-west"}})
                .contains("id"));
    auto sid = signIn(QStringLiteral("sid"));
    QVERIFY(sid->ok);
    QCOMPARE(
        admin->ok_(QStringLiteral("conversation.transfer"), {{"conversation", cSouth}, {"toAgent", "sid"}})
            .value("agent")
            .toString(),
        QStringLiteral("sid"));
    auto sue = signIn(QStringLiteral("sue"));
    QCOMPARE(idsOf(sue->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray()),
             QSet<QString>{cSouth});
    QVERIFY(
        sue->ok_(QStringLiteral("conversation.history"), {{"conversation", cSouth}}).contains("messages"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", cSouth}}), Forbidden);
    // Accounts keep their team: the same login cannot be created again into another one.
    QCOMPARE_CODE(admin->call(QStringLiteral("account.create"), {{"login", "sid"},
                                                                 {"displayName", "Sid"},
                                                                 {"role", "agent"},
                                                                 {"password", kPassword},
                                                                 {"team", "north"}}),
                  Conflict);
}

QTEST_GUILESS_MAIN(TestSupervisorScope)
#include "tst_supervisorscope.moc"
