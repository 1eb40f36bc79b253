// Routing throughput and latency: decisions per second and p50/p99 latency per engine call with
// 500, 5,000 and 50,000 agents, 50 skills and up to 50,000 waiting conversations.
//
//   bench_routing            full run: three sizes, queue of 50,000, three runs per size (under a
//                            minute on an idle core)
//   bench_routing --quick    500 and 5,000 agents, queue of 5,000, one run: a CI smoke run (seconds)
//   bench_routing --verify   the quick workload plus a mixed stretch (away/offline agents, a closed
//                            group): prints sample explanations and a digest of every field of every
//                            decision, to check that an engine change keeps the decisions identical
//   --seed N                 another fixed seed (default 20240611)
//   --only AGENTS            one agent count only (for profiling; combine with --quick)
//   --repeat N               runs per size (rows report the median run)
//
// Workload per size (fixed seed, so runs are comparable and repeated runs make the same decisions):
//   * 20 skill groups; every agent in one, 20% also in a second; 50 skills: each group has two
//     core skills, agents hold their group's core skills with high probability plus 1-3 others;
//     caps 4-6 (mean 5); everyone online. Allowed status: online. Reply timeout 30 min (a timer
//     per assignment, none fires during a pass), perfect-skill wait 10 min (none fires either).
//     Customers are drawn from a pool of 2,000,000 ids.
//   * Three channels per group, one rule each, routed by channel:
//       web-gNN   least-load, no skills                                  (50% of arrivals)
//       chat-gNN  round-robin (even groups) or idle-rate (odd), 1 skill;  (30%)
//                 every third group overflows into the next group
//       mail-gNN  skills strategy, 2 skills, "refund" adds a specialist   (20%; 10% say refund)
//   * Phases, each a row:
//       a-assign  arrivals while agents are free, up to 60% of total capacity (Assigned)
//       a-fill    web arrivals per group until every agent is at cap (Assigned, one Queued a group)
//       b-queue   arrivals with everyone at cap until 50,000 wait (Queued, with position and ETA)
//       c-drain   closes of random assigned conversations, as many as are waiting: each close is
//                 a Closed decision plus an assignment from the queue
//       d-status  online -> away -> online flips of random agents (no decisions expected: agents are
//                 at cap; measures the index and drain bookkeeping)
//   * a-assign .. c-drain run twice: a first ("cold") pass on a fresh engine, whose tables all grow
//     from empty; then everything is closed (not measured) and the same cycle runs on the warm
//     engine, as in a coordinator that has been up for a while. The main table is the warm pass.
// Measurement: inputs (ids, texts) are prepared before each phase; the phase's thread CPU time,
// minus the calibrated cost of the timing itself, gives decisions/s, ns/decision and ns/event.
// Every engine call is also timed with std::chrono::steady_clock into a preallocated vector for
// the p50/p99 latencies (these include preemption on a busy host). The sink only counts decisions
// and remembers assigned conversations for later closes.

#include "clock.h"
#include "decision.h"
#include "routingengine.h"
#include "siteconfig.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kGroups = 20;
constexpr int kSkills = 50;
constexpr int kSpecialistBase = 40;          // skills s40..s49: specialists ("refund" adds one)
constexpr qint64 kStartMs = 1718092800000LL; // 2024-06-11 08:00 UTC: far from midnight

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double g_timingOverheadNs = 0; // one timed empty call, calibrated at start

// Minor page faults of this thread so far (fresh memory touched for the first time).
long minorFaults()
{
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_minflt;
}

// The first three fields of /proc/loadavg (Linux), or "?": the numbers mean little on a busy host.
std::string loadAverage()
{
    std::string out = "?";
    if (FILE *f = std::fopen("/proc/loadavg", "r")) {
        double a = 0, b = 0, c = 0;
        if (std::fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
            out = buf;
        }
        std::fclose(f);
    }
    return out;
}

struct Options
{
    bool quick = false;
    bool verify = false;
    quint64 seed = 20240611;
    int only = 0;   // run just this agent count (for profiling)
    int repeat = 0; // runs per size; each row reports the median run (0: 3, or 1 with --quick/--verify)
};

struct Size
{
    int agents;
    int queueTarget;
    int flips;
};

class Rng
{
public:
    explicit Rng(quint64 seed) : m_gen(seed) {}
    quint64 next() { return m_gen(); }
    int below(int n) { return static_cast<int>(m_gen() % static_cast<quint64>(n)); }
    bool chance(double p) { return static_cast<double>(m_gen() >> 11) * (1.0 / 9007199254740992.0) < p; }

private:
    std::mt19937_64 m_gen;
};

