// Replies and events out. Both wait for the round they belong to: a reply is sent once the writes
// it caused have committed (or as an `internal` error if they failed), and events go with it.

#include "coordinatorservice.h"

#include "envelope.h"
#include "eventframe.h"
#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace sb {

using protocol::ErrorCode;

void CoordinatorService::reply(Call &call, const QJsonObject &result)
{
    call.answered = true;
    ClientLink *link = call.link;
    const quint64 serial = call.linkSerial;
    const QJsonValue id = call.request.id;
    const QString op = call.request.op;
    later([this, link, serial, id, op, result](bool failed) {
        if (!linkAlive(link, serial))
            return; // the client left; it will find the state on resume
        if (failed) {
            ++m_stats.errors;
            link->send(protocol::encodeError(id, ErrorCode::Internal,
                                             QStringLiteral("\"%1\" could not be saved; try again").arg(op)));
            return;
        }
        link->send(protocol::encodeResult(id, result));
    });
}

void CoordinatorService::fail(Call &call, ErrorCode code, const QString &message)
{
    call.answered = true;
    ++m_stats.errors;
    ClientLink *link = call.link;
    const quint64 serial = call.linkSerial;
    const QByteArray frame = protocol::encodeError(call.request.id, code, message);
    later([this, link, serial, frame](bool) {
        if (linkAlive(link, serial))
            link->send(frame);
    });
}

void CoordinatorService::failEngine(Call &call, const EngineResult &r)
{
    // The engine's codes map onto the protocol's; the message is the engine's, which names things.
    static const QHash<QString, ErrorCode> codes = {
        {QStringLiteral("unknown-agent"), ErrorCode::NotFound},
        {QStringLiteral("unknown-conversation"), ErrorCode::NotFound},
        {QStringLiteral("unknown-group"), ErrorCode::NotFound},
        {QStringLiteral("unknown-customer"), ErrorCode::NotFound},
        {QStringLiteral("not-queued"), ErrorCode::NotQueued},
        {QStringLiteral("at-cap"), ErrorCode::AtCap},
        {QStringLiteral("not-member"), ErrorCode::NotMember},
        {QStringLiteral("agent-offline"), ErrorCode::AgentOffline},
        {QStringLiteral("forbidden"), ErrorCode::Forbidden},
        {QStringLiteral("bad-request"), ErrorCode::BadRequest},
        {QStringLiteral("invalid"), ErrorCode::BadRequest},
    };
    fail(call, codes.value(r.code, ErrorCode::Conflict), r.message);
}

namespace {

// The frame of an event is built by hand, not as a QJsonObject around `data`: wrapping the data
// copies it, and the envelope would be encoded again for every recipient. `data` goes last but one
// so that only the sequence number differs between recipients: head + seq + '}'. Every head is laid
// out here; `writeData` writes the "data" member.
template<typename WriteData>
QByteArray headOf(const QString &name, qsizetype reserve, WriteData writeData)
{
    JsonWriter w(reserve + JsonWriter::stringRoom(name) + 32);
    w.beginObject().field("event", name);
    writeData(w);
    w.raw(",\"seq\":");
    return w.take();
}

QByteArray encodeHead(const QString &name, const QJsonObject &data)
{
    const QByteArray body = QJsonDocument(data).toJson(QJsonDocument::Compact);
    return headOf(name, body.size(), [&body](JsonWriter &w) { w.rawField("data", body); });
}

// A message's members as the protocol shows them, written with either writer: into message.new's
// frame (JsonWriter, once per message for every recipient) or as a QJsonObject for the history
// replies (JsonObjectBuilder). In the order QJsonDocument writes them (sorted), so the two encode to
// the same text.
template<typename Writer>
void writeMessage(Writer &w, const char *key, const Message &m)
{
    w.beginObject(key).field("at", m.createdAt);
    if (m.attachment) {
        w.beginObject("attachment")
            .field("id", QStringLiteral("%1/%2/%3").arg(m.conversationId).arg(m.seq).arg(m.id))
            .field("mime", m.attachment->mime)
            .field("name", m.attachment->name)
            .field("size", m.attachment->size)
            .endObject();
    }
    w.field("conversation", m.conversationId)
        .field("id", m.id)
        .field("kind", toString(m.kind))
        .field("sender", toString(m.senderKind))
        .field("senderId", m.senderId)
        .field("seq", m.seq)
        .field("text", m.body)
        .endObject();
}

} // namespace

