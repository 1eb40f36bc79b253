// RoutingEngine: one test function per point of MISSION.md "Routing", asserting the decisions the
// engine really makes (kind, agent, reason, explanation, customer notice). Sites come from JSON
// literals through SiteConfig::fromJson; time only moves through a ManualClock.
#include "routingengine.h"

#include <QtTest>

using namespace sb;

namespace {

// Monday 2024-03-04 10:00 in Hong Kong (02:00 UTC).
const qint64 kStart = QDateTime(QDate(2024, 3, 4), QTime(2, 0), QTimeZone::utc()).toMSecsSinceEpoch();
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;

qint64 utcMs(const char *iso)
{
    QDateTime dt = QDateTime::fromString(QLatin1String(iso), Qt::ISODate);
    dt.setTimeZone(QTimeZone::utc());
    return dt.toMSecsSinceEpoch();
}

// "assigned c1 -> a [least-load]", "reassigned c1 -> b from a [reply-timeout]", "closed c1 by a [by-agent]"
QString brief(const Decision &d)
{
    QString s = toString(d.kind) + QLatin1Char(' ') + d.conversation;
    if (!d.agent.isEmpty())
        s += (d.kind == DecisionKind::Closed ? QLatin1String(" by ") : QLatin1String(" -> ")) + d.agent;
    if (!d.fromAgent.isEmpty())
        s += QLatin1String(" from ") + d.fromAgent;
    s += QLatin1String(" [") + toString(d.reason) + QLatin1Char(']');
    return s;
}

QStringList briefs(const std::vector<Decision> &ds)
{
    QStringList out;
    for (const Decision &d : ds)
        out << brief(d);
    return out;
}

// Every other candidate: "b higher-load (load 1/5)".
QStringList notes(const Decision &d)
{
    QStringList out;
    for (const CandidateNote &n : d.candidates)
        out << (n.detail.isEmpty()
                    ? n.agent + QLatin1Char(' ') + toString(n.verdict)
                    : QStringLiteral("%1 %2 (%3)").arg(n.agent, toString(n.verdict), n.detail));
    return out;
}

class Harness
{
public:
    explicit Harness(qint64 start = kStart) : clock(start), engine(clock)
    {
        engine.setSink([this](const Decision &d) { log.push_back(d); });
    }

    bool load(const QString &json)
    {
        const auto site = SiteConfig::fromJson(json.toUtf8(), &error);
        if (!site)
            return false;
        const EngineResult r = engine.loadSite(*site);
        error = r.message;
        return r.ok;
    }

    // Decisions since the last take().
    std::vector<Decision> take()
    {
        std::vector<Decision> out;
        out.swap(log);
        return out;
    }
    QStringList takeBriefs() { return briefs(take()); }

    EngineResult write(const QString &conv, const QString &customer,
                       const QString &channel = QStringLiteral("web"),
                       const QString &text = QStringLiteral("hello"))
    {
        return engine.customerMessage(conv, customer, channel, text);
    }
    // Gives an agent `n` open conversations by hand (tickets the agent keeps: they do not count
    // toward the cap but are open conversations, and count as accepted today).
    void giveHand(const QString &agent, int n)
    {
        for (int i = 0; i < n; ++i) {
            const int seq = ++handSeq;
            engine.openTicket(QStringLiteral("hand-%1-%2").arg(agent).arg(seq), agent,
                              QStringLiteral("hand-customer-%1").arg(seq), QStringLiteral("web"), true);
        }
        take();
    }
    void advance(qint64 ms)
    {
        clock.advanceMs(ms);
        engine.tick();
    }
    void setTime(qint64 ms)
    {
        clock.setMs(ms);
        engine.tick();
    }
    QString agentOf(const QString &conv) const
    {
        const auto c = engine.conversation(conv);
        return c ? c->agent : QStringLiteral("<gone>");
    }
    AgentInfo agentInfo(const QString &id) const { return *engine.agent(id); }

    ManualClock clock;
    RoutingEngine engine;
    std::vector<Decision> log;
    QString error;
    int handSeq = 0;
};

} // namespace

#define LOAD(h, json) QVERIFY2((h).load(json), qPrintable((h).error))
#define OK(expr)                                                                                             \
    do {                                                                                                     \
        const sb::EngineResult r_ = (expr);                                                                  \
        QVERIFY2(r_.ok, qPrintable(r_.code + QLatin1String(": ") + r_.message));                             \
    } while (0)
#define INVARIANTS(h)                                                                                        \
    do {                                                                                                     \
        const QStringList bad_ = (h).engine.checkInvariants();                                               \
        QVERIFY2(bad_.isEmpty(), qPrintable(bad_.join(QLatin1Char('\n'))));                                  \
    } while (0)
#define ONE(h, var)                                                                                          \
    const std::vector<Decision> var##_all = (h).take();                                                      \
    QCOMPARE(var##_all.size(), std::size_t(1));                                                              \
    const Decision &var = var##_all.front()

class TestRoutingEngine : public QObject
{
    Q_OBJECT

private slots:
    // 1-2. entry and rules
    void ruleOrderAndConditions_data();
    void ruleOrderAndConditions();
    void keywordSkills_data();
    void keywordSkills();
    void unmatched();
    // 3. eligibility
    void eligibility_data();
    void eligibility();
    void offHours();
    // 4. preferences
    void preferences_data();
    void preferences();
    void previousAgentRemembered();
    void agentInfoKeepsVipDedicated();
    // 5. strategies
    void leastLoad_data();
    void leastLoad();
    void roundRobin_data();
    void roundRobin();
    void roundRobinResumesWhereItStopped();
    void idleRate_data();
    void idleRate();
    void skillsWidening_data();
    void skillsWidening();
    void manualStrategy();
    // 6-7. queue and customer notices
    void queueOrder_data();
    void queueOrder();
    void queueDrains_data();
    void queueDrains();
    void queuePositionAndEstimate();
    void assignmentNotice();
    // 8. timers
    void replyTimeout();
    void replyTimeoutRequeuesAtHead();
    void replyTimeoutCancelledByReply();
    void autoClose_data();
    void autoClose();
    // 9. agent offline
    void offlinePolicy_data();
    void offlinePolicy();
    // hand operations
    void claim_data();
    void claim();
    void transferToAgent();
    void transferToGroup();
    void invite();
    void groupsAtRuntimeAndHostViews();
    void close();
    void openTicket_data();
    void openTicket();
    // 10. explanations
    void explanationSmallGroup();
    void explanationLargeGroup_data();
    void explanationLargeGroup();
};

// ---------------------------------------------------------------------------------------------
// 2. Rules: tried in order; the first whose every condition holds names groups and strategy.

static const char *const kRulesSite = R"({
  "channels": [{"id": "web"}, {"id": "wechat", "priority": 5}, {"id": "whatsapp"}],
  "groups": [{"id": "vip"}, {"id": "tutors"}, {"id": "sales"}, {"id": "english"}, {"id": "care"},
             {"id": "billing"}, {"id": "general"}],
  "agents": [
    {"id": "v1", "groups": "vip", "status": "online"},
    {"id": "t1", "groups": "tutors", "status": "online"},
    {"id": "s1", "groups": "sales", "status": "online"},
    {"id": "e1", "groups": "english", "status": "online"},
    {"id": "k1", "groups": "care", "status": "online"},
    {"id": "b1", "groups": "billing", "status": "online"},
    {"id": "g1", "groups": "general", "status": "online"}
  ],
  "customers": [
    {"id": "vipTrader", "tags": ["VIP", "wholesale"]},
    {"id": "student", "tags": ["student", "hk"]},
    {"id": "studentOnly", "tags": ["student"]},
    {"id": "reseller", "tags": ["Reseller"]},
    {"id": "englishSpeaker", "language": "EN"},
    {"id": "regular", "returning": true},
    {"id": "newbie"}
  ],
  "rules": [
    {"id": "r-vip", "when": {"vip": true}, "groups": "vip"},
    {"id": "r-students", "when": {"channels": ["wechat"], "tagsAll": ["student", "hk"]}, "groups": "tutors"},
    {"id": "r-trade", "when": {"tagsAny": ["wholesale", "reseller"]}, "groups": "sales"},
    {"id": "r-english", "when": {"languages": ["en"]}, "groups": "english"},
    {"id": "r-returning", "when": {"customer": "returning", "channels": ["whatsapp", "wechat"]}, "groups": "care"},
    {"id": "r-refunds", "when": {"customer": "new", "keywordsAny": ["refund", "退款"]}, "groups": "billing"},
    {"id": "r-web", "when": {"channels": ["web"]}, "groups": "general"}
  ]
})";

void TestRoutingEngine::ruleOrderAndConditions_data()
{
    QTest::addColumn<QString>("customer");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("rule"); // empty: unmatched
    QTest::addColumn<QString>("agent");

    QTest::newRow("vip rule first, although the tags also match a later rule") << "vipTrader"
                                                                               << "whatsapp"
                                                                               << "hi"
                                                                               << "r-vip"
                                                                               << "v1";
    QTest::newRow("channel and every tag") << "student"
                                           << "wechat"
                                           << "hi"
                                           << "r-students"
                                           << "t1";
    QTest::newRow("all tags, wrong channel: falls through") << "student"
                                                            << "web"
                                                            << "hi"
                                                            << "r-web"
                                                            << "g1";
    QTest::newRow("tagsAll needs every tag") << "studentOnly"
                                             << "wechat"
                                             << "hi"
                                             << ""
                                             << "";
    QTest::newRow("tagsAll fails, a keyword rule matches") << "studentOnly"
                                                           << "wechat"
                                                           << "我要退款"
                                                           << "r-refunds"
                                                           << "b1";
    QTest::newRow("tagsAny, case-insensitive") << "reseller"
                                               << "whatsapp"
                                               << "hi"
                                               << "r-trade"
                                               << "s1";
    QTest::newRow("language, case-insensitive") << "englishSpeaker"
                                                << "whatsapp"
                                                << "hi"
                                                << "r-english"
                                                << "e1";
    QTest::newRow("returning customer") << "regular"
                                        << "wechat"
                                        << "hi"
                                        << "r-returning"
                                        << "k1";
    QTest::newRow("returning customer, channel not in the rule") << "regular"
                                                                 << "web"
                                                                 << "hi"
                                                                 << "r-web"
                                                                 << "g1";
    QTest::newRow("returning customer is not new") << "regular"
                                                   << "whatsapp"
                                                   << "refund"
                                                   << "r-returning"
                                                   << "k1";
    QTest::newRow("new customer and keyword, case-insensitive") << "newbie"
                                                                << "whatsapp"
                                                                << "I want a REFUND"
                                                                << "r-refunds"
                                                                << "b1";
    QTest::newRow("unknown customer counts as new") << "stranger"
                                                    << "whatsapp"
                                                    << "退款"
                                                    << "r-refunds"
                                                    << "b1";
    QTest::newRow("no keyword, no other rule") << "newbie"
                                               << "whatsapp"
                                               << "hello"
                                               << ""
                                               << "";
    QTest::newRow("unknown channel") << "newbie"
                                     << "email"
                                     << "hello"
                                     << ""
                                     << "";
}

void TestRoutingEngine::ruleOrderAndConditions()
{
    QFETCH(QString, customer);
    QFETCH(QString, channel);
    QFETCH(QString, text);
    QFETCH(QString, rule);
    QFETCH(QString, agent);

    Harness h;
    LOAD(h, kRulesSite);
    OK(h.write(QStringLiteral("c1"), customer, channel, text));
    ONE(h, d);
    QCOMPARE(d.conversation, QStringLiteral("c1"));
    QCOMPARE(d.rule, rule);
    if (rule.isEmpty()) {
        QCOMPARE(toString(d.kind), QStringLiteral("unmatched"));
        QCOMPARE(toString(d.reason), QStringLiteral("no-rule-matched"));
        QVERIFY(d.groups.isEmpty());
    } else {
        QCOMPARE(toString(d.kind), QStringLiteral("assigned"));
        QCOMPARE(d.agent, agent);
        QCOMPARE(h.agentOf(QStringLiteral("c1")), agent);
        QCOMPARE(d.groups, QStringList{h.agentInfo(agent).groups.front()});
        QCOMPARE(h.engine.conversation(QStringLiteral("c1"))->rule, rule);
    }
    INVARIANTS(h);
}

