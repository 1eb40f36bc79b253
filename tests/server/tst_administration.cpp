// account.update, team.update and team.delete over real sockets: what each changes (scope, routing,
// sessions), each refusal with its code, and that every change is still there after a restart.
// Also: account.create's role, which admins hear agent.status as roles change, the team tree's
// cycle rule, and quick replies saved or deleted when the store has no such reply.

#include "clock.h"
#include "coordinatorservice.h"
#include "protocol.h"
#include "records.h"
#include "storereader.h"
#include "storewriter.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using protocol::ErrorCode;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "offlinePolicy": "requeue"},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [
    {"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 3},
    {"id": "bob", "name": "Bob", "groups": ["support"], "maxConcurrent": 3, "vipDedicated": true}
  ],
  "rules": [{"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"], "strategy": "least-load"}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

} // namespace

class TestAdministration : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void accountUpdate();
    void accountUpdateRefusals();
    void disablingRevokesAndGoesOffline();
    void newPasswordEndsSessions();
    void teamUpdate();
    void teamDelete();
    void everythingSurvivesRestart();
    void deletedTeamsOfAnOlderBuild();
    void vipDedicatedKept();
    void accountCreateRole();
    void adminsHearAgentStatus();
    void teamCycleRule();
    void quickReplyNotThere();

private:
    void startService();
    void stopService();
    std::unique_ptr<WsClient> client();
    std::unique_ptr<WsClient> signIn(const QString &login, QString *token = nullptr);
    QString teamOf(const QString &account);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    std::unique_ptr<WsClient> m_root;
};

void TestAdministration::startService()
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
    m_root = client();
    const auto setup = m_root->call(QStringLiteral("auth.setup"),
                                    {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}});
    if (setup.kind != Incoming::Result) {
        QVERIFY(m_root->ok_(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}})
                    .contains("token"));
        return;
    }
    // hq > north > north-east; alice in north, bob in hq, nico supervises north.
    for (const auto &[id, parent] : std::vector<std::pair<const char *, const char *>>{
             {"hq", ""}, {"north", "hq"}, {"north-east", "north"}, {"south", "hq"}}) {
        QJsonObject args{{"id", id}, {"name", QString::fromLatin1(id).toUpper()}};
        if (*parent)
            args.insert(QStringLiteral("parent"), parent);
        QVERIFY(m_root->ok_(QStringLiteral("team.create"), args).contains("id"));
    }
    for (const auto &[login, role, team] : std::vector<std::tuple<const char *, const char *, const char *>>{
             {"alice", "agent", "north"}, {"bob", "agent", "hq"}, {"nico", "supervisor", "north"}}) {
        QVERIFY(m_root
                    ->ok_(QStringLiteral("account.create"), {{"login", login},
                                                             {"displayName", login},
                                                             {"role", role},
                                                             {"password", kPassword},
                                                             {"team", team}})
                    .contains("id"));
    }
}

void TestAdministration::stopService()
{
    m_root.reset();
    stopTestService(m_service, m_gateway);
}

void TestAdministration::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    startService();
}

void TestAdministration::cleanup()
{
    stopService();
}

std::unique_ptr<WsClient> TestAdministration::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

std::unique_ptr<WsClient> TestAdministration::signIn(const QString &login, QString *token)
{
    auto c = client();
    const QJsonObject r = c->ok_(QStringLiteral("auth.login"), {{"login", login}, {"password", kPassword}});
    c->ok = c->ok && r.contains(QLatin1String("token"));
    if (token)
        *token = r.value("token").toString();
    return c;
}

QString TestAdministration::teamOf(const QString &account)
{
    // What the account's next sign-in says about it.
    auto c = client();
    return c->ok_(QStringLiteral("auth.login"), {{"login", account}, {"password", kPassword}})
        .value("account")
        .toObject()
        .value("team")
        .toString();
}