const QByteArray &CoordinatorService::eventHead(const QString &name, const QJsonObject &data)
{
    // QJsonObject compares shared data by pointer first, so a fan-out's repeats cost nothing; equal
    // content from elsewhere encodes the same anyway.
    if (m_head.isEmpty() || name != m_headName || data != m_headData) {
        m_head = encodeHead(name, data);
        m_headName = name;
        m_headData = data;
    }
    return m_head;
}

void CoordinatorService::trimRecent(SessionState *s) const
{
    // Oldest first, by count and by bytes. A resume from before the oldest kept event answers
    // `reset` (serviceauth.cpp), so dropping never loses an event silently.
    const qint64 bytes = s->kind == SessionState::Customer
                             ? std::min(m_options.customerReplayBytes, m_options.replayBytes)
                             : m_options.replayBytes;
    while (!s->recent.empty() &&
           (static_cast<qint64>(s->recent.size()) > m_options.replayEvents || s->recentBytes > bytes)) {
        if (!s->recent.front().head.isEmpty())
            s->recentBytes -= eventFrameSize(s->recent.front().head, s->recent.front().seq);
        s->recent.pop_front();
    }
}

void CoordinatorService::pushEvent(SessionState *s, const QString &name, const QJsonObject &data)
{
    // Numbered now (so the order is the order of decisions), sent when the round completes. The
    // head is shared with the fan-out's other recipients: the kept event and the send hold it.
    const quint64 seq = s->nextSeq++;
    const QByteArray head = eventHead(name, data);
    s->recent.push_back({seq, head});
    s->recentBytes += eventFrameSize(head, seq);
    trimRecent(s);
    auto send = [this, weak = s->weak_from_this(), seq, head](bool) {
        const std::shared_ptr<SessionState> session = weak.lock();
        if (!session || !session->link)
            return;
        if (seq <= session->sentUpTo)
            return; // already sent by a resume
        session->sentUpTo = seq;
        ++m_stats.eventsPushed;
        session->link->sendEvent(head, seq);
    };
    if (m_round)
        later(send);
    else
        send(false);
}

void CoordinatorService::endSession(const QString &tokenHash, const QString &reason, const QString &message)
{
    auto it = m_sessions.find(tokenHash);
    if (it == m_sessions.end())
        return;
    SessionState *s = it->second.get();
    if (ClientLink *link = s->link) {
        // Sent to the connection itself when the round completes: the session is gone by then.
        const QByteArray frame =
            eventFrame(eventHead(QStringLiteral("session.ended"),
                                 {{QLatin1String("reason"), reason}, {QLatin1String("message"), message}}),
                       s->nextSeq++);
        const auto state = m_links.find(link);
        const quint64 serial = state != m_links.end() ? state->second.serial : 0;
        auto send = [this, link, serial, frame](bool) {
            if (linkAlive(link, serial))
                link->send(frame);
        };
        if (m_round)
            later(send);
        else
            send(false);
    }
    forgetSession(tokenHash);
}

quint64 CoordinatorService::reserveEvent(SessionState *s)
{
    // Numbering at commit time instead would give this event a number above those of later rounds
    // already numbered, and it would go out first: the client would see those as stale and the
    // session would skip them (sentUpTo). An empty head holds the place until fillEvent().
    const quint64 seq = s->nextSeq++;
    s->recent.push_back({seq, QByteArray()});
    trimRecent(s);
    return seq;
}