QString twoDigits(const char *prefix, int n)
{
    return QString::asprintf("%s%02d", prefix, n);
}

QString skillName(int s)
{
    return twoDigits("s", s);
}
QString groupName(int g)
{
    return twoDigits("g", g);
}
int coreA(int g)
{
    return (2 * g) % kSkills;
}
int coreB(int g)
{
    return (2 * g + 1) % kSkills;
}

sb::SiteConfig buildSite(int agents, Rng &rng, bool verify)
{
    sb::SiteConfig site;
    site.routing.allowedStatuses = {sb::AgentStatus::Online};
    site.routing.channelPriority = true;
    site.routing.replyTimeoutSeconds = 1800;
    site.routing.autoCloseMinutes = 0;
    site.routing.offlinePolicy = sb::OfflinePolicy::Requeue;

    for (int g = 0; g < kGroups; ++g) {
        const QString gn = groupName(g);
        site.channels.push_back(
            {QStringLiteral("web-") + gn, QStringLiteral("Web ") + gn, QStringLiteral("web"), 0});
        site.channels.push_back(
            {QStringLiteral("chat-") + gn, QStringLiteral("Chat ") + gn, QStringLiteral("whatsapp"), 1});
        site.channels.push_back(
            {QStringLiteral("mail-") + gn, QStringLiteral("Mail ") + gn, QStringLiteral("email"), 0});

        sb::GroupConfig group;
        group.id = gn;
        group.name = QStringLiteral("Group ") + gn;
        group.expectedResponseSeconds = 60;
        if (verify && g == kGroups - 1) {
            // --verify only: one group closed (Tuesdays until 08:00), to cover the off-hours paths.
            QString error;
            sb::WorkingHours::fromJson(QJsonObject{{QStringLiteral("tue"), QStringLiteral("00:00-08:00")}},
                                       &group.hours, &error);
            group.offHoursMessage = QStringLiteral("We are closed");
        }
        site.groups.push_back(group);
    }

    for (int i = 0; i < agents; ++i) {
        sb::AgentConfig a;
        a.id = QString::asprintf("a%06d", i);
        a.name = QString::asprintf("Agent %d", i);
        const int primary = i % kGroups;
        a.groups << groupName(primary);
        int secondary = -1;
        if (rng.chance(0.2)) {
            secondary = (primary + 1 + rng.below(kGroups - 1)) % kGroups;
            a.groups << groupName(secondary);
        }
        std::vector<int> skills;
        auto add = [&](int s) {
            if (std::find(skills.begin(), skills.end(), s) == skills.end())
                skills.push_back(s);
        };
        if (rng.chance(0.85))
            add(coreA(primary));
        if (rng.chance(0.6))
            add(coreB(primary));
        if (secondary >= 0 && rng.chance(0.5))
            add(coreA(secondary));
        if (rng.chance(0.3))
            add(kSpecialistBase + rng.below(kSkills - kSpecialistBase));
        const int extra = 1 + rng.below(3);
        for (int k = 0; k < extra; ++k)
            add(rng.below(kSkills));
        for (int s : skills)
            a.skills << skillName(s);
        a.maxConcurrent = 4 + rng.below(3);
        a.status = sb::AgentStatus::Online;
        site.agents.push_back(a);
    }

    for (int g = 0; g < kGroups; ++g) {
        const QString gn = groupName(g);
        sb::RuleConfig web;
        web.id = QStringLiteral("web-") + gn;
        web.channels << web.id;
        web.groups << gn;
        web.strategy = sb::Strategy::LeastLoad;
        web.maxWaitSeconds = 600;
        site.rules.push_back(web);

        sb::RuleConfig chat;
        chat.id = QStringLiteral("chat-") + gn;
        chat.channels << chat.id;
        chat.groups << gn;
        if (g % 3 == 0)
            chat.groups << groupName((g + 1) % kGroups);
        chat.strategy = g % 2 == 0 ? sb::Strategy::RoundRobin : sb::Strategy::IdleRate;
        chat.skills << skillName(coreA(g));
        chat.maxWaitSeconds = 600;
        site.rules.push_back(chat);

        sb::RuleConfig mail;
        mail.id = QStringLiteral("mail-") + gn;
        mail.channels << mail.id;
        mail.groups << gn;
        mail.strategy = sb::Strategy::Skills;
        mail.skills << skillName(coreA(g)) << skillName(coreB(g));
        mail.keywordSkills.push_back(
            {QStringLiteral("refund"), skillName(kSpecialistBase + g % (kSkills - kSpecialistBase))});
        mail.maxWaitSeconds = 600;
        site.rules.push_back(mail);
    }
    return site;
}

