// The engine's saved state (RoutingEngine::saveState / restoreState), as a property over random
// seeds: a random site is driven with random inputs on a manual clock, saved at a random point and
// restored into a fresh engine; both then get the same further inputs and clock advances (timers
// firing included). Every later decision and every answer must be identical, the restored engine
// must pass checkInvariants(), and both must end in byte-identical saved states. Plus refusals:
// empty, foreign, truncated, corrupted and unknown-format bytes, and forged bytes that pass the
// checksum (none may crash, and a refused restore leaves the engine as it was).
//
// SB_SNAP_SEEDS=<n> overrides the number of seeds; SB_SNAP_SEED=<seed> runs one seed.

#include "clock.h"
#include "decision.h"
#include "enginesnapshot.h"
#include "routingengine.h"
#include "siteconfig.h"
#include "workinghours.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QtEndian>
#include <QtTest>

#include <memory>
#include <random>
#include <vector>

using namespace sb;

namespace {

const char *const kSkills[] = {"english", "billing", "tech", "cantonese", "refunds"};
const char *const kZones[] = {"Asia/Hong_Kong", "Europe/London", "America/New_York", "UTC"};
const char *const kTags[] = {"gold", "b2b", "beta"};
const char *const kKeywords[] = {"refund", "invoice", "中學英文", "urgent"};
const char *const kWords[] = {"hello", "please", "help", "order", "late"};

class Rng
{
public:
    explicit Rng(quint32 seed) : m_gen(seed) {}
    int range(int lo, int hi) { return lo + static_cast<int>(m_gen() % static_cast<quint32>(hi - lo + 1)); }
    bool percent(int p) { return static_cast<int>(m_gen() % 100u) < p; }
    template<typename T, std::size_t N>
    const T &pick(const T (&items)[N])
    {
        return items[range(0, static_cast<int>(N) - 1)];
    }

private:
    std::mt19937 m_gen;
};

// Every field of a decision, so that two streams compare equal only if the decisions are.
QString describe(const Decision &d)
{
    QStringList notes;
    for (const CandidateNote &n : d.candidates)
        notes << QStringLiteral("%1:%2:%3").arg(n.agent, toString(n.verdict), n.detail);
    return QStringLiteral("#%1 @%2 %3/%4 conv=%5 agent=%6 from=%7 rule=%8 groups=%9 detail=%10 cands=[%11] "
                          "omitted=[%12] q=%13 admins=%14 notice=%15/%16/%17/%18/%19/%20")
        .arg(d.seq)
        .arg(d.at)
        .arg(toString(d.kind), toString(d.reason), d.conversation, d.agent, d.fromAgent, d.rule,
             d.groups.join(QLatin1Char(',')))
        .arg(d.detail, notes.join(QLatin1Char(';')), d.omitted.join(QLatin1Char(';')))
        .arg(d.fromQueue)
        .arg(d.notifyAdmins)
        .arg(static_cast<int>(d.notice.kind))
        .arg(d.notice.agentName)
        .arg(d.notice.expectedResponseSeconds)
        .arg(d.notice.queuePosition)
        .arg(d.notice.estimatedWaitMs)
        .arg(d.notice.offHoursMessage);
}

QString describe(const EngineResult &r)
{
    return r.ok ? QStringLiteral("ok") : r.code + QLatin1String(": ") + r.message;
}

// An engine with its own clock, recording what it decides.
struct Subject
{
    explicit Subject(qint64 start) : clock(start), engine(clock)
    {
        engine.setSink([this](const Decision &d) { log << describe(d); });
    }
    ManualClock clock;
    RoutingEngine engine;
    QStringList log;
};

// A random site and random inputs, given to every engine in `subjects` alike.
class Driver
{
public:
    explicit Driver(quint32 seed) : m_rng(seed) {}

    SiteConfig site();
    // One input (or a clock advance) to all subjects; inputs are chosen from the first one's views.
    void step(const std::vector<Subject *> &subjects);
    int ruleCount() const { return static_cast<int>(m_site.rules.size()); }

private:
    QJsonObject hours();
    QString text();
    QString anyConversation(const RoutingEngine &e);

