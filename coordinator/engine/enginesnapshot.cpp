// The engine's state saved as bytes and restored from them: what a host's journal snapshot holds.
//
// Layout: the magic "SBES" and the format version (4 bytes each, little-endian), the payload, then
// a 64-bit checksum of everything before it. The payload holds every part of the state that affects
// a later decision, in index order: counters and the clock reading, settings, skills and interned
// skill sets, channels, groups (ring positions, round-robin place, served samples, hours and their
// generation), agents, customers, compiled rules, conversation slots (a dead one keeps its serial,
// which the slot's next conversation continues from), the free-slot list, and the live timers in
// the order they will fire. What can be derived is rebuilt instead of stored: the hash indexes, the
// groups' availability indexes and status counts, the queues' ordered sets, the unmatched set,
// agents' ring positions and the allowed-status table.
//
// Timers whose generation or serial no longer matches (cancelled, or for a slot since reused) are
// left out: they can never fire anything again. An engine restored from a snapshot therefore may
// answer an earlier nextTimerMs() than the one it was saved from (a stale timer's due time), which
// only wakes the host for a tick that does nothing.
//
// Bytes are checked before anything changes: the checksum first (a torn or corrupted blob), then
// every count against what is left to read and every index against what it refers to, and the
// places of conversations against their agents, so that no input, however malformed, can make the
// engine read out of bounds. (A blob forged to pass all of that can still hold odd numbers; the
// checksum is what keeps accidents out.)
#include "enginesnapshot.h"
#include "routingengine.h"

#include <QJsonDocument>
#include <QtEndian>
#include <algorithm>
#include <climits>
#include <cstring>
#include <map>

namespace sb {

quint64 snapshot::checksum(const char *data, qsizetype size)
{
    quint64 h = 0x9E3779B97F4A7C15ULL ^ static_cast<quint64>(size);
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 w;
        std::memcpy(&w, data + i, 8);
        h ^= w;
        h *= 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
    }
    quint64 tail = 0;
    std::memcpy(&tail, data + i, static_cast<std::size_t>(size - i));
    h ^= tail;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    return h;
}

namespace {
using snapshot::checksum;

constexpr quint32 kMagic = 0x53454253; // "SBES" as little-endian bytes
constexpr int kHeaderBytes = 8;
constexpr int kChecksumBytes = 8;

// The priority queue's container, to save the timers without popping a copy of the heap.
template<typename Queue>
const typename Queue::container_type &containerOf(const Queue &queue)
{
    struct Access : Queue
    {
        static const typename Queue::container_type &get(const Queue &q) { return q.*(&Access::c); }
    };
    return Access::get(queue);
}

// ---- writing ----

// Appends straight into the byte array: a QDataStream goes through QIODevice for every field,
// which made saving 100,000 conversations take 200 ms. Integers are LEB128 varints (signed ones
// zigzagged), so the many small counts and indexes take a byte each; strings are Latin-1 when
// they are ASCII (ids nearly always are) and raw UTF-16 otherwise, so that every QString, null,
// empty or holding a lone surrogate, comes back exactly as it was.
class Writer
{
public:
    explicit Writer(QByteArray *out) : m_out(out) {}
    ~Writer() { m_out->resize(m_used); }

    void u8(int v) { *room(1) = static_cast<char>(v); }
    void flag(bool v) { u8(v ? 1 : 0); }
    void u64(quint64 v)
    {
        char *p = room(10);
        int n = 0;
        while (v >= 0x80) {
            p[n++] = static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        p[n++] = static_cast<char>(v);
        m_used -= 10 - n;
    }
    void u32(quint32 v) { u64(v); }
    void i64(qint64 v) { u64((static_cast<quint64>(v) << 1) ^ static_cast<quint64>(v >> 63)); }
    void i32(int v) { i64(v); }
    void count(std::size_t n) { u64(n); }
    void fixed32(quint32 v) { qToLittleEndian(v, room(4)); }
    void str(const QString &s)
    {
        if (s.isNull()) {
            u64(0);
            return;
        }
        const qsizetype n = s.size();
        const char16_t *units = reinterpret_cast<const char16_t *>(s.utf16());
        const bool ascii = std::all_of(units, units + n, [](char16_t c) { return c < 0x80; });
        u64((static_cast<quint64>(n) << 2) | (ascii ? 1 : 2));
        if (ascii) {
            char *p = room(n);
            for (qsizetype i = 0; i < n; ++i)
                p[i] = static_cast<char>(units[i]);
        } else {
            std::memcpy(room(n * 2), units, static_cast<std::size_t>(n) * 2); // little-endian hosts only
        }
    }
    void bytes(const QByteArray &b)
    {
        count(static_cast<std::size_t>(b.size()));
        std::memcpy(room(b.size()), b.constData(), static_cast<std::size_t>(b.size()));
    }
    void strings(const QStringList &list)
    {
        count(static_cast<std::size_t>(list.size()));
        for (const QString &s : list)
            str(s);
    }
    void ints(const std::vector<int> &v)
    {
        count(v.size());
        for (int x : v)
            i32(x);
    }
    void skills(const SkillSet &s) { ints(s.toList()); }

private:
    // Space for n more bytes at the end; the array grows by doubling and is cut to size at the end.
    char *room(qsizetype n)
    {
        if (m_used + n > m_out->size())
            m_out->resize(std::max<qsizetype>(2 * m_out->size(), m_used + n + 4096));
        char *p = m_out->data() + m_used;
        m_used += n;
        return p;
    }

    QByteArray *m_out;
    qsizetype m_used = 0;
};

// ---- reading ----

// Reads what Writer wrote; the first problem is kept (error()) and every later read returns zeros,
// so a parser checks once per section instead of after every field.
class Reader
{
public:
    Reader(const char *begin, const char *end) : m_p(begin), m_end(end) {}
    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    void fail(const QString &why)
    {
        if (m_error.isEmpty())
            m_error = why;
        m_p = m_end;
    }
    qsizetype left() const { return m_end - m_p; }