void TestAdministration::accountUpdate()
{
    // Routing fields reach the engine; the rest stays as it was.
    QJsonObject r =
        m_root->ok_(QStringLiteral("account.update"),
                    {{"id", "alice"}, {"groups", QJsonArray{"sales", "support"}}, {"maxConcurrent", 7}});
    QCOMPARE(r.value("groups").toArray(), (QJsonArray{"sales", "support"}));
    QCOMPARE(r.value("team").toString(), QStringLiteral("north"));
    QCOMPARE(r.value("role").toString(), QStringLiteral("agent"));
    QCOMPARE(m_service->engine().agent(QStringLiteral("alice"))->groups, (QStringList{"sales", "support"}));
    QCOMPARE(m_service->engine().agent(QStringLiteral("alice"))->maxConcurrent, 7);

    // Bob moves into north: nico now oversees him; a supervisor made an agent loses the team list.
    auto bob = signIn(QStringLiteral("bob"));
    auto nico = signIn(QStringLiteral("nico"));
    QVERIFY(bob->ok && nico->ok);
    QVERIFY(bob->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status"));
    auto customer = client();
    customer->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Carl"}});
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"groups", QJsonArray{"sales"}}})
                .contains("id"));
    const QString conv =
        customer->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("bob"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    r = m_root->ok_(QStringLiteral("account.update"),
                    {{"id", "bob"}, {"team", "north-east"}, {"displayName", "Robert"}});
    QCOMPARE(r.value("team").toString(), QStringLiteral("north-east"));
    QCOMPARE(r.value("displayName").toString(), QStringLiteral("Robert"));
    QCOMPARE(m_service->engine().agent(QStringLiteral("bob"))->name, QStringLiteral("Robert"));
    QVERIFY(nico->ok_(QStringLiteral("conversation.history"), {{"conversation", conv}}).contains("messages"));
    QCOMPARE(nico->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray().size(), 1);

    // nico, demoted, keeps his session but loses the supervisor's powers on it at once.
    r = m_root->ok_(QStringLiteral("account.update"), {{"id", "nico"}, {"role", "agent"}});
    QCOMPARE(r.value("role").toString(), QStringLiteral("agent"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    QCOMPARE(nico->ok_(QStringLiteral("inbox.snapshot")).value("team").toArray().size(), 0);
    // And promoted again into south, he oversees south (nobody there), not north.
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.update"),
                      {{"id", "nico"}, {"role", "supervisor"}, {"team", "south"}})
                .contains("id"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    // Out of any team: an empty team.
    QCOMPARE(m_root->ok_(QStringLiteral("account.update"), {{"id", "nico"}, {"team", ""}})
                 .value("team")
                 .toString(),
             QString());
    QCOMPARE(teamOf(QStringLiteral("nico")), QString());
}

void TestAdministration::accountUpdateRefusals()
{
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "nobody"}, {"role", "agent"}}),
                  NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"team", "nowhere"}}),
                  NotFound);
    QCOMPARE_CODE(
        m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"groups", QJsonArray{"nope"}}}),
        NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"role", "king"}}),
                  BadRequest);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"displayName", "  "}}),
                  BadRequest);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"role", "agent"}}), BadRequest);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"disabled", "yes"}}),
                  BadRequest);
    // The last enabled admin can be neither demoted nor disabled.
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "root"}, {"role", "agent"}}),
                  Conflict);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "root"}, {"disabled", true}}),
                  Conflict);
    // With a second admin, the first may step down.
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"role", "admin"}}).contains("id"));
    QCOMPARE(m_root->ok_(QStringLiteral("account.update"), {{"id", "root"}, {"role", "supervisor"}})
                 .value("role")
                 .toString(),
             QStringLiteral("supervisor"));
    // Not for anyone else: an agent and a supervisor are refused by role.
    auto alice = signIn(QStringLiteral("alice"));
    QCOMPARE_CODE(alice->call(QStringLiteral("account.update"), {{"id", "alice"}, {"role", "admin"}}),
                  Forbidden);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"role", "admin"}}),
                  Forbidden);
    QCOMPARE_CODE(alice->call(QStringLiteral("team.delete"), {{"id", "south"}}), Forbidden);
    QCOMPARE(m_service->engine().agent(QStringLiteral("alice"))->groups, QStringList{"sales"});
}