// ---------------------------------------------------------------------------------------------

struct Assignment
{
    QString conversation;
    QString agent;
};

struct Tally
{
    quint64 decisions = 0;
    quint64 byKind[16] = {};
    long long waiting = 0; // queued minus taken from the queue
    sb::DecisionKind lastKind = sb::DecisionKind::Closed;
    std::vector<Assignment> assigned; // conversations currently with an agent
    bool digest = false;
    quint64 hash = 1469598103934665603ULL;
    QStringList samples; // --verify: a few decisions with their explanations
    bool sampled[16] = {};

    void mix(const QString &s)
    {
        const char16_t *p = reinterpret_cast<const char16_t *>(s.utf16());
        for (qsizetype i = 0; i < s.size(); ++i) {
            hash ^= p[i];
            hash *= 1099511628211ULL;
        }
        hash ^= 0xff;
        hash *= 1099511628211ULL;
    }
    void mix(qint64 v) { mix(QString::number(v)); }

    void onDecision(const sb::Decision &d)
    {
        ++decisions;
        ++byKind[static_cast<int>(d.kind)];
        lastKind = d.kind;
        switch (d.kind) {
        case sb::DecisionKind::Queued:
        case sb::DecisionKind::OffHours:
        case sb::DecisionKind::Requeued:
        case sb::DecisionKind::Unmatched:
            ++waiting;
            break;
        case sb::DecisionKind::Assigned:
        case sb::DecisionKind::Reassigned:
        case sb::DecisionKind::Claimed:
            if (d.fromQueue)
                --waiting;
            if (d.kind != sb::DecisionKind::Reassigned)
                assigned.push_back({d.conversation, d.agent});
            break;
        default:
            break;
        }
        if (digest && !sampled[static_cast<int>(d.kind)] && d.kind != sb::DecisionKind::Reassigned) {
            sampled[static_cast<int>(d.kind)] = true;
            samples << sb::explain(d);
        }
        if (digest) {
            // Every field, spelled out here (not through explain(), whose format may change).
            mix(static_cast<qint64>(d.seq));
            mix(d.at);
            mix(static_cast<qint64>(d.kind));
            mix(static_cast<qint64>(d.reason));
            mix(d.conversation);
            mix(d.agent);
            mix(d.fromAgent);
            mix(d.rule);
            mix(d.groups.join(QLatin1Char(',')));
            mix(d.detail);
            for (const auto &c : d.candidates) {
                mix(c.agent);
                mix(static_cast<qint64>(c.verdict));
                mix(c.detail);
            }
            mix(d.omitted.join(QLatin1Char(';')));
            mix(static_cast<qint64>(d.fromQueue));
            mix(static_cast<qint64>(d.notifyAdmins));
            mix(static_cast<qint64>(d.notice.kind));
            mix(d.notice.agentName);
            mix(static_cast<qint64>(d.notice.expectedResponseSeconds));
            mix(static_cast<qint64>(d.notice.queuePosition));
            mix(d.notice.estimatedWaitMs);
            mix(d.notice.offHoursMessage);
        }
    }
};

struct Row
{
    int agents = 0;
    const char *pass = "";
    const char *phase = "";
    quint64 events = 0;
    quint64 decisions = 0;
    double engineNs = 0; // thread CPU time of the phase minus the calibrated timing overhead
    double clockNs = 0;  // sum of the per-call steady_clock durations
    double p50us = 0, p99us = 0;
    double wallS = 0;
    double spread = 0; // (slowest - fastest) / median engineNs over the repeated runs
    long faults = 0;   // minor page faults during the phase
    QString mix;       // decision kinds in the phase
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Repeated runs of one size make the same decisions (fixed seed); each row takes the median of its
// CPU time and latencies, and notes how far the runs spread (the host's noise).
std::vector<Row> mergeRuns(const std::vector<std::vector<Row>> &runs)
{
    std::vector<Row> out = runs.front();
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::vector<double> ns, p50, p99;
        for (const auto &run : runs) {
            if (run.size() != out.size() || run[i].decisions != out[i].decisions ||
                run[i].events != out[i].events) {
                std::fprintf(stderr, "error: repeated runs made different decisions (not deterministic)\n");
                std::exit(1);
            }
            ns.push_back(run[i].engineNs);
            p50.push_back(run[i].p50us);
            p99.push_back(run[i].p99us);
        }
        out[i].engineNs = median(ns);
        out[i].p50us = median(p50);
        out[i].p99us = median(p99);
        const auto mm = std::minmax_element(ns.begin(), ns.end());
        out[i].spread = out[i].engineNs > 0 ? (*mm.second - *mm.first) / out[i].engineNs : 0;
    }
    return out;
}