void CoordinatorService::fillEvent(const std::weak_ptr<SessionState> &session, quint64 seq,
                                   const QByteArray &head)
{
    const std::shared_ptr<SessionState> s = session.lock();
    if (!s)
        return; // forgotten (signed out, expired, revoked) since its number was taken
    const auto place = std::lower_bound(s->recent.begin(), s->recent.end(), seq,
                                        [](const SessionState::Kept &e, quint64 n) { return e.seq < n; });
    if (place != s->recent.end() && place->seq == seq) {
        if (!place->head.isEmpty())
            s->recentBytes -= eventFrameSize(place->head, seq);
        s->recentBytes += eventFrameSize(head, seq);
        place->head = head;
        trimRecent(s.get());
    }
    if (!s->link || seq <= s->sentUpTo)
        return;
    s->sentUpTo = seq;
    ++m_stats.eventsPushed;
    s->link->sendEvent(head, seq);
}

void CoordinatorService::pushToAccount(const QString &accountId, const QString &name, const QJsonObject &data)
{
    // Walked in place rather than copied out with values(): pushing changes sessions, not the hash.
    const auto [begin, end] = std::as_const(m_staffSessions).equal_range(accountId);
    for (auto it = begin; it != end; ++it)
        pushEvent(it.value(), name, data);
}

void CoordinatorService::pushToCustomer(const QString &customerId, const QString &name,
                                        const QJsonObject &data)
{
    const auto [begin, end] = std::as_const(m_customerSessions).equal_range(customerId);
    for (auto it = begin; it != end; ++it)
        pushEvent(it.value(), name, data);
}

void CoordinatorService::pushToAdmins(const QString &name, const QJsonObject &data)
{
    for (const QString &admin : std::as_const(m_admins))
        pushToAccount(admin, name, data);
}

void CoordinatorService::pushToGroups(const QStringList &groups, const QString &name, const QJsonObject &data)
{
    // Members of the groups, once each even when in several; admins see every queue.
    QSet<QString> reached;
    for (const QString &g : groups) {
        for (const QString &agent : m_engine->groupMembers(g)) {
            if (!m_admins.contains(agent) && !reached.contains(agent)) {
                reached.insert(agent);
                pushToAccount(agent, name, data);
            }
        }
    }
    pushToAdmins(name, data);
}

QStringList CoordinatorService::overseersOf(const QStringList &agents) const
{
    // Up from each agent's team to the root, the supervisors of every team on the way; the same
    // walk as inSupervisorScope, so whoever may act on the conversation hears of it.
    QStringList found;
    for (const QString &agent : agents) {
        if (agent.isEmpty())
            continue;
        QString team = m_accounts.value(agent).teamId;
        for (int depth = 0; !team.isEmpty() && depth < 64; ++depth) {
            const auto [begin, end] = m_supervisorsByTeam.equal_range(team);
            for (auto it = begin; it != end; ++it) {
                if (!agents.contains(it.value()) && !found.contains(it.value()))
                    found << it.value();
            }
            team = m_teams.value(team).parentId;
        }
    }
    return found;
}

void CoordinatorService::pushToOverseers(const QStringList &agents, const QString &name,
                                         const QJsonObject &data)
{
    if (m_supervisorsByTeam.isEmpty())
        return;
    for (const QString &supervisor : overseersOf(agents))
        pushToAccount(supervisor, name, data);
}