void TestAdministration::disablingRevokesAndGoesOffline()
{
    QString token;
    auto laptop = signIn(QStringLiteral("alice"), &token);
    auto phone = signIn(QStringLiteral("alice"));
    QVERIFY(laptop->ok && phone->ok);
    QVERIFY(laptop->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status"));
    auto customer = client();
    customer->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Carl"}});
    const QString conv =
        customer->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("alice"));

    const QJsonObject r =
        m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"disabled", true}});
    QCOMPARE(r.value("disabled").toBool(), true);
    QCOMPARE(r.value("status").toString(), QStringLiteral("offline"));
    // Each desk is told at once why it was signed out.
    for (auto *desk : {laptop.get(), phone.get()}) {
        const int ended = desk->waitEvent("session.ended");
        QVERIFY(ended >= 0);
        QCOMPARE(desk->events[ended].payload.value("reason").toString(), QStringLiteral("disabled"));
        QVERIFY(!desk->events[ended].payload.value("message").toString().isEmpty());
    }
    // Offline as if she had chosen it: the requeue policy put her conversation back in the queue.
    QCOMPARE(toString(m_service->engine().agent(QStringLiteral("alice"))->status), QStringLiteral("offline"));
    QVERIFY(m_service->engine().conversation(conv)->agent.isEmpty());
    // Both desks are signed out; neither the token nor the password lets her back in.
    QCOMPARE_CODE(laptop->call(QStringLiteral("inbox.snapshot")), Unauthenticated);
    QCOMPARE_CODE(phone->call(QStringLiteral("status.set"), {{"status", "online"}}), Unauthenticated);
    QCOMPARE_CODE(laptop->call(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", 0}}),
                  BadCredentials);
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}}),
                  BadCredentials);
    QCOMPARE(m_service->engine().conversation(conv)->state == ConversationInfo::Queued, true);
    // Enabled again, she signs in and starts offline.
    QCOMPARE(m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"disabled", false}})
                 .value("disabled")
                 .toBool(),
             false);
    auto back = signIn(QStringLiteral("alice"));
    QVERIFY(back->ok);
    QCOMPARE(back->ok_(QStringLiteral("inbox.snapshot")).value("me").toObject().value("status").toString(),
             QStringLiteral("offline"));
}

// An administrator sets a new password (a forgotten one): the old one stops working, the new one
// works, and the account's open desks are told to sign in again. Too short is refused.
void TestAdministration::newPasswordEndsSessions()
{
    QString token;
    auto desk = signIn(QStringLiteral("alice"), &token);
    QVERIFY(desk->ok);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"password", "short"}}),
                  BadRequest);
    QVERIFY(desk->ok_(QStringLiteral("inbox.snapshot")).contains("me")); // nothing changed yet
    const QString fresh = QStringLiteral("a brand new passphrase");
    QVERIFY(
        m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"password", fresh}}).contains("id"));
    const int ended = desk->waitEvent("session.ended");
    QVERIFY(ended >= 0);
    QCOMPARE(desk->events[ended].payload.value("reason").toString(), QStringLiteral("password-changed"));
    QCOMPARE_CODE(desk->call(QStringLiteral("inbox.snapshot")), Unauthenticated);
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.resume"), {{"token", token}, {"lastSeq", 0}}),
                  BadCredentials);
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}}),
                  BadCredentials);
    QVERIFY(client()
                ->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", fresh}})
                .contains("token"));
    // Still the new one after a restart.
    stopService();
    startService();
    QVERIFY(client()
                ->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", fresh}})
                .contains("token"));
}