// Keywords in the text add required skills: 「中學英文」 requires "secondary-english".
static const char *const kTutorSite = R"({
  "groups": [{"id": "tutors"}],
  "agents": [
    {"id": "plain", "groups": "tutors", "skills": ["cantonese"], "status": "online"},
    {"id": "eng", "groups": "tutors", "skills": ["cantonese", "secondary-english"], "status": "online"},
    {"id": "maths", "groups": "tutors", "skills": ["cantonese", "primary-maths"], "status": "online"}
  ],
  "rules": [
    {"id": "tutoring", "groups": "tutors", "strategy": "skills", "skills": ["cantonese"],
     "keywordSkills": {"中學英文": "secondary-english", "小學數學": "primary-maths", "IELTS": "secondary-english"}}
  ]
})";

void TestRoutingEngine::keywordSkills_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("required");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("plainNote"); // the explanation for the agent without the extra skill

    QTest::newRow("中學英文 requires secondary-english")
        << "請問有冇中學英文補習？" << QStringList{"cantonese", "secondary-english"} << "assigned"
        << "eng"
        << "plain missing-skills (missing secondary-english)";
    QTest::newRow("小學數學 requires primary-maths")
        << "小學數學 P5" << QStringList{"cantonese", "primary-maths"} << "assigned"
        << "maths"
        << "plain missing-skills (missing primary-maths)";
    QTest::newRow("keyword matching ignores case")
        << "need ielts prep" << QStringList{"cantonese", "secondary-english"} << "assigned"
        << "eng"
        << "plain missing-skills (missing secondary-english)";
    QTest::newRow("no keyword: only the rule's skills") << "你好" << QStringList{"cantonese"} << "assigned"
                                                        << "plain"
                                                        << "";
    QTest::newRow("two keywords: nobody holds both")
        << "中學英文同小學數學" << QStringList{"cantonese", "primary-maths", "secondary-english"} << "queued"
        << ""
        << "plain missing-skills (missing secondary-english, primary-maths)";
}

void TestRoutingEngine::keywordSkills()
{
    QFETCH(QString, text);
    QFETCH(QStringList, required);
    QFETCH(QString, kind);
    QFETCH(QString, agent);
    QFETCH(QString, plainNote);

    Harness h;
    LOAD(h, kTutorSite);
    OK(h.write(QStringLiteral("c1"), QStringLiteral("parent"), QStringLiteral("web"), text));
    ONE(h, d);
    QCOMPARE(toString(d.kind), kind);
    QCOMPARE(d.agent, agent);
    QStringList got = h.engine.conversation(QStringLiteral("c1"))->requiredSkills;
    got.sort();
    required.sort();
    QCOMPARE(got, required);
    if (agent == QLatin1String("plain")) {
        QCOMPARE(toString(d.reason), QStringLiteral("skills-perfect"));
    } else {
        QVERIFY2(notes(d).contains(plainNote), qPrintable(notes(d).join(QLatin1String("; "))));
    }
    INVARIANTS(h);
}

// No rule matches: the unmatched queue, admins told, a person assigns it by hand.
void TestRoutingEngine::unmatched()
{
    Harness h;
    LOAD(h, R"({
      "routing": {"defaultHandleSeconds": 120},
      "channels": [{"id": "web"}, {"id": "email"}],
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1}],
      "rules": [{"id": "web-only", "when": {"channels": ["web"]}, "groups": "g"}]
    })");

    OK(h.write(QStringLiteral("m1"), QStringLiteral("x"), QStringLiteral("email"), QStringLiteral("hello")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("unmatched m1 [no-rule-matched]"));
        QVERIFY(d.notifyAdmins);
        QVERIFY(d.agent.isEmpty());
        QCOMPARE(d.notice.kind, CustomerNotice::Queued);
        QCOMPARE(d.notice.queuePosition, 1);
        QCOMPARE(d.notice.estimatedWaitMs, 120 * kSecond);
    }
    h.advance(kSecond);
    OK(h.write(QStringLiteral("m2"), QStringLiteral("y"), QStringLiteral("email"), QStringLiteral("hello")));
    {
        ONE(h, d);
        QVERIFY(d.notifyAdmins);
        QCOMPARE(d.notice.queuePosition, 2);
    }
    QCOMPARE(h.engine.unmatchedOrder(), (QStringList{"m1", "m2"}));
    QCOMPARE(h.engine.conversation(QStringLiteral("m1"))->state, ConversationInfo::Unmatched);
    QCOMPARE(h.engine.waitingConversations(), 2);
    const QueueStatus q = h.engine.queueStatus(QStringLiteral("m2"));
    QVERIFY(q.waiting);
    QCOMPARE(q.position, 2);

    // Capacity freeing never routes it automatically.
    OK(h.engine.setAgentCap(QStringLiteral("a"), 3));
    QVERIFY(h.take().empty());
    // It is not claimable from a group queue ...
    const EngineResult refused = h.engine.claim(QStringLiteral("a"), QStringLiteral("m1"));
    QVERIFY(!refused.ok);
    QCOMPARE(refused.code, QStringLiteral("not-queued"));
    // ... a person assigns it by hand.
    OK(h.engine.transferToAgent(QStringLiteral("m1"), QStringLiteral("a"), QStringLiteral("supervisor")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("transferred m1 -> a [by-hand]"));
        QVERIFY(d.fromQueue);
    }
    QCOMPARE(h.engine.unmatchedOrder(), QStringList{"m2"});
    QCOMPARE(h.engine.queueStatus(QStringLiteral("m2")).position, 1);
    QCOMPARE(h.agentOf(QStringLiteral("m1")), QStringLiteral("a"));
    QVERIFY(!h.engine.conversation(QStringLiteral("m1"))->countsTowardCap);
    // ... or sends it to a group, where it is routed like any other.
    OK(h.engine.transferToGroup(QStringLiteral("m2"), QStringLiteral("g"), QStringLiteral("supervisor")));
    QCOMPARE(h.takeBriefs(), QStringList{"transferred m2 -> a [by-hand]"});
    QVERIFY(h.engine.unmatchedOrder().isEmpty());
    QCOMPARE(h.engine.conversation(QStringLiteral("m2"))->groups, QStringList{"g"});
    QVERIFY(h.engine.conversation(QStringLiteral("m2"))->countsTowardCap);
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 3. Eligible agents: allowed status (configurable, default online only), under the cap, hours open.

void TestRoutingEngine::eligibility_data()
{
    QTest::addColumn<QString>("routing");
    QTest::addColumn<QString>("agents");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QStringList>("others");

    const QString mixed = QStringLiteral(R"([
        {"id": "a", "groups": "g", "status": "away"},
        {"id": "b", "groups": "g", "status": "busy"},
        {"id": "c", "groups": "g", "status": "online"},
        {"id": "d", "groups": "g", "status": "offline"}])");
    QTest::newRow("default: online only")
        << "{}" << mixed << "assigned"
        << "c"
        << QStringList{"a status (status away)", "b status (status busy)", "d status (status offline)"};
    const QString noneOnline = QStringLiteral(R"([
        {"id": "a", "groups": "g", "status": "away"},
        {"id": "b", "groups": "g", "status": "busy"}])");
    QTest::newRow("default: nobody online")
        << "{}" << noneOnline << "queued"
        << "" << QStringList{"a status (status away)", "b status (status busy)"};
    QTest::newRow("busy allowed") << R"({"allowedStatuses": ["online", "busy"]})" << noneOnline << "assigned"
                                  << "b" << QStringList{"a status (status away)"};
    QTest::newRow("away allowed too")
        << R"({"allowedStatuses": ["online", "busy", "away"]})" << noneOnline << "assigned"
        << "a" << QStringList{"b higher-load (load 0/5)"};
    QTest::newRow("busy only: online agents skipped")
        << R"({"allowedStatuses": ["busy"]})" << mixed << "assigned"
        << "b"
        << QStringList{"a status (status away)", "c status (status online)", "d status (status offline)"};
    const QString caps = QStringLiteral(R"([
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 0},
        {"id": "b", "groups": "g", "status": "online", "maxConcurrent": 2}])");
    QTest::newRow("at cap is skipped") << "{}" << caps << "assigned"
                                       << "b" << QStringList{"a at-cap (load 0/0)"};
    const QString allFull = QStringLiteral(R"([
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 0},
        {"id": "b", "groups": "g", "status": "away", "maxConcurrent": 0}])");
    QTest::newRow("status is reported before cap")
        << "{}" << allFull << "queued"
        << "" << QStringList{"a at-cap (load 0/0)", "b status (status away)"};
}

void TestRoutingEngine::eligibility()
{
    QFETCH(QString, routing);
    QFETCH(QString, agents);
    QFETCH(QString, kind);
    QFETCH(QString, agent);
    QFETCH(QStringList, others);

    Harness h;
    LOAD(h, QStringLiteral(R"({"routing": %1, "groups": [{"id": "g"}], "agents": %2,
                                "rules": [{"id": "r", "groups": "g"}]})")
                .arg(routing, agents));
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu")));
    ONE(h, d);
    QCOMPARE(toString(d.kind), kind);
    QCOMPARE(d.agent, agent);
    QCOMPARE(notes(d), others);
    if (kind == QLatin1String("queued")) {
        QCOMPARE(toString(d.reason), QStringLiteral("no-eligible-agent"));
        QCOMPARE(d.notice.kind, CustomerNotice::Queued);
    }
    INVARIANTS(h);
}

// Working hours: a closed group's members are not eligible; when every target group is closed the
// customer gets the off-hours message and waits until a group opens.
void TestRoutingEngine::offHours()
{
    // Sunday 2024-03-03 12:00 in Hong Kong.
    Harness h(utcMs("2024-03-03T04:00:00"));
    LOAD(h, R"({
      "routing": {"timeZone": "Asia/Hong_Kong"},
      "channels": [{"id": "web"}, {"id": "shop"}],
      "groups": [
        {"id": "sales", "hours": {"timeZone": "Asia/Hong_Kong", "mon-fri": "09:00-18:00"},
         "offHoursMessage": "辦公時間：星期一至五 09:00-18:00", "expectedResponseSeconds": 30},
        {"id": "support"}
      ],
      "agents": [
        {"id": "a", "groups": "sales", "status": "online"},
        {"id": "s", "groups": "support", "status": "online"}
      ],
      "rules": [
        {"id": "shop", "when": {"channels": ["shop"]}, "groups": ["sales", "support"]},
        {"id": "sales", "groups": "sales"}
      ]
    })");

    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu1")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("off-hours c1 [all-groups-closed]"));
        QCOMPARE(d.notice.kind, CustomerNotice::OffHours);
        QCOMPARE(d.notice.offHoursMessage, QStringLiteral("辦公時間：星期一至五 09:00-18:00"));
        QCOMPARE(d.notice.queuePosition, 1);
        QCOMPARE(notes(d), QStringList{"a hours-closed (outside working hours)"});
    }
    QVERIFY(h.engine.queueStatus(QStringLiteral("c1")).waiting);
    QCOMPARE(h.engine.queueOrder(QStringLiteral("sales")), QStringList{"c1"});

    // One target group closed, the other open: only the open group's members are eligible.
    OK(h.write(QStringLiteral("c2"), QStringLiteral("cu2"), QStringLiteral("shop")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("assigned c2 -> s [least-load]"));
        QCOMPARE(notes(d), QStringList{"a hours-closed (outside working hours)"});
    }

    // Nothing happens before Monday 09:00; jumping past it fires the opening at its own time.
    h.setTime(utcMs("2024-03-04T00:59:59"));
    QVERIFY(h.take().empty());
    h.setTime(utcMs("2024-03-04T01:30:00"));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("assigned c1 -> a [least-load]"));
        QVERIFY(d.fromQueue);
        QCOMPARE(d.at, utcMs("2024-03-04T01:00:00"));
        QCOMPARE(d.notice.kind, CustomerNotice::Assigned);
        QCOMPARE(d.notice.expectedResponseSeconds, 30);
    }

    // At 18:00 the group closes again.
    h.setTime(utcMs("2024-03-04T10:00:00"));
    OK(h.write(QStringLiteral("c3"), QStringLiteral("cu3")));
    QCOMPARE(h.takeBriefs(), QStringList{"off-hours c3 [all-groups-closed]"});
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 4. Preferences before the strategy: previous agent, then owner, then VIP-dedicated agents.