    int u8()
    {
        if (m_p >= m_end) {
            ended();
            return 0;
        }
        return static_cast<quint8>(*m_p++);
    }
    bool flag()
    {
        const int v = u8();
        if (v > 1)
            fail(QStringLiteral("a flag holds %1").arg(v));
        return v == 1;
    }
    quint64 u64()
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p >= m_end) {
                ended();
                return 0;
            }
            const auto byte = static_cast<quint8>(*m_p++);
            v |= static_cast<quint64>(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return v;
        }
        fail(QStringLiteral("a number runs over ten bytes"));
        return 0;
    }
    quint32 u32()
    {
        const quint64 v = u64();
        if (v > 0xffffffffULL)
            fail(QStringLiteral("%1 does not fit 32 bits").arg(v));
        return static_cast<quint32>(v);
    }
    qint64 i64()
    {
        const quint64 v = u64();
        return static_cast<qint64>(v >> 1) ^ -static_cast<qint64>(v & 1);
    }
    int i32()
    {
        const qint64 v = i64();
        if (v < INT_MIN || v > INT_MAX)
            fail(QStringLiteral("%1 does not fit 32 bits").arg(v));
        return static_cast<int>(v);
    }
    quint32 fixed32()
    {
        if (left() < 4) {
            ended();
            return 0;
        }
        const auto v = qFromLittleEndian<quint32>(m_p);
        m_p += 4;
        return v;
    }
    // A count of items of at least `minBytes` each: no more than the bytes left could hold, so a
    // corrupt count never makes the reader reserve gigabytes or loop for long.
    std::size_t count(int minBytes)
    {
        const quint64 n = u64();
        if (ok() && n > static_cast<quint64>(left()) / static_cast<quint64>(minBytes)) {
            fail(QStringLiteral("a count of %1 runs past the end of the data").arg(n));
            return 0;
        }
        return ok() ? static_cast<std::size_t>(n) : 0;
    }
    QString str()
    {
        const quint64 head = u64();
        if (head == 0 || !ok())
            return QString();
        const quint64 n = head >> 2;
        const quint64 kind = head & 3;
        const quint64 size = kind == 1 ? n : n * 2;
        if ((kind != 1 && kind != 2) || size > static_cast<quint64>(left())) {
            fail(QStringLiteral("a string runs past the end of the data"));
            return QString();
        }
        const char *p = m_p;
        m_p += size;
        if (kind == 1)
            return QString::fromLatin1(p, static_cast<qsizetype>(n));
        QString s(static_cast<qsizetype>(n), Qt::Uninitialized);
        std::memcpy(s.data(), p, static_cast<std::size_t>(size));
        return s;
    }
    QByteArray bytes()
    {
        const std::size_t n = count(1);
        const char *p = m_p;
        m_p += n;
        return QByteArray(p, static_cast<qsizetype>(n));
    }
    QStringList strings()
    {
        QStringList list;
        const std::size_t n = count(1);
        list.reserve(static_cast<qsizetype>(n));
        for (std::size_t i = 0; i < n && ok(); ++i)
            list << str();
        return list;
    }
    // Integers each in [lo, hi).
    std::vector<int> ints(int lo, int hi, const char *what)
    {
        std::vector<int> v;
        const std::size_t n = count(1);
        v.reserve(n);
        for (std::size_t i = 0; i < n && ok(); ++i)
            v.push_back(index(lo, hi, what));
        return v;
    }
    int index(int lo, int hi, const char *what)
    {
        const int v = i32();
        if (ok() && (v < lo || v >= hi)) {
            fail(QStringLiteral("%1 %2 out of range").arg(QLatin1String(what)).arg(v));
            return lo;
        }
        return v;
    }
    // An enumeration, written as one byte: a value in [0, count).
    int enumeration(int count, const char *what)
    {
        const int v = u8();
        if (ok() && v >= count) {
            fail(QStringLiteral("%1 %2 out of range").arg(QLatin1String(what)).arg(v));
            return 0;
        }
        return v;
    }
    SkillSet skills(int skillCount)
    {
        SkillSet s;
        for (int k : ints(0, skillCount, "skill"))
            s.insert(k);
        return s;
    }

private:
    void ended() { fail(QStringLiteral("the data ends early")); }