void CoordinatorService::decisionEvents(const Decision &d)
{
    const auto info = m_engine->conversation(d.conversation);
    QJsonObject conv = info ? conversationJson(*info) : QJsonObject{{QLatin1String("id"), d.conversation}};
    const QJsonObject why{{QLatin1String("conversation"), d.conversation},
                          {QLatin1String("kind"), toString(d.kind)},
                          {QLatin1String("reason"), toString(d.reason)},
                          {QLatin1String("detail"), d.detail}};
    switch (d.kind) {
    case DecisionKind::Assigned:
    case DecisionKind::Reassigned:
    case DecisionKind::Claimed:
    case DecisionKind::Transferred:
        if (!d.fromAgent.isEmpty() && d.fromAgent != d.agent)
            pushToAccount(d.fromAgent, QStringLiteral("conversation.removed"), why);
        if (!d.agent.isEmpty()) {
            QJsonObject data = conv;
            data.insert(QLatin1String("reason"), toString(d.reason));
            pushToAccount(d.agent, QStringLiteral("conversation.assigned"), data);
            if (d.fromQueue || d.kind == DecisionKind::Claimed)
                pushToGroups(d.groups, QStringLiteral("queue.removed"), why);
        } else {
            // A transfer to a group: it waits there.
            pushToGroups(d.groups, QStringLiteral("queue.added"), conv);
        }
        break;
    case DecisionKind::Queued:
    case DecisionKind::OffHours:
    case DecisionKind::Unmatched:
    case DecisionKind::Requeued:
        if (!d.fromAgent.isEmpty())
            pushToAccount(d.fromAgent, QStringLiteral("conversation.removed"), why);
        if (d.kind == DecisionKind::Unmatched || d.notifyAdmins) {
            pushToAdmins(QStringLiteral("queue.unmatched"), conv);
        } else {
            pushToGroups(d.groups, QStringLiteral("queue.added"), conv);
        }
        break;
    case DecisionKind::Widened:
        pushToGroups(d.groups, QStringLiteral("queue.widened"), why);
        break;
    case DecisionKind::Invited:
        pushToAccount(d.agent, QStringLiteral("conversation.invited"), conv);
        break;
    case DecisionKind::Closed: {
        const QStringList invited = conv.value(QLatin1String("invited")).toVariant().toStringList();
        if (!d.agent.isEmpty())
            pushToAccount(d.agent, QStringLiteral("conversation.closed"), why);
        if (!d.fromAgent.isEmpty() && d.fromAgent != d.agent)
            pushToAccount(d.fromAgent, QStringLiteral("conversation.closed"), why);
        for (const QString &expert : invited)
            pushToAccount(expert, QStringLiteral("conversation.closed"), why);
        if (!d.fromQueue)
            break;
        pushToGroups(d.groups, QStringLiteral("queue.removed"), why);
        break;
    }
    }
    // Supervisors follow their subtree's conversations as they move: the team list of their inbox.
    // Whose conversation it is (or was): a close names the closer as its agent, not the owner.
    const QStringList owners =
        d.kind == DecisionKind::Closed ? QStringList{d.fromAgent} : QStringList{d.agent, d.fromAgent};
    if (!m_supervisorsByTeam.isEmpty()) {
        QJsonObject data = conv;
        if (!info) {
            data.insert(QLatin1String("state"), QLatin1String("closed"));
            data.insert(QLatin1String("agent"), m_rows.value(d.conversation).agentId);
        }
        data.insert(QLatin1String("kind"), toString(d.kind));
        data.insert(QLatin1String("reason"), toString(d.reason));
        data.insert(QLatin1String("fromAgent"), d.fromAgent);
        pushToOverseers(owners, QStringLiteral("team.conversation"), data);
    }
    // What the customer is told.
    // A closed conversation is gone from the engine; its row is still in memory (see persistTouched).
    const QString customer = info ? info->customer : m_rows.value(d.conversation).customerId;
    if (customer.isEmpty())
        return;
    if (d.kind == DecisionKind::Closed) {
        pushToCustomer(customer, QStringLiteral("conversation.closed"), why);
        return;
    }
    if (d.notice.kind == CustomerNotice::None)
        return;
    static const char *kinds[] = {"none", "assigned", "queued", "off-hours"};
    pushToCustomer(customer, QStringLiteral("notice"),
                   {{QLatin1String("conversation"), d.conversation},
                    {QLatin1String("kind"), QLatin1String(kinds[d.notice.kind])},
                    {QLatin1String("agentName"), d.notice.agentName},
                    {QLatin1String("expectedResponseSeconds"), d.notice.expectedResponseSeconds},
                    {QLatin1String("queuePosition"), d.notice.queuePosition},
                    {QLatin1String("estimatedWaitMs"), d.notice.estimatedWaitMs},
                    {QLatin1String("offHoursMessage"), d.notice.offHoursMessage}});
}