class Timer
{
public:
    explicit Timer(std::size_t expected) { m_ns.reserve(expected); }
    template<typename F>
    void time(F f)
    {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        const auto t1 = std::chrono::steady_clock::now();
        m_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
    std::size_t count() const { return m_ns.size(); }
    void finish(Row *row)
    {
        row->events = m_ns.size();
        double sum = 0;
        for (auto v : m_ns)
            sum += static_cast<double>(v);
        row->clockNs = sum;
        if (m_ns.empty())
            return;
        auto pct = [&](double p) {
            std::size_t k = static_cast<std::size_t>(p * static_cast<double>(m_ns.size() - 1));
            std::nth_element(m_ns.begin(), m_ns.begin() + static_cast<std::ptrdiff_t>(k), m_ns.end());
            return static_cast<double>(m_ns[k]) / 1000.0;
        };
        row->p50us = pct(0.50);
        row->p99us = pct(0.99);
        if (getenv("BENCH_DIST")) {
            double top = 0;
            std::vector<std::int64_t> v = m_ns;
            std::sort(v.begin(), v.end());
            for (std::size_t i = v.size() * 99 / 100; i < v.size(); ++i)
                top += v[i];
            std::printf("   dist p90 %.1f p99.9 %.1f max %.1f us; top1%% share of sum %.2f\n", pct(0.9),
                        pct(0.999), v.back() / 1000.0, top / sum);
        }
    }

private:
    std::vector<std::int64_t> m_ns;
};

const char *kindName(int k)
{
    static const char *names[] = {"assigned", "queued",  "off-hours",   "unmatched", "reassigned", "requeued",
                                  "widened",  "claimed", "transferred", "invited",   "closed"};
    return k >= 0 && k < 11 ? names[k] : "?";
}

class Bench
{
public:
    Bench(const Options &opt, const Size &size)
        : m_opt(opt), m_size(size), m_rng(opt.seed + static_cast<quint64>(size.agents)), m_clock(kStartMs),
          m_engine(m_clock)
    {
        m_tally.digest = opt.verify;
        m_engine.setSink([this](const sb::Decision &d) { m_tally.onDecision(d); });
        for (int g = 0; g < kGroups; ++g) {
            m_web.push_back(QStringLiteral("web-") + groupName(g));
            m_chat.push_back(QStringLiteral("chat-") + groupName(g));
            m_mail.push_back(QStringLiteral("mail-") + groupName(g));
        }
    }

    std::vector<Row> run()
    {
        std::vector<Row> rows;
        const auto setup0 = std::chrono::steady_clock::now();
        const sb::SiteConfig site = buildSite(m_size.agents, m_rng, m_opt.verify);
        for (const auto &a : site.agents) {
            m_agentIds.push_back(a.id);
            m_capacity += a.maxConcurrent;
        }
        const sb::EngineResult r = m_engine.loadSite(site);
        if (!r.ok) {
            std::fprintf(stderr, "loadSite failed: %s\n", qPrintable(r.message));
            std::exit(1);
        }
        m_setupS = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup0).count();
        // The sink appends here inside timed calls: no reallocation in the measurement.
        m_tally.assigned.reserve(static_cast<std::size_t>(m_capacity) +
                                 static_cast<std::size_t>(m_size.queueTarget) + 100000);

        // The first pass grows every table from nothing (page faults on fresh memory, hash tables
        // rehashing); then everything is closed and the same cycle runs again on a warm engine, as
        // in a coordinator that has been running for a while (and some customers now return).
        m_pass = "cold";
        cycle(rows);
        closeEverything();
        m_pass = "warm";
        cycle(rows);

