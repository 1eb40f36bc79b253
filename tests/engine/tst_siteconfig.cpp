// SiteConfig: parsing a full site, defaults, validation errors naming the offending element,
// and the toJson -> fromJson round trip.
#include "siteconfig.h"

#include <QJsonDocument>
#include <QtTest>

using namespace sb;

namespace {

const char *const kFullSite = R"({
  "routing": {
    "allowedStatuses": ["online", "busy"],
    "channelPriority": false,
    "vipPriorityBoost": 25,
    "replyTimeoutSeconds": 90,
    "autoCloseMinutes": 30,
    "offlinePolicy": "reassign",
    "timeZone": "Asia/Hong_Kong",
    "defaultHandleSeconds": 240,
    "explainLimit": 12
  },
  "channels": [
    {"id": "web", "name": "Web chat", "type": "web", "priority": 1},
    {"id": "wechat", "name": "WeChat 服務號", "type": "wechat", "priority": 5}
  ],
  "groups": [
    {"id": "sales", "name": "銷售", "offHoursMessage": "We open at 9.", "expectedResponseSeconds": 45,
     "hours": {"timeZone": "Asia/Hong_Kong", "mon-fri": "09:00-18:00", "sat": "10:00-12:00,13:00-17:00"}},
    {"id": "tutors", "name": "Tutors"}
  ],
  "agents": [
    {"id": "amy", "name": "Amy Chan", "skills": ["secondary-english", "cantonese"], "groups": ["tutors", "sales"],
     "maxConcurrent": 3, "vipDedicated": true, "status": "online"},
    {"id": "ben", "groups": "sales", "status": "away"}
  ],
  "customers": [
    {"id": "c1", "name": "陳大文", "tags": ["VIP", "wholesale"], "language": "zh-HK", "owner": "amy",
     "previousAgent": "ben"},
    {"id": "c2", "tags": ["new"], "vip": false, "returning": true}
  ],
  "rules": [
    {"id": "english", "name": "Secondary English",
     "when": {"channels": ["wechat"], "tagsAll": ["student"], "tagsAny": ["s4", "s5"], "vip": false,
              "languages": ["zh-HK", "en"], "customer": "returning", "keywordsAny": ["英文", "english"]},
     "groups": ["tutors"], "strategy": "skills", "skills": ["cantonese"],
     "keywordSkills": {"中學英文": "secondary-english"}, "maxWaitSeconds": 120, "priority": 3,
     "preferPreviousAgent": false, "preferOwner": false, "preferVipAgents": false},
    {"id": "default", "groups": ["sales", "tutors"], "strategy": "round-robin"}
  ]
})";

SiteConfig parseOk(const QByteArray &json)
{
    QString error;
    const auto site = SiteConfig::fromJson(json, &error);
    if (!site)
        qFatal("site did not parse: %s", qPrintable(error));
    return *site;
}

} // namespace

class TestSiteConfig : public QObject
{
    Q_OBJECT

private slots:
    void fullSite();
    void defaults();
    void singleStringForLists();
    void validationErrors_data();
    void validationErrors();
    void roundTrip_data();
    void roundTrip();
};