    Rng m_rng;
    SiteConfig m_site;
    QStringList m_opened; // every conversation id used, open or not
    int m_next = 0;
};

QJsonObject Driver::hours()
{
    QJsonObject h;
    h.insert(QStringLiteral("timeZone"), QString::fromLatin1(m_rng.pick(kZones)));
    const int start = m_rng.range(0, 23) * 60 + (m_rng.percent(30) ? 30 : 0);
    const int end = (start + m_rng.range(2, 14) * 60) % (24 * 60);
    const auto hhmm = [](int m) {
        return QStringLiteral("%1:%2")
            .arg(m / 60, 2, 10, QLatin1Char('0'))
            .arg(m % 60, 2, 10, QLatin1Char('0'));
    };
    const QString interval =
        hhmm(start) + QLatin1Char('-') + (end == 0 ? QStringLiteral("24:00") : hhmm(end));
    h.insert(m_rng.percent(50) ? QStringLiteral("daily") : QStringLiteral("mon-fri"), interval);
    if (m_rng.percent(30))
        h.insert(QStringLiteral("sat"), QStringLiteral("10:00-12:00,13:15-17:00"));
    return h;
}

QString Driver::text()
{
    QStringList words;
    for (int i = m_rng.range(0, 3); i > 0; --i)
        words << QString::fromLatin1(m_rng.pick(kWords));
    if (m_rng.percent(40))
        words << QString::fromUtf8(m_rng.pick(kKeywords));
    return words.join(QLatin1Char(' '));
}

SiteConfig Driver::site()
{
    SiteConfig &s = m_site;
    RoutingSettings &r = s.routing;
    r.allowedStatuses = {AgentStatus::Online};
    if (m_rng.percent(30))
        r.allowedStatuses.push_back(AgentStatus::Busy);
    r.channelPriority = m_rng.percent(60);
    r.vipPriorityBoost = m_rng.percent(50) ? 10 : 3;
    r.replyTimeoutSeconds = m_rng.percent(60) ? m_rng.range(20, 300) : 0;
    r.autoCloseMinutes = m_rng.percent(50) ? m_rng.range(2, 60) : 0;
    r.offlinePolicy = static_cast<OfflinePolicy>(m_rng.range(0, 2));
    r.timeZone = QString::fromLatin1(m_rng.pick(kZones));
    r.explainLimit = m_rng.percent(20) ? 2 : 25;
    for (int i = 0, n = m_rng.range(2, 3); i < n; ++i)
        s.channels.push_back({QStringLiteral("ch%1").arg(i), QString(), QString(), m_rng.range(0, 3)});
    const int groups = m_rng.range(2, 4);
    for (int i = 0; i < groups; ++i) {
        GroupConfig g;
        g.id = QStringLiteral("g%1").arg(i);
        g.offHoursMessage = QStringLiteral("closed");
        QString error;
        if (m_rng.percent(40) && !WorkingHours::fromJson(hours(), &g.hours, &error))
            qFatal("bad generated hours: %s", qPrintable(error));
        s.groups.push_back(g);
    }
    const int agents = m_rng.range(3, 10);
    for (int i = 0; i < agents; ++i) {
        AgentConfig a;
        a.id = QStringLiteral("a%1").arg(i);
        for (const char *skill : kSkills) {
            if (m_rng.percent(45))
                a.skills << QString::fromLatin1(skill);
        }
        for (int g = 0; g < groups; ++g) {
            if (m_rng.percent(45))
                a.groups << s.groups[static_cast<std::size_t>(g)].id;
        }
        if (a.groups.isEmpty())
            a.groups << s.groups[static_cast<std::size_t>(m_rng.range(0, groups - 1))].id;
        a.maxConcurrent = m_rng.range(0, 4);
        a.vipDedicated = m_rng.percent(20);
        a.status = m_rng.percent(70) ? AgentStatus::Online : AgentStatus::Away;
        s.agents.push_back(a);
    }
    for (int i = 0, n = m_rng.range(5, 14); i < n; ++i) {
        CustomerConfig c;
        c.id = QStringLiteral("u%1").arg(i);
        c.vip = m_rng.percent(20);
        if (m_rng.percent(30))
            c.tags << QString::fromLatin1(m_rng.pick(kTags));
        c.language = m_rng.percent(50) ? QStringLiteral("en") : QStringLiteral("zh");
        if (m_rng.percent(15))
            c.owner = s.agents[static_cast<std::size_t>(m_rng.range(0, agents - 1))].id;
        if (m_rng.percent(20))
            c.previousAgent = s.agents[static_cast<std::size_t>(m_rng.range(0, agents - 1))].id;
        c.returning = m_rng.percent(30);
        s.customers.push_back(c);
    }
    const int rules = m_rng.range(1, 4);
    for (int i = 0; i < rules; ++i) {
        RuleConfig rule;
        rule.id = QStringLiteral("r%1").arg(i);
        const bool last = i == rules - 1;
        if (!last || m_rng.percent(25)) {
            if (m_rng.percent(30))
                rule.channels << s.channels.front().id;
            if (m_rng.percent(20))
                rule.vip = m_rng.percent(50);
            if (m_rng.percent(15))
                rule.customer = m_rng.percent(50) ? CustomerKind::New : CustomerKind::Returning;
            if (m_rng.percent(15))
                rule.languages << QStringLiteral("EN");
            if (m_rng.percent(15))
                rule.tagsAny << QString::fromLatin1(m_rng.pick(kTags));
            if (m_rng.percent(20))
                rule.keywordsAny << QString::fromUtf8(m_rng.pick(kKeywords));
        }
        rule.groups << s.groups[static_cast<std::size_t>(m_rng.range(0, groups - 1))].id;
        if (m_rng.percent(35)) {
            const QString second = s.groups[static_cast<std::size_t>(m_rng.range(0, groups - 1))].id;
            if (!rule.groups.contains(second))
                rule.groups << second;
        }
        // Round-robin often: its remembered place is state that a restore must bring back.
        const Strategy strategies[] = {Strategy::LeastLoad, Strategy::RoundRobin, Strategy::RoundRobin,
                                       Strategy::IdleRate,  Strategy::Skills,     Strategy::Manual};
        rule.strategy = m_rng.pick(strategies);
        for (const char *skill : kSkills) {
            if (m_rng.percent(12))
                rule.skills << QString::fromLatin1(skill);
        }
        if (m_rng.percent(30))
            rule.keywordSkills.push_back(
                {QString::fromUtf8(m_rng.pick(kKeywords)), QString::fromLatin1(m_rng.pick(kSkills))});
        rule.maxWaitSeconds = m_rng.percent(70) ? m_rng.range(10, 600) : 0;
        rule.priority = m_rng.range(-2, 5);
        rule.preferPreviousAgent = m_rng.percent(70);
        rule.preferOwner = m_rng.percent(70);
        rule.preferVipAgents = m_rng.percent(70);
        s.rules.push_back(rule);
    }
    return s;
}

QString Driver::anyConversation(const RoutingEngine &e)
{
    // Mostly a live one; sometimes one that is closed or never existed (refused alike by both).
    if (m_opened.isEmpty() || m_rng.percent(5))
        return QStringLiteral("nowhere");
    for (int tries = 0; tries < 4; ++tries) {
        const QString id = m_opened[m_rng.range(0, static_cast<int>(m_opened.size()) - 1)];
        if (e.conversation(id) || tries == 3)
            return id;
    }
    return m_opened.back();
}

void Driver::step(const std::vector<Subject *> &subjects)
{
    const RoutingEngine &view = subjects.front()->engine;
    const auto agentId = [&] {
        return m_site
            .agents[static_cast<std::size_t>(m_rng.range(0, static_cast<int>(m_site.agents.size()) - 1))]
            .id;
    };
    const auto groupId = [&] {
        return m_site
            .groups[static_cast<std::size_t>(m_rng.range(0, static_cast<int>(m_site.groups.size()) - 1))]
            .id;
    };
    const auto customerId = [&] {
        return m_site
            .customers[static_cast<std::size_t>(
                m_rng.range(0, static_cast<int>(m_site.customers.size()) - 1))]
            .id;
    };
    const auto channelId = [&] {
        return m_site
            .channels[static_cast<std::size_t>(m_rng.range(0, static_cast<int>(m_site.channels.size()) - 1))]
            .id;
    };
    const auto all = [&](const std::function<EngineResult(RoutingEngine &)> &f) {
        for (Subject *s : subjects)
            s->log << QStringLiteral("-> ") + describe(f(s->engine));
    };

    // Time passes between inputs: seconds mostly, sometimes hours (working hours, midnight).
    const int pause = m_rng.range(0, 99);
    const qint64 advance = pause < 20   ? 0
                           : pause < 85 ? m_rng.range(0, 30000)
                           : pause < 97 ? m_rng.range(60000, 3600000)
                                        : m_rng.range(3600000, 30 * 3600000);
    for (Subject *s : subjects)
        s->clock.advanceMs(advance);

    const int roll = m_rng.range(0, 99);
    if (roll < 22) {
        const QString id = QStringLiteral("c%1").arg(++m_next);
        m_opened << id;
        const QString customer = customerId(), channel = channelId(), words = text();
        all([&](RoutingEngine &e) { return e.customerMessage(id, customer, channel, words); });
    } else if (roll < 28) {
        const QString id = anyConversation(view);
        const auto info = view.conversation(id);
        const QString customer = info && m_rng.percent(90) ? info->customer : customerId();
        const QString words = text(), channel = channelId();
        all([&](RoutingEngine &e) { return e.customerMessage(id, customer, channel, words); });
    } else if (roll < 42) {
        const QString id = anyConversation(view);
        const auto info = view.conversation(id);
        const QString agent = info && !info->agent.isEmpty() && m_rng.percent(85) ? info->agent : agentId();
        const bool note = m_rng.percent(15);
        all([&](RoutingEngine &e) { return e.agentMessage(id, agent, note); });
    } else if (roll < 52) {
        const QString agent = agentId();
        const AgentStatus status = static_cast<AgentStatus>(m_rng.range(0, AgentStatusCount - 1));
        all([&](RoutingEngine &e) { return e.setAgentStatus(agent, status); });
    } else if (roll < 57) {
        const QString agent = agentId();
        const int cap = m_rng.range(0, 5);
        all([&](RoutingEngine &e) { return e.setAgentCap(agent, cap); });
    } else if (roll < 63) {
        const QString agent = agentId(), id = anyConversation(view);
        all([&](RoutingEngine &e) { return e.claim(agent, id); });
    } else if (roll < 67) {
        const QString agent = agentId(), id = anyConversation(view);
        all([&](RoutingEngine &e) { return e.transferToAgent(id, agent, QStringLiteral("sup")); });
    } else if (roll < 71) {
        const QString group = groupId(), id = anyConversation(view);
        all([&](RoutingEngine &e) { return e.transferToGroup(id, group, QStringLiteral("sup")); });
    } else if (roll < 74) {
        const QString agent = agentId(), id = anyConversation(view);
        all([&](RoutingEngine &e) { return e.invite(id, agent, QString()); });
    } else if (roll < 82) {
        const QString id = anyConversation(view);
        all([&](RoutingEngine &e) { return e.close(id, QStringLiteral("a0")); });
    } else if (roll < 86) {
        const QString id = QStringLiteral("t%1").arg(++m_next);
        m_opened << id;
        const QString agent = agentId(), customer = customerId(), channel = channelId();
        const bool keep = m_rng.percent(40);
        all([&](RoutingEngine &e) { return e.openTicket(id, agent, customer, channel, keep); });
    } else if (roll < 89) {
        // Group membership changes: ring positions are handed out anew.
        const QString agent = agentId();
        QStringList groups;
        for (const GroupConfig &g : m_site.groups) {
            if (m_rng.percent(45))
                groups << g.id;
        }
        all([&](RoutingEngine &e) { return e.setAgentGroups(agent, groups); });
    } else if (roll < 91) {
        // A new agent, or one rewritten with new skills (new skills are interned on the way).
        AgentConfig a;
        a.id = m_rng.percent(50) ? agentId() : QStringLiteral("n%1").arg(++m_next);
        a.skills << QString::fromLatin1(m_rng.pick(kSkills));
        if (m_rng.percent(30))
            a.skills << QStringLiteral("extra%1").arg(m_rng.range(0, 3));
        a.groups << groupId();
        a.maxConcurrent = m_rng.range(1, 4);
        a.status = AgentStatus::Online;
        all([&](RoutingEngine &e) { return e.upsertAgent(a); });
        if (!std::any_of(m_site.agents.begin(), m_site.agents.end(),
                         [&](const AgentConfig &x) { return x.id == a.id; }))
            m_site.agents.push_back(a);
    } else if (roll < 92) {
        GroupConfig g =
            m_site
                .groups[static_cast<std::size_t>(m_rng.range(0, static_cast<int>(m_site.groups.size()) - 1))];
        QString error;
        g.hours = WorkingHours();
        if (m_rng.percent(60) && !WorkingHours::fromJson(hours(), &g.hours, &error))
            qFatal("bad generated hours: %s", qPrintable(error));
        all([&](RoutingEngine &e) { return e.upsertGroup(g); });
    } else if (roll < 93) {
        CustomerConfig c = m_site.customers[static_cast<std::size_t>(
            m_rng.range(0, static_cast<int>(m_site.customers.size()) - 1))];
        c.vip = !c.vip;
        c.tags = QStringList{QString::fromLatin1(m_rng.pick(kTags))};
        all([&](RoutingEngine &e) { return e.upsertCustomer(c); });
    } else {
        // Only time passes; the host ticks (timers fire at their own due times).
        for (Subject *s : subjects) {
            s->engine.tick();
            s->log << QStringLiteral("tick next=%1").arg(s->engine.nextTimerMs() >= 0);
        }
    }
}

qint64 startMs(quint32 seed)
{
    // A day of 2024 near a daylight-saving change or anywhere in the year, at any time of day.
    const QDate date = seed % 3 == 0 ? QDate(2024, 3, 30) : QDate(2024, 1, 1).addDays(seed % 366);
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() +
           (seed * 7919ULL) % 86400000ULL;
}

// One seed: drive, save at a random point, restore, drive both on, compare.
// Empty when the seed passed; otherwise what differed.
QString runSeed(quint32 seed)
{
    QString failure;
    Driver driver(seed);
    Rng rng(seed ^ 0x5a5a5a5au);
    const qint64 start = startMs(seed);
    Subject original(start);
    const EngineResult loaded = original.engine.loadSite(driver.site());
    if (!loaded.ok) {
        failure = QStringLiteral("seed %1: site refused: %2").arg(seed).arg(loaded.message);
        return failure;
    }
    const int before = rng.range(0, 250);
    const int after = rng.range(50, 250);
    for (int i = 0; i < before; ++i)
        driver.step({&original});

    const QByteArray saved = original.engine.saveState();
    Subject restored(start - 12345); // its own clock reads anything: the state carries the time
    const EngineResult r = restored.engine.restoreState(saved);
    if (!r.ok) {
        failure = QStringLiteral("seed %1: restore refused: %2").arg(seed).arg(r.message);
        return failure;
    }
    restored.clock.setMs(original.clock.nowMs());
    const QStringList bad = restored.engine.checkInvariants();
    if (!bad.isEmpty()) {
        failure = QStringLiteral("seed %1: restored engine: %2").arg(seed).arg(bad.join(QLatin1String("; ")));
        return failure;
    }
    const QByteArray again = restored.engine.saveState();
    if (again != saved) {
        failure = QStringLiteral("seed %1: saving the restored engine gives other bytes").arg(seed);
        return failure;
    }
    original.log.clear();
    for (int i = 0; i < after; ++i)
        driver.step({&original, &restored});
    // Whatever is still pending fires too.
    for (Subject *s : {&original, &restored}) {
        s->clock.advanceMs(40LL * 3600 * 1000);
        s->engine.tick();
    }
    if (original.log != restored.log) {
        for (int i = 0; i < std::min(original.log.size(), restored.log.size()); ++i) {
            if (original.log[i] != restored.log[i]) {
                failure =
                    QStringLiteral(
                        "seed %1 (saved after %2 inputs): line %3 differs:\n  original: %4\n  restored: %5")
                        .arg(seed)
                        .arg(before)
                        .arg(i)
                        .arg(original.log[i], restored.log[i]);
                return failure;
            }
        }
        failure = QStringLiteral("seed %1: %2 lines after the restore, %3 from the original")
                      .arg(seed)
                      .arg(restored.log.size())
                      .arg(original.log.size());
        return failure;
    }
    const QStringList badAfter = restored.engine.checkInvariants();
    if (!badAfter.isEmpty()) {
        failure = QStringLiteral("seed %1: restored engine later: %2")
                      .arg(seed)
                      .arg(badAfter.join(QLatin1String("; ")));
        return failure;
    }
    if (original.engine.saveState() != restored.engine.saveState()) {
        failure = QStringLiteral("seed %1: the final states differ").arg(seed);
    }
    return failure;
}

} // namespace

