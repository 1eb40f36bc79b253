// Property test of the routing engine over randomised sites and event sequences.
//
// Every seed generates a site (channels, skill groups with working hours in real time zones,
// agents, customers, rules, settings) and a few hundred events (arrivals, customer and agent
// messages, status and cap changes, claims, transfers, invitations, closes, tickets and clock
// advances of seconds to hours, so every timer fires). A shadow model is built from the decision
// stream alone and checked against the documented semantics after every decision and every event:
//
//   1. caps: every automatic assignment (assigned, reassigned, claimed, transferred to a group)
//      happens while the agent's counted load is below the cap in force; hand transfers and
//      invitations never count; the engine's own load counters agree with the shadow;
//      automatic assignments go only to eligible agents (open group, allowed status, skills,
//      not timed out), preferences and least-load/idle-rate/widened-skills choices are honoured;
//   2. no conversation both queued and assigned (checkInvariants() and the shadow);
//   3. no conversation lost: live in the engine in the state the shadow expects, or closed by
//      exactly one Closed decision;
//   4. queue order: queueOrder()/unmatchedOrder()/queue positions equal the shadow's order
//      (channel priority, rule priority + VIP boost, requeued-at-head, arrival, sequence); no
//      conversation is served from the queue while one ahead of it could have had that agent;
//      no waiting conversation has an eligible available agent after an event; timers (reply
//      timeout, auto-close, perfect-skill wait) fire exactly when due;
//   5. determinism: the same seed run twice on fresh engines (the second with a different QHash
//      seed) gives the identical explain() stream.
//
// A failure prints the profile, the seed and the last events. To reproduce one seed with a full
// trace: SB_PROP_PROFILE=<profile> SB_PROP_SEED=<seed> SB_PROP_TRACE=1 tst_routingproperties
// SB_PROP_SEEDS=<n> overrides the number of seeds per profile.

#include "clock.h"
#include "decision.h"
#include "routingengine.h"
#include "siteconfig.h"
#include "workinghours.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

using namespace sb;

namespace {

constexpr int kSkillCount = 6;
const char *const kSkillNames[kSkillCount] = {"english", "billing", "tech", "cantonese", "refunds", "vip-care"};
constexpr int kZoneCount = 7;
const char *const kZones[kZoneCount] = {"Asia/Hong_Kong", "Europe/London", "America/New_York", "Australia/Sydney",
                                        "Europe/Berlin", "Asia/Kolkata", "UTC"};
constexpr int kTagCount = 4;
const char *const kTags[kTagCount] = {"gold", "b2b", "churn-risk", "beta"};
constexpr int kLanguageCount = 3;
const char *const kLanguages[kLanguageCount] = {"en", "zh", "fr"};
constexpr int kKeywordCount = 6;
const char *const kKeywords[kKeywordCount] = {"refund", "invoice", "中學英文", "password", "urgent", "delivery"};
constexpr int kFillerCount = 10;
const char *const kFiller[kFillerCount] = {"hello", "please", "help", "my", "order", "is", "late", "thanks", "account", "question"};
const char *const kChannelNames[4] = {"web", "wechat", "whatsapp", "email"};

struct Profile
{
    const char *name;
    quint32 seedBase;
    int events;
    int maxCap; // caps 0..maxCap
    int minAgents, maxAgents;
    int hoursPercent; // chance that a group has working hours
    bool timersAlways; // reply timeout and auto-close always on
    int returningPercent; // customers known as returning
    int previousPercent; // customers with a previous agent
    // event weights
    int arrive, customerMsg, reply, status, cap, claim, toAgent, toGroup, invite, close, ticket, tick;
};

const Profile kProfiles[] = {
    // name    base    ev  cap ag- ag+ hrs timers ret prev arr cm rep st cap clm toA toG inv cls tkt tick
    {"mixed", 100000, 300, 4, 3, 12, 50, false, 30, 15, 24, 6, 14, 8, 5, 6, 4, 4, 3, 8, 3, 15},
    {"tight", 200000, 300, 2, 3, 6, 30, false, 30, 15, 30, 4, 10, 10, 8, 8, 3, 3, 2, 8, 3, 11},
    {"timers", 300000, 300, 4, 3, 10, 50, true, 30, 15, 22, 10, 12, 6, 4, 5, 3, 3, 2, 4, 3, 26},
    {"hours", 400000, 300, 3, 3, 8, 100, false, 70, 60, 24, 6, 12, 8, 4, 6, 3, 3, 2, 8, 3, 21},
    {"churn", 500000, 300, 3, 3, 12, 40, false, 30, 15, 20, 4, 10, 18, 10, 8, 6, 6, 3, 6, 3, 6},
};
constexpr int kDefaultSeedsPerProfile = 400;

class Rng
{
public:
    explicit Rng(quint32 seed) : m_gen(seed) {}
    int range(int lo, int hi) { return lo + static_cast<int>(m_gen() % static_cast<quint32>(hi - lo + 1)); }
    bool percent(int p) { return static_cast<int>(m_gen() % 100u) < p; }
    template<typename T>
    T pick(std::initializer_list<T> items) { return *(items.begin() + range(0, static_cast<int>(items.size()) - 1)); }

private:
    std::mt19937 m_gen;
};

int bitCount(quint32 v) { return qPopulationCount(v); }

struct SAgent
{
    QString id;
    quint32 skills = 0;
    quint32 groups = 0; // bit per group index
    int cap = 0;
    bool vip = false;
    AgentStatus status = AgentStatus::Offline;
    int counted = 0;
    int open = 0;
    int accepted = 0;
    QDate acceptedDay;
};

struct SCustomer
{
    QString id;
    bool vip = false;
    QStringList tags;
    QString language;
    int owner = -1;
    int previous = -1;
    bool returning = false;
};

struct SConv
{
    QString id;
    enum State { New, Queued, Unmatched, Assigned, Closed } state = New;
    int customer = -1;
    int channel = -1;
    int rule = -1;
    Strategy strategy = Strategy::LeastLoad;
    std::vector<int> groupList;
    quint32 groups = 0;
    quint32 required = 0;
    int maxWait = 0;
    int priority = 0;
    bool head = false;
    qint64 arrival = 0;
    quint64 seq = 0;
    int agent = -1;
    int lastAgent = -1;
    bool counted = false;
    quint32 invited = 0;
    quint32 timedOut = 0;
    int excluded = -1; // transferred to a group by this agent: not given straight back
    bool widened = false;
    bool pendingWiden = false; // just widened: the next decision about it routes it again
    bool hasCustomerMessage = false;
    bool awaiting = false; // reply clock running
    qint64 replyStart = 0;
    qint64 idleStart = -1; // inactivity clock running since
    qint64 queuedAt = 0;
    int closedCount = 0;
};

const char *stateName(int s)
{
    static const char *const names[] = {"new", "queued", "unmatched", "assigned", "closed"};
    return names[s];
}

enum class Call { None, Arrive, CustomerMsg, Reply, Status, Cap, Claim, ToAgent, ToGroup, Invite, Close, Ticket, Tick };

class Runner
{
public:
    Runner(const Profile &profile, quint32 seed, bool checks, std::vector<QString> *stream, bool trace)
        : m_profile(profile), m_seed(seed), m_rng(seed), m_checks(checks), m_stream(stream), m_trace(trace)
    {
    }

    // Empty on success; otherwise what failed, where, and the events leading to it.
    QString run();

private:
    // generation
    void generateSite();
    QJsonObject randomHours();
    qint64 randomStart();
    QString randomText();

    // the driver
    void step(int index);
    void tickFirst() { m_engine->tick(); }
    bool timersPending() const
    {
        const qint64 next = m_engine->nextTimerMs();
        return next >= 0 && next <= m_clock.nowMs();
    }
    std::vector<int> liveConvs(int stateFilter = -1) const;
    int newConv(const QString &id, int customer, int channel, const QString &text, bool ticket);
    void expectResult(const char *what, const EngineResult &r, bool predicted, bool canPredict);

    // the shadow model
    void onDecision(const Decision &d);
    void release(SConv &c);
    void assignTo(SConv &c, int ai, bool counted, qint64 at);
    void checkAutomatic(const SConv &c, int ai, const Decision &d, const QString &strategyReason);
    void checkNoEligible(const SConv &c, qint64 at, const char *what);
    void checkNotSkipped(const SConv &served, int ai, qint64 at);
    void postEventChecks();

    int matchRule(int customer, int channel, const QString &text) const;
    quint32 openMask(qint64 t);
    QDate localDate(qint64 t);
    bool ambiguous(qint64 t);
    bool eligible(int ai, const SConv &c, quint32 open, QString *why = nullptr) const;
    int acceptedAt(const SAgent &a, qint64 t) { return a.acceptedDay == localDate(t) ? a.accepted : 0; }
    bool keyLess(const SConv &a, const SConv &b) const;
    int channelPriorityOf(const SConv &c) const
    {
        return m_site.routing.channelPriority ? m_site.channels[c.channel].priority : 0;
    }
    bool allowed(AgentStatus s) const { return m_allowed[static_cast<int>(s)]; }
    bool alwaysOpen(const SConv &c) const
    {
        for (int g : c.groupList) {
            if (!m_hours[g].alwaysOpen())
                return false;
        }
        return true;
    }
    int agentIndex(const QString &id) const { return m_agentIndex.value(id, -1); }
    QString convLabel(const SConv &c) const;

    void fail(const QString &what);
    void log(const QString &line)
    {
        if (m_trace)
            qDebug().noquote() << line;
        m_recent.push_back(line);
        if (m_recent.size() > 40)
            m_recent.pop_front();
    }

    const Profile &m_profile;
    quint32 m_seed;
    Rng m_rng;
    bool m_checks;
    std::vector<QString> *m_stream;
    bool m_trace;
    QString m_failure;
    std::deque<QString> m_recent;
    int m_event = -1;