        // (d) status flips online -> away -> online.
        {
            const int n = m_size.flips;
            rows.push_back(phase("d-status", static_cast<std::size_t>(2 * n), [&](Timer &t) {
                std::vector<int> away;
                const std::size_t awayMax = std::max<std::size_t>(1, m_agentIds.size() / 100);
                for (int i = 0; i < n; ++i) {
                    const int ai = m_rng.below(static_cast<int>(m_agentIds.size()));
                    if (std::find(away.begin(), away.end(), ai) == away.end()) {
                        step();
                        t.time([&] { m_engine.setAgentStatus(m_agentIds[ai], sb::AgentStatus::Away); });
                        away.push_back(ai);
                    }
                    if (away.size() >= awayMax) {
                        step();
                        const int back = away.front();
                        away.erase(away.begin());
                        t.time([&] { m_engine.setAgentStatus(m_agentIds[back], sb::AgentStatus::Online); });
                    }
                }
                for (int ai : away) {
                    step();
                    t.time([&] { m_engine.setAgentStatus(m_agentIds[ai], sb::AgentStatus::Online); });
                }
            }));
        }
        if (m_opt.verify) {
            // A mixed stretch (arrivals, closes, agents going away and offline and back) so that
            // the digest also covers status summaries, requeues and reassignments.
            rows.push_back(phase("e-mixed", 20000, [&](Timer &t) {
                const std::vector<Arrival> in = arrivals(8000, -1);
                std::size_t next = 0;
                for (int i = 0; i < 20000; ++i) {
                    const int r = m_rng.below(10);
                    if (r < 4 && next < in.size()) {
                        arrive(t, in[next++]);
                    } else if (r < 7 && !m_tally.assigned.empty()) {
                        closeRandom(t);
                    } else {
                        step();
                        const int ai = m_rng.below(static_cast<int>(m_agentIds.size()));
                        const int k = m_rng.below(10);
                        const sb::AgentStatus st = k < 6   ? sb::AgentStatus::Online
                                                   : k < 9 ? sb::AgentStatus::Away
                                                           : sb::AgentStatus::Offline;
                        t.time([&] { m_engine.setAgentStatus(m_agentIds[ai], st); });
                    }
                }
            }));
            const QStringList bad = m_engine.checkInvariants();
            for (const QString &b : bad)
                std::fprintf(stderr, "invariant: %s\n", qPrintable(b));
            if (!bad.isEmpty())
                std::exit(1);
        }
        return rows;
    }

    // Phases (a) to (c), each a row.
    void cycle(std::vector<Row> &rows)
    {
        // (a) arrivals to free agents, up to 60% of capacity.
        {
            const std::vector<Arrival> in =
                arrivals(static_cast<std::size_t>(0.6 * static_cast<double>(m_capacity)), -1);
            rows.push_back(phase("a-assign", in.size(), [&](Timer &t) {
                for (const Arrival &a : in)
                    arrive(t, a);
            }));
        }
        // (a) fill: web arrivals per group until one waits, so every agent ends at cap.
        {
            // Ids for at most the free capacity plus one arrival per group that waits.
            const std::vector<Arrival> in =
                arrivals(static_cast<std::size_t>(m_capacity) - m_tally.assigned.size() + kGroups, 0);
            rows.push_back(phase("a-fill", in.size(), [&](Timer &t) {
                std::size_t next = 0;
                for (int g = 0; g < kGroups; ++g) {
                    while (next < in.size()) {
                        Arrival a = in[next++];
                        a.channel = &m_web[g];
                        arrive(t, a);
                        if (m_tally.lastKind != sb::DecisionKind::Assigned)
                            break;
                    }
                }
            }));
        }
        // (b) everyone at cap: arrivals queue until queueTarget wait.
        {
            const std::vector<Arrival> in = arrivals(
                static_cast<std::size_t>(std::max<long long>(0, m_size.queueTarget - m_tally.waiting)), -1);
            rows.push_back(phase("b-queue", in.size(), [&](Timer &t) {
                for (const Arrival &a : in)
                    arrive(t, a);
            }));
        }
        m_peakWaiting = std::max(m_peakWaiting, m_tally.waiting);
        // (c) closes free capacity; each drains the queue.
        {
            const long long n = m_tally.waiting;
            rows.push_back(phase("c-drain", static_cast<std::size_t>(n), [&](Timer &t) {
                for (long long i = 0; i < n && !m_tally.assigned.empty(); ++i)
                    closeRandom(t);
            }));
        }
    }

    // Between the passes (not measured): close every conversation; move the clock on two hours so
    // that the perfect-skill waits of those nobody could take run out (they are widened, assigned
    // and closed too), and the engine is empty again.
    void closeEverything()
    {
        for (int round = 0; round < 2; ++round) {
            while (!m_tally.assigned.empty()) {
                step();
                const Assignment a = m_tally.assigned.back();
                m_tally.assigned.pop_back();
                m_engine.close(a.conversation, a.agent);
            }
            m_clock.advanceMs(2 * 3600 * 1000);
            m_engine.tick();
        }
        m_tally.waiting = m_engine.waitingConversations();
        if (m_engine.liveConversations() != 0 && !m_opt.verify) // --verify keeps one group closed
            std::fprintf(stderr, "note: %d conversations still open between passes\n",
                         m_engine.liveConversations());
    }