void TestSiteConfig::fullSite()
{
    const SiteConfig site = parseOk(kFullSite);

    const RoutingSettings &r = site.routing;
    QCOMPARE(r.allowedStatuses, (std::vector<AgentStatus>{AgentStatus::Online, AgentStatus::Busy}));
    QCOMPARE(r.channelPriority, false);
    QCOMPARE(r.vipPriorityBoost, 25);
    QCOMPARE(r.replyTimeoutSeconds, 90);
    QCOMPARE(r.autoCloseMinutes, 30);
    QCOMPARE(toString(r.offlinePolicy), QStringLiteral("reassign"));
    QCOMPARE(r.timeZone, QStringLiteral("Asia/Hong_Kong"));
    QCOMPARE(r.defaultHandleSeconds, 240);
    QCOMPARE(r.explainLimit, 12);

    QCOMPARE(site.channels.size(), std::size_t(2));
    QCOMPARE(site.channels[1].id, QStringLiteral("wechat"));
    QCOMPARE(site.channels[1].name, QStringLiteral("WeChat 服務號"));
    QCOMPARE(site.channels[1].type, QStringLiteral("wechat"));
    QCOMPARE(site.channels[1].priority, 5);

    QCOMPARE(site.groups.size(), std::size_t(2));
    const GroupConfig &sales = site.groups[0];
    QCOMPARE(sales.name, QStringLiteral("銷售"));
    QCOMPARE(sales.offHoursMessage, QStringLiteral("We open at 9."));
    QCOMPARE(sales.expectedResponseSeconds, 45);
    QVERIFY(!sales.hours.alwaysOpen());
    QCOMPARE(sales.hours.timeZone().id(), QByteArray("Asia/Hong_Kong"));
    // Monday 2024-03-04 10:00 HKT = 02:00 UTC; Sunday closed.
    QVERIFY(
        sales.hours.isOpen(QDateTime(QDate(2024, 3, 4), QTime(2, 0), QTimeZone::utc()).toMSecsSinceEpoch()));
    QVERIFY(!sales.hours.isOpen(
        QDateTime(QDate(2024, 3, 10), QTime(2, 0), QTimeZone::utc()).toMSecsSinceEpoch()));
    QVERIFY(site.groups[1].hours.alwaysOpen());

    QCOMPARE(site.agents.size(), std::size_t(2));
    const AgentConfig &amy = site.agents[0];
    QCOMPARE(amy.name, QStringLiteral("Amy Chan"));
    QCOMPARE(amy.skills, (QStringList{"secondary-english", "cantonese"}));
    QCOMPARE(amy.groups, (QStringList{"tutors", "sales"})); // order kept: ring position per group
    QCOMPARE(amy.maxConcurrent, 3);
    QCOMPARE(amy.vipDedicated, true);
    QCOMPARE(toString(amy.status), QStringLiteral("online"));
    QCOMPARE(site.agents[1].groups, QStringList{"sales"});
    QCOMPARE(toString(site.agents[1].status), QStringLiteral("away"));

    QCOMPARE(site.customers.size(), std::size_t(2));
    const CustomerConfig &c1 = site.customers[0];
    QCOMPARE(c1.name, QStringLiteral("陳大文"));
    QCOMPARE(c1.tags, (QStringList{"VIP", "wholesale"}));
    QCOMPARE(c1.vip, true); // from the VIP tag
    QCOMPARE(c1.language, QStringLiteral("zh-HK"));
    QCOMPARE(c1.owner, QStringLiteral("amy"));
    QCOMPARE(c1.previousAgent, QStringLiteral("ben"));
    QCOMPARE(c1.returning, true); // has a previous agent
    QCOMPARE(site.customers[1].vip, false);
    QCOMPARE(site.customers[1].returning, true);

    QCOMPARE(site.rules.size(), std::size_t(2));
    const RuleConfig &en = site.rules[0];
    QCOMPARE(en.name, QStringLiteral("Secondary English"));
    QCOMPARE(en.channels, QStringList{"wechat"});
    QCOMPARE(en.tagsAll, QStringList{"student"});
    QCOMPARE(en.tagsAny, (QStringList{"s4", "s5"}));
    QCOMPARE(en.vip, std::optional<bool>(false));
    QCOMPARE(en.languages, (QStringList{"zh-HK", "en"}));
    QCOMPARE(toString(en.customer), QStringLiteral("returning"));
    QCOMPARE(en.keywordsAny, (QStringList{"英文", "english"}));
    QCOMPARE(en.groups, QStringList{"tutors"});
    QCOMPARE(toString(en.strategy), QStringLiteral("skills"));
    QCOMPARE(en.skills, QStringList{"cantonese"});
    QCOMPARE(en.keywordSkills.size(), std::size_t(1));
    QCOMPARE(en.keywordSkills[0].keyword, QStringLiteral("中學英文"));
    QCOMPARE(en.keywordSkills[0].skill, QStringLiteral("secondary-english"));
    QCOMPARE(en.maxWaitSeconds, 120);
    QCOMPARE(en.priority, 3);
    QCOMPARE(en.preferPreviousAgent, false);
    QCOMPARE(en.preferOwner, false);
    QCOMPARE(en.preferVipAgents, false);
    QCOMPARE(site.rules[1].groups, (QStringList{"sales", "tutors"}));
    QCOMPARE(toString(site.rules[1].strategy), QStringLiteral("round-robin"));
}