    const char *m_p;
    const char *m_end;
    QString m_error;
};

constexpr int kStrategies = static_cast<int>(Strategy::Manual) + 1;

bool timerStale(const Timer &t, const std::deque<Conv> &convs, const std::vector<Group> &groups,
                quint32 midnightGen)
{
    switch (t.kind) {
    case TimerKind::Reply:
    case TimerKind::Inactivity:
    case TimerKind::Widen: {
        if (t.target < 0 || t.target >= static_cast<int>(convs.size()))
            return true;
        const Conv &c = convs[static_cast<std::size_t>(t.target)];
        if (!c.live || c.serial != t.serial)
            return true;
        const quint32 gen = t.kind == TimerKind::Reply        ? c.replyGen
                            : t.kind == TimerKind::Inactivity ? c.idleGen
                                                              : c.widenGen;
        return t.gen != gen;
    }
    case TimerKind::Hours:
        return t.target < 0 || t.target >= static_cast<int>(groups.size()) ||
               t.gen != groups[static_cast<std::size_t>(t.target)].hoursGen;
    case TimerKind::Midnight:
        return t.gen != midnightGen;
    }
    return true;
}

void writeRule(Writer &w, const CompiledRule &rule)
{
    const RuleConfig &r = rule.config;
    w.str(r.id);
    w.str(r.name);
    w.strings(r.channels);
    w.strings(r.tagsAll);
    w.strings(r.tagsAny);
    w.u8(!r.vip ? 0 : *r.vip ? 2 : 1);
    w.strings(r.languages);
    w.u8(static_cast<int>(r.customer));
    w.strings(r.keywordsAny);
    w.strings(r.groups);
    w.u8(static_cast<int>(r.strategy));
    w.strings(r.skills);
    w.count(r.keywordSkills.size());
    for (const KeywordSkill &k : r.keywordSkills) {
        w.str(k.keyword);
        w.str(k.skill);
    }
    w.i32(r.maxWaitSeconds);
    w.i32(r.priority);
    w.flag(r.preferPreviousAgent);
    w.flag(r.preferOwner);
    w.flag(r.preferVipAgents);
    // As compiled: group indexes, skill ids, lower-cased keywords.
    w.ints(rule.groups);
    w.skills(rule.skills);
    w.count(rule.keywordSkills.size());
    for (const auto &k : rule.keywordSkills) {
        w.str(k.first);
        w.i32(k.second);
    }
    w.strings(rule.keywordsAny);
}

CompiledRule readRule(Reader &r, int groupCount, int skillCount)
{
    CompiledRule rule;
    RuleConfig &c = rule.config;
    c.id = r.str();
    c.name = r.str();
    c.channels = r.strings();
    c.tagsAll = r.strings();
    c.tagsAny = r.strings();
    const int vip = r.enumeration(3, "rule vip condition");
    if (vip > 0)
        c.vip = vip == 2;
    c.languages = r.strings();
    c.customer = static_cast<CustomerKind>(r.enumeration(3, "customer kind"));
    c.keywordsAny = r.strings();
    c.groups = r.strings();
    c.strategy = static_cast<Strategy>(r.enumeration(kStrategies, "strategy"));
    c.skills = r.strings();
    const std::size_t keywords = r.count(2);
    for (std::size_t i = 0; i < keywords && r.ok(); ++i) {
        KeywordSkill k;
        k.keyword = r.str();
        k.skill = r.str();
        c.keywordSkills.push_back(k);
    }
    c.maxWaitSeconds = r.i32();
    c.priority = r.i32();
    c.preferPreviousAgent = r.flag();
    c.preferOwner = r.flag();
    c.preferVipAgents = r.flag();
    rule.groups = r.ints(0, groupCount, "rule group");
    rule.skills = r.skills(skillCount);
    const std::size_t compiled = r.count(2);
    for (std::size_t i = 0; i < compiled && r.ok(); ++i) {
        QString keyword = r.str();
        const int skill = r.index(0, skillCount, "keyword skill");
        rule.keywordSkills.push_back({keyword, skill});
    }
    rule.keywordsAny = r.strings();
    return rule;
}