void TestAdministration::teamUpdate()
{
    QJsonObject r =
        m_root->ok_(QStringLiteral("team.update"), {{"id", "north"}, {"name", "Northern region"}});
    QCOMPARE(r.value("name").toString(), QStringLiteral("Northern region"));
    QCOMPARE(r.value("parent").toString(), QStringLiteral("hq"));
    // Cycles: under itself, under its child, under its grandchild-to-be.
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "north"}, {"parent", "north"}}), Cycle);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "north"}, {"parent", "north-east"}}),
                  Cycle);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "hq"}, {"parent", "north-east"}}),
                  Cycle);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "north"}, {"parent", "nowhere"}}),
                  NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "nowhere"}, {"name", "X"}}), NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "north"}, {"name", " "}}), BadRequest);

    // Moving a subtree moves scope: nico (north) oversees north-east; once north-east sits under
    // south, he no longer does, and a supervisor of south does.
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.update"),
                      {{"id", "bob"}, {"team", "north-east"}, {"groups", QJsonArray{"sales"}}})
                .contains("id"));
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.create"), {{"login", "sue"},
                                                         {"displayName", "Sue"},
                                                         {"role", "supervisor"},
                                                         {"password", kPassword},
                                                         {"team", "south"}})
                .contains("id"));
    auto bob = signIn(QStringLiteral("bob"));
    QVERIFY(bob->ok_(QStringLiteral("status.set"), {{"status", "online"}}).contains("status"));
    auto customer = client();
    customer->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Carl"}});
    const QString conv =
        customer->ok_(QStringLiteral("customer.send"), {{"text", "hi"}}).value("conversation").toString();
    QCOMPARE(m_service->engine().conversation(conv)->agent, QStringLiteral("bob"));
    auto nico = signIn(QStringLiteral("nico"));
    auto sue = signIn(QStringLiteral("sue"));
    QVERIFY(nico->ok_(QStringLiteral("conversation.history"), {{"conversation", conv}}).contains("messages"));
    QCOMPARE_CODE(sue->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    r = m_root->ok_(QStringLiteral("team.update"), {{"id", "north-east"}, {"parent", "south"}});
    QCOMPARE(r.value("parent").toString(), QStringLiteral("south"));
    QCOMPARE_CODE(nico->call(QStringLiteral("conversation.history"), {{"conversation", conv}}), Forbidden);
    QVERIFY(sue->ok_(QStringLiteral("conversation.history"), {{"conversation", conv}}).contains("messages"));
    // To the root with an empty parent; north may then go under north-east without a loop.
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north-east"}, {"parent", ""}})
                 .value("parent")
                 .toString(),
             QString());
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north"}, {"parent", "north-east"}})
                 .value("parent")
                 .toString(),
             QStringLiteral("north-east"));
}

void TestAdministration::teamDelete()
{
    // Referenced by an account (alice, nico in north) and by a child team (north-east).
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "north"}}), InUse);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "hq"}}), InUse);
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "nowhere"}}), NotFound);
    QVERIFY(m_root->ok_(QStringLiteral("team.delete"), {{"id", "north-east"}}).contains("id"));
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "north-east"}}), NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "alice"}, {"team", "north-east"}}),
                  NotFound);
    // A disabled account still holds its team.
    QVERIFY(
        m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"disabled", true}}).contains("id"));
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "nico"}, {"team", "hq"}}).contains("id"));
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "north"}}), InUse);
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"team", ""}}).contains("id"));
    QVERIFY(m_root->ok_(QStringLiteral("team.delete"), {{"id", "north"}}).contains("id"));
    // The id is free again.
    QCOMPARE(m_root
                 ->ok_(QStringLiteral("team.create"),
                       {{"id", "north-east"}, {"name", "NE again"}, {"parent", "south"}})
                 .value("parent")
                 .toString(),
             QStringLiteral("south"));
}