void TestSiteConfig::defaults()
{
    const SiteConfig empty = parseOk("{}");
    QVERIFY(empty.channels.empty() && empty.groups.empty() && empty.agents.empty() &&
            empty.customers.empty() && empty.rules.empty());
    const RoutingSettings &r = empty.routing;
    QCOMPARE(r.allowedStatuses, std::vector<AgentStatus>{AgentStatus::Online});
    QCOMPARE(r.channelPriority, true);
    QCOMPARE(r.vipPriorityBoost, 10);
    QCOMPARE(r.replyTimeoutSeconds, 0);
    QCOMPARE(r.autoCloseMinutes, 0);
    QCOMPARE(toString(r.offlinePolicy), QStringLiteral("requeue"));
    QCOMPARE(r.timeZone, QStringLiteral("UTC"));
    QCOMPARE(r.defaultHandleSeconds, 300);
    QCOMPARE(r.explainLimit, 25);

    const SiteConfig site = parseOk(R"({
      "channels": [{"id": "web"}],
      "groups": [{"id": "g"}],
      "agents": [{"id": "a"}],
      "customers": [{"id": "c"}, {"id": "v", "tags": ["vip"]}],
      "rules": [{"id": "r", "groups": ["g"]}]
    })");
    const ChannelConfig &ch = site.channels[0];
    QCOMPARE(ch.name, QStringLiteral("web"));
    QCOMPARE(ch.type, QStringLiteral("web"));
    QCOMPARE(ch.priority, 0);
    const GroupConfig &g = site.groups[0];
    QCOMPARE(g.name, QStringLiteral("g"));
    QVERIFY(g.hours.alwaysOpen());
    QVERIFY(g.offHoursMessage.isEmpty());
    QCOMPARE(g.expectedResponseSeconds, 60);
    const AgentConfig &a = site.agents[0];
    QCOMPARE(a.name, QStringLiteral("a"));
    QVERIFY(a.skills.isEmpty() && a.groups.isEmpty());
    QCOMPARE(a.maxConcurrent, 5);
    QCOMPARE(a.vipDedicated, false);
    QCOMPARE(toString(a.status), QStringLiteral("offline"));
    const CustomerConfig &c = site.customers[0];
    QCOMPARE(c.name, QStringLiteral("c"));
    QCOMPARE(c.vip, false);
    QCOMPARE(c.returning, false);
    QVERIFY(c.owner.isEmpty() && c.previousAgent.isEmpty() && c.language.isEmpty());
    QCOMPARE(site.customers[1].vip, true); // the VIP tag, any case
    const RuleConfig &rule = site.rules[0];
    QCOMPARE(rule.name, QStringLiteral("r"));
    QVERIFY(rule.channels.isEmpty() && rule.tagsAll.isEmpty() && rule.tagsAny.isEmpty() &&
            rule.languages.isEmpty() && rule.keywordsAny.isEmpty() && rule.skills.isEmpty() &&
            rule.keywordSkills.empty());
    QVERIFY(!rule.vip.has_value());
    QCOMPARE(toString(rule.customer), QStringLiteral("any"));
    QCOMPARE(toString(rule.strategy), QStringLiteral("least-load"));
    QCOMPARE(rule.maxWaitSeconds, 300);
    QCOMPARE(rule.priority, 0);
    QVERIFY(rule.preferPreviousAgent && rule.preferOwner && rule.preferVipAgents);
}

void TestSiteConfig::singleStringForLists()
{
    // Wherever a list of strings is expected, one string is accepted too; names are case-insensitive.
    const SiteConfig site = parseOk(R"({
      "routing": {"allowedStatuses": "Busy", "offlinePolicy": "KEEP"},
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "skills": "english", "status": "Online"}],
      "rules": [{"id": "r", "groups": "g", "strategy": "Idle-Rate", "when": {"tagsAny": "vip", "customer": "NEW"}}]
    })");
    QCOMPARE(site.routing.allowedStatuses, std::vector<AgentStatus>{AgentStatus::Busy});
    QCOMPARE(toString(site.routing.offlinePolicy), QStringLiteral("keep"));
    QCOMPARE(site.agents[0].groups, QStringList{"g"});
    QCOMPARE(site.agents[0].skills, QStringList{"english"});
    QCOMPARE(toString(site.agents[0].status), QStringLiteral("online"));
    QCOMPARE(toString(site.rules[0].strategy), QStringLiteral("idle-rate"));
    QCOMPARE(site.rules[0].tagsAny, QStringList{"vip"});
    QCOMPARE(toString(site.rules[0].customer), QStringLiteral("new"));
}