    double setupSeconds() const { return m_setupS; }
    long long peakWaiting() const { return m_peakWaiting; }
    int capacity() const { return m_capacity; }
    quint64 digest() const { return m_tally.hash; }
    QStringList samples() const { return m_tally.samples; }

private:
    void step() { m_clock.advanceMs(1); }

    struct Arrival
    {
        QString conversation;
        QString customer;
        const QString *channel;
        const QString *text;
    };

    // New conversations, prepared before a phase so that only the engine is measured: on a random
    // group's channel (50% web, 30% chat, 20% mail), or all on one group's web channel.
    std::vector<Arrival> arrivals(std::size_t n, int onlyGroup)
    {
        static const QString hello = QStringLiteral("Hello, I have a question about my order");
        static const QString refund = QStringLiteral("Hi, I would like a REFUND for my last order please");
        std::vector<Arrival> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            int group = onlyGroup, kind = 0;
            if (group < 0) {
                group = m_rng.below(kGroups);
                const int r = m_rng.below(100);
                kind = r < 50 ? 0 : r < 80 ? 1 : 2;
            }
            const QString *channel = kind == 0 ? &m_web[group] : kind == 1 ? &m_chat[group] : &m_mail[group];
            const QString *text = (kind == 2 && m_rng.chance(0.1)) ? &refund : &hello;
            out.push_back({QString::asprintf("c%07llu", ++m_convSeq),
                           QString::asprintf("u%07d", m_rng.below(2000000)), channel, text});
        }
        return out;
    }

    void arrive(Timer &t, const Arrival &a)
    {
        step();
        t.time([&] { m_engine.customerMessage(a.conversation, a.customer, *a.channel, *a.text); });
    }

    void closeRandom(Timer &t)
    {
        step();
        const std::size_t i =
            static_cast<std::size_t>(m_rng.below(static_cast<int>(m_tally.assigned.size())));
        std::swap(m_tally.assigned[i], m_tally.assigned.back());
        const Assignment a = m_tally.assigned.back();
        m_tally.assigned.pop_back();
        t.time([&] { m_engine.close(a.conversation, a.agent); });
    }

    template<typename F>
    Row phase(const char *name, std::size_t expected, F body)
    {
        Row row;
        row.agents = m_size.agents;
        row.phase = name;
        row.pass = m_pass;
        quint64 kinds0[16];
        std::memcpy(kinds0, m_tally.byKind, sizeof kinds0);
        const quint64 d0 = m_tally.decisions;
        Timer t(expected + 64);
        const auto w0 = std::chrono::steady_clock::now();
        const long f0 = minorFaults();
        const double c0 = threadCpuSeconds();
        body(t);
        const double cpuNs = (threadCpuSeconds() - c0) * 1e9;
        row.faults = minorFaults() - f0;
        row.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        t.finish(&row);
        row.engineNs = std::max(0.0, cpuNs - g_timingOverheadNs * static_cast<double>(row.events));
        row.decisions = m_tally.decisions - d0;
        for (int k = 0; k < 16; ++k) {
            const quint64 n = m_tally.byKind[k] - kinds0[k];
            if (n)
                row.mix += QStringLiteral("%1%2 %3")
                               .arg(row.mix.isEmpty() ? QString() : QStringLiteral(", "))
                               .arg(n)
                               .arg(QLatin1String(kindName(k)));
        }
        return row;
    }

    Options m_opt;
    Size m_size;
    Rng m_rng;
    sb::ManualClock m_clock;
    sb::RoutingEngine m_engine;
    Tally m_tally;
    std::vector<QString> m_web, m_chat, m_mail;
    std::vector<QString> m_agentIds;
    int m_capacity = 0;
    quint64 m_convSeq = 0;
    double m_setupS = 0;
    long long m_peakWaiting = 0;
    const char *m_pass = "";
};

void printHeader()
{
    std::printf("%7s  %-9s %9s %10s %12s %8s %8s %12s %9s %7s %8s   %s\n", "agents", "phase", "events",
                "decisions", "decisions/s", "p50 us", "p99 us", "ns/decision", "ns/event", "spread", "faults",
                "decision mix");
}

