#include "replayrunner.h"

namespace sb {

namespace {
bool parseBool(const QString &text) { return text == QLatin1String("true") || text == QLatin1String("yes") || text == QLatin1String("1"); }

QString stateName(ConversationInfo::State s)
{
    switch (s) {
    case ConversationInfo::Queued: return QStringLiteral("queued");
    case ConversationInfo::Unmatched: return QStringLiteral("unmatched");
    case ConversationInfo::Assigned: return QStringLiteral("assigned");
    case ConversationInfo::Closed: return QStringLiteral("closed");
    }
    return QString();
}
} // namespace

ReplayRunner::ReplayRunner(const EventScript &script, bool strict)
    : m_script(script), m_clock(script.start), m_engine(m_clock), m_strict(strict),
      m_zone(script.site.routing.timeZone.toUtf8())
{
    m_engine.setSink([this](const Decision &d) {
        m_decisions.push_back(d);
        m_summary.add(d);
        if (m_log)
            *m_log << (m_explainAll ? explain(d, m_zone) : summaryLine(d, m_zone)) << '\n';
    });
}

bool ReplayRunner::run(QTextStream *log, bool explainAll)
{
    m_log = log;
    m_explainAll = explainAll;
    const EngineResult loaded = m_engine.loadSite(m_script.site);
    if (!loaded.ok) {
        m_failures << QStringLiteral("site: %1").arg(loaded.message);
        return false;
    }
    qint64 end = m_script.start;
    for (const ScriptLine &line : m_script.lines) {
        m_clock.setMs(line.at);
        end = line.at;
        if (line.verb == QLatin1String("expect")) {
            m_engine.tick();
            expect(line);
        } else {
            apply(line);
        }
    }
    m_engine.tick();
    m_summary.finish(end);
    if (m_log)
        m_log->flush();
    return m_failures.isEmpty();
}

void ReplayRunner::fail(const ScriptLine &line, const QString &what)
{
    m_failures << QStringLiteral("line %1: %2").arg(line.lineNo).arg(what);
}

void ReplayRunner::apply(const ScriptLine &line)
{
    const QStringList &a = line.args;
    const QString &verb = line.verb;
    auto arg = [&](int i) { return i < a.size() ? a[i] : QString(); };
    EngineResult r;
    if (verb == QLatin1String("message")) {
        r = m_engine.customerMessage(a[0], a[1], a[2], a.mid(3).join(u' '));
    } else if (verb == QLatin1String("reply") || verb == QLatin1String("note")) {
        r = m_engine.agentMessage(a[0], a[1], verb == QLatin1String("note"));
    } else if (verb == QLatin1String("status")) {
        const auto status = agentStatusFromString(a[1]);
        if (!status)
            return fail(line, QStringLiteral("unknown status \"%1\"").arg(a[1]));
        r = m_engine.setAgentStatus(a[0], *status);
    } else if (verb == QLatin1String("cap")) {
        bool ok = false;
        const int cap = a[1].toInt(&ok);
        if (!ok)
            return fail(line, QStringLiteral("\"%1\" is not a number").arg(a[1]));
        r = m_engine.setAgentCap(a[0], cap);
    } else if (verb == QLatin1String("groups")) {
        r = m_engine.setAgentGroups(a[0], a[1] == QLatin1String("-") ? QStringList() : a[1].split(u','));
    } else if (verb == QLatin1String("claim")) {
        r = m_engine.claim(a[0], a[1]);
    } else if (verb == QLatin1String("transfer")) {
        r = m_engine.transferToAgent(a[0], a[1], arg(2));
    } else if (verb == QLatin1String("transfer-group")) {
        r = m_engine.transferToGroup(a[0], a[1], arg(2));
    } else if (verb == QLatin1String("invite")) {
        r = m_engine.invite(a[0], a[1], arg(2));
    } else if (verb == QLatin1String("close")) {
        r = m_engine.close(a[0], arg(1));
    } else if (verb == QLatin1String("ticket")) {
        r = m_engine.openTicket(a[0], a[1], a[2], a[3], arg(4) == QLatin1String("keep"));
    } else if (verb == QLatin1String("customer")) {
        CustomerConfig c;
        c.id = a[0];
        c.tags = line.options.value(QStringLiteral("tags")).split(u',', Qt::SkipEmptyParts);
        c.vip = line.options.contains(QStringLiteral("vip")) ? parseBool(line.options.value(QStringLiteral("vip")))
                                                              : c.tags.contains(QLatin1String("VIP"), Qt::CaseInsensitive);
        c.language = line.options.value(QStringLiteral("language"));
        c.owner = line.options.value(QStringLiteral("owner"));
        c.previousAgent = line.options.value(QStringLiteral("previous"));
        c.returning = parseBool(line.options.value(QStringLiteral("returning"))) || !c.previousAgent.isEmpty();
        r = m_engine.upsertCustomer(c);
    } else if (verb == QLatin1String("tick")) {
        m_engine.tick();
    }
    const QString expectedError = line.options.value(QStringLiteral("error"));
    if (!expectedError.isEmpty()) {
        ++m_expectations;
        if (r.ok)
            fail(line, QStringLiteral("expected error %1 but %2 succeeded").arg(expectedError, verb));
        else if (r.code != expectedError)
            fail(line, QStringLiteral("expected error %1, got %2 (%3)").arg(expectedError, r.code, r.message));
    } else if (!r.ok && !m_strict) {
        ++m_skipped;
    } else if (!r.ok) {
        fail(line, QStringLiteral("%1 refused: %2 (%3)").arg(verb, r.message, r.code));
    }
}

const Decision *ReplayRunner::lastDecisionFor(const QString &conversation, bool withCandidates) const
{
    for (auto it = m_decisions.rbegin(); it != m_decisions.rend(); ++it) {
        if (it->conversation == conversation && (!withCandidates || !it->candidates.empty()))
            return &*it;
    }
    return nullptr;
}

void ReplayRunner::expect(const ScriptLine &line)
{
    ++m_expectations;
    const QString subject = line.args[0];
    if (subject == QLatin1String("agent"))
        return expectAgent(line);
    if (subject == QLatin1String("order") || subject == QLatin1String("unmatched-order")) {
        const bool unmatched = subject == QLatin1String("unmatched-order");
        const QStringList actual = unmatched ? m_engine.unmatchedOrder() : m_engine.queueOrder(line.args[1]);
        QStringList wanted = line.args.mid(unmatched ? 1 : 2);
        if (wanted == QStringList{QStringLiteral("-")})
            wanted.clear();
        if (actual != wanted)
            fail(line, QStringLiteral("queue order is [%1], expected [%2]").arg(actual.join(u' '), wanted.join(u' ')));
        return;
    }
    expectConversation(line);
}

void ReplayRunner::expectConversation(const ScriptLine &line)
{
    const QString conv = line.args[0];
    const QString what = line.args[1];
    const auto info = m_engine.conversation(conv);
    if (what == QLatin1String("closed")) {
        if (info)
            fail(line, QStringLiteral("%1 is %2, expected closed").arg(conv, stateName(info->state)));
        return;
    }
    if (what == QLatin1String("assigned") || what == QLatin1String("queued") || what == QLatin1String("unmatched")) {
        if (!info)
            return fail(line, QStringLiteral("%1 is closed or unknown, expected %2").arg(conv, what));
        if (stateName(info->state) != what)
            return fail(line, QStringLiteral("%1 is %2, expected %3").arg(conv, stateName(info->state), what));
        if (what == QLatin1String("assigned") && line.args.size() > 2 && info->agent != line.args[2])
            return fail(line, QStringLiteral("%1 is with %2, expected %3").arg(conv, info->agent, line.args[2]));
        if (line.options.contains(QStringLiteral("position"))) {
            const int pos = m_engine.queueStatus(conv).position;
            if (QString::number(pos) != line.options.value(QStringLiteral("position")))
                fail(line, QStringLiteral("%1 is at position %2, expected %3").arg(conv).arg(pos).arg(line.options.value(QStringLiteral("position"))));
        }
        if (line.options.contains(QStringLiteral("counted"))) {
            const bool counted = parseBool(line.options.value(QStringLiteral("counted")));
            if (info->countsTowardCap != counted)
                fail(line, QStringLiteral("%1 counts toward the cap: %2, expected %3").arg(conv, info->countsTowardCap ? QStringLiteral("yes") : QStringLiteral("no"), counted ? QStringLiteral("yes") : QStringLiteral("no")));
        }
        if (line.options.contains(QStringLiteral("invited"))) {
            const QString invited = info->invited.join(u',');
            if (invited != line.options.value(QStringLiteral("invited")))
                fail(line, QStringLiteral("%1 has invited [%2], expected [%3]").arg(conv, invited, line.options.value(QStringLiteral("invited"))));
        }
        return;
    }
    if (what == QLatin1String("last")) {
        const Decision *d = lastDecisionFor(conv);
        if (!d)
            return fail(line, QStringLiteral("no decision for %1").arg(conv));
        const QString kind = line.args.value(2);
        if (!kind.isEmpty() && toString(d->kind) != kind)
            return fail(line, QStringLiteral("last decision for %1 is %2, expected %3").arg(conv, toString(d->kind), kind));
        const QHash<QString, QString> fields = {
            {QStringLiteral("reason"), toString(d->reason)},
            {QStringLiteral("agent"), d->agent},
            {QStringLiteral("from"), d->fromAgent},
            {QStringLiteral("rule"), d->rule},
            {QStringLiteral("notice"), d->notice.kind == CustomerNotice::Assigned ? QStringLiteral("assigned")
                                       : d->notice.kind == CustomerNotice::Queued ? QStringLiteral("queued")
                                       : d->notice.kind == CustomerNotice::OffHours ? QStringLiteral("off-hours")
                                                                                    : QStringLiteral("none")},
            {QStringLiteral("position"), QString::number(d->notice.queuePosition)},
            {QStringLiteral("eta"), QString::number(d->notice.estimatedWaitMs / 1000)},
            {QStringLiteral("admins"), d->notifyAdmins ? QStringLiteral("true") : QStringLiteral("false")},
            {QStringLiteral("offhours"), d->notice.offHoursMessage},
            {QStringLiteral("noticeAgent"), d->notice.agentName},
            {QStringLiteral("expected"), QString::number(d->notice.expectedResponseSeconds)},
        };
        for (auto it = line.options.constBegin(); it != line.options.constEnd(); ++it) {
            if (!fields.contains(it.key()))
                return fail(line, QStringLiteral("unknown decision field \"%1\"").arg(it.key()));
            if (fields.value(it.key()) != it.value())
                fail(line, QStringLiteral("last decision for %1 has %2=%3, expected %4").arg(conv, it.key(), fields.value(it.key()), it.value()));
        }
        return;
    }
    if (what == QLatin1String("candidate")) {
        const Decision *d = lastDecisionFor(conv, true);
        if (!d || line.args.size() < 4)
            return fail(line, QStringLiteral("no explained decision for %1 (or missing agent and verdict)").arg(conv));
        for (const auto &note : d->candidates) {
            if (note.agent == line.args[2]) {
                if (toString(note.verdict) != line.args[3])
                    fail(line, QStringLiteral("%1 was %2 (%3) for %4, expected %5").arg(note.agent, toString(note.verdict), note.detail, conv, line.args[3]));
                return;
            }
        }
        return fail(line, QStringLiteral("%1 is not among the candidates for %2").arg(line.args[2], conv));
    }
    fail(line, QStringLiteral("unknown expectation \"%1\" (assigned, queued, unmatched, closed, last, candidate)").arg(what));
}

void ReplayRunner::expectAgent(const ScriptLine &line)
{
    const auto info = m_engine.agent(line.args[1]);
    if (!info)
        return fail(line, QStringLiteral("no agent %1").arg(line.args[1]));
    const QHash<QString, QString> fields = {
        {QStringLiteral("load"), QString::number(info->countedLoad)},
        {QStringLiteral("open"), QString::number(info->openConversations)},
        {QStringLiteral("accepted"), QString::number(info->acceptedToday)},
        {QStringLiteral("status"), toString(info->status)},
        {QStringLiteral("cap"), QString::number(info->maxConcurrent)},
    };
    for (auto it = line.options.constBegin(); it != line.options.constEnd(); ++it) {
        if (!fields.contains(it.key()))
            return fail(line, QStringLiteral("unknown agent field \"%1\"").arg(it.key()));
        if (fields.value(it.key()) != it.value())
            fail(line, QStringLiteral("agent %1 has %2=%3, expected %4").arg(info->id, it.key(), fields.value(it.key()), it.value()));
    }
}

} // namespace sb