static const char *const kPreferenceSite = R"({
  "channels": [{"id": "web"}, {"id": "noprefs"}],
  "groups": [{"id": "g"}, {"id": "other"}],
  "agents": [
    {"id": "a", "groups": "g", "status": "online"},
    {"id": "b", "groups": "g", "status": "online"},
    {"id": "o", "groups": "g", "status": "online"},
    {"id": "v", "groups": "g", "status": "online", "vipDedicated": true},
    {"id": "x", "groups": "other", "status": "online"}
  ],
  "customers": [
    {"id": "prev", "previousAgent": "b"},
    {"id": "owned", "owner": "o"},
    {"id": "vip", "tags": ["VIP"]},
    {"id": "all3", "previousAgent": "b", "owner": "o", "tags": ["VIP"]},
    {"id": "outsider", "previousAgent": "x", "owner": "x"},
    {"id": "notReturning", "previousAgent": "b", "returning": false}
  ],
  "rules": [
    {"id": "plain", "when": {"channels": ["noprefs"]}, "groups": "g",
     "preferPreviousAgent": false, "preferOwner": false, "preferVipAgents": false},
    {"id": "normal", "groups": "g"}
  ]
})";

void TestRoutingEngine::preferences_data()
{
    QTest::addColumn<QString>("customer");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QStringList>("away");
    QTest::addColumn<QStringList>("full"); // cap set to 0
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("reason");

    // Without preferences least-load picks "a" (all idle; the first agent).
    QTest::newRow("previous agent") << "prev"
                                    << "web" << QStringList{} << QStringList{} << "b"
                                    << "previous-agent";
    QTest::newRow("previous agent away: skipped") << "prev"
                                                  << "web" << QStringList{"b"} << QStringList{} << "a"
                                                  << "least-load";
    QTest::newRow("previous agent at cap: skipped") << "prev"
                                                    << "web" << QStringList{} << QStringList{"b"} << "a"
                                                    << "least-load";
    QTest::newRow("previous agent and owner outside the target group")
        << "outsider"
        << "web" << QStringList{} << QStringList{} << "a"
        << "least-load";
    QTest::newRow("not a returning customer: no previous agent")
        << "notReturning"
        << "web" << QStringList{} << QStringList{} << "a"
        << "least-load";
    QTest::newRow("rule turns previous agent off") << "prev"
                                                   << "noprefs" << QStringList{} << QStringList{} << "a"
                                                   << "least-load";
    QTest::newRow("owner") << "owned"
                           << "web" << QStringList{} << QStringList{} << "o"
                           << "owner";
    QTest::newRow("owner away: skipped") << "owned"
                                         << "web" << QStringList{"o"} << QStringList{} << "a"
                                         << "least-load";
    QTest::newRow("rule turns owner off") << "owned"
                                          << "noprefs" << QStringList{} << QStringList{} << "a"
                                          << "least-load";
    QTest::newRow("vip to a dedicated agent") << "vip"
                                              << "web" << QStringList{} << QStringList{} << "v"
                                              << "vip-dedicated";
    QTest::newRow("dedicated agent at cap: anyone") << "vip"
                                                    << "web" << QStringList{} << QStringList{"v"} << "a"
                                                    << "least-load";
    QTest::newRow("rule turns vip agents off") << "vip"
                                               << "noprefs" << QStringList{} << QStringList{} << "a"
                                               << "least-load";
    QTest::newRow("previous agent before owner and vip") << "all3"
                                                         << "web" << QStringList{} << QStringList{} << "b"
                                                         << "previous-agent";
    QTest::newRow("owner before vip") << "all3"
                                      << "web" << QStringList{"b"} << QStringList{} << "o"
                                      << "owner";
    QTest::newRow("vip when previous and owner are busy")
        << "all3"
        << "web" << QStringList{"b"} << QStringList{"o"} << "v"
        << "vip-dedicated";
}

void TestRoutingEngine::preferences()
{
    QFETCH(QString, customer);
    QFETCH(QString, channel);
    QFETCH(QStringList, away);
    QFETCH(QStringList, full);
    QFETCH(QString, agent);
    QFETCH(QString, reason);

    Harness h;
    LOAD(h, kPreferenceSite);
    for (const QString &a : away)
        OK(h.engine.setAgentStatus(a, AgentStatus::Away));
    for (const QString &a : full)
        OK(h.engine.setAgentCap(a, 0));
    OK(h.write(QStringLiteral("c1"), customer, channel));
    ONE(h, d);
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> %1 [%2]").arg(agent, reason));
    // The others were eligible too: the explanation says why they lost.
    const QStringList n = notes(d);
    if (reason == QLatin1String("previous-agent"))
        QVERIFY2(n.contains(QStringLiteral("a higher-load (previous agent preferred; load 0/5)")),
                 qPrintable(n.join(';')));
    if (reason == QLatin1String("owner"))
        QVERIFY2(n.contains(QStringLiteral("a higher-load (owner preferred; load 0/5)")),
                 qPrintable(n.join(';')));
    if (reason == QLatin1String("vip-dedicated"))
        QVERIFY2(n.contains(QStringLiteral("a not-vip-dedicated (load 0/5)")), qPrintable(n.join(';')));
    INVARIANTS(h);
}

void TestRoutingEngine::previousAgentRemembered()
{
    // The engine remembers who handled a customer's last conversation.
    Harness h;
    LOAD(h, kPreferenceSite);
    OK(h.write(QStringLiteral("c1"), QStringLiteral("zoe")));
    OK(h.write(QStringLiteral("c2"), QStringLiteral("yan")));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned c1 -> a [least-load]", "assigned c2 -> b [least-load]"}));
    OK(h.engine.close(QStringLiteral("c1"), QStringLiteral("a")));
    OK(h.engine.close(QStringLiteral("c2"), QStringLiteral("b")));
    h.take();
    // Everyone is idle again; least-load alone would pick a.
    OK(h.write(QStringLiteral("c3"), QStringLiteral("yan")));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned c3 -> b [previous-agent]"});
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 5. Strategies.

static const char *const kThreeAgents = R"({
  "routing": {"timeZone": "%1"},
  "groups": [{"id": "g"}],
  "agents": [
    {"id": "a", "groups": "g", "status": "online"},
    {"id": "b", "groups": "g", "status": "online"},
    {"id": "c", "groups": "g", "status": "online"}
  ],
  "rules": [{"id": "r", "groups": "g", "strategy": "%2"}]
})";

void TestRoutingEngine::leastLoad_data()
{
    QTest::addColumn<QStringList>("loads"); // "agent=open conversations", given in this order
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QStringList>("others");

    QTest::newRow("fewest open conversations")
        << QStringList{"a=2", "b=0", "c=1"} << "b"
        << QStringList{"a higher-load (load 0/5, 2 open)", "c higher-load (load 0/5, 1 open)"};
    QTest::newRow("tie: who waited longest since an assignment")
        << QStringList{"c=1", "b=1", "a=1"} << "c"
        << QStringList{"a higher-load (load 0/5, 1 open)", "b higher-load (load 0/5, 1 open)"};
    QTest::newRow("all idle: the first agent")
        << QStringList{} << "a" << QStringList{"b higher-load (load 0/5)", "c higher-load (load 0/5)"};
}

void TestRoutingEngine::leastLoad()
{
    QFETCH(QStringList, loads);
    QFETCH(QString, agent);
    QFETCH(QStringList, others);

    Harness h;
    LOAD(h, QString::fromLatin1(kThreeAgents).arg(QStringLiteral("UTC"), QStringLiteral("least-load")));
    for (const QString &l : loads)
        h.giveHand(l.section(QLatin1Char('='), 0, 0), l.section(QLatin1Char('='), 1).toInt());
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu")));
    ONE(h, d);
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> %1 [least-load]").arg(agent));
    QCOMPARE(notes(d), others);

    // A sequence spreads the load; a close makes that agent the least loaded again.
    Harness s;
    LOAD(s, QString::fromLatin1(kThreeAgents).arg(QStringLiteral("UTC"), QStringLiteral("least-load")));
    for (int i = 1; i <= 6; ++i)
        OK(s.write(QStringLiteral("s%1").arg(i), QStringLiteral("cu%1").arg(i)));
    QStringList agents;
    for (const Decision &x : s.take())
        agents << x.agent;
    QCOMPARE(agents, (QStringList{"a", "b", "c", "a", "b", "c"}));
    OK(s.engine.close(QStringLiteral("s5"), QStringLiteral("b")));
    s.take();
    OK(s.write(QStringLiteral("s7"), QStringLiteral("cu7")));
    QCOMPARE(s.takeBriefs(), QStringList{"assigned s7 -> b [least-load]"});
    INVARIANTS(h);
    INVARIANTS(s);
}

static const char *const kRingSite = R"({
  "channels": [{"id": "one"}, {"id": "two"}],
  "groups": [{"id": "g1"}, {"id": "g2"}],
  "agents": [
    {"id": "a", "groups": "g1", "status": "online", "maxConcurrent": 10},
    {"id": "b", "groups": "g1", "status": "online", "maxConcurrent": 10},
    {"id": "c", "groups": ["g1", "g2"], "status": "online", "maxConcurrent": 10},
    {"id": "d", "groups": "g2", "status": "online", "maxConcurrent": 10}
  ],
  "rules": [
    {"id": "r1", "when": {"channels": ["one"]}, "groups": "g1", "strategy": "round-robin"},
    {"id": "r2", "when": {"channels": ["two"]}, "groups": "g2", "strategy": "round-robin"}
  ]
})";

void TestRoutingEngine::roundRobin_data()
{
    QTest::addColumn<QStringList>("away");
    QTest::addColumn<QStringList>("channels"); // one arrival per entry
    QTest::addColumn<QStringList>("agents");

    QTest::newRow("in turn, wrapping around")
        << QStringList{} << QStringList{"one", "one", "one", "one", "one"}
        << QStringList{"a", "b", "c", "a", "b"};
    QTest::newRow("each group keeps its own place")
        << QStringList{} << QStringList{"one", "two", "one", "two", "one", "two"}
        << QStringList{"a", "c", "b", "d", "c", "c"};
    QTest::newRow("unavailable agents are passed over")
        << QStringList{"b"} << QStringList{"one", "one", "one", "one"} << QStringList{"a", "c", "a", "c"};
    QTest::newRow("load does not matter")
        << QStringList{} << QStringList{"one", "one", "one", "one", "one", "one", "one"}
        << QStringList{"a", "b", "c", "a", "b", "c", "a"};
}

void TestRoutingEngine::roundRobin()
{
    QFETCH(QStringList, away);
    QFETCH(QStringList, channels);
    QFETCH(QStringList, agents);

    Harness h;
    LOAD(h, kRingSite);
    for (const QString &a : away)
        OK(h.engine.setAgentStatus(a, AgentStatus::Away));
    QStringList got;
    for (int i = 0; i < channels.size(); ++i) {
        OK(h.write(QStringLiteral("c%1").arg(i), QStringLiteral("cu%1").arg(i), channels[i]));
        ONE(h, d);
        QCOMPARE(toString(d.reason), QStringLiteral("round-robin"));
        got << d.agent;
        if (i == 0 && away.isEmpty())
            QCOMPARE(notes(d), (QStringList{"b later-in-turn (load 0/10)", "c later-in-turn (load 0/10)"}));
    }
    QCOMPARE(got, agents);
    INVARIANTS(h);
}