void printRow(const Row &r)
{
    const double secs = r.engineNs / 1e9;
    char dps[32] = "-", nsd[32] = "-";
    if (r.decisions > 0 && secs > 0) {
        std::snprintf(dps, sizeof dps, "%.0f", static_cast<double>(r.decisions) / secs);
        std::snprintf(nsd, sizeof nsd, "%.0f", r.engineNs / static_cast<double>(r.decisions));
    }
    const double nse = r.events ? r.engineNs / static_cast<double>(r.events) : 0;
    std::printf("%7d  %-9s %9llu %10llu %12s %8.2f %8.2f %12s %9.0f %6.0f%% %8ld   %s\n", r.agents, r.phase,
                static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.decisions), dps,
                r.p50us, r.p99us, nsd, nse, 100 * r.spread, r.faults, qPrintable(r.mix));
}

const char *const kCyclePhases[] = {"a-assign", "a-fill", "b-queue", "c-drain"};

bool inCycle(const Row &r)
{
    for (const char *p : kCyclePhases) {
        if (std::strcmp(r.phase, p) == 0)
            return true;
    }
    return false;
}

// ns per decision over the given pass's rows of one size: one phase, or (phase == nullptr) all of
// a-assign .. c-drain together, as run.
double nsPerDecision(const std::vector<Row> &rows, int agents, const char *pass, const char *phase)
{
    double ns = 0;
    quint64 d = 0;
    for (const Row &r : rows) {
        if (r.agents != agents || std::strcmp(r.pass, pass) != 0)
            continue;
        if (phase ? std::strcmp(r.phase, phase) != 0 : !inCycle(r))
            continue;
        ns += r.engineNs;
        d += r.decisions;
    }
    return d ? ns / static_cast<double>(d) : 0;
}

// The same decision mix at every size: the mean of the four phases' ns/decision.
double fixedMixNs(const std::vector<Row> &rows, int agents, const char *pass)
{
    double sum = 0;
    for (const char *p : kCyclePhases)
        sum += nsPerDecision(rows, agents, pass, p);
    return sum / 4;
}

} // namespace

int main(int argc, char **argv)
{
    Options opt;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            opt.quick = true;
        } else if (std::strcmp(argv[i], "--verify") == 0) {
            opt.verify = true;
        } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            opt.seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            opt.only = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            opt.repeat = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--verify] [--seed N] [--only AGENTS] [--repeat N]\n",
                         argv[0]);
            return 2;
        }
    }

#if defined(__GLIBC__)
    // Keep freed memory mapped, as a long-running coordinator's heap stays at its high-water mark:
    // otherwise closing everything between the passes hands the heap back to the kernel and the
    // warm pass pays the first-touch page faults again. (The cold pass still pays them.)
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
    std::vector<Size> sizes =
        opt.verify  ? std::vector<Size>{{100, 2000, 500}, {500, 5000, 2000}, {5000, 5000, 2000}}
        : opt.quick ? std::vector<Size>{{500, 5000, 2000}, {5000, 5000, 2000}}
                    : std::vector<Size>{{500, 50000, 20000}, {5000, 50000, 20000}, {50000, 50000, 20000}};
    if (opt.only > 0)
        sizes = {Size{opt.only, sizes.front().queueTarget, sizes.front().flips}};

#ifndef NDEBUG
    if (!opt.verify)
        std::printf("warning: assertions enabled (not a Release build); numbers are not representative\n");