class TestEngineSnapshot : public QObject
{
    Q_OBJECT
private slots:
    void restoredEngineDecidesAlike();
    void emptyEngineRoundTrips();
    void refusesWhatIsNotAState_data();
    void refusesWhatIsNotAState();
    void refusesEveryTruncation();
    void refusesCorruption();
    void refusesUnknownFormat();
    void forgedStatesNeverCrash();
    void refusesHugeCounts();
    void largeStateRoundTrip();
};

void TestEngineSnapshot::restoredEngineDecidesAlike()
{
    const quint32 only = qEnvironmentVariableIntValue("SB_SNAP_SEED");
    const int seeds =
        qEnvironmentVariableIsSet("SB_SNAP_SEEDS") ? qEnvironmentVariableIntValue("SB_SNAP_SEEDS") : 400;
    int compared = 0;
    for (int i = 0; i < seeds; ++i) {
        const quint32 seed = only ? only : 1000u + static_cast<quint32>(i);
        const QString failure = runSeed(seed);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        ++compared;
        if (only)
            break;
    }
    QVERIFY(compared > 0);
}

void TestEngineSnapshot::emptyEngineRoundTrips()
{
    ManualClock clock(1700000000000);
    RoutingEngine fresh(clock);
    const QByteArray bytes = fresh.saveState();
    QCOMPARE(RoutingEngine::stateFormatOf(bytes), RoutingEngine::kStateFormat);
    RoutingEngine other(clock);
    const EngineResult r = other.restoreState(bytes);
    QVERIFY2(r.ok, qPrintable(r.message));
    QCOMPARE(other.saveState(), bytes);
    QVERIFY(other.checkInvariants().isEmpty());
}