void TestRoutingEngine::roundRobinResumesWhereItStopped()
{
    Harness h;
    LOAD(h, kRingSite);
    auto next = [&](const QString &id) {
        h.write(id, QStringLiteral("cu-") + id, QStringLiteral("one"));
        const auto ds = h.take();
        return ds.size() == 1 ? ds.front().agent : QStringLiteral("<%1 decisions>").arg(ds.size());
    };
    QCOMPARE(next(QStringLiteral("c1")), QStringLiteral("a"));
    QCOMPARE(next(QStringLiteral("c2")), QStringLiteral("b"));
    // b leaves and comes back: the ring still continues after b.
    OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Away));
    QCOMPARE(next(QStringLiteral("c3")), QStringLiteral("c"));
    OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Online));
    QVERIFY(h.take().empty());
    QCOMPARE(next(QStringLiteral("c4")), QStringLiteral("a"));
    QCOMPARE(next(QStringLiteral("c5")), QStringLiteral("b"));
    // Closing conversations does not move the ring either.
    OK(h.engine.close(QStringLiteral("c1"), QStringLiteral("a")));
    OK(h.engine.close(QStringLiteral("c4"), QStringLiteral("a")));
    h.take();
    QCOMPARE(next(QStringLiteral("c6")), QStringLiteral("c"));
    INVARIANTS(h);
}

void TestRoutingEngine::idleRate_data()
{
    QTest::addColumn<QString>("timeZone");
    QTest::addColumn<QString>("now"); // UTC, when the next conversation arrives
    QTest::addColumn<bool>("reset");
    QTest::addColumn<QString>("agent");

    // Setup at Monday 10:00 Hong Kong (02:00 UTC): a accepted 3 (all closed), b 2, c 1 (one open each).
    QTest::newRow("same day: fewest accepted") << "Asia/Hong_Kong"
                                               << "2024-03-04T02:00:00Z" << false << "c";
    QTest::newRow("hong kong, a second before local midnight") << "Asia/Hong_Kong"
                                                               << "2024-03-04T15:59:59Z" << false << "c";
    QTest::newRow("hong kong, local midnight resets") << "Asia/Hong_Kong"
                                                      << "2024-03-04T16:00:00Z" << true << "a";
    QTest::newRow("utc site, 16:00 is still the same day") << "UTC"
                                                           << "2024-03-04T16:00:00Z" << false << "c";
    QTest::newRow("utc site, utc midnight resets") << "UTC"
                                                   << "2024-03-05T00:00:00Z" << true << "a";
}

void TestRoutingEngine::idleRate()
{
    QFETCH(QString, timeZone);
    QFETCH(QString, now);
    QFETCH(bool, reset);
    QFETCH(QString, agent);

    Harness h;
    LOAD(h, QString::fromLatin1(kThreeAgents).arg(timeZone, QStringLiteral("idle-rate")));
    h.giveHand(QStringLiteral("a"), 3);
    h.giveHand(QStringLiteral("b"), 2);
    h.giveHand(QStringLiteral("c"), 1);
    for (int i = 1; i <= 4; ++i) // a's three and one of b's
        OK(h.engine.close(
            QStringLiteral("hand-%1-%2").arg(i <= 3 ? QLatin1String("a") : QLatin1String("b")).arg(i),
            QString()));
    h.take();
    QCOMPARE(h.agentInfo(QStringLiteral("a")).openConversations, 0);
    QCOMPARE(h.agentInfo(QStringLiteral("a")).acceptedToday, 3);
    QCOMPARE(h.agentInfo(QStringLiteral("c")).acceptedToday, 1);

    h.setTime(utcMs(now.toLatin1().constData()));
    QVERIFY(h.take().empty());
    QCOMPARE(h.agentInfo(QStringLiteral("a")).acceptedToday, reset ? 0 : 3);
    QCOMPARE(h.agentInfo(QStringLiteral("b")).acceptedToday, reset ? 0 : 2);

    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu")));
    ONE(h, d);
    // Least-load would have picked a (no open conversation); idle-rate counts today's acceptances.
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> %1 [idle-rate]").arg(agent));
    if (!reset)
        QCOMPARE(notes(d), (QStringList{"a more-accepted-today (accepted 3 today)",
                                        "b more-accepted-today (accepted 2 today)"}));
    else
        QCOMPARE(notes(d), (QStringList{"b more-accepted-today (accepted 0 today)",
                                        "c more-accepted-today (accepted 0 today)"}));
    QCOMPARE(h.agentInfo(agent).acceptedToday, reset ? 1 : 2);
    INVARIANTS(h);
}

static const char *const kSkillsSite = R"({
  "groups": [{"id": "g"}],
  "agents": [
    {"id": "perfect", "groups": "g", "skills": ["english", "maths"], "status": "away"},
    {"id": "half", "groups": "g", "skills": ["english"], "status": "online"},
    {"id": "none", "groups": "g", "status": "online"}
  ],
  "rules": [{"id": "r", "groups": "g", "strategy": "skills", "skills": ["english", "maths"], "maxWaitSeconds": %1}]
})";

void TestRoutingEngine::skillsWidening_data()
{
    QTest::addColumn<int>("maxWait");
    QTest::addColumn<int>("halfLoad");         // open conversations the partial match already has
    QTest::addColumn<int>("perfectOnlineAt");  // seconds after arrival; -1 never
    QTest::addColumn<QStringList>("expected"); // decisions after the first (queued) one

    QTest::newRow("widened after 300 s, best partial match")
        << 300 << 0 << -1
        << QStringList{"widened c1 [wait-exceeded]", "assigned c1 -> half [skills-widened]"};
    QTest::newRow("more required skills beat a lower load")
        << 60 << 3 << -1 << QStringList{"widened c1 [wait-exceeded]", "assigned c1 -> half [skills-widened]"};
    QTest::newRow("perfect match frees up in time: no widening")
        << 300 << 0 << 120 << QStringList{"assigned c1 -> perfect [skills-perfect]"};
    QTest::newRow("0 never widens") << 0 << 0 << -1 << QStringList{};
}

void TestRoutingEngine::skillsWidening()
{
    QFETCH(int, maxWait);
    QFETCH(int, halfLoad);
    QFETCH(int, perfectOnlineAt);
    QFETCH(QStringList, expected);

    Harness h;
    LOAD(h, QString::fromLatin1(kSkillsSite).arg(maxWait));
    h.giveHand(QStringLiteral("half"), halfLoad);
    const qint64 arrival = h.clock.nowMs();
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("queued c1 [no-eligible-agent]"));
        QCOMPARE(notes(d), (QStringList{"perfect status (status away)", "half missing-skills (missing maths)",
                                        "none missing-skills (missing english, maths)"}));
    }
    QVERIFY(!h.engine.conversation(QStringLiteral("c1"))->widened);
    if (maxWait > 0)
        QCOMPARE(h.engine.nextTimerMs(), arrival + maxWait * kSecond);

    if (perfectOnlineAt >= 0) {
        // The perfect match comes online before the deadline and takes it from the queue.
        h.setTime(arrival + perfectOnlineAt * kSecond);
        OK(h.engine.setAgentStatus(QStringLiteral("perfect"), AgentStatus::Online));
        QCOMPARE(h.takeBriefs(), expected);
        QCOMPARE(h.agentOf(QStringLiteral("c1")), QStringLiteral("perfect"));
        h.setTime(arrival + (maxWait + 3600) * kSecond);
        QVERIFY(h.take().empty()); // the wait timer was cancelled
        QVERIFY(!h.engine.conversation(QStringLiteral("c1"))->widened);
        INVARIANTS(h);
        return;
    }
    const qint64 deadline = arrival + std::max(maxWait, 1) * kSecond;
    h.setTime(deadline - 1);
    QVERIFY(h.take().empty());                 // nothing before the deadline
    h.setTime(deadline + 24 * 3600 * kSecond); // far past it: the timer fires at its own due time
    const std::vector<Decision> ds = h.take();
    QCOMPARE(briefs(ds), expected);
    if (expected.isEmpty()) {
        QCOMPARE(h.engine.conversation(QStringLiteral("c1"))->state, ConversationInfo::Queued);
        INVARIANTS(h);
        return;
    }
    const Decision &widened = ds[0];
    QCOMPARE(widened.at, arrival + maxWait * kSecond);
    QCOMPARE(widened.detail, QStringLiteral("no perfect match for english, maths within %1 s").arg(maxWait));
    const Decision &assigned = ds[1];
    QCOMPARE(assigned.at, arrival + maxWait * kSecond);
    QVERIFY(assigned.fromQueue == false); // re-routed as part of widening
    QCOMPARE(notes(assigned), (QStringList{"perfect status (status away)",
                                           "none fewer-skills (holds 0 of 2 required skills)"}));
    QVERIFY(h.engine.conversation(QStringLiteral("c1"))->widened);
    INVARIANTS(h);
}

// Manual: queued only; agents claim it; capacity freeing never assigns it.
void TestRoutingEngine::manualStrategy()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "b", "groups": "g", "status": "away"}
      ],
      "rules": [{"id": "manual", "groups": "g", "strategy": "manual", "skills": ["english"], "maxWaitSeconds": 10}]
    })");
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("c2"), QStringLiteral("cu2")));
    {
        const auto ds = h.take();
        QCOMPARE(briefs(ds), (QStringList{"queued c1 [manual-strategy]", "queued c2 [manual-strategy]"}));
        QCOMPARE(ds[0].detail, QStringLiteral("agents claim it from the queue"));
        QCOMPARE(ds[1].notice.queuePosition, 2);
    }
    // Status changes, raised caps and time passing (no widening) never assign it.
    OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Online));
    OK(h.engine.setAgentCap(QStringLiteral("a"), 3));
    h.advance(3600 * kSecond);
    QVERIFY(h.take().empty());
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), (QStringList{"c1", "c2"}));

    // A claim takes it (any waiting one, not only the head; skills are not checked by hand).
    OK(h.engine.claim(QStringLiteral("b"), QStringLiteral("c2")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("claimed c2 -> b [by-hand]"));
        QVERIFY(d.fromQueue);
        QCOMPARE(d.detail, QStringLiteral("load 1/5")); // after the claim
    }
    QCOMPARE(h.agentOf(QStringLiteral("c2")), QStringLiteral("b"));
    QVERIFY(h.engine.conversation(QStringLiteral("c2"))->countsTowardCap);
    QCOMPARE(h.agentInfo(QStringLiteral("b")).countedLoad, 1);
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), QStringList{"c1"});
    QCOMPARE(h.engine.queueStatus(QStringLiteral("c1")).position, 1);
    // Closing frees b, but c1 still waits for a claim.
    OK(h.engine.close(QStringLiteral("c2"), QStringLiteral("b")));
    QCOMPARE(h.takeBriefs(), QStringList{"closed c2 by b from b [by-agent]"});
    QCOMPARE(h.engine.conversation(QStringLiteral("c1"))->state, ConversationInfo::Queued);
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 6. The queue: order, draining when capacity frees, position and estimated wait.

void TestRoutingEngine::queueOrder_data()
{
    QTest::addColumn<bool>("channelPriority");
    QTest::addColumn<int>("vipBoost");
    QTest::addColumn<QStringList>("order");
    QTest::addColumn<QList<int>>("positions"); // each arrival's queue position when it arrived

    // Arrivals, one second apart: q1 web, q2 wechat (channel priority 5), q3 web VIP, q4 web
    // "urgent" (rule priority 3), q5 wechat VIP, q6 web.
    QTest::newRow("channel priority, then VIP, then arrival")
        << true << 10 << QStringList{"q5", "q2", "q3", "q4", "q1", "q6"} << QList<int>{1, 1, 2, 3, 1, 6};
    QTest::newRow("channel priority off")
        << false << 10 << QStringList{"q3", "q5", "q4", "q1", "q2", "q6"} << QList<int>{1, 2, 1, 2, 2, 6};
    QTest::newRow("no VIP boost: rule priority only")
        << true << 0 << QStringList{"q2", "q5", "q4", "q1", "q3", "q6"} << QList<int>{1, 1, 3, 2, 2, 6};
    QTest::newRow("arrival order when nothing else differs")
        << false << 0 << QStringList{"q4", "q1", "q2", "q3", "q5", "q6"} << QList<int>{1, 2, 3, 1, 5, 6};
}