void TestSiteConfig::validationErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expectedError");

    // The document itself.
    QTest::newRow("not JSON") << R"({"groups": [)"
                              << "not valid JSON at offset 12: unterminated array";
    QTest::newRow("not an object") << R"([1, 2])"
                                   << "the site configuration must be a JSON object";

    // References between parts.
    QTest::newRow("rule targets unknown group")
        << R"({"groups": [{"id": "sales"}], "rules": [{"id": "r1", "groups": ["sales", "nope"]}]})"
        << R"(rules "r1": unknown group "nope")";
    QTest::newRow("rule without groups") << R"({"rules": [{"id": "r1"}]})"
                                         << R"(rules "r1": a rule must name at least one target group)";
    QTest::newRow("rule on unknown channel")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": ["g"], "when": {"channels": ["fax"]}}]})"
        << R"(rules "r1": unknown channel "fax")";
    QTest::newRow("condition outside when")
        << R"({"channels": [{"id": "web"}], "groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": ["g"], "channels": ["web"]}]})"
        << R"(rules "r1": "channels" is a condition: put it inside "when")";
    QTest::newRow("unknown rule field")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": ["g"], "stratgy": "skills"}]})"
        << R"(rules "r1": unknown field "stratgy")";
    QTest::newRow("unknown condition")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": ["g"], "when": {"vipp": true}}]})"
        << R"(rules "r1" when: unknown field "vipp")";
    QTest::newRow("agent in unknown group")
        << R"({"groups": [{"id": "g"}], "agents": [{"id": "amy", "groups": ["g", "vip"]}]})"
        << R"(agents "amy": unknown group "vip")";
    QTest::newRow("customer owner unknown") << R"({"customers": [{"id": "c1", "owner": "ghost"}]})"
                                            << R"(customers "c1": unknown agent "ghost")";
    QTest::newRow("customer previous agent unknown")
        << R"({"agents": [{"id": "a"}], "customers": [{"id": "c1", "previousAgent": "zed"}]})"
        << R"(customers "c1": unknown agent "zed")";
    QTest::newRow("unnamed rule named by index")
        << R"({"groups": [{"id": "g"}], "rules": [{"groups": ["g"]}, {"groups": ["x"]}]})"
        << R"(rules[0]: "id" is required)";

    // Identifiers.
    QTest::newRow("duplicate group") << R"({"groups": [{"id": "sales"}, {"id": "support"}, {"id": "sales"}]})"
                                     << R"(groups "sales": the id is used twice)";
    QTest::newRow("duplicate agent") << R"({"agents": [{"id": "amy"}, {"id": "amy"}]})"
                                     << R"(agents "amy": the id is used twice)";
    QTest::newRow("duplicate channel") << R"({"channels": [{"id": "web"}, {"id": "web"}]})"
                                       << R"(channels "web": the id is used twice)";
    QTest::newRow("duplicate customer") << R"({"customers": [{"id": "c"}, {"id": "c"}]})"
                                        << R"(customers "c": the id is used twice)";
    QTest::newRow("duplicate rule")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r", "groups": "g"}, {"id": "r", "groups": "g"}]})"
        << R"(rules "r": the id is used twice)";
    QTest::newRow("missing agent id") << R"({"agents": [{"id": "a"}, {"name": "Nobody"}]})"
                                      << R"(agents[1]: "id" is required)";

    // Enumerations.
    QTest::newRow("bad strategy")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": ["g"], "strategy": "fastest"}]})"
        << R"(rules "r1": unknown strategy "fastest" (least-load, round-robin, idle-rate, skills, manual))";
    QTest::newRow("bad agent status") << R"({"agents": [{"id": "amy", "status": "sleeping"}]})"
                                      << R"(agents "amy": unknown status "sleeping")";
    QTest::newRow("bad allowed status") << R"({"routing": {"allowedStatuses": ["online", "lunch"]}})"
                                        << R"(routing: unknown status "lunch" in allowedStatuses)";
    QTest::newRow("bad offline policy")
        << R"({"routing": {"offlinePolicy": "drop"}})"
        << R"(routing: offlinePolicy must be keep, requeue or reassign, not "drop")";
    QTest::newRow("bad customer kind")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "when": {"customer": "old"}}]})"
        << R"(rules "r1": customer must be any, new or returning, not "old")";
    QTest::newRow("bad site time zone") << R"({"routing": {"timeZone": "Hong Kong"}})"
                                        << R"(routing: unknown time zone "Hong Kong")";
    QTest::newRow("bad group hours")
        << R"({"groups": [{"id": "sales", "hours": {"mon-fri": "9am-6pm"}}]})"
        << R"(groups "sales": hours: "9am-6pm" is not an interval such as 09:00-18:00)";

    // Wrong types and ranges.
    QTest::newRow("cap is text") << R"({"agents": [{"id": "amy", "maxConcurrent": "five"}]})"
                                 << R"(agents "amy": "maxConcurrent" must be a whole number from 0 to 1000)";
    QTest::newRow("cap is fractional")
        << R"({"agents": [{"id": "amy", "maxConcurrent": 2.5}]})"
        << R"(agents "amy": "maxConcurrent" must be a whole number from 0 to 1000)";
    QTest::newRow("cap is negative")
        << R"({"agents": [{"id": "amy", "maxConcurrent": -1}]})"
        << R"(agents "amy": "maxConcurrent" must be a whole number from 0 to 1000)";
    QTest::newRow("flag is text") << R"({"agents": [{"id": "amy", "vipDedicated": "yes"}]})"
                                  << R"(agents "amy": "vipDedicated" must be true or false)";
    QTest::newRow("skills is a number") << R"({"agents": [{"id": "amy", "skills": 3}]})"
                                        << R"(agents "amy": "skills" must be a list of strings)";
    QTest::newRow("skills holds a number") << R"({"agents": [{"id": "amy", "skills": ["english", 3]}]})"
                                           << R"(agents "amy": "skills" must be a list of strings)";
    QTest::newRow("name is a number") << R"({"channels": [{"id": "web", "name": 7}]})"
                                      << R"(channels "web": "name" must be a string)";
    QTest::newRow("channel priority out of range")
        << R"({"channels": [{"id": "web", "priority": 5000}]})"
        << R"(channels "web": "priority" must be a whole number from -1000 to 1000)";
    QTest::newRow("channels not a list") << R"({"channels": {"id": "web"}})"
                                         << "channels: must be a list";
    QTest::newRow("group not an object") << R"({"groups": ["sales"]})"
                                         << "groups[0]: must be an object";
    QTest::newRow("routing flag is text") << R"({"routing": {"channelPriority": "on"}})"
                                          << R"(routing: "channelPriority" must be true or false)";
    QTest::newRow("explain limit negative")
        << R"({"routing": {"explainLimit": -1}})"
        << R"(routing: "explainLimit" must be a whole number from 0 to 100000)";
    QTest::newRow("reply timeout is text")
        << R"({"routing": {"replyTimeoutSeconds": "90s"}})"
        << R"(routing: "replyTimeoutSeconds" must be a whole number from 0 to 604800)";
    QTest::newRow("rule vip is text")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "when": {"vip": "yes"}}]})"
        << R"(rules "r1": "vip" must be true or false)";
    QTest::newRow("keyword skill not a name")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "keywordSkills": {"中學英文": 1}}]})"
        << R"(rules "r1": keywordSkills values must be skill names)";
    QTest::newRow("max wait out of range")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "maxWaitSeconds": 100000}]})"
        << R"(rules "r1": "maxWaitSeconds" must be a whole number from 0 to 86400)";
    QTest::newRow("routing not an object") << R"({"routing": ["online"]})"
                                           << "routing: must be an object";
    QTest::newRow("hours not an object") << R"({"groups": [{"id": "sales", "hours": "09:00-18:00"}]})"
                                         << R"(groups "sales": "hours" must be an object)";
    QTest::newRow("when not an object")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "when": "vip"}]})"
        << R"(rules "r1": "when" must be an object)";
    QTest::newRow("keywordSkills not an object")
        << R"({"groups": [{"id": "g"}], "rules": [{"id": "r1", "groups": "g", "keywordSkills": ["中學英文"]}]})"
        << R"(rules "r1": "keywordSkills" must be an object)";
}