void TestEngineSnapshot::refusesWhatIsNotAState_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("says");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("too few");
    QTest::newRow("text") << QByteArray("{\"not\": \"a snapshot at all\"}")
                          << QStringLiteral("not an engine state");
    QTest::newRow("zeros") << QByteArray(4096, '\0') << QStringLiteral("not an engine state");
}

void TestEngineSnapshot::refusesWhatIsNotAState()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, says);
    ManualClock clock(0);
    RoutingEngine engine(clock);
    const EngineResult r = engine.restoreState(bytes);
    QVERIFY(!r.ok);
    QCOMPARE(r.code, QStringLiteral("snapshot"));
    QVERIFY2(r.message.contains(says), qPrintable(r.message));
}

namespace {
// A busy engine's state, and the site that made it.
QByteArray busyState(quint32 seed, int inputs)
{
    Driver driver(seed);
    Subject s(startMs(seed));
    s.engine.loadSite(driver.site());
    for (int i = 0; i < inputs; ++i)
        driver.step({&s});
    return s.engine.saveState();
}

// The engine that refused a restore must still be the engine it was.
void checkUnchanged(const RoutingEngine &engine, const QByteArray &before)
{
    QCOMPARE(engine.saveState(), before);
}
} // namespace

void TestEngineSnapshot::refusesEveryTruncation()
{
    const QByteArray state = busyState(77, 200);
    ManualClock clock(0);
    RoutingEngine engine(clock);
    const QByteArray before = engine.saveState();
    // Every length for short prefixes, then a spread of them (a torn write stops anywhere).
    for (qsizetype n = 0; n < state.size(); n += n < 64 ? 1 : 1 + n / 16) {
        const EngineResult r = engine.restoreState(state.left(n));
        QVERIFY2(!r.ok, qPrintable(QStringLiteral("%1 of %2 bytes accepted").arg(n).arg(state.size())));
        QCOMPARE(r.code, QStringLiteral("snapshot"));
    }
    checkUnchanged(engine, before);
    QVERIFY(engine.restoreState(state).ok);
}