#endif
    std::printf("Routing benchmark: %d skill groups, %d skills, caps 4-6, seed %llu%s\n", kGroups, kSkills,
                static_cast<unsigned long long>(opt.seed),
                opt.quick    ? " (quick)"
                : opt.verify ? " (verify)"
                             : "");
    std::printf(
        "decisions/s, ns/decision and ns/event: thread CPU time of the phase (inputs prepared beforehand);\n"
        "p50/p99: steady_clock around each engine call (event). Each row is the median of the repeated "
        "runs;\n"
        "spread: (slowest - fastest) / median CPU time over those runs; faults: minor page faults in the "
        "phase.\n"
        "Host load average: %s\n",
        loadAverage().c_str());

    {
        // The cost of timing one call (two clock reads and a store), subtracted from phase CPU time.
        constexpr int kCalls = 200000;
        Timer t(kCalls);
        volatile int sink = 0;
        const double c0 = threadCpuSeconds();
        for (int i = 0; i < kCalls; ++i)
            t.time([&] { sink = sink + 1; });
        g_timingOverheadNs = (threadCpuSeconds() - c0) * 1e9 / kCalls;
        std::printf("timing overhead %.0f ns per call (subtracted)\n\n", g_timingOverheadNs);
    }

    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Row> all;
    std::vector<std::pair<int, std::string>> notes;
    quint64 digest = 0;
    const int repeat = opt.repeat > 0 ? opt.repeat : (opt.quick || opt.verify) ? 1 : 3;
    for (const Size &s : sizes) {
        std::vector<std::vector<Row>> runs;
        for (int k = 0; k + 1 < repeat; ++k)
            runs.push_back(Bench(opt, s).run());
        Bench bench(opt, s);
        runs.push_back(bench.run());
        const std::vector<Row> rows = mergeRuns(runs);
        all.insert(all.end(), rows.begin(), rows.end());
        char note[160];
        std::snprintf(note, sizeof note, "capacity %d, peak waiting %lld, setup %.2f s", bench.capacity(),
                      bench.peakWaiting(), bench.setupSeconds());
        notes.emplace_back(s.agents, note);
        digest = digest * 1099511628211ULL ^ bench.digest();
        if (opt.verify) {
            std::printf("sample decisions at %d agents:\n", s.agents);
            for (const QString &x : bench.samples())
                std::printf("%s\n", qPrintable(x));
            std::printf("\n");
        }
    }

    std::printf("Steady state (second pass: the engine has run the same cycle before):\n");
    printHeader();
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const int n = sizes[i].agents;
        for (const Row &r : all) {
            if (r.agents == n && std::strcmp(r.pass, "warm") == 0)
                printRow(r);
        }
        const double ns = nsPerDecision(all, n, "warm", nullptr);
        std::printf("%7d  %-9s %9s %10s %12.0f %8s %8s %12.0f %9s   %s\n", n, "a..c", "", "",
                    ns > 0 ? 1e9 / ns : 0.0, "", "", ns, "", notes[i].second.c_str());
    }
    std::printf("\nFirst pass (cold: every table grows from empty, fresh memory is paged in):\n");
    printHeader();
    for (const Size &s : sizes) {
        for (const Row &r : all) {
            if (r.agents == s.agents && std::strcmp(r.pass, "cold") == 0)
                printRow(r);
        }
        const double ns = nsPerDecision(all, s.agents, "cold", nullptr);
        std::printf("%7d  %-9s %9s %10s %12.0f %8s %8s %12.0f\n", s.agents, "a..c", "", "",
                    ns > 0 ? 1e9 / ns : 0.0, "", "", ns);
    }

    const int small = sizes.front().agents, large = sizes.back().agents;
    if (large > small) {
        const double logRatio = std::log2(static_cast<double>(large)) / std::log2(static_cast<double>(small));
        std::printf("\nScaling %d -> %d agents, steady state; log2(%d)/log2(%d) = %.2f:\n", small, large,
                    large, small, logRatio);
        for (const char *phase : kCyclePhases) {
            const double a = nsPerDecision(all, small, "warm", phase),
                         b = nsPerDecision(all, large, "warm", phase);
            if (a > 0 && b > 0)
                std::printf("  %-9s %8.0f -> %8.0f ns/decision  ratio %.2f  %s\n", phase, a, b, b / a,
                            b / a <= logRatio ? "within log2" : "ABOVE log2");
        }
        const double a = fixedMixNs(all, small, "warm"), b = fixedMixNs(all, large, "warm");
        std::printf("  same mix  %8.0f -> %8.0f ns/decision  ratio %.2f vs %.2f: %s\n", a, b, b / a, logRatio,
                    b / a <= logRatio ? "growth no faster than logarithmic"
                                      : "growth FASTER than logarithmic");
        const double ca = fixedMixNs(all, small, "cold"), cb = fixedMixNs(all, large, "cold");
        std::printf("  (first pass, same mix: %.0f -> %.0f ns/decision, ratio %.2f)\n", ca, cb, cb / ca);
    }
    for (const Size &s : sizes) {
        if (s.agents != 5000)
            continue;
        const double total = 1e9 / nsPerDecision(all, 5000, "warm", nullptr);
        double slowest = 1e300;
        const char *slowestPhase = "";
        for (const char *phase : kCyclePhases) {
            const double dps = 1e9 / nsPerDecision(all, 5000, "warm", phase);
            if (dps < slowest) {
                slowest = dps;
                slowestPhase = phase;
            }
        }
        std::printf(
            "\nTarget at 5,000 agents (>= 200,000 decisions/s on one core): %.0f decisions/s over a..c, "
            "slowest phase %s %.0f: %s\n",
            total, slowestPhase, slowest,
            slowest >= 200000 ? "met"
            : total >= 200000 ? "met overall, not in every phase"
                              : "MISSED");
    }
    if (opt.verify)
        std::printf("digest %016llx\n", static_cast<unsigned long long>(digest));
    std::printf("total %.1f s, %d run(s) per size, load average now %s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), repeat,
                loadAverage().c_str());
    return 0;
}