void TestSiteConfig::validationErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, expectedError);
    QString error;
    const auto site = SiteConfig::fromJson(json.toUtf8(), &error);
    QVERIFY(!site.has_value());
    QCOMPARE(error, expectedError);
}

void TestSiteConfig::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("full site") << QByteArray(kFullSite);
    QTest::newRow("defaults only") << QByteArray(
        R"({"groups": [{"id": "g"}], "agents": [{"id": "a", "groups": "g"}],
                                                    "rules": [{"id": "r", "groups": "g"}]})");
    QTest::newRow("empty") << QByteArray("{}");
}

void TestSiteConfig::roundTrip()
{
    QFETCH(QByteArray, json);
    const SiteConfig first = parseOk(json);
    const QByteArray written = first.toJson();
    QString error;
    const auto second = SiteConfig::fromJson(written, &error);
    QVERIFY2(second.has_value(), qPrintable(error));
    // Writing again gives the same document: nothing was lost or changed.
    QCOMPARE(second->toJson(), written);

    // And field by field, for the parts a byte comparison could hide.
    QCOMPARE(second->routing.allowedStatuses, first.routing.allowedStatuses);
    QCOMPARE(toString(second->routing.offlinePolicy), toString(first.routing.offlinePolicy));
    QCOMPARE(second->routing.timeZone, first.routing.timeZone);
    QCOMPARE(second->routing.explainLimit, first.routing.explainLimit);
    QCOMPARE(second->groups.size(), first.groups.size());
    for (std::size_t i = 0; i < first.groups.size(); ++i) {
        QCOMPARE(second->groups[i].hours.alwaysOpen(), first.groups[i].hours.alwaysOpen());
        QCOMPARE(second->groups[i].hours.toJson(), first.groups[i].hours.toJson());
        QCOMPARE(second->groups[i].offHoursMessage, first.groups[i].offHoursMessage);
    }
    QCOMPARE(second->agents.size(), first.agents.size());
    for (std::size_t i = 0; i < first.agents.size(); ++i) {
        QCOMPARE(second->agents[i].groups, first.agents[i].groups);
        QCOMPARE(second->agents[i].skills, first.agents[i].skills);
        QCOMPARE(toString(second->agents[i].status), toString(first.agents[i].status));
        QCOMPARE(second->agents[i].maxConcurrent, first.agents[i].maxConcurrent);
        QCOMPARE(second->agents[i].vipDedicated, first.agents[i].vipDedicated);
    }
    QCOMPARE(second->customers.size(), first.customers.size());
    for (std::size_t i = 0; i < first.customers.size(); ++i) {
        QCOMPARE(second->customers[i].vip, first.customers[i].vip);
        QCOMPARE(second->customers[i].returning, first.customers[i].returning);
        QCOMPARE(second->customers[i].owner, first.customers[i].owner);
        QCOMPARE(second->customers[i].previousAgent, first.customers[i].previousAgent);
    }
    QCOMPARE(second->rules.size(), first.rules.size());
    for (std::size_t i = 0; i < first.rules.size(); ++i) {
        const RuleConfig &a = first.rules[i], &b = second->rules[i];
        QCOMPARE(b.vip, a.vip);
        QCOMPARE(toString(b.customer), toString(a.customer));
        QCOMPARE(toString(b.strategy), toString(a.strategy));
        QCOMPARE(b.keywordsAny, a.keywordsAny);
        QCOMPARE(b.keywordSkills.size(), a.keywordSkills.size());
        for (std::size_t k = 0; k < a.keywordSkills.size(); ++k) {
            QCOMPARE(b.keywordSkills[k].keyword, a.keywordSkills[k].keyword);
            QCOMPARE(b.keywordSkills[k].skill, a.keywordSkills[k].skill);
        }
        QCOMPARE(b.maxWaitSeconds, a.maxWaitSeconds);
        QCOMPARE(b.preferPreviousAgent, a.preferPreviousAgent);
        QCOMPARE(b.preferOwner, a.preferOwner);
        QCOMPARE(b.preferVipAgents, a.preferVipAgents);
    }
}

QTEST_APPLESS_MAIN(TestSiteConfig)
#include "tst_siteconfig.moc"