void TestEngineSnapshot::refusesCorruption()
{
    const QByteArray state = busyState(78, 200);
    ManualClock clock(0);
    RoutingEngine engine(clock);
    const QByteArray before = engine.saveState();
    std::mt19937 gen(5);
    for (int i = 0; i < 300; ++i) {
        QByteArray bad = state;
        const auto at = static_cast<qsizetype>(gen() % static_cast<quint32>(bad.size()));
        bad[at] = static_cast<char>(bad[at] ^ static_cast<char>(1 + gen() % 255));
        const EngineResult r = engine.restoreState(bad);
        QVERIFY2(!r.ok, qPrintable(QStringLiteral("a flipped byte at %1 accepted").arg(at)));
        QVERIFY2(r.message.contains(QLatin1String("checksum")) ||
                     r.message.contains(QLatin1String("format")) ||
                     r.message.contains(QLatin1String("not an engine state")),
                 qPrintable(r.message));
    }
    checkUnchanged(engine, before);
}

void TestEngineSnapshot::refusesUnknownFormat()
{
    QByteArray state = busyState(79, 50);
    qToLittleEndian<quint32>(RoutingEngine::kStateFormat + 1, state.data() + 4);
    QCOMPARE(RoutingEngine::stateFormatOf(state), RoutingEngine::kStateFormat + 1);
    ManualClock clock(0);
    RoutingEngine engine(clock);
    const EngineResult r = engine.restoreState(state);
    QVERIFY(!r.ok);
    QVERIFY2(r.message.contains(QStringLiteral("format %1").arg(RoutingEngine::kStateFormat + 1)),
             qPrintable(r.message));
}