void TestRoutingEngine::queueOrder()
{
    QFETCH(bool, channelPriority);
    QFETCH(int, vipBoost);
    QFETCH(QStringList, order);
    QFETCH(QList<int>, positions);

    Harness h;
    LOAD(h, QStringLiteral(R"({
      "routing": {"channelPriority": %1, "vipPriorityBoost": %2},
      "channels": [{"id": "web"}, {"id": "wechat", "priority": 5}],
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "status": "offline", "maxConcurrent": 1}],
      "customers": [{"id": "vip1", "tags": ["VIP"]}, {"id": "vip2", "tags": ["VIP"]}],
      "rules": [
        {"id": "urgent", "when": {"keywordsAny": ["urgent"]}, "groups": "g", "priority": 3},
        {"id": "normal", "groups": "g"}
      ]
    })")
                .arg(channelPriority ? QLatin1String("true") : QLatin1String("false"))
                .arg(vipBoost));

    const struct
    {
        const char *id, *customer, *channel, *text;
    } arrivals[] = {
        {"q1", "p1", "web", "hi"},      {"q2", "p2", "wechat", "hi"},   {"q3", "vip1", "web", "hi"},
        {"q4", "p4", "web", "URGENT!"}, {"q5", "vip2", "wechat", "hi"}, {"q6", "p6", "web", "hi"},
    };
    QList<int> got;
    for (const auto &a : arrivals) {
        h.advance(kSecond);
        OK(h.write(QLatin1String(a.id), QLatin1String(a.customer), QLatin1String(a.channel),
                   QString::fromUtf8(a.text)));
        ONE(h, d);
        QCOMPARE(toString(d.kind), QStringLiteral("queued"));
        got << d.notice.queuePosition;
    }
    QCOMPARE(got, positions);
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), order);
    QCOMPARE(h.engine.queueLength(QStringLiteral("g")), order.size());
    for (int head = 0; head <= order.size(); ++head)
        QCOMPARE(h.engine.queueOrder(QStringLiteral("g"), head), order.mid(0, head));
    QCOMPARE(h.engine.queueLength(QStringLiteral("nope")), 0);
    for (int i = 0; i < order.size(); ++i)
        QCOMPARE(h.engine.queueStatus(order[i]).position, i + 1);

    // The queue drains in that order as capacity frees (a status change, then each close).
    OK(h.engine.setAgentStatus(QStringLiteral("a"), AgentStatus::Online));
    QStringList served;
    for (std::vector<Decision> ds = h.take(); !ds.empty() && ds.back().kind == DecisionKind::Assigned;
         ds = h.take()) {
        QVERIFY(ds.back().fromQueue);
        QCOMPARE(ds.back().agent, QStringLiteral("a"));
        served << ds.back().conversation;
        OK(h.engine.close(ds.back().conversation, QStringLiteral("a")));
    }
    QCOMPARE(served, order);
    QCOMPARE(h.engine.liveConversations(), 0);
    INVARIANTS(h);
}

void TestRoutingEngine::queueDrains_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<QStringList>("expected");

    // q1 is with a (cap 1); q2 waits.
    QTest::newRow("a close") << "close"
                             << QStringList{"closed q1 by a from a [by-agent]",
                                            "assigned q2 -> a [least-load]"};
    QTest::newRow("a status change") << "status" << QStringList{"assigned q2 -> b [least-load]"};
    QTest::newRow("a raised cap") << "cap" << QStringList{"assigned q2 -> a [least-load]"};
    QTest::newRow("an agent joins the group") << "join" << QStringList{"assigned q2 -> c [least-load]"};
    QTest::newRow("an agent's profile update") << "upsert" << QStringList{"assigned q2 -> a [least-load]"};
    QTest::newRow("a hand transfer frees the agent")
        << "transfer" << QStringList{"transferred q1 -> c from a [by-hand]", "assigned q2 -> a [least-load]"};
}

void TestRoutingEngine::queueDrains()
{
    QFETCH(QString, trigger);
    QFETCH(QStringList, expected);

    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}, {"id": "h"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "b", "groups": "g", "status": "away", "maxConcurrent": 1},
        {"id": "c", "groups": "h", "status": "online"}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned q1 -> a [least-load]", "queued q2 [no-eligible-agent]"}));

    if (trigger == QLatin1String("close")) {
        OK(h.engine.close(QStringLiteral("q1"), QStringLiteral("a")));
    } else if (trigger == QLatin1String("status")) {
        OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Online));
    } else if (trigger == QLatin1String("cap")) {
        OK(h.engine.setAgentCap(QStringLiteral("a"), 2));
    } else if (trigger == QLatin1String("join")) {
        OK(h.engine.setAgentGroups(QStringLiteral("c"), {QStringLiteral("h"), QStringLiteral("g")}));
    } else if (trigger == QLatin1String("upsert")) {
        AgentConfig a;
        a.id = QStringLiteral("a");
        a.groups = QStringList{QStringLiteral("g")};
        a.maxConcurrent = 2;
        a.status = AgentStatus::Online;
        OK(h.engine.upsertAgent(a));
    } else if (trigger == QLatin1String("transfer")) {
        OK(h.engine.transferToAgent(QStringLiteral("q1"), QStringLiteral("c"), QStringLiteral("a")));
    }
    const auto ds = h.take();
    QCOMPARE(briefs(ds), expected);
    QVERIFY(ds.back().fromQueue);
    QCOMPARE(ds.back().conversation, QStringLiteral("q2"));
    QCOMPARE(h.engine.waitingConversations(), 0);
    INVARIANTS(h);
}

void TestRoutingEngine::queuePositionAndEstimate()
{
    Harness h;
    LOAD(h, R"({
      "routing": {"defaultHandleSeconds": 300},
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "b", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "c", "groups": "g", "status": "away", "maxConcurrent": 1}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    const qint64 t0 = h.clock.nowMs();
    auto arrive = [&](const QString &id) {
        h.write(id, QStringLiteral("cu-") + id);
        const auto ds = h.take();
        return ds.size() == 1 ? ds.front() : Decision();
    };
    QCOMPARE(arrive(QStringLiteral("q1")).agent, QStringLiteral("a"));
    QCOMPARE(arrive(QStringLiteral("q2")).agent, QStringLiteral("b"));

    // Before the queue has moved: position x default handling time / members who could serve (2).
    Decision d3 = arrive(QStringLiteral("q3"));
    QCOMPARE(brief(d3), QStringLiteral("queued q3 [no-eligible-agent]"));
    QCOMPARE(d3.notice.kind, CustomerNotice::Queued);
    QCOMPARE(d3.notice.queuePosition, 1);
    QCOMPARE(d3.notice.estimatedWaitMs, 150 * kSecond);
    Decision d4 = arrive(QStringLiteral("q4"));
    QCOMPARE(d4.notice.queuePosition, 2);
    QCOMPARE(d4.notice.estimatedWaitMs, 300 * kSecond);
    QueueStatus q = h.engine.queueStatus(QStringLiteral("q4"));
    QVERIFY(q.waiting);
    QCOMPARE(q.position, 2);
    QCOMPARE(q.estimatedWaitMs, 300 * kSecond);
    QVERIFY(!h.engine.queueStatus(QStringLiteral("q1")).waiting);
    QVERIFY(!h.engine.queueStatus(QStringLiteral("nope")).waiting);

    // c comes online: takes q3; q4 moves up, and three members could serve now.
    OK(h.engine.setAgentStatus(QStringLiteral("c"), AgentStatus::Online));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned q3 -> c [least-load]"});
    q = h.engine.queueStatus(QStringLiteral("q4"));
    QCOMPARE(q.position, 1);
    QCOMPARE(q.estimatedWaitMs, 100 * kSecond);
    QCOMPARE(arrive(QStringLiteral("q5")).notice.queuePosition, 2);
    QCOMPARE(arrive(QStringLiteral("q6")).notice.queuePosition, 3);

    // Once the queue has served three, the estimate follows its recent pace: served at t0, t0+60 s
    // and t0+120 s -> one every 40 s.
    h.setTime(t0 + 60 * kSecond);
    OK(h.engine.close(QStringLiteral("q1"), QStringLiteral("a")));
    h.setTime(t0 + 120 * kSecond);
    OK(h.engine.close(QStringLiteral("q2"), QStringLiteral("b")));
    QCOMPARE(h.takeBriefs(),
             (QStringList{"closed q1 by a from a [by-agent]", "assigned q4 -> a [least-load]",
                          "closed q2 by b from b [by-agent]", "assigned q5 -> b [least-load]"}));
    q = h.engine.queueStatus(QStringLiteral("q6"));
    QCOMPARE(q.position, 1);
    QCOMPARE(q.estimatedWaitMs, 40 * kSecond);
    Decision d7 = arrive(QStringLiteral("q7"));
    QCOMPARE(d7.notice.queuePosition, 2);
    QCOMPARE(d7.notice.estimatedWaitMs, 80 * kSecond);

    // After a quiet spell the old pace no longer counts (15-minute window): back to the default
    // handling time shared by the three members who could serve.
    h.setTime(t0 + 2 * 3600 * kSecond);
    QVERIFY(h.take().empty());
    q = h.engine.queueStatus(QStringLiteral("q6"));
    QCOMPARE(q.position, 1);
    QCOMPARE(q.estimatedWaitMs, 100 * kSecond);
    QCOMPARE(h.engine.queueStatus(QStringLiteral("q7")).estimatedWaitMs, 200 * kSecond);
    INVARIANTS(h);
}

// 7. On assignment the customer is told the agent's name and the expected response time.
void TestRoutingEngine::assignmentNotice()
{
    Harness h;
    LOAD(h, R"({
      "channels": [{"id": "web"}, {"id": "both"}],
      "groups": [{"id": "fast", "expectedResponseSeconds": 20}, {"id": "slow", "expectedResponseSeconds": 120}],
      "agents": [{"id": "mei", "name": "陳美玲", "groups": "slow", "status": "online"}],
      "rules": [
        {"id": "both", "when": {"channels": ["both"]}, "groups": ["fast", "slow"]},
        {"id": "slow", "groups": "slow"}
      ]
    })");
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu1")));
    {
        ONE(h, d);
        QCOMPARE(d.notice.kind, CustomerNotice::Assigned);
        QCOMPARE(d.notice.agentName, QStringLiteral("陳美玲"));
        QCOMPARE(d.notice.expectedResponseSeconds, 120);
        QCOMPARE(d.detail, QStringLiteral("load 0/5")); // the winner's load when chosen
    }
    // Several target groups: the expected time of the group the agent was chosen through.
    OK(h.write(QStringLiteral("c2"), QStringLiteral("cu2"), QStringLiteral("both")));
    {
        ONE(h, d);
        QCOMPARE(d.agent, QStringLiteral("mei"));
        QCOMPARE(d.groups, (QStringList{"fast", "slow"}));
        QCOMPARE(d.notice.expectedResponseSeconds, 120);
    }
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 8. Timers.

static const char *const kReplySite = R"({
  "routing": {"replyTimeoutSeconds": 60},
  "groups": [{"id": "g"}],
  "agents": [
    {"id": "a", "groups": "g", "status": "online"},
    {"id": "b", "groups": "g", "status": "online"},
    {"id": "c", "groups": "g", "status": "away"}
  ],
  "rules": [{"id": "r", "groups": "g"}]
})";