void TestAdministration::everythingSurvivesRestart()
{
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.update"), {{"id", "alice"},
                                                         {"team", "south"},
                                                         {"role", "supervisor"},
                                                         {"displayName", "Alicia"},
                                                         {"groups", QJsonArray{"support"}}})
                .contains("id"));
    QVERIFY(
        m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"disabled", true}}).contains("id"));
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "nico"}, {"team", "hq"}}).contains("id"));
    QVERIFY(
        m_root
            ->ok_(QStringLiteral("team.update"), {{"id", "north-east"}, {"name", "NE"}, {"parent", "south"}})
            .contains("id"));
    QVERIFY(m_root->ok_(QStringLiteral("team.delete"), {{"id", "north"}}).contains("id"));
    // Deleted and made again before the restart: it must come back.
    QVERIFY(m_root->ok_(QStringLiteral("team.delete"), {{"id", "north-east"}}).contains("id"));
    QVERIFY(
        m_root->ok_(QStringLiteral("team.create"), {{"id", "north-east"}, {"name", "NE2"}}).contains("id"));

    stopService();
    startService();
    QCOMPARE(teamOf(QStringLiteral("alice")), QStringLiteral("south"));
    auto again = client();
    const QJsonObject signedIn =
        again->ok_(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}})
            .value("account")
            .toObject();
    QCOMPARE(signedIn.value("role").toString(), QStringLiteral("supervisor"));
    QCOMPARE(signedIn.value("displayName").toString(), QStringLiteral("Alicia"));
    QCOMPARE(m_service->engine().agent(QStringLiteral("alice"))->groups, QStringList{"support"});
    QCOMPARE(m_service->engine().agent(QStringLiteral("alice"))->name, QStringLiteral("Alicia"));
    QCOMPARE_CODE(client()->call(QStringLiteral("auth.login"), {{"login", "bob"}, {"password", kPassword}}),
                  BadCredentials);
    QCOMPARE(teamOf(QStringLiteral("nico")), QStringLiteral("hq"));
    // north is gone (free to create), north-east is back as made last, at the root.
    QCOMPARE(
        m_root->ok_(QStringLiteral("team.create"), {{"id", "north"}, {"name", "N"}}).value("id").toString(),
        QStringLiteral("north"));
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.create"), {{"id", "north-east"}, {"name", "X"}}),
                  Conflict);
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north-east"}}).value("name").toString(),
             QStringLiteral("NE2"));
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north-east"}}).value("parent").toString(),
             QString());
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.delete"), {{"id", "south"}}), InUse); // alice is there
}

void TestAdministration::deletedTeamsOfAnOlderBuild()
{
    // team.delete now deletes the row.
    QVERIFY(m_root->ok_(QStringLiteral("team.delete"), {{"id", "south"}}).contains("id"));
    const QString path = m_service->storePath();
    {
        StoreReader reader;
        QString error;
        QVERIFY2(reader.open(path, &error), qPrintable(error));
        QStringList ids;
        for (const Team &t : reader.teams())
            ids << t.id;
        QCOMPARE(ids, (QStringList{"hq", "north", "north-east"}));
    }
    stopService();

    // Older builds kept the rows and listed deleted ids in the teams.deleted setting. north-east
    // has nothing below it; north still holds alice and nico, so a listed north (which those
    // builds could not produce, but a hand-edited store could) must stay a team.
    {
        StoreWriter writer(path);
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.putSetting(QStringLiteral("teams.deleted"),
                          QJsonArray{"north-east", "north", "gone-long-ago"});
        QVERIFY(writer.flush(10000));
    }
    startService();
    QCOMPARE_CODE(m_root->call(QStringLiteral("team.update"), {{"id", "north-east"}}), NotFound);
    QCOMPARE(teamOf(QStringLiteral("alice")), QStringLiteral("north"));
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north"}}).value("parent").toString(),
             QStringLiteral("hq"));
    {
        StoreReader reader;
        QString error;
        QVERIFY2(reader.open(path, &error), qPrintable(error));
        QVERIFY(!reader.setting(QStringLiteral("teams.deleted")));
        QVERIFY(reader.lastError().isEmpty());
        QStringList ids;
        for (const Team &t : reader.teams())
            ids << t.id;
        QCOMPARE(ids, (QStringList{"hq", "north"}));
    }
    // The id is free, and stays so after another restart without the setting.
    QVERIFY(
        m_root->ok_(QStringLiteral("team.create"), {{"id", "north-east"}, {"name", "NE"}}).contains("id"));
    stopService();
    startService();
    QCOMPARE(m_root->ok_(QStringLiteral("team.update"), {{"id", "north-east"}}).value("name").toString(),
             QStringLiteral("NE"));
}