void TestEngineSnapshot::forgedStatesNeverCrash()
{
    // Bytes that pass the checksum but hold nonsense (as someone crafting a blob would make them):
    // every count and index is checked, so each is refused or gives an engine that works on.
    const QByteArray state = busyState(80, 300);
    std::mt19937 gen(9);
    int accepted = 0, refusedCount = 0;
    for (int i = 0; i < 1500; ++i) {
        QByteArray forged = state.left(state.size() - 8);
        const int flips = 1 + static_cast<int>(gen() % 3);
        for (int f = 0; f < flips; ++f) {
            const auto at = 8 + static_cast<qsizetype>(gen() % static_cast<quint32>(forged.size() - 8));
            // Small values and sign flips hit counts and indexes where it matters.
            forged[at] = static_cast<char>(gen() % 4 == 0 ? 0xff : gen() % 256);
        }
        if (gen() % 5 == 0)
            forged.truncate(8 + static_cast<qsizetype>(gen() % static_cast<quint32>(forged.size() - 8)));
        char tail[8];
        qToLittleEndian(snapshot::checksum(forged.constData(), forged.size()), tail);
        forged.append(tail, 8);
        ManualClock clock(1700000000000);
        RoutingEngine engine(clock);
        const EngineResult r = engine.restoreState(forged);
        if (!r.ok) {
            ++refusedCount;
            QCOMPARE(r.code, QStringLiteral("snapshot"));
            continue;
        }
        ++accepted;
        // It runs on without crashing (what it decides may be odd: the state was forged).
        clock.advanceMs(3 * 3600 * 1000);
        engine.tick();
        engine.customerMessage(QStringLiteral("new"), QStringLiteral("u0"), QStringLiteral("ch0"),
                               QStringLiteral("hi"));
        for (const QString &agent : engine.agentIds()) {
            engine.setAgentStatus(agent, AgentStatus::Offline);
            engine.setAgentStatus(agent, AgentStatus::Online);
        }
        for (const QString &group : engine.groupIds()) {
            for (const QString &id : engine.queueOrder(group))
                engine.close(id, QString());
        }
        engine.checkInvariants();
        engine.saveState();
    }
    qInfo("forged states: %d refused, %d accepted and run on", refusedCount, accepted);
    QVERIFY(refusedCount > 0);
}