void TestRoutingEngine::replyTimeout()
{
    Harness h;
    LOAD(h, kReplySite);
    const qint64 t0 = h.clock.nowMs();
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu")));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned q1 -> a [least-load]"});
    QCOMPARE(h.engine.nextTimerMs(), t0 + 60 * kSecond);

    h.setTime(t0 + 60 * kSecond - 1);
    QVERIFY(h.take().empty());
    h.setTime(t0 + 60 * kSecond);
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("reassigned q1 -> b from a [reply-timeout]"));
        QCOMPARE(d.detail, QStringLiteral("least-load, load 0/5"));
        // a is free (load 0) but never gets it back.
        QCOMPARE(notes(d),
                 (QStringList{"a timed-out (did not reply in time earlier)", "c status (status away)"}));
        QCOMPARE(d.notice.kind, CustomerNotice::Assigned);
        QCOMPARE(d.notice.agentName, QStringLiteral("b"));
    }
    QCOMPARE(h.agentInfo(QStringLiteral("a")).countedLoad, 0);

    // b does not reply either: nobody left who has not timed out -> back to the queue, at its head.
    h.setTime(t0 + 120 * kSecond);
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("requeued q1 from b [reply-timeout]"));
        QCOMPARE(d.detail, QStringLiteral("no-eligible-agent"));
        QCOMPARE(d.notice.kind, CustomerNotice::Queued);
        QCOMPARE(d.notice.queuePosition, 1);
        QCOMPARE(notes(d),
                 (QStringList{"a timed-out (did not reply in time earlier)",
                              "b timed-out (did not reply in time earlier)", "c status (status away)"}));
    }
    // a and b are free, yet they are never offered it again; c is.
    OK(h.engine.setAgentCap(QStringLiteral("a"), 6));
    QVERIFY(h.take().empty());
    OK(h.engine.setAgentStatus(QStringLiteral("c"), AgentStatus::Online));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("assigned q1 -> c [least-load]"));
        QVERIFY(d.fromQueue);
    }
    INVARIANTS(h);
}

void TestRoutingEngine::replyTimeoutRequeuesAtHead()
{
    Harness h;
    LOAD(h, R"({
      "routing": {"replyTimeoutSeconds": 60},
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "b", "groups": "g", "status": "away", "maxConcurrent": 1}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    const qint64 t0 = h.clock.nowMs();
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    h.advance(kSecond);
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    h.advance(kSecond);
    OK(h.write(QStringLiteral("q3"), QStringLiteral("cu3")));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned q1 -> a [least-load]", "queued q2 [no-eligible-agent]",
                                          "queued q3 [no-eligible-agent]"}));
    h.setTime(t0 + 60 * kSecond);
    // q1 goes back to the head of the queue; a, now free, takes the next one it may have.
    QCOMPARE(h.takeBriefs(),
             (QStringList{"requeued q1 from a [reply-timeout]", "assigned q2 -> a [least-load]"}));
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), (QStringList{"q1", "q3"}));
    QCOMPARE(h.engine.queueStatus(QStringLiteral("q1")).position, 1);
    // The next agent to free up serves the head first.
    OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Online));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned q1 -> b [least-load]"});
    INVARIANTS(h);
}

void TestRoutingEngine::replyTimeoutCancelledByReply()
{
    Harness h;
    LOAD(h, kReplySite);
    const qint64 t0 = h.clock.nowMs();
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned q1 -> a [least-load]", "assigned q2 -> b [least-load]"}));
    h.setTime(t0 + 30 * kSecond);
    OK(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("a")));       // a public reply
    OK(h.engine.agentMessage(QStringLiteral("q2"), QStringLiteral("b"), true)); // only an internal note
    const EngineResult outsider = h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("b"));
    QCOMPARE(outsider.code, QStringLiteral("forbidden"));
    h.setTime(t0 + 60 * kSecond);
    // Only b's conversation times out: a answered; b's note did not count.
    QCOMPARE(h.takeBriefs(), QStringList{"reassigned q2 -> a from b [reply-timeout]"});
    OK(h.engine.agentMessage(QStringLiteral("q2"), QStringLiteral("a")));
    // Only the first reply is timed: nothing more happens, however long the agent then takes.
    h.setTime(t0 + 3600 * kSecond);
    QVERIFY(h.take().empty());
    QCOMPARE(h.agentOf(QStringLiteral("q1")), QStringLiteral("a"));
    QCOMPARE(h.agentOf(QStringLiteral("q2")), QStringLiteral("a"));
    INVARIANTS(h);
}

void TestRoutingEngine::autoClose_data()
{
    QTest::addColumn<QStringList>("events"); // "who@second": customer, agent (reply) or note
    QTest::addColumn<int>("closesAt");       // seconds after arrival; -1: stays open

    // The agent's first reply is at 5 s in every row.
    QTest::newRow("customer silent after the reply") << QStringList{} << 5 + 600;
    QTest::newRow("customer writes, agent answers: the wait restarts")
        << QStringList{"customer@540", "agent@570"} << 570 + 600;
    QTest::newRow("customer wrote last: never closed while the agent owes an answer")
        << QStringList{"customer@540"} << -1;
    QTest::newRow("an internal note does not restart it") << QStringList{"note@540"} << 5 + 600;
}

void TestRoutingEngine::autoClose()
{
    QFETCH(QStringList, events);
    QFETCH(int, closesAt);

    Harness h;
    LOAD(h, R"({
      "routing": {"autoCloseMinutes": 10},
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1}],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    const qint64 t0 = h.clock.nowMs();
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2"))); // waits for a
    h.take();
    h.setTime(t0 + 5 * kSecond);
    OK(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("a")));
    for (const QString &e : events) {
        h.setTime(t0 + e.section(QLatin1Char('@'), 1).toInt() * kSecond);
        const QString who = e.section(QLatin1Char('@'), 0, 0);
        if (who == QLatin1String("customer"))
            OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1"), QStringLiteral("web"),
                       QStringLiteral("還有問題")));
        else
            OK(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("a"),
                                     who == QLatin1String("note")));
    }
    QVERIFY(h.take().empty());
    h.setTime(t0 + 4 * 3600 * kSecond);
    const auto ds = h.take();
    if (closesAt < 0) {
        QVERIFY(ds.empty());
        QCOMPARE(h.agentOf(QStringLiteral("q1")), QStringLiteral("a"));
    } else {
        // Closed at the exact moment; the freed capacity goes to the waiting conversation.
        QCOMPARE(briefs(ds),
                 (QStringList{"closed q1 from a [customer-inactive]", "assigned q2 -> a [least-load]"}));
        QCOMPARE(ds[0].at, t0 + closesAt * kSecond);
        QVERIFY(!h.engine.conversation(QStringLiteral("q1")));
    }
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 9. An agent goes offline with open conversations: keep, requeue or reassign.

void TestRoutingEngine::offlinePolicy_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<bool>("otherOnline");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("queue");

    QTest::newRow("keep") << "keep" << true << QStringList{} << QStringList{};
    QTest::newRow("keep, nobody else") << "keep" << false << QStringList{} << QStringList{};
    QTest::newRow("requeue, nobody else")
        << "requeue" << false
        << QStringList{"requeued q1 from a [agent-offline]", "requeued q2 from a [agent-offline]"}
        << QStringList{"q1", "q2"};
    QTest::newRow("requeue, someone free takes them from the queue")
        << "requeue" << true
        << QStringList{"requeued q1 from a [agent-offline]", "requeued q2 from a [agent-offline]",
                       "assigned q1 -> b [least-load]", "assigned q2 -> b [least-load]"}
        << QStringList{};
    QTest::newRow("reassign") << "reassign" << true
                              << QStringList{"reassigned q1 -> b from a [agent-offline]",
                                             "reassigned q2 -> b from a [agent-offline]"}
                              << QStringList{};
    QTest::newRow("reassign, nobody else")
        << "reassign" << false
        << QStringList{"requeued q1 from a [agent-offline]", "requeued q2 from a [agent-offline]"}
        << QStringList{"q1", "q2"};
}

void TestRoutingEngine::offlinePolicy()
{
    QFETCH(QString, policy);
    QFETCH(bool, otherOnline);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, queue);

    Harness h;
    LOAD(h, QStringLiteral(R"({
      "routing": {"offlinePolicy": "%1"},
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online"},
        {"id": "b", "groups": "g", "status": "away"}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })")
                .arg(policy));
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    h.take();
    if (otherOnline)
        OK(h.engine.setAgentStatus(QStringLiteral("b"), AgentStatus::Online));
    QVERIFY(h.take().empty());

    OK(h.engine.setAgentStatus(QStringLiteral("a"), AgentStatus::Offline));
    const auto ds = h.take();
    QCOMPARE(briefs(ds), expected);
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), queue);
    if (policy == QLatin1String("keep")) {
        QCOMPARE(h.agentOf(QStringLiteral("q1")), QStringLiteral("a"));
        QCOMPARE(h.agentInfo(QStringLiteral("a")).countedLoad, 2);
    } else {
        QCOMPARE(h.agentInfo(QStringLiteral("a")).openConversations, 0);
    }
    for (const Decision &d : ds) {
        if (d.kind == DecisionKind::Requeued)
            QCOMPARE(d.notice.kind, CustomerNotice::Queued);
    }
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// Hand operations: claim, transfer to an agent or a group, invite an expert, close, open a ticket.

void TestRoutingEngine::claim_data()
{
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("conversation");
    QTest::addColumn<bool>("aClaimsQ1First");
    QTest::addColumn<QString>("code"); // empty: success
    QTest::addColumn<QString>("message");

    QTest::newRow("claim a waiting conversation") << "a"
                                                  << "q2" << false << ""
                                                  << "";
    QTest::newRow("an away agent may claim") << "b"
                                             << "q1" << false << ""
                                             << "";
    QTest::newRow("at cap") << "a"
                            << "q2" << true << "at-cap"
                            << "a already has 1 of 1 conversations";
    QTest::newRow("offline") << "off"
                             << "q1" << false << "agent-offline"
                             << "off is offline";
    QTest::newRow("not in a target group") << "x"
                                           << "q1" << false << "not-member"
                                           << "x is not in a group that conversation \"q1\" waits for";
    QTest::newRow("already assigned") << "b"
                                      << "q1" << true << "not-queued"
                                      << "conversation \"q1\" is not waiting in a queue";
    QTest::newRow("unmatched: assigned by transfer instead")
        << "a"
        << "u1" << false << "not-queued"
        << "conversation \"u1\" is not waiting in a queue";
    QTest::newRow("unknown agent") << "zed"
                                   << "q1" << false << "unknown-agent"
                                   << "no agent \"zed\"";
    QTest::newRow("unknown conversation") << "a"
                                          << "nope" << false << "unknown-conversation"
                                          << "no open conversation \"nope\"";
}

void TestRoutingEngine::claim()
{
    QFETCH(QString, agent);
    QFETCH(QString, conversation);
    QFETCH(bool, aClaimsQ1First);
    QFETCH(QString, code);
    QFETCH(QString, message);

    Harness h;
    LOAD(h, R"({
      "channels": [{"id": "web"}, {"id": "email"}],
      "groups": [{"id": "g"}, {"id": "h"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "b", "groups": "g", "status": "away", "maxConcurrent": 1},
        {"id": "off", "groups": "g", "status": "offline"},
        {"id": "x", "groups": "h", "status": "online"}
      ],
      "rules": [{"id": "manual", "when": {"channels": ["web"]}, "groups": "g", "strategy": "manual"}]
    })");
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    OK(h.write(QStringLiteral("u1"), QStringLiteral("cu3"), QStringLiteral("email")));
    if (aClaimsQ1First)
        OK(h.engine.claim(QStringLiteral("a"), QStringLiteral("q1")));
    h.take();
    const QStringList queueBefore = h.engine.queueOrder(QStringLiteral("g"));

    const EngineResult r = h.engine.claim(agent, conversation);
    if (code.isEmpty()) {
        QVERIFY2(r.ok, qPrintable(r.message));
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("claimed %1 -> %2 [by-hand]").arg(conversation, agent));
        QVERIFY(d.fromQueue);
        QCOMPARE(h.agentOf(conversation), agent);
        QVERIFY(!h.engine.queueOrder(QStringLiteral("g")).contains(conversation));
        QCOMPARE(h.agentInfo(agent).countedLoad, 1);
    } else {
        QVERIFY(!r.ok);
        QCOMPARE(r.code, code);
        QCOMPARE(r.message, message);
        QVERIFY(h.take().empty());
        QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), queueBefore);
    }
    INVARIANTS(h);
}