void TestAdministration::vipDedicatedKept()
{
    // bob is VIP-dedicated in the site; startService turned the seeded agent into an account with
    // account.create, which rewrites his routing settings.
    QVERIFY(m_service->engine().agent(QStringLiteral("bob"))->vipDedicated);
    QVERIFY(!m_service->engine().agent(QStringLiteral("alice"))->vipDedicated);
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.update"),
                      {{"id", "bob"}, {"maxConcurrent", 4}, {"groups", QJsonArray{"support", "sales"}}})
                .contains("id"));
    QCOMPARE(m_service->engine().agent(QStringLiteral("bob"))->maxConcurrent, 4);
    QVERIFY(m_service->engine().agent(QStringLiteral("bob"))->vipDedicated);
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"displayName", "Robert"}})
                .contains("id"));
    QVERIFY(m_service->engine().agent(QStringLiteral("bob"))->vipDedicated);
    // The journal carries it: the same after a restart.
    stopService();
    startService();
    QCOMPARE(m_service->engine().agent(QStringLiteral("bob"))->name, QStringLiteral("Robert"));
    QVERIFY(m_service->engine().agent(QStringLiteral("bob"))->vipDedicated);
    // An administrator sets it over the protocol: on for alice, off for bob, and it stays so.
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "alice"}, {"vipDedicated", true}})
                .value("vipDedicated")
                .toBool());
    QVERIFY(!m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"vipDedicated", false}})
                 .value("vipDedicated")
                 .toBool());
    QVERIFY(m_root
                ->ok_(QStringLiteral("account.create"), {{"login", "vera"},
                                                         {"displayName", "Vera"},
                                                         {"role", "agent"},
                                                         {"password", kPassword},
                                                         {"vipDedicated", true}})
                .value("vipDedicated")
                .toBool());
    stopService();
    startService();
    QVERIFY(m_service->engine().agent(QStringLiteral("alice"))->vipDedicated);
    QVERIFY(!m_service->engine().agent(QStringLiteral("bob"))->vipDedicated);
    QVERIFY(m_service->engine().agent(QStringLiteral("vera"))->vipDedicated);
}

void TestAdministration::accountCreateRole()
{
    auto create = [this](const char *login, const QJsonValue &role) {
        QJsonObject args{{"login", login}, {"displayName", login}, {"password", kPassword}};
        if (!role.isUndefined())
            args.insert(QStringLiteral("role"), role);
        return m_root->call(QStringLiteral("account.create"), args);
    };
    const auto made = create("sam", "supervisor");
    QCOMPARE(made.kind, Incoming::Result);
    QCOMPARE(made.payload.value("role").toString(), QStringLiteral("supervisor"));
    QCOMPARE(create("ann", "admin").payload.value("role").toString(), QStringLiteral("admin"));
    // Refused before the password is hashed, and nothing is made: the login stays free.
    QCOMPARE_CODE(create("kim", "king"), BadRequest);
    QCOMPARE_CODE(create("kim", ""), BadRequest);
    QVERIFY(!m_service->engine().agent(QStringLiteral("kim")));
    QCOMPARE(create("kim", "agent").payload.value("role").toString(), QStringLiteral("agent"));
    // The role is required by the operation's schema.
    QCOMPARE_CODE(create("lee", QJsonValue::Undefined), BadRequest);
    // What was made signs in with it.
    QCOMPARE(client()
                 ->ok_(QStringLiteral("auth.login"), {{"login", "sam"}, {"password", kPassword}})
                 .value("account")
                 .toObject()
                 .value("role")
                 .toString(),
             QStringLiteral("supervisor"));
}