QJsonObject CoordinatorService::conversationJson(const ConversationInfo &info) const
{
    static const char *states[] = {"queued", "unmatched", "assigned", "closed"};
    QJsonObject o{{QLatin1String("id"), info.id},
                  {QLatin1String("customer"), info.customer},
                  {QLatin1String("customerName"), m_customerNames.value(info.customer)},
                  {QLatin1String("channel"), info.channel},
                  {QLatin1String("state"), QLatin1String(states[info.state])},
                  {QLatin1String("agent"), info.agent},
                  {QLatin1String("groups"), QJsonArray::fromStringList(info.groups)},
                  {QLatin1String("skills"), QJsonArray::fromStringList(info.requiredSkills)},
                  {QLatin1String("invited"), QJsonArray::fromStringList(info.invited)},
                  {QLatin1String("arrivedAt"), info.arrivedAt}};
    if (info.state == ConversationInfo::Queued || info.state == ConversationInfo::Unmatched) {
        const QueueStatus q = m_engine->queueStatus(info.id);
        o.insert(QLatin1String("position"), q.position);
        o.insert(QLatin1String("estimatedWaitMs"), q.estimatedWaitMs);
    }
    return o;
}

QByteArray CoordinatorService::messageEventHead(const Message &m)
{
    qsizetype strings = JsonWriter::stringRoom(m.body) + JsonWriter::stringRoom(m.conversationId) +
                        JsonWriter::stringRoom(m.senderId);
    if (m.attachment)
        strings += JsonWriter::stringRoom(m.conversationId) + 64 // the attachment's id
                   + JsonWriter::stringRoom(m.attachment->mime) + JsonWriter::stringRoom(m.attachment->name);
    return headOf(QStringLiteral("message.new"), 192 + strings,
                  [&m](JsonWriter &w) { writeMessage(w, "data", m); });
}

QJsonObject CoordinatorService::messageJson(const Message &m)
{
    JsonObjectBuilder b;
    writeMessage(b, nullptr, m);
    return b.take();
}

namespace {
constexpr int kPreviewChars = 200; // lastMessage text in inbox.snapshot: what an inbox row shows
} // namespace

void CoordinatorService::rememberLastMessage(const Message &m)
{
    // Only open conversations are listed in an inbox; a closed one's entry would never be dropped.
    if (!m_rows.contains(m.conversationId))
        return;
    Message &last = m_lastMessages[m.conversationId];
    last = m;
    if (last.body.size() > kPreviewChars)
        last.body.truncate(kPreviewChars);
    if (last.attachment) {
        last.attachment->data.clear();
        last.attachment->path.clear();
    }
}

QJsonObject CoordinatorService::inboxJson(const ConversationInfo &info) const
{
    QJsonObject o = conversationJson(info);
    const auto it = m_lastMessages.constFind(info.id);
    if (it == m_lastMessages.constEnd())
        return o;
    QJsonObject last{{QLatin1String("text"), it->body},
                     {QLatin1String("kind"), toString(it->kind)},
                     {QLatin1String("sender"), toString(it->senderKind)},
                     {QLatin1String("senderId"), it->senderId},
                     {QLatin1String("at"), it->createdAt}};
    if (it->attachment)
        last.insert(QLatin1String("attachmentName"), it->attachment->name);
    o.insert(QLatin1String("lastMessage"), last);
    return o;
}

QJsonObject CoordinatorService::agentJson(const AgentInfo &a) const
{
    return {{QLatin1String("id"), a.id},
            {QLatin1String("name"), a.name},
            {QLatin1String("status"), toString(a.status)},
            {QLatin1String("load"), a.countedLoad},
            {QLatin1String("open"), a.openConversations},
            {QLatin1String("maxConcurrent"), a.maxConcurrent},
            {QLatin1String("groups"), QJsonArray::fromStringList(a.groups)},
            {QLatin1String("skills"), QJsonArray::fromStringList(a.skills)}};
}

} // namespace sb