void TestRoutingEngine::transferToAgent()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 2},
        {"id": "b", "groups": "g", "status": "online", "maxConcurrent": 1},
        {"id": "c", "groups": "g", "status": "away"},
        {"id": "off", "status": "offline"}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    for (int i = 1; i <= 4; ++i)
        OK(h.write(QStringLiteral("q%1").arg(i), QStringLiteral("cu%1").arg(i)));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned q1 -> a [least-load]", "assigned q2 -> b [least-load]",
                                          "assigned q3 -> a [least-load]", "queued q4 [no-eligible-agent]"}));

    // To b, who is at its cap: allowed, and it does not count toward the cap; a is freed and
    // takes the waiting conversation.
    OK(h.engine.transferToAgent(QStringLiteral("q1"), QStringLiteral("b"), QStringLiteral("a")));
    {
        const auto ds = h.take();
        QCOMPARE(briefs(ds),
                 (QStringList{"transferred q1 -> b from a [by-hand]", "assigned q4 -> a [least-load]"}));
        QCOMPARE(ds[0].detail, QStringLiteral("by a"));
        QVERIFY(!ds[0].fromQueue);
    }
    QVERIFY(!h.engine.conversation(QStringLiteral("q1"))->countsTowardCap);
    QCOMPARE(h.agentInfo(QStringLiteral("b")).countedLoad, 1);
    QCOMPARE(h.agentInfo(QStringLiteral("b")).openConversations, 2);

    // b stays at 1/1 for automatic routing.
    OK(h.write(QStringLiteral("q5"), QStringLiteral("cu5")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("queued q5 [no-eligible-agent]"));
        QVERIFY(notes(d).contains(QStringLiteral("b at-cap (load 1/1, 2 open)")));
    }
    // Closing b's routed conversation frees its one automatic place although it still has q1.
    OK(h.engine.close(QStringLiteral("q2"), QStringLiteral("b")));
    QCOMPARE(h.takeBriefs(),
             (QStringList{"closed q2 by b from b [by-agent]", "assigned q5 -> b [least-load]"}));
    QCOMPARE(h.agentInfo(QStringLiteral("b")).countedLoad, 1);
    QCOMPARE(h.agentInfo(QStringLiteral("b")).openConversations, 2);

    // A waiting conversation can be handed to anyone not offline, even an away agent.
    OK(h.write(QStringLiteral("q6"), QStringLiteral("cu6")));
    h.take();
    OK(h.engine.transferToAgent(QStringLiteral("q6"), QStringLiteral("c"), QStringLiteral("supervisor")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("transferred q6 -> c [by-hand]"));
        QVERIFY(d.fromQueue);
    }
    QCOMPARE(h.engine.transferToAgent(QStringLiteral("q6"), QStringLiteral("off"), QString()).code,
             QStringLiteral("agent-offline"));
    QCOMPARE(h.engine.transferToAgent(QStringLiteral("q6"), QStringLiteral("c"), QString()).code,
             QStringLiteral("conflict"));
    QCOMPARE(h.engine.transferToAgent(QStringLiteral("q6"), QStringLiteral("zed"), QString()).code,
             QStringLiteral("unknown-agent"));
    QCOMPARE(h.engine.transferToAgent(QStringLiteral("nope"), QStringLiteral("a"), QString()).code,
             QStringLiteral("unknown-conversation"));
    QVERIFY(h.take().empty());
    INVARIANTS(h);
}

void TestRoutingEngine::transferToGroup()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "tutors"}, {"id": "billing"}],
      "agents": [
        {"id": "a", "groups": "tutors", "skills": ["english"], "status": "online"},
        {"id": "x", "groups": "billing", "status": "online"},
        {"id": "y", "groups": "billing", "status": "away"}
      ],
      "rules": [{"id": "r", "groups": "tutors", "strategy": "skills", "skills": ["english"]}]
    })");
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned q1 -> a [skills-perfect]"});

    // Routed within the new group; the rule's skills no longer apply (its strategy still does).
    OK(h.engine.transferToGroup(QStringLiteral("q1"), QStringLiteral("billing"), QStringLiteral("a")));
    {
        ONE(h, d);
        QCOMPARE(brief(d), QStringLiteral("transferred q1 -> x from a [by-hand]"));
        QCOMPARE(d.detail, QStringLiteral("skills-perfect, load 0/5")); // how x won, after the cause
        QCOMPARE(d.groups, QStringList{"billing"});
        QCOMPARE(notes(d), QStringList{"y status (status away)"});
    }
    const ConversationInfo info = *h.engine.conversation(QStringLiteral("q1"));
    QCOMPARE(info.groups, QStringList{"billing"});
    QVERIFY(info.requiredSkills.isEmpty());
    QVERIFY(info.countsTowardCap);
    QCOMPARE(h.agentInfo(QStringLiteral("a")).openConversations, 0);

    // Nobody free in the group: it waits in that group's queue.
    OK(h.engine.setAgentStatus(QStringLiteral("x"), AgentStatus::Away));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    h.take();
    OK(h.engine.transferToGroup(QStringLiteral("q2"), QStringLiteral("billing"), QStringLiteral("a")));
    QCOMPARE(h.takeBriefs(), QStringList{"queued q2 from a [no-eligible-agent]"});
    QCOMPARE(h.engine.queueOrder(QStringLiteral("billing")), QStringList{"q2"});
    QVERIFY(h.engine.queueOrder(QStringLiteral("tutors")).isEmpty());
    OK(h.engine.setAgentStatus(QStringLiteral("y"), AgentStatus::Online));
    QCOMPARE(h.takeBriefs(), QStringList{"assigned q2 -> y [skills-perfect]"});

    QCOMPARE(h.engine.transferToGroup(QStringLiteral("q2"), QStringLiteral("nope"), QString()).code,
             QStringLiteral("unknown-group"));
    INVARIANTS(h);
}

void TestRoutingEngine::invite()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}, {"id": "experts"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online"},
        {"id": "e", "groups": "experts", "status": "online", "maxConcurrent": 0},
        {"id": "off", "groups": "experts", "status": "offline"}
      ],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    OK(h.write(QStringLiteral("q1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("q2"), QStringLiteral("cu2")));
    h.take();
    // The expert joins, even with no free place: invitations do not count.
    OK(h.engine.invite(QStringLiteral("q1"), QStringLiteral("e"), QStringLiteral("a")));
    OK(h.engine.invite(QStringLiteral("q2"), QStringLiteral("e"), QStringLiteral("a")));
    {
        const auto ds = h.take();
        QCOMPARE(briefs(ds), (QStringList{"invited q1 -> e [by-hand]", "invited q2 -> e [by-hand]"}));
        QCOMPARE(ds[0].detail, QStringLiteral("by a"));
    }
    QCOMPARE(h.agentInfo(QStringLiteral("e")).countedLoad, 0);
    QCOMPARE(h.agentInfo(QStringLiteral("e")).openConversations, 0);
    QCOMPARE(h.engine.conversation(QStringLiteral("q1"))->invited, QStringList{"e"});
    QCOMPARE(h.agentOf(QStringLiteral("q1")), QStringLiteral("a")); // the owner does not change
    // The parties every message goes to: the same answer as the whole picture, and none for an
    // unknown conversation.
    const auto parties = h.engine.parties(QStringLiteral("q1"));
    QVERIFY(parties);
    QCOMPARE(parties->customer, QStringLiteral("cu1"));
    QCOMPARE(parties->agent, QStringLiteral("a"));
    QCOMPARE(parties->invited, QStringList{"e"});
    QVERIFY(!h.engine.parties(QStringLiteral("nobody")));
    OK(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("e"),
                             true)); // a private note between agents
    OK(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("e")));

    QCOMPARE(h.engine.invite(QStringLiteral("q1"), QStringLiteral("e"), QString()).code,
             QStringLiteral("conflict"));
    QCOMPARE(h.engine.invite(QStringLiteral("q1"), QStringLiteral("a"), QString()).code,
             QStringLiteral("conflict"));
    QCOMPARE(h.engine.invite(QStringLiteral("q1"), QStringLiteral("off"), QString()).code,
             QStringLiteral("agent-offline"));
    QCOMPARE(h.engine.agentMessage(QStringLiteral("q1"), QStringLiteral("off")).code,
             QStringLiteral("forbidden"));
    QVERIFY(h.take().empty());
    INVARIANTS(h);
}

void TestRoutingEngine::close()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1}],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    for (int i = 1; i <= 3; ++i)
        OK(h.write(QStringLiteral("q%1").arg(i), QStringLiteral("cu%1").arg(i)));
    h.take();
    QCOMPARE(h.engine.liveConversations(), 3);

    // A waiting conversation leaves the queue.
    OK(h.engine.close(QStringLiteral("q2"), QStringLiteral("supervisor")));
    QCOMPARE(h.takeBriefs(), QStringList{"closed q2 by supervisor [by-agent]"});
    QCOMPARE(h.engine.queueOrder(QStringLiteral("g")), QStringList{"q3"});

    // An assigned one frees its agent, who takes the next.
    OK(h.engine.close(QStringLiteral("q1"), QStringLiteral("a")));
    QCOMPARE(h.takeBriefs(),
             (QStringList{"closed q1 by a from a [by-agent]", "assigned q3 -> a [least-load]"}));
    QVERIFY(!h.engine.conversation(QStringLiteral("q1")));
    QCOMPARE(h.engine.liveConversations(), 1);
    QCOMPARE(h.engine.close(QStringLiteral("q1"), QStringLiteral("a")).code,
             QStringLiteral("unknown-conversation"));
    INVARIANTS(h);
}

void TestRoutingEngine::openTicket_data()
{
    QTest::addColumn<bool>("keep");
    QTest::addColumn<QString>("decision");
    QTest::addColumn<bool>("counts");
    QTest::addColumn<QString>("afterTimeout");

    // a already has one routed conversation; b is idle.
    QTest::newRow("routed like an arrival")
        << false << "assigned t1 -> b [least-load]" << true << "reassigned t1 -> a from b [reply-timeout]";
    QTest::newRow("kept by the agent")
        << true << "assigned t1 -> a [by-hand]" << false << "reassigned t1 -> b from a [reply-timeout]";
}