// Adds key -> value unless the key is there already (one lookup: these run once per conversation).
bool uniqueInsert(QHash<QString, int> &hash, const QString &key, int value)
{
    const qsizetype before = hash.size();
    hash.insert(key, value);
    return hash.size() != before;
}

EngineResult refused(const QString &why)
{
    return EngineResult::failure(QStringLiteral("snapshot"),
                                 QStringLiteral("engine snapshot refused: %1").arg(why));
}

} // namespace

quint32 RoutingEngine::stateFormatOf(const QByteArray &state)
{
    if (state.size() < kHeaderBytes + kChecksumBytes ||
        qFromLittleEndian<quint32>(state.constData()) != kMagic)
        return 0;
    return qFromLittleEndian<quint32>(state.constData() + 4);
}

QByteArray RoutingEngine::saveState() const
{
    QByteArray bytes;
    // Roughly what a conversation and a customer take, so that the buffer seldom grows.
    bytes.reserve(static_cast<qsizetype>(4096 + m_convs.size() * 160 + m_customers.size() * 48));
    {
        Writer w(&bytes);
        w.fixed32(kMagic);
        w.fixed32(kStateFormat);

        w.i64(m_now);
        w.u64(m_decisionSeq);
        w.u64(m_arrivalSeq);
        w.u64(m_assignSeq);
        w.u64(m_timerSeq);
        w.u32(m_midnightGen);

        const RoutingSettings &s = m_settings;
        w.count(s.allowedStatuses.size());
        for (AgentStatus st : s.allowedStatuses)
            w.u8(static_cast<int>(st));
        w.flag(s.channelPriority);
        w.i32(s.vipPriorityBoost);
        w.i32(s.replyTimeoutSeconds);
        w.i32(s.autoCloseMinutes);
        w.u8(static_cast<int>(s.offlinePolicy));
        w.str(s.timeZone);
        w.i32(s.defaultHandleSeconds);
        w.i32(s.explainLimit);
        w.bytes(m_siteZone.id());

        w.count(m_skillNames.size());
        for (const QString &name : m_skillNames)
            w.str(name);
        w.count(m_skillSets.size());
        for (const SkillSet &set : m_skillSets)
            w.skills(set);

        w.count(m_channels.size());
        for (const Channel &c : m_channels) {
            w.str(c.id);
            w.i32(c.priority);
        }

        w.count(m_groups.size());
        for (const Group &g : m_groups) {
            w.str(g.id);
            w.str(g.name);
            w.bytes(QJsonDocument(g.hours.toJson()).toJson(QJsonDocument::Compact));
            w.str(g.offHoursMessage);
            w.i32(g.expectedResponseSeconds);
            w.flag(g.open);
            w.u32(g.hoursGen);
            w.count(g.members.size());
            for (int ai : g.members) {
                w.i32(ai);
                w.i32(g.ring.at(ai));
            }
            w.i32(g.nextRing);
            w.i32(g.rrLast);
            w.count(g.served.size());
            for (qint64 at : g.served)
                w.i64(at);
        }

        w.count(m_agents.size());
        for (const Agent &a : m_agents) {
            w.str(a.id);
            w.str(a.name);
            w.skills(a.skills);
            w.ints(a.groups);
            w.i32(a.cap);
            w.flag(a.vip);
            w.u8(static_cast<int>(a.status));
            w.i32(a.counted);
            w.i32(a.open);
            w.i32(a.acceptedToday);
            w.u64(a.lastAssign);
            w.ints(a.conversations);
        }

        w.count(m_customers.size());
        for (const CustomerState &c : m_customers) {
            w.str(c.id);
            w.strings(c.tags);
            w.flag(c.vip);
            w.str(c.language);
            w.i32(c.owner);
            w.i32(c.previous);
            w.flag(c.returning);
        }

        w.count(m_rules.size());
        for (const CompiledRule &rule : m_rules)
            writeRule(w, rule);

        w.count(m_convs.size());
        for (const Conv &c : m_convs) {
            w.u32(c.serial);
            w.flag(c.live);
            if (!c.live)
                continue;
            w.str(c.id);
            w.i32(c.customer);
            w.i32(c.channel);
            w.i32(c.rule);
            w.ints(c.groups);
            w.u8(static_cast<int>(c.strategy));
            w.skills(c.required);
            w.i32(c.skillSet);
            w.i32(c.maxWaitSeconds);
            w.i32(c.priority);
            w.flag(c.preferPrevious);
            w.flag(c.preferOwner);
            w.flag(c.preferVip);
            w.u8(static_cast<int>(c.state));
            w.i32(c.key.channelPriority);
            w.i32(c.key.priority);
            w.flag(c.key.head);
            w.i64(c.key.arrival);
            w.u64(c.key.seq);
            w.i32(c.agent);
            w.i32(c.lastAgent);
            w.flag(c.counted);
            w.ints(c.invited);
            w.ints(c.timedOut);
            w.i32(c.excluded);
            w.flag(c.widened);
            w.flag(c.hasCustomerMessage);
            w.flag(c.awaitingFirstReply);
            w.i64(c.arrivedAt);
            w.i64(c.waitFrom);
            w.u32(c.replyGen);
            w.u32(c.idleGen);
            w.u32(c.widenGen);
        }
        w.ints(m_freeConvs);

        // In firing order: the heap's layout is not part of the state, only the order it pops in.
        std::vector<Timer> timers;
        for (const Timer &t : containerOf(m_timers)) {
            if (!timerStale(t, m_convs, m_groups, m_midnightGen))
                timers.push_back(t);
        }
        std::sort(timers.begin(), timers.end(),
                  [](const Timer &a, const Timer &b) { return TimerLater()(b, a); });
        w.count(timers.size());
        for (const Timer &t : timers) {
            w.i64(t.due);
            w.u64(t.seq);
            w.u8(static_cast<int>(t.kind));
            w.i32(t.target);
            w.u32(t.serial);
            w.u32(t.gen);
        }
    }
    const quint64 sum = checksum(bytes.constData(), bytes.size());
    char tail[kChecksumBytes];
    qToLittleEndian(sum, tail);
    bytes.append(tail, kChecksumBytes);
    return bytes;
}