void TestEngineSnapshot::refusesHugeCounts()
{
    // Forged states, sealed with a valid checksum, whose group count is absurd: 2^64 - 1, and one
    // that times the 11 bytes a group takes at least wraps around to 6. Refused before anything is
    // reserved for them (reserving would throw).
    const auto varint = [](quint64 v) {
        QByteArray b;
        while (v >= 0x80) {
            b.append(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        b.append(static_cast<char>(v));
        return b;
    };
    for (const quint64 groups : {~quint64(0), quint64(1676976733973595602ULL)}) {
        QByteArray forged("SBES");
        forged.append("\x01\x00\x00\x00", 4);
        forged.append(QByteArray(6, '\0'));  // the clock reading, four sequences, midnight generation
        forged.append(QByteArray(10, '\0')); // no allowed statuses, zeros and empty strings for settings
        forged.append(QByteArray("\x00\x01\x00\x00", 4)); // no skills, the empty skill set, no channels
        forged.append(varint(groups));
        forged.append(QByteArray(64, '\0'));
        char tail[8];
        qToLittleEndian(snapshot::checksum(forged.constData(), forged.size()), tail);
        forged.append(tail, 8);
        ManualClock clock(0);
        RoutingEngine engine(clock);
        const EngineResult r = engine.restoreState(forged);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(QLatin1String("runs past the end")), qPrintable(r.message));
    }
}

void TestEngineSnapshot::largeStateRoundTrip()
{
    // 1,000 agents and 100,000 open conversations (assigned and queued, timers pending): what a
    // big site's snapshot holds. Prints the cost; the property test above checks the meaning.
    ManualClock clock(1700000000000);
    RoutingEngine engine(clock);
    SiteConfig site;
    site.routing.replyTimeoutSeconds = 120;
    site.routing.autoCloseMinutes = 30;
    site.channels.push_back({QStringLiteral("web"), QString(), QString(), 0});
    for (int g = 0; g < 20; ++g)
        site.groups.push_back({QStringLiteral("g%1").arg(g), QString(), WorkingHours(), QString(), 60});
    for (int a = 0; a < 1000; ++a) {
        AgentConfig agent;
        agent.id = QStringLiteral("agent-%1").arg(a);
        agent.groups << QStringLiteral("g%1").arg(a % 20);
        agent.maxConcurrent = 40;
        agent.status = AgentStatus::Online;
        agent.skills << QStringLiteral("english");
        site.agents.push_back(agent);
    }
    // One rule per group (by a keyword), so that each arrival weighs 50 agents, not 1,000.
    for (int g = 0; g < 20; ++g) {
        RuleConfig rule;
        rule.id = QStringLiteral("r%1").arg(g);
        rule.keywordsAny << QStringLiteral("topic%1;").arg(g);
        rule.groups << QStringLiteral("g%1").arg(g);
        rule.strategy = g % 2 ? Strategy::RoundRobin : Strategy::LeastLoad;
        site.rules.push_back(rule);
    }
    QVERIFY(engine.loadSite(site).ok);
    for (int i = 0; i < 100000; ++i) {
        if (i % 1000 == 0)
            clock.advanceMs(1000);
        engine.customerMessage(QStringLiteral("conv-%1").arg(i), QStringLiteral("customer-%1").arg(i),
                               QStringLiteral("web"), QStringLiteral("hello topic%1;").arg(i % 20));
    }
    QCOMPARE(engine.liveConversations(), 100000);
    QVERIFY(engine.waitingConversations() > 0);

    QElapsedTimer t;
    t.start();
    const QByteArray bytes = engine.saveState();
    const qint64 saveMs = t.elapsed();
    ManualClock otherClock(clock.nowMs());
    RoutingEngine restored(otherClock);
    t.restart();
    const EngineResult r = restored.restoreState(bytes);
    const qint64 restoreMs = t.elapsed();
    QVERIFY2(r.ok, qPrintable(r.message));
    qInfo("100,000 conversations, 1,000 agents: %.1f MB, save %lld ms, restore %lld ms",
          double(bytes.size()) / 1e6, saveMs, restoreMs);
    QCOMPARE(restored.liveConversations(), 100000);
    QCOMPARE(restored.waitingConversations(), engine.waitingConversations());
    QCOMPARE(restored.queueOrder(QStringLiteral("g0"), 50), engine.queueOrder(QStringLiteral("g0"), 50));
    QCOMPARE(restored.nextTimerMs(), engine.nextTimerMs());
    QCOMPARE(restored.saveState(), bytes);
}

QTEST_APPLESS_MAIN(TestEngineSnapshot)
#include "tst_enginesnapshot.moc"