void TestRoutingEngine::openTicket()
{
    QFETCH(bool, keep);
    QFETCH(QString, decision);
    QFETCH(bool, counts);
    QFETCH(QString, afterTimeout);

    Harness h;
    LOAD(h, R"({
      "routing": {"replyTimeoutSeconds": 60},
      "groups": [{"id": "g"}],
      "agents": [
        {"id": "a", "groups": "g", "status": "online", "maxConcurrent": 2},
        {"id": "b", "groups": "g", "status": "online", "maxConcurrent": 2}
      ],
      "customers": [{"id": "known"}],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    OK(h.write(QStringLiteral("q0"), QStringLiteral("someone")));
    OK(h.engine.agentMessage(QStringLiteral("q0"), QStringLiteral("a")));
    h.take();

    OK(h.engine.openTicket(QStringLiteral("t1"), QStringLiteral("a"), QStringLiteral("known"),
                           QStringLiteral("web"), keep));
    {
        ONE(h, d);
        QCOMPARE(brief(d), decision);
        if (keep)
            QCOMPARE(d.detail, QStringLiteral("opened by a"));
    }
    QCOMPARE(h.engine.conversation(QStringLiteral("t1"))->countsTowardCap, counts);
    QCOMPARE(h.engine.conversation(QStringLiteral("t1"))->rule, QStringLiteral("r"));
    QCOMPARE(h.agentInfo(QStringLiteral("a")).countedLoad, 1); // a kept ticket is not counted
    QCOMPARE(h.agentInfo(QStringLiteral("a")).openConversations, keep ? 2 : 1);

    // The reply clock starts with the customer's first message, not when the ticket opens.
    h.advance(10 * kMinute);
    QVERIFY(h.take().empty());
    OK(h.write(QStringLiteral("t1"), QStringLiteral("known"), QStringLiteral("web"),
               QStringLiteral("thanks")));
    QCOMPARE(
        h.write(QStringLiteral("t1"), QStringLiteral("other"), QStringLiteral("web"), QStringLiteral("x"))
            .code,
        QStringLiteral("forbidden"));
    h.advance(60 * kSecond);
    QCOMPARE(h.takeBriefs(), QStringList{afterTimeout});

    QCOMPARE(h.engine
                 .openTicket(QStringLiteral("t1"), QStringLiteral("a"), QStringLiteral("known"),
                             QStringLiteral("web"), true)
                 .code,
             QStringLiteral("conflict"));
    QCOMPARE(h.engine
                 .openTicket(QStringLiteral("t2"), QStringLiteral("zed"), QStringLiteral("known"),
                             QStringLiteral("web"), true)
                 .code,
             QStringLiteral("unknown-agent"));
    INVARIANTS(h);
}

// ---------------------------------------------------------------------------------------------
// 10. Every decision is explained.

void TestRoutingEngine::explanationSmallGroup()
{
    Harness h;
    LOAD(h, R"({
      "groups": [{"id": "g"}, {"id": "night", "hours": {"timeZone": "Asia/Hong_Kong", "daily": "22:00-06:00"}}],
      "agents": [
        {"id": "a", "groups": "g", "skills": ["cantonese"], "status": "away"},
        {"id": "b", "groups": "g", "skills": ["cantonese"], "status": "online"},
        {"id": "c", "groups": "g", "skills": ["cantonese"], "status": "away"},
        {"id": "d", "groups": "g", "skills": ["cantonese"], "status": "online", "maxConcurrent": 1},
        {"id": "e", "groups": "g", "status": "online"},
        {"id": "f", "groups": "night", "skills": ["cantonese"], "status": "online"}
      ],
      "rules": [{"id": "r", "groups": ["g", "night"], "skills": ["cantonese"]}]
    })");
    OK(h.write(QStringLiteral("p1"), QStringLiteral("cu1")));
    OK(h.write(QStringLiteral("p2"), QStringLiteral("cu2")));
    QCOMPARE(h.takeBriefs(), (QStringList{"assigned p1 -> b [least-load]", "assigned p2 -> d [least-load]"}));
    OK(h.engine.setAgentStatus(QStringLiteral("a"), AgentStatus::Online));

    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu3")));
    ONE(h, d);
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> a [least-load]"));
    QCOMPARE(d.detail, QStringLiteral("load 0/5"));
    QCOMPARE(d.rule, QStringLiteral("r"));
    QCOMPARE(d.groups, (QStringList{"g", "night"}));
    QCOMPARE(notes(d), (QStringList{
                           "b higher-load (load 1/5)",
                           "c status (status away)",
                           "d at-cap (load 1/1)",
                           "e missing-skills (missing cantonese)",
                           "f hours-closed (outside working hours)",
                       }));
    QVERIFY(d.omitted.isEmpty());
    // The readable form lists the same, one candidate per line.
    const QStringList lines = explain(d).split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 6);
    QVERIFY2(lines[0].contains(QLatin1String("assigned c1 -> a [least-load: load 0/5] rule=r")),
             qPrintable(lines[0]));
    QCOMPARE(lines[1], QStringLiteral("    b: higher-load (load 1/5)"));
    QCOMPARE(lines[5], QStringLiteral("    f: hours-closed (outside working hours)"));
    INVARIANTS(h);
}

void TestRoutingEngine::explanationLargeGroup_data()
{
    QTest::addColumn<int>("explainLimit");
    QTest::addColumn<bool>("named");

    // 42 members in the target groups: 40 in "big", 2 in the closed "night" group.
    QTest::newRow("beyond the limit: counts only") << 25 << false;
    QTest::newRow("one below the size: counts only") << 41 << false;
    QTest::newRow("exactly the size: every candidate named") << 42 << true;
    QTest::newRow("large limit: every candidate named") << 1000 << true;
}

void TestRoutingEngine::explanationLargeGroup()
{
    QFETCH(int, explainLimit);
    QFETCH(bool, named);

    // 22 online and free, 3 online at their cap, 5 away, 10 offline; plus a closed group of 2.
    QStringList agents;
    auto add = [&](const QString &id, const char *group, const char *status, int cap) {
        agents << QStringLiteral(R"({"id": "%1", "groups": "%2", "status": "%3", "maxConcurrent": %4})")
                      .arg(id, QLatin1String(group), QLatin1String(status))
                      .arg(cap);
    };
    for (int i = 1; i <= 22; ++i)
        add(QStringLiteral("free%1").arg(i, 2, 10, QLatin1Char('0')), "big", "online", 5);
    for (int i = 1; i <= 3; ++i)
        add(QStringLiteral("full%1").arg(i), "big", "online", 0);
    for (int i = 1; i <= 5; ++i)
        add(QStringLiteral("away%1").arg(i), "big", "away", 5);
    for (int i = 1; i <= 10; ++i)
        add(QStringLiteral("off%1").arg(i, 2, 10, QLatin1Char('0')), "big", "offline", 5);
    add(QStringLiteral("night1"), "night", "online", 5);
    add(QStringLiteral("night2"), "night", "online", 5);

    Harness h;
    LOAD(h, QStringLiteral(R"({
      "routing": {"explainLimit": %1},
      "groups": [{"id": "big"}, {"id": "night", "hours": {"timeZone": "UTC", "daily": "22:00-23:00"}}],
      "agents": [%2],
      "rules": [{"id": "r", "groups": ["big", "night"]}]
    })")
                .arg(explainLimit)
                .arg(agents.join(QLatin1String(",\n"))));
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu")));
    ONE(h, d);
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> free01 [least-load]"));
    if (!named) {
        QVERIFY(d.candidates.empty());
        QCOMPARE(d.omitted,
                 (QStringList{"5 in big: status away", "10 in big: status offline", "3 in big: at-cap",
                              "21 in big: available, not chosen (least-load)", "2 in night: hours-closed"}));
        const QString text = explain(d);
        QVERIFY2(text.contains(QLatin1String("\n    ...10 in big: status offline")), qPrintable(text));
        return;
    }
    QVERIFY(d.omitted.isEmpty());
    QCOMPARE(d.candidates.size(), std::size_t(41));
    QMap<QString, int> verdicts;
    for (const CandidateNote &n : d.candidates)
        ++verdicts[toString(n.verdict)];
    QCOMPARE(verdicts.value(QStringLiteral("higher-load")), 21);
    QCOMPARE(verdicts.value(QStringLiteral("at-cap")), 3);
    QCOMPARE(verdicts.value(QStringLiteral("status")), 15);
    QCOMPARE(verdicts.value(QStringLiteral("hours-closed")), 2);
    QCOMPARE(notes(d).first(), QStringLiteral("free02 higher-load (load 0/5)"));
    INVARIANTS(h);
}

void TestRoutingEngine::agentInfoKeepsVipDedicated()
{
    Harness h;
    QVERIFY2(h.load(QString::fromLatin1(kPreferenceSite)), qPrintable(h.error));
    QVERIFY(h.engine.agent(QStringLiteral("v"))->vipDedicated);
    QVERIFY(!h.engine.agent(QStringLiteral("a"))->vipDedicated);
    // A host changes v's routing settings the way the coordinator does: the config rebuilt from
    // what the engine reports, one field changed.
    const AgentInfo info = *h.engine.agent(QStringLiteral("v"));
    AgentConfig config;
    config.id = info.id;
    config.name = info.name;
    config.groups = info.groups;
    config.skills = info.skills;
    config.maxConcurrent = info.maxConcurrent + 1;
    config.status = info.status;
    config.vipDedicated = info.vipDedicated;
    OK(h.engine.upsertAgent(config));
    QVERIFY(h.engine.agent(QStringLiteral("v"))->vipDedicated);
    OK(h.engine.setAgentGroups(QStringLiteral("v"), {QStringLiteral("g"), QStringLiteral("other")}));
    QVERIFY(h.engine.agent(QStringLiteral("v"))->vipDedicated);
    // And it still routes that way: a VIP goes to v, not to the less loaded a, b or o.
    h.giveHand(QStringLiteral("v"), 1);
    h.take();
    OK(h.write(QStringLiteral("c1"), QStringLiteral("vip")));
    ONE(h, d);
    QCOMPARE(d.agent, QStringLiteral("v"));
    QCOMPARE(toString(d.reason), QStringLiteral("vip-dedicated"));
    // Turned off, the same is reported.
    config.vipDedicated = false;
    OK(h.engine.upsertAgent(config));
    QVERIFY(!h.engine.agent(QStringLiteral("v"))->vipDedicated);
    INVARIANTS(h);
}

void TestRoutingEngine::groupsAtRuntimeAndHostViews()
{
    Harness h;
    h.setTime(QDateTime(QDate(2025, 11, 24), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    LOAD(h, R"({
      "groups": [{"id": "g"}],
      "agents": [{"id": "a", "groups": "g", "status": "online", "maxConcurrent": 1},
                 {"id": "b", "groups": "g", "status": "online", "maxConcurrent": 1}],
      "rules": [{"id": "r", "groups": "g"}]
    })");
    // A group added at runtime; agents join it through upsertAgent.
    GroupConfig night;
    night.id = QStringLiteral("night");
    QString error;
    QVERIFY2(WorkingHours::fromJson(QJsonObject{{"timeZone", "UTC"}, {"daily", "22:00-23:00"}}, &night.hours,
                                    &error),
             qPrintable(error));
    OK(h.engine.upsertGroup(night));
    QCOMPARE(h.engine.groupIds(), (QStringList{"g", "night"}));
    QCOMPARE(h.engine.upsertGroup(GroupConfig()).code, QStringLiteral("invalid"));
    AgentConfig n;
    n.id = QStringLiteral("n");
    n.groups = QStringList{"night"};
    n.status = AgentStatus::Online;
    OK(h.engine.upsertAgent(n));
    QCOMPARE(h.engine.agentIds(), (QStringList{"a", "b", "n"}));
    QCOMPARE(h.engine.groupMembers(QStringLiteral("g")), (QStringList{"a", "b"}));
    QCOMPARE(h.engine.groupMembers(QStringLiteral("night")), QStringList{"n"});
    QVERIFY(h.engine.groupMembers(QStringLiteral("nope")).isEmpty());
    // Transferred into the closed group, a conversation waits; new hours that open the group now
    // hand it over at once.
    OK(h.write(QStringLiteral("c1"), QStringLiteral("cu1")));
    h.take();
    OK(h.engine.transferToGroup(QStringLiteral("c1"), QStringLiteral("night"), QStringLiteral("a")));
    h.take();
    QVERIFY(h.engine.queueStatus(QStringLiteral("c1")).waiting);
    night.hours = WorkingHours();
    OK(h.engine.upsertGroup(night));
    ONE(h, d);
    QCOMPARE(brief(d), QStringLiteral("assigned c1 -> n [least-load]"));
    // What the host reads for an inbox.
    OK(h.engine.invite(QStringLiteral("c1"), QStringLiteral("a"), QStringLiteral("n")));
    QCOMPARE(h.engine.conversationsOf(QStringLiteral("n")), QStringList{"c1"});
    QCOMPARE(h.engine.invitationsOf(QStringLiteral("a")), QStringList{"c1"});
    QVERIFY(h.engine.conversationsOf(QStringLiteral("a")).isEmpty());
    QVERIFY(h.engine.invitationsOf(QStringLiteral("nobody")).isEmpty());
    INVARIANTS(h);
}

QTEST_APPLESS_MAIN(TestRoutingEngine)
#include "tst_routingengine.moc"