EngineResult RoutingEngine::restoreState(const QByteArray &state)
{
    if (state.size() < kHeaderBytes + kChecksumBytes)
        return refused(QStringLiteral("%1 bytes are too few to be an engine state").arg(state.size()));
    const quint32 format = stateFormatOf(state);
    if (format == 0)
        return refused(QStringLiteral("the data is not an engine state (no SBES mark)"));
    if (format != kStateFormat)
        return refused(
            QStringLiteral("format %1, but this build reads format %2 only").arg(format).arg(kStateFormat));
    const qsizetype end = state.size() - kChecksumBytes;
    if (checksum(state.constData(), end) != qFromLittleEndian<quint64>(state.constData() + end))
        return refused(QStringLiteral("the checksum does not match (torn or corrupted data)"));

    Reader r(state.constData() + kHeaderBytes, state.constData() + end);

    const qint64 now = r.i64();
    const quint64 decisionSeq = r.u64(), arrivalSeq = r.u64(), assignSeq = r.u64(), timerSeq = r.u64();
    const quint32 midnightGen = r.u32();

    RoutingSettings settings;
    settings.allowedStatuses.clear();
    const std::size_t statuses = r.count(1);
    for (std::size_t i = 0; i < statuses && r.ok(); ++i)
        settings.allowedStatuses.push_back(
            static_cast<AgentStatus>(r.enumeration(AgentStatusCount, "status")));
    settings.channelPriority = r.flag();
    settings.vipPriorityBoost = r.i32();
    settings.replyTimeoutSeconds = r.i32();
    settings.autoCloseMinutes = r.i32();
    settings.offlinePolicy = static_cast<OfflinePolicy>(
        r.enumeration(static_cast<int>(OfflinePolicy::Reassign) + 1, "offline policy"));
    settings.timeZone = r.str();
    settings.defaultHandleSeconds = r.i32();
    settings.explainLimit = r.i32();
    const QByteArray zoneId = r.bytes();

    std::vector<QString> skillNames;
    QHash<QString, int> skillIds;
    const std::size_t skillCount = r.count(1);
    for (std::size_t i = 0; i < skillCount && r.ok(); ++i) {
        skillNames.push_back(r.str());
        if (!uniqueInsert(skillIds, skillNames.back(), static_cast<int>(i)))
            r.fail(QStringLiteral("skill \"%1\" appears twice").arg(skillNames.back()));
    }
    const int skills = static_cast<int>(skillNames.size());
    std::vector<SkillSet> skillSets;
    const std::size_t setCount = r.count(1);
    for (std::size_t i = 0; i < setCount && r.ok(); ++i)
        skillSets.push_back(r.skills(skills));
    if (r.ok() && (skillSets.empty() || !skillSets.front().isEmpty()))
        r.fail(QStringLiteral("the first interned skill set must be the empty one"));
    if (!r.ok())
        return refused(r.error());

    std::vector<Channel> channels;
    QHash<QString, int> channelIndex;
    const std::size_t channelCount = r.count(2);
    for (std::size_t i = 0; i < channelCount && r.ok(); ++i) {
        Channel c;
        c.id = r.str();
        c.priority = r.i32();
        if (!uniqueInsert(channelIndex, c.id, static_cast<int>(i)))
            r.fail(QStringLiteral("channel \"%1\" appears twice").arg(c.id));
        channels.push_back(c);
    }

    // Groups before agents, which refer to them; members are checked once the agents are read.
    std::vector<Group> groups;
    QHash<QString, int> groupIndex;
    std::vector<std::vector<std::pair<int, int>>> rings; // per group: (agent, ring position)
    const std::size_t groupCount = r.count(11);
    groups.reserve(groupCount);
    for (std::size_t i = 0; i < groupCount && r.ok(); ++i) {
        groups.emplace_back();
        Group &g = groups.back();
        g.id = r.str();
        g.name = r.str();
        const QByteArray hours = r.bytes();
        if (r.ok()) {
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(hours, &parseError);
            QString why;
            if (!doc.isObject())
                r.fail(QStringLiteral("group \"%1\": working hours are not a JSON object").arg(g.id));
            else if (!WorkingHours::fromJson(doc.object(), &g.hours, &why))
                r.fail(QStringLiteral("group \"%1\": %2").arg(g.id, why));
        }
        g.offHoursMessage = r.str();
        g.expectedResponseSeconds = r.i32();
        g.open = r.flag();
        g.hoursGen = r.u32();
        rings.emplace_back();
        const std::size_t members = r.count(2);
        for (std::size_t k = 0; k < members && r.ok(); ++k) {
            const int ai = r.i32();
            const int pos = r.i32();
            rings.back().push_back({ai, pos});
        }
        g.nextRing = r.i32();
        g.rrLast = r.i32();
        const std::size_t served = r.count(1);
        for (std::size_t k = 0; k < served && r.ok(); ++k)
            g.served.push_back(r.i64());
        if (!uniqueInsert(groupIndex, g.id, static_cast<int>(i)))
            r.fail(QStringLiteral("group \"%1\" appears twice").arg(g.id));
    }
    if (!r.ok())
        return refused(r.error());
    const int groupsN = static_cast<int>(groups.size());

    std::vector<Agent> agents;
    QHash<QString, int> agentIndex;
    std::vector<std::vector<int>> agentConvs;
    const std::size_t agentCount = r.count(12);
    agents.reserve(agentCount);
    for (std::size_t i = 0; i < agentCount && r.ok(); ++i) {
        agents.emplace_back();
        Agent &a = agents.back();
        a.id = r.str();
        a.name = r.str();
        a.skills = r.skills(skills);
        a.groups = r.ints(0, groupsN, "agent group");
        a.cap = r.i32();
        a.vip = r.flag();
        a.status = static_cast<AgentStatus>(r.enumeration(AgentStatusCount, "status"));
        a.counted = r.i32();
        a.open = r.i32();
        a.acceptedToday = r.i32();
        a.lastAssign = r.u64();
        agentConvs.push_back(r.ints(0, INT_MAX, "conversation slot"));
        std::vector<int> sorted = a.groups;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
            r.fail(QStringLiteral("agent \"%1\" lists a group twice").arg(a.id));
        if (!uniqueInsert(agentIndex, a.id, static_cast<int>(i)))
            r.fail(QStringLiteral("agent \"%1\" appears twice").arg(a.id));
    }
    if (!r.ok())
        return refused(r.error());
    const int agentsN = static_cast<int>(agents.size());
    // Group membership must agree both ways: ring positions are looked up for every agent's group.
    for (int gi = 0; gi < groupsN && r.ok(); ++gi) {
        Group &g = groups[static_cast<std::size_t>(gi)];
        for (const auto &[ai, pos] : rings[static_cast<std::size_t>(gi)]) {
            if (ai < 0 || ai >= agentsN) {
                r.fail(QStringLiteral("group \"%1\": member %2 out of range").arg(g.id).arg(ai));
                break;
            }
            const auto &ag = agents[static_cast<std::size_t>(ai)].groups;
            if (std::find(ag.begin(), ag.end(), gi) == ag.end() || g.ring.count(ai)) {
                r.fail(QStringLiteral("group \"%1\" and agent \"%2\" disagree on membership")
                           .arg(g.id, agents[static_cast<std::size_t>(ai)].id));
                break;
            }
            g.members.push_back(ai);
            g.ring[ai] = pos;
        }
    }
    for (int ai = 0; ai < agentsN && r.ok(); ++ai) {
        Agent &a = agents[static_cast<std::size_t>(ai)];
        for (int gi : a.groups) {
            const auto it = groups[static_cast<std::size_t>(gi)].ring.find(ai);
            if (it == groups[static_cast<std::size_t>(gi)].ring.end()) {
                r.fail(QStringLiteral("agent \"%1\" is not in the ring of group \"%2\"")
                           .arg(a.id, groups[static_cast<std::size_t>(gi)].id));
                break;
            }
            a.ringPos.push_back(it->second);
        }
    }
    if (!r.ok())
        return refused(r.error());

    std::deque<CustomerState> customers;
    QHash<QString, int> customerIndex;
    const std::size_t customerCount = r.count(7);
    customerIndex.reserve(static_cast<qsizetype>(customerCount));
    for (std::size_t i = 0; i < customerCount && r.ok(); ++i) {
        CustomerState c;
        c.id = r.str();
        c.tags = r.strings();
        c.vip = r.flag();
        c.language = r.str();
        c.owner = r.index(-1, agentsN, "customer owner");
        c.previous = r.index(-1, agentsN, "previous agent");
        c.returning = r.flag();
        if (!uniqueInsert(customerIndex, c.id, static_cast<int>(i)))
            r.fail(QStringLiteral("customer \"%1\" appears twice").arg(c.id));
        customers.push_back(std::move(c));
    }

    std::vector<CompiledRule> rules;
    const std::size_t ruleCount = r.count(20);
    for (std::size_t i = 0; i < ruleCount && r.ok(); ++i)
        rules.push_back(readRule(r, groupsN, skills));
    if (!r.ok())
        return refused(r.error());

    const int customersN = static_cast<int>(customers.size());
    const int channelsN = static_cast<int>(channels.size());
    const int rulesN = static_cast<int>(rules.size());
    const int setsN = static_cast<int>(skillSets.size());
    std::deque<Conv> convs;
    QHash<QString, int> convIndex;
    const std::size_t slotCount = r.count(2);
    convIndex.reserve(static_cast<qsizetype>(slotCount));
    for (std::size_t i = 0; i < slotCount && r.ok(); ++i) {
        convs.emplace_back();
        Conv &c = convs.back();
        c.serial = r.u32();
        c.live = r.flag();
        if (!c.live)
            continue;
        c.id = r.str();
        c.customer = r.index(0, customersN, "conversation customer");
        c.channel = r.index(0, channelsN, "conversation channel");
        c.rule = r.index(-1, rulesN, "conversation rule");
        c.groups = r.ints(0, groupsN, "conversation group");
        c.strategy = static_cast<Strategy>(r.enumeration(kStrategies, "strategy"));
        c.required = r.skills(skills);
        c.skillSet = r.index(0, setsN, "skill set");
        c.maxWaitSeconds = r.i32();
        c.priority = r.i32();
        c.preferPrevious = r.flag();
        c.preferOwner = r.flag();
        c.preferVip = r.flag();
        c.state = static_cast<Conv::State>(r.enumeration(Conv::Closed + 1, "conversation state"));
        c.key.channelPriority = r.i32();
        c.key.priority = r.i32();
        c.key.head = r.flag();
        c.key.arrival = r.i64();
        c.key.seq = r.u64();
        c.key.conv = static_cast<int>(i);
        c.agent = r.index(-1, agentsN, "conversation agent");
        c.lastAgent = r.index(-1, agentsN, "last agent");
        c.counted = r.flag();
        c.invited = r.ints(0, agentsN, "invited agent");
        c.timedOut = r.ints(0, agentsN, "timed-out agent");
        c.excluded = r.index(-1, agentsN, "excluded agent");
        c.widened = r.flag();
        c.hasCustomerMessage = r.flag();
        c.awaitingFirstReply = r.flag();
        c.arrivedAt = r.i64();
        c.waitFrom = r.i64();
        c.replyGen = r.u32();
        c.idleGen = r.u32();
        c.widenGen = r.u32();
        if (!r.ok())
            break;
        // Between events a live conversation is assigned (to an agent) or waits (queued in a group
        // queue, or unmatched): anything else is a state the engine cannot continue from.
        const bool placed = (c.state == Conv::Assigned && c.agent >= 0) ||
                            (c.state == Conv::Queued && c.agent < 0 && !c.groups.empty()) ||
                            (c.state == Conv::Unmatched && c.agent < 0);
        if (!placed)
            r.fail(QStringLiteral("conversation \"%1\" is neither assigned nor waiting").arg(c.id));
        if (!uniqueInsert(convIndex, c.id, static_cast<int>(i)))
            r.fail(QStringLiteral("conversation \"%1\" appears twice").arg(c.id));
    }
    const int slotCountN = static_cast<int>(convs.size());
    const std::vector<int> freeConvs = r.ints(0, slotCountN, "free slot");
    if (!r.ok())
        return refused(r.error());
    std::vector<bool> isFree(convs.size(), false);
    for (int ci : freeConvs) {
        if (convs[static_cast<std::size_t>(ci)].live || isFree[static_cast<std::size_t>(ci)])
            return refused(QStringLiteral("slot %1 is live or listed twice, yet free").arg(ci));
        isFree[static_cast<std::size_t>(ci)] = true;
    }
    // Each agent's conversations are live, assigned to them, and listed once.
    for (int ai = 0; ai < agentsN; ++ai) {
        Agent &a = agents[static_cast<std::size_t>(ai)];
        for (int ci : agentConvs[static_cast<std::size_t>(ai)]) {
            if (ci >= slotCountN || !convs[static_cast<std::size_t>(ci)].live ||
                convs[static_cast<std::size_t>(ci)].agent != ai ||
                std::find(a.conversations.begin(), a.conversations.end(), ci) != a.conversations.end())
                return refused(QStringLiteral("agent \"%1\" lists conversation slot %2, which is not theirs")
                                   .arg(a.id)
                                   .arg(ci));
            a.conversations.push_back(ci);
        }
    }
    for (const Conv &c : convs) {
        if (c.live && c.agent >= 0) {
            const auto &list = agents[static_cast<std::size_t>(c.agent)].conversations;
            if (std::find(list.begin(), list.end(), c.key.conv) == list.end())
                return refused(
                    QStringLiteral("conversation \"%1\" is missing from its agent's list").arg(c.id));
        }
    }

    std::vector<Timer> timers;
    const std::size_t timerCount = r.count(6);
    timers.reserve(timerCount);
    for (std::size_t i = 0; i < timerCount && r.ok(); ++i) {
        Timer t;
        t.due = r.i64();
        t.seq = r.u64();
        t.kind =
            static_cast<TimerKind>(r.enumeration(static_cast<int>(TimerKind::Midnight) + 1, "timer kind"));
        t.target = r.i32();
        t.serial = r.u32();
        t.gen = r.u32();
        if (t.kind == TimerKind::Hours && (t.target < 0 || t.target >= groupsN))
            r.fail(QStringLiteral("an hours timer names group %1").arg(t.target));
        timers.push_back(t);
    }
    if (r.ok() && r.left() != 0)
        r.fail(QStringLiteral("%1 bytes follow the timers").arg(r.left()));
    if (!r.ok())
        return refused(r.error());

    // Everything read and checked: the engine takes it over and rebuilds what is derived.
    m_now = now;
    m_decisionSeq = decisionSeq;
    m_arrivalSeq = arrivalSeq;
    m_assignSeq = assignSeq;
    m_timerSeq = timerSeq;
    m_midnightGen = midnightGen;
    m_settings = std::move(settings);
    std::fill(std::begin(m_allowed), std::end(m_allowed), false);
    for (AgentStatus s : m_settings.allowedStatuses)
        m_allowed[static_cast<int>(s)] = true;
    m_siteZone = QTimeZone(zoneId);
    if (!m_siteZone.isValid())
        m_siteZone = QTimeZone::utc();
    m_skillNames = std::move(skillNames);
    m_skillIds = std::move(skillIds);
    m_skillSets = std::move(skillSets);
    m_channels = std::move(channels);
    m_channelIndex = std::move(channelIndex);
    m_groups = std::move(groups);
    m_groupIndex = std::move(groupIndex);
    m_agents = std::move(agents);
    m_agentIndex = std::move(agentIndex);
    m_customers = std::move(customers);
    m_customerIndex = std::move(customerIndex);
    m_rules = std::move(rules);
    m_convs = std::move(convs);
    m_convIndex = std::move(convIndex);
    m_freeConvs = freeConvs;
    m_timers = decltype(m_timers)(TimerLater(), std::move(timers));

    for (Group &g : m_groups) {
        for (int ai : g.members)
            ++g.statusCount[static_cast<int>(m_agents[static_cast<std::size_t>(ai)].status)];
    }
    for (int ai = 0; ai < agentsN; ++ai)
        index(ai);
    // The queues, filled in queue order: each insert then lands at the end of the ordered set.
    std::map<std::pair<int, int>, std::vector<QueueKey>> queued; // (group, bucket) -> keys
    std::vector<QueueKey> unmatched;
    for (const Conv &c : m_convs) {
        if (!c.live)
            continue;
        if (c.state == Conv::Unmatched) {
            unmatched.push_back(c.key);
        } else if (c.state == Conv::Queued) {
            for (int gi : c.groups)
                queued[{gi, bucketFor(c)}].push_back(c.key);
        }
    }
    m_unmatched = RankedSet<QueueKey, QueueKeyLess>();
    std::sort(unmatched.begin(), unmatched.end(), QueueKeyLess());
    for (const QueueKey &k : unmatched)
        m_unmatched.insert(k);
    for (auto &[where, keys] : queued) {
        std::sort(keys.begin(), keys.end(), QueueKeyLess());
        auto &bucket = m_groups[static_cast<std::size_t>(where.first)].buckets[where.second];
        for (const QueueKey &k : keys)
            bucket.insert(k);
    }
    return EngineResult::success();
}

} // namespace sb