// agent.status goes to the agent's desks, the supervisors above them and every enabled admin. Who
// is an admin changes after the start (accounts made, promoted, demoted, disabled, enabled) and is
// read back at a restart; each change holds for the next status change.
void TestAdministration::adminsHearAgentStatus()
{
    auto alice = signIn(QStringLiteral("alice"));
    QVERIFY(alice->ok);
    // After alice sets `status`: whether `desk` heard it. A request of the desk's own after the
    // status.set's answer comes back after the events of that round (one connection, in order).
    auto heard = [&alice](WsClient &desk, const char *status) {
        const auto from = desk.events.size();
        if (!alice->ok_(QStringLiteral("status.set"), {{"status", status}}).contains("status"))
            return false;
        desk.ok_(QStringLiteral("inbox.snapshot"));
        for (auto i = from; i < desk.events.size(); ++i) {
            const auto &e = desk.events[i];
            if (e.event == QLatin1String("agent.status") && e.payload.value("agent").toString() == "alice" &&
                e.payload.value("status").toString() == QLatin1String(status))
                return true;
        }
        return false;
    };

    QVERIFY(m_root
                ->ok_(QStringLiteral("account.create"),
                      {{"login", "ada"}, {"displayName", "Ada"}, {"role", "admin"}, {"password", kPassword}})
                .contains("id"));
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"role", "admin"}}).contains("id"));
    auto ada = signIn(QStringLiteral("ada"));
    auto bob = signIn(QStringLiteral("bob"));
    QVERIFY(ada->ok && bob->ok);
    QVERIFY(heard(*m_root, "online"));
    QVERIFY(heard(*ada, "busy")); // created an admin after the start
    QVERIFY(heard(*bob, "away")); // promoted

    // Demoted (root to a supervisor of no team, so no subtree of his holds alice; bob to an agent).
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "root"}, {"role", "supervisor"}})
                .contains("id"));
    QVERIFY(!heard(*m_root, "online"));
    QVERIFY(heard(*ada, "busy"));
    QVERIFY(ada->ok_(QStringLiteral("account.update"), {{"id", "bob"}, {"role", "agent"}}).contains("id"));
    QVERIFY(!heard(*bob, "away"));
    QVERIFY(ada->ok_(QStringLiteral("account.update"), {{"id", "root"}, {"role", "admin"}}).contains("id"));
    QVERIFY(heard(*m_root, "online")); // promoted again

    // Disabled, ada's desk is signed out; enabled again, her new desk hears it once more.
    QVERIFY(
        m_root->ok_(QStringLiteral("account.update"), {{"id", "ada"}, {"disabled", true}}).contains("id"));
    QVERIFY(ada->waitEvent("session.ended") >= 0);
    QVERIFY(
        m_root->ok_(QStringLiteral("account.update"), {{"id", "ada"}, {"disabled", false}}).contains("id"));
    auto adaAgain = signIn(QStringLiteral("ada"));
    QVERIFY(adaAgain->ok);
    QVERIFY(heard(*adaAgain, "busy"));
    QVERIFY(m_root->ok_(QStringLiteral("account.update"), {{"id", "ada"}, {"role", "agent"}}).contains("id"));
    QVERIFY(!heard(*adaAgain, "away"));

    // At a restart the directory is read back: root is an admin, ada and bob are not.
    alice.reset();
    stopService();
    startService();
    alice = signIn(QStringLiteral("alice"));
    auto adaNow = signIn(QStringLiteral("ada"));
    auto bobNow = signIn(QStringLiteral("bob"));
    QVERIFY(alice->ok && adaNow->ok && bobNow->ok);
    QVERIFY(heard(*m_root, "online"));
    QVERIFY(!heard(*adaNow, "busy"));
    QVERIFY(!heard(*bobNow, "away"));
    // And the last enabled admin still cannot go.
    QCOMPARE_CODE(m_root->call(QStringLiteral("account.update"), {{"id", "root"}, {"disabled", true}}),
                  Conflict);
}