    ManualClock m_clock;
    std::unique_ptr<RoutingEngine> m_engine;
    SiteConfig m_site;
    bool m_allowed[AgentStatusCount] = {false, false, false, false};
    std::vector<WorkingHours> m_hours;
    QTimeZone m_siteZone;
    std::vector<SAgent> m_agents;
    QHash<QString, int> m_agentIndex;
    std::vector<SCustomer> m_customers;
    std::vector<quint32> m_ruleSkills;
    std::vector<std::vector<std::pair<QString, int>>> m_ruleKeywordSkills;
    std::vector<SConv> m_convs;
    QHash<QString, int> m_convIndex;
    int m_nextConv = 0;
    bool m_landed = false;
    quint64 m_arrivalSeq = 0;

    // what the current call is, so its decisions can be told apart
    Call m_call = Call::None;
    int m_callConv = -1;
    int m_decisionsInCall = 0;

    quint64 m_lastSeq = 0;
    qint64 m_lastAt = 0;

    qint64 m_openAt = -1;
    quint32 m_openCache = 0;
    qint64 m_dateAt = -1;
    QDate m_dateCache;
    qint64 m_ambiguousAt = -1;
    bool m_ambiguousCache = false;
};

QString Runner::convLabel(const SConv &c) const
{
    return QStringLiteral("%1[%2%3%4]")
        .arg(c.id, QLatin1String(stateName(c.state)),
             c.agent >= 0 ? QStringLiteral(" %1%2").arg(m_agents[c.agent].id, c.counted ? QString() : QStringLiteral(" hand")) : QString(),
             c.widened ? QStringLiteral(" widened") : QString());
}

void Runner::fail(const QString &what)
{
    if (!m_failure.isEmpty())
        return;
    QString text = QStringLiteral("profile %1 seed %2, event %3: %4\n  reproduce: SB_PROP_PROFILE=%1 SB_PROP_SEED=%2 SB_PROP_TRACE=1\n  recent:")
                       .arg(QLatin1String(m_profile.name))
                       .arg(m_seed)
                       .arg(m_event)
                       .arg(what);
    for (const QString &line : m_recent)
        text += QLatin1String("\n    ") + QString(line).replace(QLatin1Char('\n'), QLatin1String("\n      "));
    m_failure = text;
}

// ---------------------------------------------------------------------------------------------
// Generation

QJsonObject Runner::randomHours()
{
    QJsonObject h;
    h.insert(QStringLiteral("timeZone"), QString::fromLatin1(kZones[m_rng.range(0, kZoneCount - 1)]));
    auto hhmm = [](int minute) {
        return QStringLiteral("%1:%2").arg(minute / 60, 2, 10, QLatin1Char('0')).arg(minute % 60, 2, 10, QLatin1Char('0'));
    };
    const int start = m_rng.range(0, 23) * 60 + m_rng.pick({0, 0, 30, 45});
    const int length = m_rng.range(2, 14) * 60 + m_rng.pick({0, 0, 30});
    int end = (start + length) % (24 * 60);
    const QString interval = hhmm(start) + QLatin1Char('-') + (end == 0 ? QStringLiteral("24:00") : hhmm(end));
    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const int shape = m_rng.range(0, 9);
    if (shape < 4) {
        h.insert(QStringLiteral("daily"), interval);
    } else if (shape < 7) {
        h.insert(QStringLiteral("mon-fri"), interval);
    } else {
        const int first = m_rng.range(0, 6);
        const int last = m_rng.range(0, 6);
        h.insert(QStringLiteral("%1-%2").arg(QLatin1String(days[first]), QLatin1String(days[last])), interval);
    }
    if (m_rng.percent(30)) {
        const QString day = QLatin1String(days[m_rng.range(0, 6)]);
        if (!h.contains(day))
            h.insert(day, m_rng.percent(20) ? QStringLiteral("closed") : QStringLiteral("10:00-12:00,13:15-17:00"));
    }
    return h;
}

qint64 Runner::randomStart()
{
    // Around daylight-saving changes in the zones used, or any day of 2024.
    static const int windows[][2] = {{3, 8}, {3, 29}, {4, 5}, {10, 4}, {10, 25}, {11, 1}};
    QDate date;
    if (m_rng.percent(60)) {
        const auto &w = windows[m_rng.range(0, 5)];
        date = QDate(2024, w[0], w[1]);
    } else {
        date = QDate(2024, 1, 1).addDays(m_rng.range(0, 365));
    }
    const qint64 ms = QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    return ms + static_cast<qint64>(m_rng.range(0, 24 * 3600 - 1)) * 1000 + m_rng.range(0, 999);
}

QString Runner::randomText()
{
    QStringList words;
    const int n = m_rng.range(0, 5);
    for (int i = 0; i < n; ++i)
        words << QString::fromLatin1(kFiller[m_rng.range(0, kFillerCount - 1)]);
    if (m_rng.percent(45)) {
        QString kw = QString::fromUtf8(kKeywords[m_rng.range(0, kKeywordCount - 1)]);
        if (m_rng.percent(30))
            kw = kw.toUpper();
        words.insert(m_rng.range(0, static_cast<int>(words.size())), kw);
    }
    return words.join(QLatin1Char(' '));
}

void Runner::generateSite()
{
    RoutingSettings &r = m_site.routing;
    r.allowedStatuses = {AgentStatus::Online};
    if (m_rng.percent(30))
        r.allowedStatuses.push_back(AgentStatus::Busy);
    if (m_rng.percent(10))
        r.allowedStatuses.push_back(AgentStatus::Away);
    for (AgentStatus s : r.allowedStatuses)
        m_allowed[static_cast<int>(s)] = true;
    r.channelPriority = m_rng.percent(60);
    r.vipPriorityBoost = m_rng.pick({0, 3, 10, 10});
    r.replyTimeoutSeconds = m_profile.timersAlways ? m_rng.pick({30, 45, 125}) : m_rng.pick({0, 0, 30, 125, 590});
    r.autoCloseMinutes = m_profile.timersAlways ? m_rng.pick({2, 10, 30}) : m_rng.pick({0, 0, 5, 30, 240});
    r.offlinePolicy = m_rng.pick({OfflinePolicy::Keep, OfflinePolicy::Requeue, OfflinePolicy::Reassign});
    r.timeZone = QString::fromLatin1(kZones[m_rng.range(0, kZoneCount - 1)]);
    r.explainLimit = m_rng.percent(20) ? m_rng.range(1, 4) : 25;
    m_siteZone = QTimeZone(r.timeZone.toUtf8());

    const int channels = m_rng.range(2, 4);
    for (int i = 0; i < channels; ++i) {
        ChannelConfig c;
        c.id = QString::fromLatin1(kChannelNames[i]);
        c.name = c.id;
        c.type = c.id;
        c.priority = m_rng.range(0, 3);
        m_site.channels.push_back(c);
    }

    const int groups = m_rng.range(2, 4);
    for (int i = 0; i < groups; ++i) {
        GroupConfig g;
        g.id = QStringLiteral("g%1").arg(i);
        g.name = g.id;
        g.offHoursMessage = QStringLiteral("closed");
        g.expectedResponseSeconds = 60;
        if (m_rng.percent(m_profile.hoursPercent)) {
            QString error;
            const QJsonObject json = randomHours();
            if (!WorkingHours::fromJson(json, &g.hours, &error))
                fail(QStringLiteral("bad generated hours: %1").arg(error));
        }
        m_hours.push_back(g.hours);
        m_site.groups.push_back(g);
    }

    const int agents = m_rng.range(m_profile.minAgents, m_profile.maxAgents);
    for (int i = 0; i < agents; ++i) {
        AgentConfig a;
        SAgent s;
        a.id = s.id = QStringLiteral("a%1").arg(i);
        a.name = QStringLiteral("Agent %1").arg(i);
        for (int k = 0; k < kSkillCount; ++k) {
            if (m_rng.percent(40)) {
                a.skills << QString::fromLatin1(kSkillNames[k]);
                s.skills |= 1u << k;
            }
        }
        for (int g = 0; g < groups; ++g) {
            if (m_rng.percent(40))
                s.groups |= 1u << g;
        }
        if (!s.groups)
            s.groups = 1u << m_rng.range(0, groups - 1);
        // Ring order is the order given: shuffle it a little by starting at a random group.
        const int first = m_rng.range(0, groups - 1);
        for (int k = 0; k < groups; ++k) {
            const int g = (first + k) % groups;
            if (s.groups & (1u << g))
                a.groups << m_site.groups[g].id;
        }
        a.maxConcurrent = s.cap = m_rng.range(0, m_profile.maxCap);
        a.vipDedicated = s.vip = m_rng.percent(20);
        a.status = s.status = m_rng.pick({AgentStatus::Online, AgentStatus::Online, AgentStatus::Online, AgentStatus::Busy,
                                           AgentStatus::Away, AgentStatus::Offline});
        m_agentIndex.insert(s.id, static_cast<int>(m_agents.size()));
        m_agents.push_back(s);
        m_site.agents.push_back(a);
    }

    const int customers = m_rng.range(6, 16);
    for (int i = 0; i < customers; ++i) {
        CustomerConfig c;
        SCustomer s;
        c.id = s.id = QStringLiteral("u%1").arg(i);
        c.name = c.id;
        c.vip = s.vip = m_rng.percent(20);
        for (int t = 0; t < kTagCount; ++t) {
            if (m_rng.percent(25))
                c.tags << QString::fromLatin1(kTags[t]);
        }
        s.tags = c.tags;
        c.language = s.language = QString::fromLatin1(kLanguages[m_rng.range(0, kLanguageCount - 1)]);
        if (m_rng.percent(15)) {
            s.owner = m_rng.range(0, agents - 1);
            c.owner = m_agents[s.owner].id;
        }
        if (m_rng.percent(m_profile.previousPercent)) {
            s.previous = m_rng.range(0, agents - 1);
            c.previousAgent = m_agents[s.previous].id;
        }
        c.returning = s.returning = m_rng.percent(m_profile.returningPercent);
        m_customers.push_back(s);
        m_site.customers.push_back(c);
    }

    const int rules = m_rng.range(1, 5);
    const bool catchAll = m_rng.percent(75);
    for (int i = 0; i < rules; ++i) {
        RuleConfig rule;
        rule.id = QStringLiteral("r%1").arg(i);
        rule.name = rule.id;
        const bool last = i == rules - 1;
        if (!(last && catchAll)) {
            if (m_rng.percent(25)) {
                for (const auto &c : m_site.channels) {
                    if (m_rng.percent(50))
                        rule.channels << c.id;
                }
                if (rule.channels.isEmpty())
                    rule.channels << m_site.channels.front().id;
            }
            if (m_rng.percent(20))
                rule.vip = m_rng.percent(50);
            if (m_rng.percent(20))
                rule.customer = m_rng.percent(50) ? CustomerKind::New : CustomerKind::Returning;
            if (m_rng.percent(15))
                rule.languages << QString::fromLatin1(kLanguages[m_rng.range(0, kLanguageCount - 1)]).toUpper();
            if (m_rng.percent(10))
                rule.tagsAll << QString::fromLatin1(kTags[m_rng.range(0, kTagCount - 1)]);
            if (m_rng.percent(15))
                rule.tagsAny << QString::fromLatin1(kTags[m_rng.range(0, kTagCount - 1)])
                             << QString::fromLatin1(kTags[m_rng.range(0, kTagCount - 1)]);
            if (m_rng.percent(20))
                rule.keywordsAny << QString::fromUtf8(kKeywords[m_rng.range(0, kKeywordCount - 1)]);
        }
        const int g1 = m_rng.range(0, groups - 1);
        rule.groups << m_site.groups[g1].id;
        if (m_rng.percent(35)) {
            const int g2 = m_rng.range(0, groups - 1);
            if (g2 != g1)
                rule.groups << m_site.groups[g2].id;
        }
        rule.strategy = m_rng.pick({Strategy::LeastLoad, Strategy::RoundRobin, Strategy::IdleRate, Strategy::Skills, Strategy::Skills,
                                    Strategy::Manual});
        quint32 skills = 0;
        for (int k = 0; k < kSkillCount; ++k) {
            if (m_rng.percent(12)) {
                rule.skills << QString::fromLatin1(kSkillNames[k]);
                skills |= 1u << k;
            }
        }
        std::vector<std::pair<QString, int>> keywordSkills;
        const int kws = m_rng.range(0, 2);
        for (int k = 0; k < kws; ++k) {
            const QString kw = QString::fromUtf8(kKeywords[m_rng.range(0, kKeywordCount - 1)]);
            const int skill = m_rng.range(0, kSkillCount - 1);
            rule.keywordSkills.push_back({m_rng.percent(30) ? kw.toUpper() : kw, QString::fromLatin1(kSkillNames[skill])});
            keywordSkills.push_back({kw.toLower(), skill});
        }
        rule.maxWaitSeconds = m_rng.pick({0, 30, 125, 295, 905});
        rule.priority = m_rng.range(0, 5);
        rule.preferPreviousAgent = m_rng.percent(70);
        rule.preferOwner = m_rng.percent(70);
        rule.preferVipAgents = m_rng.percent(70);
        m_site.rules.push_back(rule);
        m_ruleSkills.push_back(skills);
        m_ruleKeywordSkills.push_back(keywordSkills);
    }
}

// ---------------------------------------------------------------------------------------------
// Independent computations

int Runner::matchRule(int customer, int channel, const QString &text) const
{
    const SCustomer &cu = m_customers[customer];
    const QString channelId = m_site.channels[channel].id;
    const QString lower = text.toLower();
    for (int i = 0; i < static_cast<int>(m_site.rules.size()); ++i) {
        const RuleConfig &r = m_site.rules[i];
        if (!r.channels.isEmpty() && !r.channels.contains(channelId))
            continue;
        if (r.vip && *r.vip != cu.vip)
            continue;
        if (r.customer == CustomerKind::New && cu.returning)
            continue;
        if (r.customer == CustomerKind::Returning && !cu.returning)
            continue;
        if (!r.languages.isEmpty() && !r.languages.contains(cu.language, Qt::CaseInsensitive))
            continue;
        bool ok = true;
        for (const QString &t : r.tagsAll)
            ok = ok && cu.tags.contains(t, Qt::CaseInsensitive);
        if (!ok)
            continue;
        if (!r.tagsAny.isEmpty()) {
            bool any = false;
            for (const QString &t : r.tagsAny)
                any = any || cu.tags.contains(t, Qt::CaseInsensitive);
            if (!any)
                continue;
        }
        if (!r.keywordsAny.isEmpty()) {
            bool any = false;
            for (const QString &k : r.keywordsAny)
                any = any || lower.contains(k.toLower());
            if (!any)
                continue;
        }
        return i;
    }
    return -1;
}

quint32 Runner::openMask(qint64 t)
{
    if (t != m_openAt) {
        m_openAt = t;
        m_openCache = 0;
        for (int g = 0; g < static_cast<int>(m_hours.size()); ++g) {
            if (m_hours[g].isOpen(t))
                m_openCache |= 1u << g;
        }
    }
    return m_openCache;
}

QDate Runner::localDate(qint64 t)
{
    if (t != m_dateAt) {
        m_dateAt = t;
        m_dateCache = QDateTime::fromMSecsSinceEpoch(t, m_siteZone).date();
    }
    return m_dateCache;
}

// An instant at which the hours of two or more groups change: their timers fire one after the
// other, so a decision made at that instant may see some of them open and others not yet; choices
// that depend on it are not judged there. (Other timers never fall on such an instant: the
// generated reply timeouts and perfect-skill waits are not whole minutes, and events are kept off
// whole minutes, so their timers are too.)
bool Runner::ambiguous(qint64 t)
{
    if (t != m_ambiguousAt) {
        m_ambiguousAt = t;
        const quint32 before = openMask(t - 1);
        const quint32 now = openMask(t);
        m_ambiguousCache = bitCount(now ^ before) >= 2;
    }
    return m_ambiguousCache;
}

bool Runner::eligible(int ai, const SConv &c, quint32 open, QString *why) const
{
    const SAgent &a = m_agents[ai];
    auto no = [&](const QString &reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (!(a.groups & c.groups & open))
        return no(QStringLiteral("%1 is not in an open target group").arg(a.id));
    if (!allowed(a.status))
        return no(QStringLiteral("%1 has status %2").arg(a.id, toString(a.status)));
    if (a.counted >= a.cap)
        return no(QStringLiteral("%1 is at cap %2/%3").arg(a.id).arg(a.counted).arg(a.cap));
    if (c.timedOut & (1u << ai))
        return no(QStringLiteral("%1 timed out on it before").arg(a.id));
    if (c.excluded == ai)
        return no(QStringLiteral("%1 transferred it to a group").arg(a.id));
    if (!c.widened && (a.skills & c.required) != c.required)
        return no(QStringLiteral("%1 lacks required skills").arg(a.id));
    return true;
}

bool Runner::keyLess(const SConv &a, const SConv &b) const
{
    const int ca = channelPriorityOf(a), cb = channelPriorityOf(b);
    if (ca != cb)
        return ca > cb;
    if (a.priority != b.priority)
        return a.priority > b.priority;
    if (a.head != b.head)
        return a.head;
    if (a.arrival != b.arrival)
        return a.arrival < b.arrival;
    return a.seq < b.seq;
}

// ---------------------------------------------------------------------------------------------
// The shadow model, driven by the decision stream

void Runner::release(SConv &c)
{
    if (c.agent >= 0) {
        SAgent &a = m_agents[c.agent];
        --a.open;
        if (c.counted)
            --a.counted;
    }
    c.agent = -1;
    c.counted = false;
    c.awaiting = false;
}

void Runner::assignTo(SConv &c, int ai, bool counted, qint64 at)
{
    SAgent &a = m_agents[ai];
    ++a.open;
    if (counted)
        ++a.counted;
    const QDate day = localDate(at);
    if (a.acceptedDay != day) {
        a.acceptedDay = day;
        a.accepted = 0;
    }
    ++a.accepted;
    c.state = SConv::Assigned;
    c.agent = ai;
    c.lastAgent = ai;
    c.counted = counted;
    c.excluded = -1;
    c.awaiting = c.hasCustomerMessage;
    c.replyStart = at;
}

void Runner::checkNoEligible(const SConv &c, qint64 at, const char *what)
{
    if (!m_checks || ambiguous(at) || c.strategy == Strategy::Manual)
        return;
    const quint32 open = openMask(at);
    for (int ai = 0; ai < static_cast<int>(m_agents.size()); ++ai) {
        if (eligible(ai, c, open))
            fail(QStringLiteral("%1 %2 although %3 could take it (load %4/%5)")
                     .arg(QLatin1String(what), c.id, m_agents[ai].id)
                     .arg(m_agents[ai].counted)
                     .arg(m_agents[ai].cap));
    }
}

// A conversation served from the queue: nothing ahead of it that the same agent could take may
// still be waiting.
void Runner::checkNotSkipped(const SConv &served, int ai, qint64 at)
{
    if (!m_checks || ambiguous(at))
        return;
    const quint32 open = openMask(at);
    for (const SConv &x : m_convs) {
        if (&x == &served || x.state != SConv::Queued || x.pendingWiden || x.strategy == Strategy::Manual)
            continue;
        if (keyLess(x, served) && eligible(ai, x, open))
            fail(QStringLiteral("%1 was served from the queue to %2 although %3, ahead of it, could have had %2")
                     .arg(served.id, m_agents[ai].id, x.id));
    }
}

// An automatic assignment of c to agent ai, judged before the shadow applies it.
void Runner::checkAutomatic(const SConv &c, int ai, const Decision &d, const QString &strategyReason)
{
    const SAgent &a = m_agents[ai];
    if (a.counted >= a.cap)
        fail(QStringLiteral("%1 given to %2 at load %3 with cap %4").arg(c.id, a.id).arg(a.counted).arg(a.cap));
    if (!m_checks || ambiguous(d.at))
        return;
    const quint32 open = openMask(d.at);
    QString why;
    if (!eligible(ai, c, open, &why))
        fail(QStringLiteral("%1 given automatically to an ineligible agent: %2").arg(c.id, why));
    if (c.strategy == Strategy::Manual)
        fail(QStringLiteral("%1 follows a manual rule but was given automatically to %2").arg(c.id, a.id));
    if (strategyReason.isEmpty())
        return;

    // Preferences come before the strategy: previous agent, owner, VIP-dedicated agents.
    const SCustomer &cu = m_customers[c.customer];
    const RuleConfig *rule = c.rule >= 0 ? &m_site.rules[c.rule] : nullptr;
    const bool preferPrevious = rule ? rule->preferPreviousAgent : true;
    const bool preferOwner = rule ? rule->preferOwner : true;
    const bool preferVip = rule ? rule->preferVipAgents : true;
    const QString reason = strategyReason;
    if (preferPrevious && cu.returning && cu.previous >= 0 && eligible(cu.previous, c, open)) {
        if (reason != toString(Reason::PreviousAgent) || ai != cu.previous)
            fail(QStringLiteral("%1: returning customer's previous agent %2 was eligible, but %3 won (%4)")
                     .arg(c.id, m_agents[cu.previous].id, a.id, reason));
        return;
    }
    if (reason == toString(Reason::PreviousAgent))
        fail(QStringLiteral("%1: won as previous agent, but %2 is not an eligible previous agent").arg(c.id, a.id));
    if (preferOwner && cu.owner >= 0 && eligible(cu.owner, c, open)) {
        if (reason != toString(Reason::Owner) || ai != cu.owner)
            fail(QStringLiteral("%1: the owner %2 was eligible, but %3 won (%4)").arg(c.id, m_agents[cu.owner].id, a.id, reason));
        return;
    }
    if (reason == toString(Reason::Owner))
        fail(QStringLiteral("%1: won as owner, but %2 is not the eligible owner").arg(c.id, a.id));
    std::vector<int> pool;
    bool vipPool = false;
    if (preferVip && cu.vip) {
        for (int k = 0; k < static_cast<int>(m_agents.size()); ++k) {
            if (m_agents[k].vip && eligible(k, c, open))
                pool.push_back(k);
        }
        vipPool = !pool.empty();
    }
    if (vipPool != (reason == toString(Reason::VipDedicated)))
        fail(QStringLiteral("%1: VIP customer %2, %3 dedicated agents eligible, won by %4 (%5)")
                 .arg(c.id, cu.id)
                 .arg(pool.size())
                 .arg(a.id, reason));
    if (vipPool && !a.vip)
        fail(QStringLiteral("%1: won as VIP-dedicated by %2, who is not VIP-dedicated").arg(c.id, a.id));
    if (!vipPool) {
        pool.clear();
        for (int k = 0; k < static_cast<int>(m_agents.size()); ++k) {
            if (eligible(k, c, open))
                pool.push_back(k);
        }
        Reason expected = Reason::LeastLoad;
        switch (c.strategy) {
        case Strategy::RoundRobin: expected = Reason::RoundRobin; break;
        case Strategy::IdleRate: expected = Reason::IdleRate; break;
        case Strategy::Skills: expected = Reason::SkillsPerfect; break;
        default: expected = Reason::LeastLoad; break;
        }
        if (c.widened && c.required && c.strategy != Strategy::RoundRobin)
            expected = Reason::SkillsWidened;
        if (reason != toString(expected))
            fail(QStringLiteral("%1: strategy %2 should decide (%3), but the reason is %4")
                     .arg(c.id, toString(c.strategy), toString(expected), reason));
    }
    // The winner is the best of the pool by the strategy (round-robin: any member of the pool).
    const bool widenedPick = c.widened && c.required && c.strategy != Strategy::RoundRobin;
    for (int k : pool) {
        const SAgent &o = m_agents[k];
        QString better;
        if (widenedPick) {
            const int sa = bitCount(a.skills & c.required), so = bitCount(o.skills & c.required);
            if (so > sa || (so == sa && o.open < a.open))
                better = QStringLiteral("holds %1 of the skills and has %2 open, the winner %3 and %4").arg(so).arg(o.open).arg(sa).arg(a.open);
        } else if (c.strategy == Strategy::IdleRate) {
            if (acceptedAt(o, d.at) < acceptedAt(a, d.at))
                better = QStringLiteral("accepted %1 today, the winner %2").arg(acceptedAt(o, d.at)).arg(acceptedAt(a, d.at));
        } else if (c.strategy != Strategy::RoundRobin) {
            if (o.open < a.open)
                better = QStringLiteral("has %1 open, the winner %2").arg(o.open).arg(a.open);
        }
        if (!better.isEmpty())
            fail(QStringLiteral("%1 (%2): %3 should have won over %4: %5").arg(c.id, reason, o.id, a.id, better));
    }
    if (std::find(pool.begin(), pool.end(), ai) == pool.end())
        fail(QStringLiteral("%1: winner %2 is not in the candidate pool").arg(c.id, a.id));
}

void Runner::onDecision(const Decision &d)
{
    ++m_decisionsInCall;
    const QString text = explain(d);
    if (m_stream)
        m_stream->push_back(text);
    log(QStringLiteral("  -> ") + text);

    if (d.seq != m_lastSeq + 1)
        fail(QStringLiteral("decision seq %1 after %2").arg(d.seq).arg(m_lastSeq));
    if (d.at < m_lastAt || d.at > m_clock.nowMs())
        fail(QStringLiteral("decision at %1: previous at %2, clock %3").arg(d.at).arg(m_lastAt).arg(m_clock.nowMs()));
    m_lastSeq = d.seq;
    m_lastAt = d.at;

    const int ci = m_convIndex.value(d.conversation, -1);
    if (ci < 0) {
        fail(QStringLiteral("decision about unknown conversation %1").arg(d.conversation));
        return;
    }
    SConv &c = m_convs[ci];
    if (c.state == SConv::Closed) {
        fail(QStringLiteral("decision %1 about %2, which was already closed").arg(toString(d.kind), c.id));
        return;
    }
    if (c.pendingWiden && d.kind != DecisionKind::Assigned && d.kind != DecisionKind::Queued && d.kind != DecisionKind::OffHours)
        fail(QStringLiteral("%1 widened, then %2 instead of being routed").arg(c.id, toString(d.kind)));
    const bool afterWiden = c.pendingWiden;
    c.pendingWiden = false;

    // A Closed decision names the person who closed it, who need not be an agent.
    const int ai = d.agent.isEmpty() || d.kind == DecisionKind::Closed ? -1 : agentIndex(d.agent);
    const int from = d.fromAgent.isEmpty() ? -1 : agentIndex(d.fromAgent);
    if (!d.agent.isEmpty() && ai < 0 && d.kind != DecisionKind::Closed)
        fail(QStringLiteral("decision names unknown agent %1").arg(d.agent));
    if (!d.fromAgent.isEmpty() && from < 0)
        fail(QStringLiteral("decision names unknown agent %1").arg(d.fromAgent));
    if (!m_failure.isEmpty())
        return;

    // The groups the decision names are the conversation's target groups.
    QStringList expectedGroups;
    for (int g : c.groupList)
        expectedGroups << m_site.groups[g].id;
    const bool isArrival = c.state == SConv::New;
    if (d.groups != expectedGroups && d.kind != DecisionKind::Closed)
        fail(QStringLiteral("%1: decision names groups [%2], expected [%3]").arg(c.id, d.groups.join(QLatin1Char(',')), expectedGroups.join(QLatin1Char(','))));
    const QString expectedRule = c.rule >= 0 ? m_site.rules[c.rule].id : QString();
    if (d.rule != expectedRule)
        fail(QStringLiteral("%1: decision names rule \"%2\", expected \"%3\"").arg(c.id, d.rule, expectedRule));

    // A strategy reason: in the reason itself for assignments, as the detail's prefix for
    // reassignments and group transfers (their reason is the cause).
    auto strategyPrefix = [&]() { return d.detail.section(QStringLiteral(", "), 0, 0); };

    switch (d.kind) {
    case DecisionKind::Assigned: {
        if (d.reason == Reason::ByHand) {
            if (!(isArrival && m_call == Call::Ticket && m_callConv == ci))
                fail(QStringLiteral("%1 assigned by hand outside an agent opening a ticket").arg(c.id));
            assignTo(c, ai, false, d.at);
            break;
        }
        if (d.fromQueue) {
            if (c.state != SConv::Queued || afterWiden)
                fail(QStringLiteral("%1 assigned from the queue but was %2").arg(c.id, QLatin1String(stateName(c.state))));
        } else if (!isArrival && !afterWiden) {
            fail(QStringLiteral("%1 assigned while %2 (not from the queue, not an arrival)").arg(c.id, QLatin1String(stateName(c.state))));
        }
        checkAutomatic(c, ai, d, toString(d.reason));
        if (d.fromQueue)
            checkNotSkipped(c, ai, d.at);
        assignTo(c, ai, true, d.at);
        break;
    }
    case DecisionKind::Queued:
    case DecisionKind::OffHours: {
        if (c.state == SConv::Assigned) {
            if (m_call != Call::ToGroup || m_callConv != ci || from != c.agent)
                fail(QStringLiteral("%1 left %2 for the queue outside a transfer to a group").arg(c.id, m_agents[c.agent].id));
            release(c);
        } else if (!isArrival && !afterWiden && !(m_call == Call::ToGroup && m_callConv == ci)) {
            fail(QStringLiteral("%1 queued again while %2").arg(c.id, QLatin1String(stateName(c.state))));
        }
        if (c.groupList.empty())
            fail(QStringLiteral("%1 queued without a target group").arg(c.id));
        const quint32 open = openMask(d.at);
        if (!ambiguous(d.at)) {
            if (d.kind == DecisionKind::OffHours && (c.groups & open))
                fail(QStringLiteral("%1 told off-hours although a target group is open").arg(c.id));
            if (d.kind == DecisionKind::Queued && c.strategy != Strategy::Manual && !(c.groups & open))
                fail(QStringLiteral("%1 queued as %2 although every target group is closed").arg(c.id, toString(d.reason)));
        }
        if (d.kind == DecisionKind::Queued && c.strategy == Strategy::Manual && d.reason != Reason::ManualStrategy)
            fail(QStringLiteral("%1 follows a manual rule but was queued for %2").arg(c.id, toString(d.reason)));
        c.state = SConv::Queued;
        c.queuedAt = d.at;
        checkNoEligible(c, d.at, "queued");
        break;
    }
    case DecisionKind::Unmatched:
        if (!isArrival)
            fail(QStringLiteral("%1 unmatched but not arriving").arg(c.id));
        if (c.rule >= 0)
            fail(QStringLiteral("%1 unmatched although rule %2 matches").arg(c.id, m_site.rules[c.rule].id));
        if (!d.notifyAdmins)
            fail(QStringLiteral("%1 unmatched without telling the admins").arg(c.id));
        c.state = SConv::Unmatched;
        break;
    case DecisionKind::Reassigned:
    case DecisionKind::Requeued: {
        if (c.state != SConv::Assigned || from != c.agent || from < 0) {
            fail(QStringLiteral("%1 %2 from %3 but was %4").arg(c.id, toString(d.kind), d.fromAgent, convLabel(c)));
            break;
        }
        if (d.reason == Reason::ReplyTimeout) {
            if (!c.awaiting)
                fail(QStringLiteral("%1: reply timeout while no reply was awaited").arg(c.id));
            else if (d.at != c.replyStart + m_site.routing.replyTimeoutSeconds * 1000LL)
                fail(QStringLiteral("%1: reply timeout at %2, due at %3").arg(c.id).arg(d.at).arg(c.replyStart + m_site.routing.replyTimeoutSeconds * 1000LL));
            c.timedOut |= 1u << from;
        } else if (d.reason == Reason::AgentOffline) {
            if (m_agents[from].status != AgentStatus::Offline || m_call != Call::Status)
                fail(QStringLiteral("%1 taken from %2 for going offline, who is %3").arg(c.id, d.fromAgent, toString(m_agents[from].status)));
            if (m_site.routing.offlinePolicy == OfflinePolicy::Keep ||
                (m_site.routing.offlinePolicy == OfflinePolicy::Requeue && d.kind == DecisionKind::Reassigned))
                fail(QStringLiteral("%1: %2 under offline policy %3").arg(c.id, toString(d.kind), toString(m_site.routing.offlinePolicy)));
        } else {
            fail(QStringLiteral("%1 %2 for %3").arg(c.id, toString(d.kind), toString(d.reason)));
        }
        release(c);
        if (d.kind == DecisionKind::Reassigned) {
            if (ai == from)
                fail(QStringLiteral("%1 reassigned to the agent it was taken from").arg(c.id));
            checkAutomatic(c, ai, d, strategyPrefix());
            assignTo(c, ai, true, d.at);
        } else if (c.groupList.empty()) {
            // Nothing to queue it in (a kept ticket without a rule, an unmatched one handed to
            // an agent): back to the unmatched queue, and the admins are told.
            if (!d.notifyAdmins)
                fail(QStringLiteral("%1 requeued without target groups, admins not told").arg(c.id));
            c.state = SConv::Unmatched;
            c.head = true;
        } else {
            c.state = SConv::Queued;
            c.head = true;
            c.queuedAt = d.at;
            if (d.reason == Reason::ReplyTimeout || m_site.routing.offlinePolicy == OfflinePolicy::Reassign)
                checkNoEligible(c, d.at, "requeued");
        }
        break;
    }
    case DecisionKind::Widened:
        if (c.state != SConv::Queued || c.widened || !c.required || c.maxWait <= 0 || c.strategy == Strategy::Manual)
            fail(QStringLiteral("%1 widened (required skills %2, max wait %3 s)").arg(convLabel(c)).arg(c.required).arg(c.maxWait));
        if (d.at < c.arrival + c.maxWait * 1000LL)
            fail(QStringLiteral("%1 widened at %2, before its wait ran out at %3").arg(c.id).arg(d.at).arg(c.arrival + c.maxWait * 1000LL));
        if (!ambiguous(d.at) && !(c.groups & openMask(d.at)))
            fail(QStringLiteral("%1 widened while every target group is closed (nobody could have answered)").arg(c.id));
        c.widened = true;
        c.pendingWiden = true;
        break;
    case DecisionKind::Claimed: {
        if (m_call != Call::Claim || m_callConv != ci)
            fail(QStringLiteral("%1 claimed outside a claim").arg(c.id));
        const SAgent &a = m_agents[ai];
        if (c.state != SConv::Queued)
            fail(QStringLiteral("%1 claimed while %2").arg(c.id, QLatin1String(stateName(c.state))));
        if (!(a.groups & c.groups))
            fail(QStringLiteral("%1 claimed by %2, who is not in its groups").arg(c.id, a.id));
        if (a.status == AgentStatus::Offline)
            fail(QStringLiteral("%1 claimed by offline %2").arg(c.id, a.id));
        if (a.counted >= a.cap)
            fail(QStringLiteral("%1 claimed by %2 at load %3 with cap %4").arg(c.id, a.id).arg(a.counted).arg(a.cap));
        if (!d.fromQueue)
            fail(QStringLiteral("%1 claimed, not from the queue").arg(c.id));
        assignTo(c, ai, true, d.at);
        break;
    }
    case DecisionKind::Transferred: {
        if (m_callConv != ci || (m_call != Call::ToGroup && m_call != Call::ToAgent)) {
            fail(QStringLiteral("%1 transferred outside a transfer").arg(c.id));
            break;
        }
        if (c.state == SConv::Assigned ? from != c.agent : from >= 0)
            fail(QStringLiteral("%1 transferred from %2 but was %3").arg(c.id, d.fromAgent, convLabel(c)));
        release(c);
        if (m_call == Call::ToGroup) {
            // A group transfer is routed automatically: it counts toward the cap.
            checkAutomatic(c, ai, d, strategyPrefix());
            assignTo(c, ai, true, d.at);
        } else {
            if (m_agents[ai].status == AgentStatus::Offline)
                fail(QStringLiteral("%1 transferred to offline %2").arg(c.id, d.agent));
            c.invited &= ~(1u << ai);
            assignTo(c, ai, false, d.at);
        }
        break;
    }
    case DecisionKind::Invited:
        if (m_call != Call::Invite || m_callConv != ci)
            fail(QStringLiteral("%1: %2 invited outside an invitation").arg(c.id, d.agent));
        if (ai == c.agent || (c.invited & (1u << ai)) || m_agents[ai].status == AgentStatus::Offline)
            fail(QStringLiteral("%1: %2 invited but is the agent, already invited or offline").arg(c.id, d.agent));
        c.invited |= 1u << ai;
        break;
    case DecisionKind::Closed: {
        if (c.state == SConv::New)
            fail(QStringLiteral("%1 closed before it was routed").arg(c.id));
        if (c.state == SConv::Assigned ? from != c.agent : from >= 0)
            fail(QStringLiteral("%1 closed from %2 but was %3").arg(c.id, d.fromAgent, convLabel(c)));
        if (d.reason == Reason::CustomerInactive) {
            const qint64 due = c.idleStart + m_site.routing.autoCloseMinutes * 60000LL;
            if (m_site.routing.autoCloseMinutes <= 0 || c.idleStart < 0 || d.at != due)
                fail(QStringLiteral("%1 auto-closed at %2; inactivity since %3, due %4").arg(c.id).arg(d.at).arg(c.idleStart).arg(due));
        } else if (d.reason != Reason::ByAgent || m_call != Call::Close || m_callConv != ci) {
            fail(QStringLiteral("%1 closed for %2 outside a close").arg(c.id, toString(d.reason)));
        }
        release(c);
        c.state = SConv::Closed;
        ++c.closedCount;
        SCustomer &cu = m_customers[c.customer];
        if (c.lastAgent >= 0)
            cu.previous = c.lastAgent;
        cu.returning = true;
        break;
    }
    }

    // The engine's own counters for the agents concerned agree with the shadow at this moment.
    if (m_checks && m_failure.isEmpty()) {
        for (int k : {ai, from}) {
            if (k < 0)
                continue;
            const auto info = m_engine->agent(m_agents[k].id);
            if (!info || info->countedLoad != m_agents[k].counted || info->openConversations != m_agents[k].open)
                fail(QStringLiteral("after %1 of %2: engine has %3 at %4 counted/%5 open, shadow %6/%7")
                         .arg(toString(d.kind), c.id, m_agents[k].id)
                         .arg(info ? info->countedLoad : -1)
                         .arg(info ? info->openConversations : -1)
                         .arg(m_agents[k].counted)
                         .arg(m_agents[k].open));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// After every event

void Runner::postEventChecks()
{
    const QStringList bad = m_engine->checkInvariants();
    if (!bad.isEmpty()) {
        fail(QStringLiteral("checkInvariants: %1").arg(bad.join(QLatin1String("; "))));
        return;
    }
    const qint64 now = m_clock.nowMs();
    const quint32 open = openMask(now);
    const RoutingSettings &r = m_site.routing;

    int live = 0;
    std::vector<std::vector<int>> queues(m_site.groups.size());
    std::vector<int> unmatched;
    for (int ci = 0; ci < static_cast<int>(m_convs.size()); ++ci) {
        const SConv &c = m_convs[ci];
        const auto info = m_engine->conversation(c.id);
        if (c.state == SConv::New) {
            fail(QStringLiteral("%1 arrived but no decision was made about it").arg(c.id));
            return;
        }
        if (c.state == SConv::Closed) {
            if (c.closedCount != 1)
                fail(QStringLiteral("%1 closed %2 times").arg(c.id).arg(c.closedCount));
            if (info)
                fail(QStringLiteral("%1 closed but still live in the engine").arg(c.id));
            continue;
        }
        ++live;
        if (!info) {
            fail(QStringLiteral("%1 lost: the shadow has it %2, the engine does not know it").arg(c.id, QLatin1String(stateName(c.state))));
            return;
        }
        const int expectedState = c.state == SConv::Queued ? ConversationInfo::Queued
                                  : c.state == SConv::Unmatched ? ConversationInfo::Unmatched
                                                                : ConversationInfo::Assigned;
        const QString agent = c.agent >= 0 ? m_agents[c.agent].id : QString();
        if (info->state != expectedState || info->agent != agent || info->countsTowardCap != c.counted ||
            info->widened != c.widened) {
            fail(QStringLiteral("%1: engine state %2 agent %3 counted %4 widened %5, shadow %6")
                     .arg(c.id)
                     .arg(info->state)
                     .arg(info->agent)
                     .arg(info->countsTowardCap)
                     .arg(info->widened)
                     .arg(convLabel(c)));
            return;
        }
        QStringList groups;
        for (int g : c.groupList)
            groups << m_site.groups[g].id;
        quint32 required = 0;
        for (const QString &s : info->requiredSkills) {
            for (int k = 0; k < kSkillCount; ++k) {
                if (s == QLatin1String(kSkillNames[k]))
                    required |= 1u << k;
            }
        }
        if (info->groups != groups || required != c.required)
            fail(QStringLiteral("%1: engine groups [%2] skills [%3], shadow [%4] %5")
                     .arg(c.id, info->groups.join(QLatin1Char(',')), info->requiredSkills.join(QLatin1Char(',')), groups.join(QLatin1Char(',')))
                     .arg(c.required));
        quint32 invited = 0;
        for (const QString &id : info->invited)
            invited |= 1u << agentIndex(id);
        if (invited != c.invited || info->invited.size() != bitCount(c.invited))
            fail(QStringLiteral("%1: engine invited [%2], shadow mask %3").arg(c.id, info->invited.join(QLatin1Char(','))).arg(c.invited));
        if (c.state == SConv::Queued) {
            for (int g : c.groupList)
                queues[g].push_back(ci);
        } else if (c.state == SConv::Unmatched) {
            unmatched.push_back(ci);
        }

        // Timers fire when due: nothing overdue survives an event.
        if (r.replyTimeoutSeconds > 0 && c.state == SConv::Assigned && c.awaiting &&
            now >= c.replyStart + r.replyTimeoutSeconds * 1000LL)
            fail(QStringLiteral("%1: reply timeout due at %2 did not fire by %3").arg(c.id).arg(c.replyStart + r.replyTimeoutSeconds * 1000LL).arg(now));
        if (r.autoCloseMinutes > 0 && c.idleStart >= 0 && now >= c.idleStart + r.autoCloseMinutes * 60000LL)
            fail(QStringLiteral("%1: auto-close due at %2 did not fire by %3").arg(c.id).arg(c.idleStart + r.autoCloseMinutes * 60000LL).arg(now));
        // (The wait pauses while every target group is closed, so this is judged only where the
        // target groups are always open.)
        if (c.state == SConv::Queued && !c.widened && c.required && c.maxWait > 0 && c.strategy != Strategy::Manual &&
            alwaysOpen(c) && now >= c.arrival + c.maxWait * 1000LL && c.queuedAt != now)
            fail(QStringLiteral("%1: perfect-skill wait ran out at %2, still not widened at %3").arg(c.id).arg(c.arrival + c.maxWait * 1000LL).arg(now));

        // Stability: nobody who could take a waiting conversation is left idle.
        if (c.state == SConv::Queued && c.strategy != Strategy::Manual) {
            for (int ai = 0; ai < static_cast<int>(m_agents.size()); ++ai) {
                if (eligible(ai, c, open))
                    fail(QStringLiteral("%1 waits although %2 could take it (load %3/%4)").arg(c.id, m_agents[ai].id).arg(m_agents[ai].counted).arg(m_agents[ai].cap));
            }
        }
    }
    if (live != m_engine->liveConversations())
        fail(QStringLiteral("engine has %1 live conversations, shadow %2").arg(m_engine->liveConversations()).arg(live));

    for (const SAgent &a : m_agents) {
        const auto info = m_engine->agent(a.id);
        if (!info || info->countedLoad != a.counted || info->openConversations != a.open || info->maxConcurrent != a.cap ||
            info->status != a.status || info->acceptedToday != acceptedAt(a, now)) {
            fail(QStringLiteral("agent %1: engine load %2 open %3 cap %4 status %5 accepted %6; shadow %7 %8 %9 %10 %11")
                     .arg(a.id)
                     .arg(info ? info->countedLoad : -1)
                     .arg(info ? info->openConversations : -1)
                     .arg(info ? info->maxConcurrent : -1)
                     .arg(info ? toString(info->status) : QString())
                     .arg(info ? info->acceptedToday : -1)
                     .arg(a.counted)
                     .arg(a.open)
                     .arg(a.cap)
                     .arg(toString(a.status))
                     .arg(acceptedAt(a, now)));
        }
    }

    // Queue order and positions.
    auto byKey = [&](int x, int y) { return keyLess(m_convs[x], m_convs[y]); };
    for (int g = 0; g < static_cast<int>(queues.size()); ++g) {
        std::sort(queues[g].begin(), queues[g].end(), byKey);
        QStringList expected;
        for (int ci : queues[g])
            expected << m_convs[ci].id;
        const QStringList actual = m_engine->queueOrder(m_site.groups[g].id);
        if (actual != expected) {
            fail(QStringLiteral("queue of %1 is [%2], expected [%3]")
                     .arg(m_site.groups[g].id, actual.join(QLatin1Char(',')), expected.join(QLatin1Char(','))));
            return;
        }
    }
    std::sort(unmatched.begin(), unmatched.end(), byKey);
    QStringList expectedUnmatched;
    for (int ci : unmatched)
        expectedUnmatched << m_convs[ci].id;
    if (m_engine->unmatchedOrder() != expectedUnmatched)
        fail(QStringLiteral("unmatched queue is [%1], expected [%2]")
                 .arg(m_engine->unmatchedOrder().join(QLatin1Char(',')), expectedUnmatched.join(QLatin1Char(','))));
    // Positions: an eighth of the waiting conversations per event, in turn (a position costs the
    // engine a wait estimate, with working-hour lookups when the groups are closed).
    for (int ci = m_event & 7; ci < static_cast<int>(m_convs.size()); ci += 8) {
        const SConv &c = m_convs[ci];
        int position = 0;
        if (c.state == SConv::Queued) {
            if (c.groupList.empty()) {
                fail(QStringLiteral("%1 waits in no group's queue").arg(c.id));
                return;
            }
            const auto &q = queues[c.groupList.front()];
            position = static_cast<int>(std::find(q.begin(), q.end(), ci) - q.begin()) + 1;
        } else if (c.state == SConv::Unmatched) {
            position = static_cast<int>(std::find(unmatched.begin(), unmatched.end(), ci) - unmatched.begin()) + 1;
        } else {
            continue;
        }
        const QueueStatus status = m_engine->queueStatus(c.id);
        if (!status.waiting || status.position != position)
            fail(QStringLiteral("%1: queue position %2, expected %3").arg(c.id).arg(status.position).arg(position));
    }
}

// ---------------------------------------------------------------------------------------------
// The driver

std::vector<int> Runner::liveConvs(int stateFilter) const
{
    std::vector<int> out;
    for (int ci = 0; ci < static_cast<int>(m_convs.size()); ++ci) {
        const SConv &c = m_convs[ci];
        if (c.state == SConv::Closed || c.state == SConv::New)
            continue;
        if (stateFilter >= 0 && c.state != stateFilter)
            continue;
        out.push_back(ci);
    }
    return out;
}

int Runner::newConv(const QString &id, int customer, int channel, const QString &text, bool ticket)
{
    SConv c;
    c.id = id;
    c.customer = customer;
    c.channel = channel;
    c.arrival = m_clock.nowMs();
    c.seq = ++m_arrivalSeq;
    c.hasCustomerMessage = !ticket;
    c.rule = matchRule(customer, channel, text);
    const SCustomer &cu = m_customers[customer];
    c.priority = cu.vip ? m_site.routing.vipPriorityBoost : 0;
    if (c.rule >= 0) {
        const RuleConfig &rule = m_site.rules[c.rule];
        for (const QString &g : rule.groups) {
            for (int k = 0; k < static_cast<int>(m_site.groups.size()); ++k) {
                if (m_site.groups[k].id == g && !(c.groups & (1u << k))) {
                    c.groupList.push_back(k);
                    c.groups |= 1u << k;
                }
            }
        }
        c.strategy = rule.strategy;
        c.required = m_ruleSkills[c.rule];
        const QString lower = text.toLower();
        for (const auto &kw : m_ruleKeywordSkills[c.rule]) {
            if (lower.contains(kw.first))
                c.required |= 1u << kw.second;
        }
        c.maxWait = rule.maxWaitSeconds;
        c.priority += rule.priority;
    }
    const int ci = static_cast<int>(m_convs.size());
    m_convs.push_back(c);
    m_convIndex.insert(id, ci);
    return ci;
}

void Runner::expectResult(const char *what, const EngineResult &r, bool predicted, bool canPredict)
{
    if (!r.ok && m_decisionsInCall > 0 && !canPredict)
        return; // timers fired inside the call; their decisions are fine
    if (!r.ok && m_decisionsInCall > 0)
        fail(QStringLiteral("%1 failed (%2) but made %3 decisions").arg(QLatin1String(what), r.code).arg(m_decisionsInCall));
    if (canPredict && r.ok != predicted)
        fail(QStringLiteral("%1: engine says %2 (%3), expected %4")
                 .arg(QLatin1String(what), r.ok ? QStringLiteral("ok") : r.code, r.message, predicted ? QStringLiteral("ok") : QStringLiteral("failure")));
}

void Runner::step(int index)
{
    m_event = index;
    // A little time passes between events; sometimes none (simultaneous events).
    if (!m_rng.percent(25))
        m_clock.advanceMs(m_rng.range(0, 20000));
    else if (m_landed)
        m_clock.advanceMs(1); // after landing on a timer: keep events (and the timers they start) off whole minutes
    m_landed = false;

    const Profile &p = m_profile;
    const int weights[] = {p.arrive, p.customerMsg, p.reply, p.status, p.cap, p.claim, p.toAgent, p.toGroup, p.invite, p.close, p.ticket, p.tick};
    int total = 0;
    for (int w : weights)
        total += w;
    int roll = m_rng.range(0, total - 1);
    int kind = 0;
    while (roll >= weights[kind]) {
        roll -= weights[kind];
        ++kind;
    }
    const Call call = static_cast<Call>(kind + 1);
    // Events that the shadow prepares before the call see the state after due timers fired.
    const bool tickNow = call == Call::Arrive || call == Call::CustomerMsg || call == Call::Status || call == Call::Cap ||
                         call == Call::ToGroup || call == Call::Ticket || m_rng.percent(60);
    if (tickNow) {
        m_call = Call::Tick;
        m_callConv = -1;
        m_engine->tick();
    }
    const bool canPredict = !timersPending();
    m_call = call;
    m_callConv = -1;
    m_decisionsInCall = 0;
    const int agents = static_cast<int>(m_agents.size());
    const std::vector<int> live = liveConvs();
    auto anyLive = [&]() { return live[m_rng.range(0, static_cast<int>(live.size()) - 1)]; };

    switch (call) {
    case Call::Arrive: {
        const int customer = m_rng.range(0, static_cast<int>(m_customers.size()) - 1);
        const int channel = m_rng.range(0, static_cast<int>(m_site.channels.size()) - 1);
        const QString text = randomText();
        const QString id = QStringLiteral("c%1").arg(++m_nextConv);
        m_callConv = newConv(id, customer, channel, text, false);
        log(QStringLiteral("#%1 customer %2 opens %3 on %4: \"%5\"").arg(index).arg(m_customers[customer].id, id, m_site.channels[channel].id, text));
        const EngineResult r = m_engine->customerMessage(id, m_customers[customer].id, m_site.channels[channel].id, text);
        expectResult("arrival", r, true, true);
        break;
    }
    case Call::Ticket: {
        const int ai = m_rng.range(0, agents - 1);
        const int customer = m_rng.range(0, static_cast<int>(m_customers.size()) - 1);
        const int channel = m_rng.range(0, static_cast<int>(m_site.channels.size()) - 1);
        const bool keep = m_rng.percent(40);
        const QString id = QStringLiteral("t%1").arg(++m_nextConv);
        m_callConv = newConv(id, customer, channel, QString(), true);
        log(QStringLiteral("#%1 %2 opens ticket %3 for %4%5").arg(index).arg(m_agents[ai].id, id, m_customers[customer].id, keep ? QStringLiteral(" (keeps it)") : QString()));
        const EngineResult r = m_engine->openTicket(id, m_agents[ai].id, m_customers[customer].id, m_site.channels[channel].id, keep);
        expectResult("ticket", r, true, true);
        if (keep && m_convs[m_callConv].agent != ai)
            fail(QStringLiteral("ticket %1 kept by %2 is not with them").arg(id, m_agents[ai].id));
        break;
    }
    case Call::CustomerMsg: {
        if (live.empty())
            break;
        const int ci = anyLive();
        m_callConv = ci;
        SConv &c = m_convs[ci];
        const bool wrong = m_rng.percent(8);
        const QString customer = wrong ? QStringLiteral("intruder") : m_customers[c.customer].id;
        log(QStringLiteral("#%1 %2 writes in %3").arg(index).arg(customer, c.id));
        const EngineResult r = m_engine->customerMessage(c.id, customer, m_site.channels[c.channel].id, randomText());
        expectResult("customer message", r, !wrong, true);
        if (r.ok) {
            SConv &cc = m_convs[ci];
            cc.idleStart = -1;
            if (!cc.hasCustomerMessage && cc.state == SConv::Assigned) {
                cc.awaiting = true;
                cc.replyStart = m_clock.nowMs();
            }
            cc.hasCustomerMessage = true;
        }
        break;
    }
    case Call::Reply: {
        std::vector<int> assigned = liveConvs(SConv::Assigned);
        if (live.empty())
            break;
        const int ci = !assigned.empty() && m_rng.percent(85) ? assigned[m_rng.range(0, static_cast<int>(assigned.size()) - 1)] : anyLive();
        m_callConv = ci;
        const SConv &c = m_convs[ci];
        int ai = c.agent;
        if (c.invited && m_rng.percent(25)) {
            for (int k = 0; k < agents; ++k) {
                if ((c.invited & (1u << k)) && m_rng.percent(60))
                    ai = k;
            }
        }
        if (ai < 0 || m_rng.percent(5))
            ai = m_rng.range(0, agents - 1);
        const bool note = m_rng.percent(15);
        const bool participant = ai == c.agent || (c.invited & (1u << ai));
        log(QStringLiteral("#%1 %2 %3 in %4").arg(index).arg(m_agents[ai].id, note ? QStringLiteral("writes a note") : QStringLiteral("replies"), c.id));
        const EngineResult r = m_engine->agentMessage(c.id, m_agents[ai].id, note);
        expectResult("agent message", r, participant, canPredict);
        if (r.ok && !note) {
            SConv &cc = m_convs[ci];
            if (cc.agent == ai)
                cc.awaiting = false;
            cc.idleStart = m_clock.nowMs();
        }
        break;
    }
    case Call::Status: {
        const int ai = m_rng.range(0, agents - 1);
        const AgentStatus status = m_rng.pick({AgentStatus::Online, AgentStatus::Online, AgentStatus::Busy, AgentStatus::Away,
                                               AgentStatus::Offline, AgentStatus::Offline});
        log(QStringLiteral("#%1 %2 becomes %3").arg(index).arg(m_agents[ai].id, toString(status)));
        m_agents[ai].status = status; // the engine changes it before it acts on it
        const EngineResult r = m_engine->setAgentStatus(m_agents[ai].id, status);
        expectResult("status", r, true, true);
        break;
    }
    case Call::Cap: {
        const int ai = m_rng.range(0, agents - 1);
        const int cap = m_rng.range(0, m_profile.maxCap + 1);
        log(QStringLiteral("#%1 %2 cap %3 -> %4").arg(index).arg(m_agents[ai].id).arg(m_agents[ai].cap).arg(cap));
        m_agents[ai].cap = cap;
        const EngineResult r = m_engine->setAgentCap(m_agents[ai].id, cap);
        expectResult("cap", r, true, true);
        break;
    }
    case Call::Claim: {
        const std::vector<int> queued = liveConvs(SConv::Queued);
        if (live.empty())
            break;
        const int ci = !queued.empty() && m_rng.percent(85) ? queued[m_rng.range(0, static_cast<int>(queued.size()) - 1)] : anyLive();
        m_callConv = ci;
        const SConv &c = m_convs[ci];
        int ai = m_rng.range(0, agents - 1);
        if (m_rng.percent(70)) {
            for (int k = 0; k < agents; ++k) {
                if ((m_agents[k].groups & c.groups) && m_rng.percent(50))
                    ai = k;
            }
        }
        const SAgent &a = m_agents[ai];
        const bool predicted = c.state == SConv::Queued && (a.groups & c.groups) && a.status != AgentStatus::Offline && a.counted < a.cap;
        log(QStringLiteral("#%1 %2 claims %3").arg(index).arg(a.id, convLabel(c)));
        const EngineResult r = m_engine->claim(a.id, c.id);
        expectResult("claim", r, predicted, canPredict);
        break;
    }
    case Call::ToAgent: {
        if (live.empty())
            break;
        const int ci = anyLive();
        m_callConv = ci;
        const SConv &c = m_convs[ci];
        const int ai = m_rng.range(0, agents - 1);
        const bool predicted = c.agent != ai && m_agents[ai].status != AgentStatus::Offline;
        log(QStringLiteral("#%1 transfer %2 to %3").arg(index).arg(convLabel(c), m_agents[ai].id));
        const EngineResult r = m_engine->transferToAgent(c.id, m_agents[ai].id, QStringLiteral("supervisor"));
        expectResult("transfer to agent", r, predicted, canPredict);
        break;
    }
    case Call::ToGroup: {
        if (live.empty())
            break;
        const int ci = anyLive();
        m_callConv = ci;
        SConv &c = m_convs[ci];
        const int g = m_rng.range(0, static_cast<int>(m_site.groups.size()) - 1);
        log(QStringLiteral("#%1 transfer %2 to group %3").arg(index).arg(convLabel(c), m_site.groups[g].id));
        // The person chose the group: the rule's skill requirement no longer applies.
        c.groupList = {g};
        c.groups = 1u << g;
        c.required = 0;
        c.widened = false;
        c.excluded = c.agent; // whoever transfers it does not get it straight back
        const EngineResult r = m_engine->transferToGroup(c.id, m_site.groups[g].id, QStringLiteral("supervisor"));
        expectResult("transfer to group", r, true, true);
        if (r.ok && m_decisionsInCall == 0)
            fail(QStringLiteral("transfer of %1 to a group made no decision").arg(c.id));
        break;
    }
    case Call::Invite: {
        if (live.empty())
            break;
        const int ci = anyLive();
        m_callConv = ci;
        const SConv &c = m_convs[ci];
        const int ai = m_rng.range(0, agents - 1);
        const bool predicted = c.agent != ai && !(c.invited & (1u << ai)) && m_agents[ai].status != AgentStatus::Offline;
        log(QStringLiteral("#%1 invite %2 into %3").arg(index).arg(m_agents[ai].id, convLabel(c)));
        const EngineResult r = m_engine->invite(c.id, m_agents[ai].id, c.agent >= 0 ? m_agents[c.agent].id : QString());
        expectResult("invite", r, predicted, canPredict);
        break;
    }
    case Call::Close: {
        if (live.empty())
            break;
        const int ci = anyLive();
        m_callConv = ci;
        const SConv &c = m_convs[ci];
        const QString by = c.agent >= 0 ? m_agents[c.agent].id : QStringLiteral("supervisor");
        log(QStringLiteral("#%1 %2 closes %3").arg(index).arg(by, convLabel(c)));
        const EngineResult r = m_engine->close(c.id, by);
        expectResult("close", r, true, canPredict);
        break;
    }
    case Call::Tick:
    case Call::None: {
        const int shape = m_rng.range(0, 9);
        qint64 ms;
        if (shape < 5)
            ms = m_rng.range(1, 120) * 1000LL;
        else if (shape < 8)
            ms = m_rng.range(2, 30) * 60000LL;
        else
            ms = m_rng.range(1, 8) * 3600000LL;
        ms += m_rng.range(0, 999);
        const qint64 next = m_engine->nextTimerMs();
        const bool land = next > m_clock.nowMs() && m_rng.percent(20);
        if (land)
            ms = next - m_clock.nowMs(); // land exactly on a timer
        m_clock.advanceMs(ms);
        log(QStringLiteral("#%1 time passes %2 s").arg(index).arg(ms / 1000.0));
        m_engine->tick();
        m_landed = land;
        break;
    }
    }
    m_call = Call::None;
    m_callConv = -1;
    if (m_checks && m_failure.isEmpty())
        postEventChecks();
}

QString Runner::run()
{
    generateSite();
    m_clock.setMs(randomStart());
    m_engine = std::make_unique<RoutingEngine>(m_clock);
    m_engine->setSink([this](const Decision &d) { onDecision(d); });
    const EngineResult loaded = m_engine->loadSite(m_site);
    if (!loaded.ok)
        fail(QStringLiteral("loadSite: %1").arg(loaded.message));
    m_lastAt = m_clock.nowMs();
    log(QStringLiteral("site: %1 agents, %2 groups, %3 rules, policy %4, reply %5 s, auto-close %6 min, allowed %7, start %8")
            .arg(m_agents.size())
            .arg(m_site.groups.size())
            .arg(m_site.rules.size())
            .arg(toString(m_site.routing.offlinePolicy))
            .arg(m_site.routing.replyTimeoutSeconds)
            .arg(m_site.routing.autoCloseMinutes)
            .arg(m_site.routing.allowedStatuses.size())
            .arg(QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), QTimeZone::utc()).toString(Qt::ISODate)));
    if (m_trace)
        qDebug().noquote() << m_site.toJson();
    if (m_checks && m_failure.isEmpty())
        postEventChecks();
    for (int i = 0; i < m_profile.events && m_failure.isEmpty(); ++i)
        step(i);
    return m_failure;
}

// Runs one seed twice; empty on success.
QString runSeed(const Profile &profile, quint32 seed, bool trace)
{
    std::vector<QString> first, second;
    QHashSeed::setDeterministicGlobalSeed();
    QString failure = Runner(profile, seed, true, &first, trace).run();
    if (!failure.isEmpty())
        return failure;
    // Same seed, fresh engine, another hash seed: the decision stream must be identical.
    QHashSeed::resetRandomGlobalSeed();
    failure = Runner(profile, seed, false, &second, false).run();
    QHashSeed::setDeterministicGlobalSeed();
    if (!failure.isEmpty())
        return QStringLiteral("second run of profile %1 seed %2 failed: %3").arg(QLatin1String(profile.name)).arg(seed).arg(failure);
    const std::size_t n = std::min(first.size(), second.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (first[i] != second[i])
            return QStringLiteral("profile %1 seed %2 not deterministic at decision %3:\n  first:  %4\n  second: %5")
                .arg(QLatin1String(profile.name))
                .arg(seed)
                .arg(i)
                .arg(first[i], second[i]);
    }
    if (first.size() != second.size())
        return QStringLiteral("profile %1 seed %2 not deterministic: %3 decisions, then %4")
            .arg(QLatin1String(profile.name))
            .arg(seed)
            .arg(first.size())
            .arg(second.size());
    if (first.empty())
        return QStringLiteral("profile %1 seed %2 made no decisions").arg(QLatin1String(profile.name)).arg(seed);
    return QString();
}

// Working hours drive the groups' open flags through nextChange(): following it must visit
// exactly the instants where isOpen() changes, daylight-saving changes included.
QString checkHoursSchedule(quint32 seed)
{
    Rng rng(seed);
    // Zones with their 2024 daylight-saving changes and the local minute where they happen.
    struct ZoneDst
    {
        const char *zone;
        int springMonth, springDay, fallMonth, fallDay;
        int hotMinute; // boundaries around here hit the skipped or repeated hour
    };
    static const ZoneDst zones[] = {
        {"Europe/London", 3, 31, 10, 27, 60},      {"Europe/Berlin", 3, 31, 10, 27, 120},
        {"America/New_York", 3, 10, 11, 3, 60},    {"Australia/Sydney", 10, 6, 4, 7, 120},
        {"Australia/Lord_Howe", 10, 6, 4, 7, 90},  {"America/Santiago", 9, 8, 4, 7, 23 * 60 - 60},
        {"Asia/Hong_Kong", 3, 31, 10, 27, 60},
    };
    const ZoneDst &zone = zones[rng.range(0, static_cast<int>(std::size(zones)) - 1)];
    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    QJsonObject json;
    json.insert(QStringLiteral("timeZone"), QString::fromLatin1(zone.zone));
    auto hhmm = [](int minute) {
        return minute == 24 * 60 ? QStringLiteral("24:00")
                                 : QStringLiteral("%1:%2").arg(minute / 60, 2, 10, QLatin1Char('0')).arg(minute % 60, 2, 10, QLatin1Char('0'));
    };
    auto boundary = [&]() {
        return rng.percent(60) ? (zone.hotMinute + rng.range(0, 12) * 15) % (24 * 60) : rng.range(0, 47) * 30;
    };
    const int pieces = rng.range(1, 3);
    for (int i = 0; i < pieces; ++i) {
        const int start = boundary();
        int end = rng.percent(50) ? boundary() : (start + rng.range(1, 30) * 30) % (24 * 60);
        if (end == start)
            end = (end + 30) % (24 * 60);
        const QString key = rng.percent(50) ? QStringLiteral("daily") : QString::fromLatin1(days[rng.range(0, 6)]);
        const QString interval = hhmm(start) + QLatin1Char('-') + hhmm(end == 0 ? 24 * 60 : end);
        json.insert(key, json.contains(key) ? json.value(key).toString() + QLatin1Char(',') + interval : interval);
    }
    WorkingHours hours;
    QString error;
    if (!WorkingHours::fromJson(json, &hours, &error))
        return QStringLiteral("seed %1: bad schedule: %2").arg(seed).arg(error);
    // Three days either side of one of the zone's changes.
    const bool spring = rng.percent(50);
    const QDate change(2024, spring ? zone.springMonth : zone.fallMonth, spring ? zone.springDay : zone.fallDay);
    const qint64 start = QDateTime(change.addDays(-3), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() +
                         rng.range(0, 24 * 60 - 1) * 60000LL;
    const qint64 end = start + 6 * 86400000LL;
    const QString schedule = QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
    bool open = hours.isOpen(start);
    qint64 next = hours.nextChange(start);
    for (qint64 t = start + 60000; t < end; t += 60000) {
        const bool now = hours.isOpen(t);
        if (now != open) {
            if (next != t)
                return QStringLiteral("seed %1, %2: isOpen changes to %3 at %4, nextChange said %5")
                    .arg(seed)
                    .arg(schedule)
                    .arg(now)
                    .arg(QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()).toString(Qt::ISODate),
                         next < 0 ? QStringLiteral("never") : QDateTime::fromMSecsSinceEpoch(next, QTimeZone::utc()).toString(Qt::ISODate));
            open = now;
            next = hours.nextChange(t);
        } else if (next >= 0 && next <= t) {
            return QStringLiteral("seed %1, %2: nextChange said %3, but isOpen stays %4")
                .arg(seed)
                .arg(schedule, QDateTime::fromMSecsSinceEpoch(next, QTimeZone::utc()).toString(Qt::ISODate))
                .arg(open);
        }
    }
    return QString();
}

} // namespace

class tst_RoutingProperties : public QObject
{
    Q_OBJECT

private slots:
    void properties_data();
    void properties();
    void workingHoursNextChange();
};

void tst_RoutingProperties::workingHoursNextChange()
{
    for (quint32 seed = 1; seed <= 150; ++seed) {
        const QString failure = checkHoursSchedule(seed);
        if (!failure.isEmpty())
            QFAIL(qPrintable(failure));
    }
}

void tst_RoutingProperties::properties_data()
{
    QTest::addColumn<int>("profile");
    QTest::addColumn<quint32>("firstSeed");
    QTest::addColumn<int>("seeds");
    const QString onlyProfile = qEnvironmentVariable("SB_PROP_PROFILE");
    bool seedOk = false;
    const quint32 onlySeed = qEnvironmentVariable("SB_PROP_SEED").toUInt(&seedOk);
    bool countOk = false;
    const int count = qEnvironmentVariable("SB_PROP_SEEDS").toInt(&countOk);
    for (int i = 0; i < static_cast<int>(std::size(kProfiles)); ++i) {
        const Profile &p = kProfiles[i];
        if (!onlyProfile.isEmpty() && onlyProfile != QLatin1String(p.name))
            continue;
        if (seedOk)
            QTest::newRow(p.name) << i << onlySeed << 1;
        else
            QTest::newRow(p.name) << i << p.seedBase << (countOk && count > 0 ? count : kDefaultSeedsPerProfile);
    }
}

void tst_RoutingProperties::properties()
{
    QFETCH(int, profile);
    QFETCH(quint32, firstSeed);
    QFETCH(int, seeds);
    const bool trace = qEnvironmentVariableIntValue("SB_PROP_TRACE") != 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < seeds; ++i) {
        const QString failure = runSeed(kProfiles[profile], firstSeed + static_cast<quint32>(i), trace);
        if (!failure.isEmpty())
            QFAIL(qPrintable(failure));
    }
    qInfo("%s: %d seeds x %d events, twice each, in %lld ms", kProfiles[profile].name, seeds, kProfiles[profile].events,
          static_cast<long long>(timer.elapsed()));
}

QTEST_APPLESS_MAIN(tst_RoutingProperties)
#include "tst_routingproperties.moc"