void TestAdministration::teamCycleRule()
{
    // The rule the service applies (answering `cycle`, tested in teamUpdate) and the store's writer
    // applies again, on a tree given as parent links.
    const QHash<QString, QString> parents{{"north", "hq"},
                                          {"north-east", "north"},
                                          {"south", "hq"},
                                          // a loop an older, broken store could hold
                                          {"a", "b"},
                                          {"b", "a"}};
    const auto parentOf = [&parents](const QString &t) { return parents.value(t); };
    QVERIFY(teamMoveMakesCycle("north", "north", parentOf));
    QVERIFY(teamMoveMakesCycle("north", "north-east", parentOf));
    QVERIFY(teamMoveMakesCycle("hq", "north-east", parentOf));
    QVERIFY(!teamMoveMakesCycle("north-east", "south", parentOf));
    QVERIFY(!teamMoveMakesCycle("south", "north-east", parentOf));
    QVERIFY(!teamMoveMakesCycle("north", "", parentOf));
    QVERIFY(!teamMoveMakesCycle("north", "nowhere", parentOf));
    // Above a loop the team is not part of: the walk ends (no cycle made by this move).
    QVERIFY(!teamMoveMakesCycle("south", "a", parentOf));
    QVERIFY(teamMoveMakesCycle("a", "b", parentOf));
}

// Whether a quick reply exists is the store's word (its writer finds no row): a change or a delete
// of one that is not there answers not-found, also when a delete just before it in the same breath
// had not committed yet when it came in, and none of it counts as a failed write.
void TestAdministration::quickReplyNotThere()
{
    const auto save = [](WsClient &c, qint64 id, const char *text) {
        QJsonObject args{{"category", "Greetings"}, {"title", "Hello"}, {"text", text}};
        if (id)
            args.insert(QStringLiteral("id"), id);
        return c.call(QStringLiteral("quickreply.save"), args);
    };
    const qint64 first = static_cast<qint64>(save(*m_root, 0, "Hello!").payload.value("id").toDouble());
    QVERIFY(first > 0);
    QCOMPARE_CODE(save(*m_root, first + 1000, "Hi"), NotFound);
    QCOMPARE_CODE(m_root->call(QStringLiteral("quickreply.delete"), {{"id", first + 1000}}), NotFound);

    // Sent together: the delete, then a change and a second delete of the same reply.
    const auto before = m_root->replies.size();
    const qint64 deleting = m_root->post(QStringLiteral("quickreply.delete"), {{"id", first}});
    const qint64 changing =
        m_root->post(QStringLiteral("quickreply.save"),
                     {{"id", first}, {"category", "Greetings"}, {"title", "Hello"}, {"text", "Hi there"}});
    const qint64 again = m_root->post(QStringLiteral("quickreply.delete"), {{"id", first}});
    QVERIFY(m_root->waitFor([&] { return m_root->replies.size() == before + 3; }, 5000));
    std::map<qint64, Incoming> answers;
    for (auto i = before; i < m_root->replies.size(); ++i)
        answers[static_cast<qint64>(m_root->replies[i].id.toDouble())] = m_root->replies[i];
    QCOMPARE(answers[deleting].kind, Incoming::Result);
    QCOMPARE(static_cast<qint64>(answers[deleting].payload.value("id").toDouble()), first);
    QCOMPARE_CODE(answers[changing], NotFound);
    QCOMPARE_CODE(answers[again], NotFound);
    QCOMPARE(m_service->stats().storeFailures, quint64(0));

    // Only administrators: a supervisor and an agent are refused, and the reply stays as it was.
    const qint64 second = static_cast<qint64>(save(*m_root, 0, "Welcome").payload.value("id").toDouble());
    QVERIFY(second > 0);
    auto nico = signIn(QStringLiteral("nico"));
    auto alice = signIn(QStringLiteral("alice"));
    QVERIFY(nico->ok && alice->ok);
    for (WsClient *c : {nico.get(), alice.get()}) {
        QCOMPARE_CODE(save(*c, second, "Changed"), Forbidden);
        QCOMPARE_CODE(c->call(QStringLiteral("quickreply.delete"), {{"id", second}}), Forbidden);
    }
    const QJsonArray listed = alice->ok_(QStringLiteral("quickreply.list"), {{"channel", "web"}})
                                  .value("categories")
                                  .toObject()
                                  .value("Greetings")
                                  .toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.first().toObject().value("text").toString(), QStringLiteral("Welcome"));
    QCOMPARE(m_service->stats().storeFailures, quint64(0));
}

QTEST_GUILESS_MAIN(TestAdministration)
#include "tst_administration.moc"
