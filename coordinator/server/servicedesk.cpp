// What agents, supervisors and admins do at the desk.

#include "coordinatorservice.h"

#include "enginejournal.h"
#include "jsonwriter.h"
#include "protocol.h"
#include "sessiontoken.h"
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>

namespace sb {

using protocol::ErrorCode;

namespace {

constexpr qint64 kUploadBytesPerLink = 32LL * 1024 * 1024;
constexpr int kSnapshotQueueHead = 500; // conversations per queue in inbox.snapshot

} // namespace

void CoordinatorService::appendMessage(Call *call, const Message &message)
{
    // The store numbers the message; the reply and the events carry that number, so both wait for
    // the commit (they are outputs of this round, which completes after it).
    auto stored = std::make_shared<Message>(message);
    // The inbox's last message changes now, not at the commit: a snapshot taken in between is
    // answered after this round, by when the message.new it would miss is numbered before it.
    const std::optional<Message> previous =
        m_lastMessages.contains(message.conversationId)
            ? std::optional<Message>(m_lastMessages.value(message.conversationId))
            : std::nullopt;
    rememberLastMessage(message);
    const QString conversationId = message.conversationId;
    const qint64 at = message.createdAt;
    m_writer->appendMessage(message,
                            track([this, stored, previous, conversationId, at](const WriteResult &r) {
                                if (r.ok) {
                                    stored->id = r.id;
                                    stored->seq = r.seq;
                                    return;
                                }
                                // Not stored: the inbox goes back to what it showed, unless a later
                                // message replaced it meanwhile.
                                const auto it = m_lastMessages.find(conversationId);
                                if (it == m_lastMessages.end() || it->createdAt != at)
                                    return;
                                if (previous)
                                    *it = *previous;
                                else
                                    m_lastMessages.erase(it);
                            }));
    ++m_stats.messagesPersisted;
    const auto info = m_engine->parties(message.conversationId);
    QStringList staff;
    if (info) {
        if (!info->agent.isEmpty())
            staff << info->agent;
        staff << info->invited;
        // The supervisors above its agent follow the traffic too (a floor view), notes included:
        // they may read and annotate it. Experts' supervisors are not in scope, so only the agent's.
        if (!info->agent.isEmpty() && !m_supervisorsByTeam.isEmpty()) {
            for (const QString &s : overseersOf({info->agent})) {
                if (!staff.contains(s))
                    staff << s;
            }
        }
    }
    const QString customer = info ? info->customer : QString();
    const bool note = message.kind == MessageKind::Note;
    // The event's number is taken now, with the round's other events; its content (the stored id
    // and number) once the round has committed. A message that failed to store leaves its number
    // unused (see docs/PROTOCOL.md).
    std::vector<std::pair<std::weak_ptr<SessionState>, quint64>> reserved;
    // Walked in place: values() would copy each list out.
    for (const QString &a : std::as_const(staff)) {
        const auto [begin, end] = std::as_const(m_staffSessions).equal_range(a);
        for (auto it = begin; it != end; ++it)
            reserved.emplace_back(it.value()->weak_from_this(), reserveEvent(it.value()));
    }
    if (!note && !customer.isEmpty()) {
        const auto [begin, end] = std::as_const(m_customerSessions).equal_range(customer);
        for (auto it = begin; it != end; ++it)
            reserved.emplace_back(it.value()->weak_from_this(), reserveEvent(it.value()));
    }
    later([this, stored, reserved](bool failed) {
        if (failed || reserved.empty())
            return;
        const QByteArray head = messageEventHead(*stored);
        for (const auto &[session, seq] : reserved)
            fillEvent(session, seq, head);
    });
    if (!call)
        return;
    call->answered = true;
    ClientLink *link = call->link;
    const quint64 serial = call->linkSerial;
    const QJsonValue id = call->request.id;
    later([this, link, serial, id, stored](bool failed) {
        if (!linkAlive(link, serial))
            return;
        if (failed) {
            link->send(protocol::encodeError(
                id, ErrorCode::Internal, QStringLiteral("the message could not be saved; send it again")));
            return;
        }
        // What protocol::encodeResult would make of {conversation, id, seq}, written directly: one
        // of these goes out per message.
        JsonWriter w(96 + JsonWriter::stringRoom(stored->conversationId));
        w.beginObject()
            .field("id", id)
            .beginObject("result")
            .field("conversation", stored->conversationId)
            .field("id", stored->id)
            .field("seq", stored->seq)
            .endObject()
            .endObject();
        link->send(w.bytes());
    });
}

bool CoordinatorService::messageReady(Call &call)
{
    const LinkState &ls = m_links[call.link];
    const QJsonArray ids = call.request.args.value(QLatin1String("attachments")).toArray();
    for (const QJsonValue &v : ids) {
        if (ls.uploads.find(v.toString()) == ls.uploads.end()) {
            fail(call, ErrorCode::NotFound,
                 QStringLiteral("no uploaded attachment \"%1\" on this connection").arg(v.toString()));
            return false;
        }
    }
    if (call.str("text").trimmed().isEmpty() && ids.isEmpty()) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("a message needs text or an attachment"));
        return false;
    }
    return true;
}

void CoordinatorService::sendMessages(Call &call, Message base, bool note)
{
    // The text is one message, each attachment another; the last one stored answers the request.
    // The uploads are taken only now, once the message was accepted.
    LinkState &ls = m_links[call.link];
    std::vector<Attachment> files;
    for (const QJsonValue &v : call.request.args.value(QLatin1String("attachments")).toArray()) {
        auto it = ls.uploads.find(v.toString());
        if (it == ls.uploads.end())
            continue; // listed twice
        ls.uploadBytes -= it->second.size;
        files.push_back(std::move(it->second));
        ls.uploads.erase(it);
    }
    base.createdAt = m_liveClock.nowMs();
    const QString text = call.str("text");
    if (!text.isEmpty() || files.empty()) {
        Message m = base;
        m.kind = note ? MessageKind::Note : MessageKind::Text;
        m.body = text;
        appendMessage(files.empty() ? &call : nullptr, m);
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        Message f = base;
        f.kind = note                                                ? MessageKind::Note
                 : files[i].mime.startsWith(QLatin1String("image/")) ? MessageKind::Image
                                                                     : MessageKind::File;
        f.attachment = std::move(files[i]);
        appendMessage(i + 1 == files.size() ? &call : nullptr, f);
    }
}

void CoordinatorService::attachmentUpload(Call &call)
{
    const QByteArray data =
        QByteArray::fromBase64(call.str("data").toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (data.isEmpty() && !call.str("data").isEmpty()) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("\"data\" is not valid base64"));
        return;
    }
    if (data.size() > protocol::Limits::maxAttachmentBytes) {
        fail(call, ErrorCode::BadRequest,
             QStringLiteral("the file has %1 bytes; the limit is %2")
                 .arg(data.size())
                 .arg(protocol::Limits::maxAttachmentBytes));
        return;
    }
    LinkState &ls = m_links[call.link];
    if (ls.uploadBytes + data.size() > kUploadBytesPerLink) {
        fail(call, ErrorCode::RateLimited,
             QStringLiteral("too many unsent uploads on this connection; send or drop some first"));
        return;
    }
    Attachment a;
    a.name = call.str("name");
    a.mime = call.str("mime");
    a.size = data.size();
    a.data = data;
    const QString id = newId(QStringLiteral("up-"), 12);
    ls.uploadBytes += a.size;
    ls.uploads.emplace(id, std::move(a));
    reply(call, {{QLatin1String("id"), id}, {QLatin1String("size"), data.size()}});
}

void CoordinatorService::attachmentGet(Call &call)
{
    // Ids are "<conversation>/<seq>/<message id>" (see messageJson): scope is the conversation's.
    const QStringList parts = call.str("id").split(QLatin1Char('/'));
    const qint64 seq = parts.size() == 3 ? parts[1].toLongLong() : 0;
    const qint64 messageId = parts.size() == 3 ? parts[2].toLongLong() : 0;
    QString conversation = parts.value(0);
    bool exists = false;
    bool allowed = false;
    if (call.session->kind == SessionState::Customer) {
        const auto row = m_reader->conversation(conversation);
        exists = row.has_value();
        allowed = row && row->customerId == call.session->customerId;
    } else {
        allowed = canSeeConversation(call.session, conversation, &exists);
    }
    const QList<Message> page =
        seq > 0 && allowed ? m_reader->history(conversation, seq + 1, 1) : QList<Message>();
    if (page.isEmpty() || page.first().id != messageId || !page.first().attachment ||
        (call.session->kind == SessionState::Customer && page.first().kind == MessageKind::Note)) {
        fail(call, ErrorCode::NotFound,
             QStringLiteral("no attachment \"%1\" that you may read").arg(call.str("id")));
        return;
    }
    const Attachment &a = *page.first().attachment;
    reply(call,
          {{QLatin1String("id"), call.str("id")},
           {QLatin1String("name"), a.name},
           {QLatin1String("mime"), a.mime},
           {QLatin1String("size"), a.size},
           {QLatin1String("data"), QString::fromLatin1(m_reader->attachmentData(messageId).toBase64())}});
}

void CoordinatorService::statusSet(Call &call)
{
    const auto status = agentStatusFromString(call.str("status"));
    if (!status) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("\"status\" must be online, busy, away or offline"));
        return;
    }
    const EngineResult r = feed(journal::agentStatus(call.session->accountId, *status));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    statusEvents(call.session->accountId, *status);
    reply(call,
          {{QLatin1String("agent"), call.session->accountId}, {QLatin1String("status"), toString(*status)}});
}

void CoordinatorService::inboxSnapshot(Call &call)
{
    const QString me = call.session->accountId;
    QJsonArray mine;
    for (const QString &id : m_engine->conversationsOf(me) + m_engine->invitationsOf(me)) {
        if (const auto info = m_engine->conversation(id))
            mine.append(inboxJson(*info));
    }
    // The head of each queue: a desk claims from the front, and a queue of 100,000 would not fit
    // in a frame. queueTotals says how many wait in all; queue.added events bring later arrivals.
    QJsonObject queues;
    QJsonObject totals;
    for (const QString &g : groupsOf(me)) {
        QJsonArray waiting;
        for (const QString &id : m_engine->queueOrder(g, kSnapshotQueueHead)) {
            if (const auto info = m_engine->conversation(id))
                waiting.append(inboxJson(*info));
        }
        queues.insert(g, waiting);
        totals.insert(g, m_engine->queueLength(g));
    }
    QJsonArray unmatched;
    if (call.session->role == Role::Admin) {
        for (const QString &id : m_engine->unmatchedOrder()) {
            if (const auto info = m_engine->conversation(id))
                unmatched.append(inboxJson(*info));
        }
    }
    // A supervisor oversees their team and every team below it: without this list they could act on
    // those conversations but had no way to learn which there are. Admins see everything through
    // the queues and the directory; listing every open conversation to them is another issue's.
    QJsonArray team;
    if (call.session->role == Role::Supervisor) {
        QStringList overseen;
        for (const Account &a : std::as_const(m_accounts)) {
            if (a.id != me && inSupervisorScope(call.session, a.id))
                overseen << a.id;
        }
        overseen.sort();
        for (const QString &agentId : std::as_const(overseen)) {
            for (const QString &id : m_engine->conversationsOf(agentId)) {
                if (const auto info = m_engine->conversation(id))
                    team.append(inboxJson(*info));
            }
        }
    }
    const auto agent = m_engine->agent(me);
    reply(call, {{QLatin1String("seq"), static_cast<qint64>(call.session->nextSeq - 1)},
                 {QLatin1String("me"), agent ? agentJson(*agent) : QJsonObject()},
                 {QLatin1String("conversations"), mine},
                 {QLatin1String("queues"), queues},
                 {QLatin1String("queueTotals"), totals},
                 {QLatin1String("unmatched"), unmatched},
                 {QLatin1String("team"), team}});
}

void CoordinatorService::conversationHistory(Call &call)
{
    const QString id = call.str("conversation");
    bool exists = false;
    if (!canSeeConversation(call.session, id, &exists)) {
        fail(call, exists ? ErrorCode::Forbidden : ErrorCode::NotFound,
             exists ? QStringLiteral("conversation \"%1\" is not yours to read").arg(id)
                    : QStringLiteral("no conversation \"%1\"").arg(id));
        return;
    }
    QJsonArray messages;
    for (const Message &m :
         m_reader->history(id, call.num("beforeSeq"), static_cast<int>(call.num("limit", 50))))
        messages.append(messageJson(m));
    reply(call, {{QLatin1String("conversation"), id}, {QLatin1String("messages"), messages}});
}

void CoordinatorService::messageSend(Call &call)
{
    const QString id = call.str("conversation");
    const QString me = call.session->accountId;
    const bool note = call.flag("note");
    bool exists = false;
    const bool visible = canSeeConversation(call.session, id, &exists);
    const auto info = m_engine->conversation(id);
    if (!exists) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no conversation \"%1\"").arg(id));
        return;
    }
    if (!visible) {
        fail(call, ErrorCode::Forbidden, QStringLiteral("conversation \"%1\" is not yours").arg(id));
        return;
    }
    if (!info) {
        fail(call, ErrorCode::Conflict, QStringLiteral("conversation \"%1\" is closed").arg(id));
        return;
    }
    if (!note && info->agent != me) {
        // Only the assigned agent speaks to the customer; experts and supervisors write notes.
        fail(call, ErrorCode::Forbidden,
             QStringLiteral("only the assigned agent replies to the customer; send a note instead"));
        return;
    }
    if (!messageReady(call))
        return;
    // The engine knows only the conversation's agent and experts. A note from a supervisor or admin
    // who oversees it without being in it changes nothing in routing, so it is stored without an
    // engine input (the engine would refuse it, and the overseer could never write one).
    const bool participant = info->agent == me || info->invited.contains(me);
    if (!note || participant) {
        const EngineResult r = feed(journal::agentMessage(id, me, note));
        if (!r.ok) {
            failEngine(call, r);
            return;
        }
    }
    Message m;
    m.conversationId = id;
    m.senderKind = SenderKind::Agent;
    m.senderId = me;
    sendMessages(call, m, note);
}

void CoordinatorService::conversationClaim(Call &call)
{
    const QString id = call.str("conversation");
    bool exists = false;
    if (!canSeeConversation(call.session, id, &exists)) {
        // Hidden from this agent, but it exists: what the engine would answer, without saying
        // more than that (who has it is not theirs to know).
        const auto info = m_engine->conversation(id);
        if (!exists)
            fail(call, ErrorCode::NotFound, QStringLiteral("no conversation \"%1\"").arg(id));
        else if (info && info->state == ConversationInfo::Queued)
            fail(call, ErrorCode::NotMember,
                 QStringLiteral("conversation \"%1\" waits in a queue you are not a member of").arg(id));
        else
            fail(call, ErrorCode::NotQueued,
                 info ? QStringLiteral("conversation \"%1\" is not waiting in a queue").arg(id)
                      : QStringLiteral("conversation \"%1\" is closed, not waiting in a queue").arg(id));
        return;
    }
    const EngineResult r = feed(journal::claim(call.session->accountId, id));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    reply(call, {{QLatin1String("conversation"), id}, {QLatin1String("agent"), call.session->accountId}});
}

std::optional<ConversationInfo> CoordinatorService::handledConversation(Call &call, const char *action)
{
    // Acting on a conversation by hand: its agent, a supervisor above them, or an admin.
    const QString id = call.str("conversation");
    const SessionState *s = call.session;
    const auto info = m_engine->conversation(id);
    if (info && actsFor(s, info->agent))
        return info;
    bool exists = false;
    const bool visible = canSeeConversation(s, id, &exists);
    if (!exists)
        fail(call, ErrorCode::NotFound, QStringLiteral("no conversation \"%1\"").arg(id));
    else if (!info && visible)
        fail(call, ErrorCode::Conflict, QStringLiteral("conversation \"%1\" is already closed").arg(id));
    else
        fail(call, ErrorCode::Forbidden,
             QStringLiteral("conversation \"%1\" is not yours to %2").arg(id, QLatin1String(action)));
    return std::nullopt;
}

void CoordinatorService::conversationTransfer(Call &call)
{
    const QString toAgent = call.str("toAgent");
    const QString toGroup = call.str("toGroup");
    if (toAgent.isEmpty() == toGroup.isEmpty()) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("give exactly one of \"toAgent\" and \"toGroup\""));
        return;
    }
    const auto info = handledConversation(call, "transfer");
    if (!info)
        return;
    const QString me = call.session->accountId;
    const EngineResult r = feed(toAgent.isEmpty() ? journal::transferToGroup(info->id, toGroup, me)
                                                  : journal::transferToAgent(info->id, toAgent, me));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    const auto after = m_engine->conversation(info->id);
    reply(call, after ? conversationJson(*after) : QJsonObject{{QLatin1String("id"), info->id}});
}

void CoordinatorService::conversationInvite(Call &call)
{
    const auto info = handledConversation(call, "invite to");
    if (!info)
        return;
    const EngineResult r = feed(journal::invite(info->id, call.str("expert"), call.session->accountId));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    reply(call, {{QLatin1String("conversation"), info->id}, {QLatin1String("expert"), call.str("expert")}});
}

void CoordinatorService::conversationClose(Call &call)
{
    const auto info = handledConversation(call, "close");
    if (!info)
        return;
    const EngineResult r = feed(journal::close(info->id, call.session->accountId));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    reply(call,
          {{QLatin1String("conversation"), info->id}, {QLatin1String("state"), QStringLiteral("closed")}});
}

void CoordinatorService::surveySend(Call &call)
{
    // A survey follows a conversation someone handled, sent by its agent, a supervisor above them
    // or an admin (as handledConversation), while it is open or after the close, when surveys
    // usually go out: a closed one's agent is in its stored row.
    const QString id = call.str("conversation");
    const SessionState *s = call.session;
    const auto info = m_engine->conversation(id);
    const auto row = m_reader->conversation(id); // its survey so far, and a closed one's agent
    if (!info && !row) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no conversation \"%1\"").arg(id));
        return;
    }
    const QString agent = info ? info->agent : row->agentId;
    const QString customer = info ? info->customer : row->customerId;
    const bool waiting = info ? info->state != ConversationInfo::Assigned : agent.isEmpty();
    bool exists = false;
    if (waiting && (s->role == Role::Admin || canSeeConversation(s, id, &exists))) {
        fail(call, ErrorCode::Conflict,
             QStringLiteral(
                 "conversation \"%1\" has not been handled by an agent: there is nothing to rate yet")
                 .arg(id));
        return;
    }
    if (!actsFor(s, agent)) {
        fail(call, ErrorCode::Forbidden,
             QStringLiteral("conversation \"%1\" is not yours to survey").arg(id));
        return;
    }
    const SurveyState survey = surveyState(id, row);
    if (survey.rated) {
        fail(call, ErrorCode::Conflict,
             QStringLiteral("conversation \"%1\" was already rated; a conversation is rated once").arg(id));
        return;
    }
    saveSurvey(id, survey, 0);
    pushToCustomer(customer, QStringLiteral("survey.requested"), {{QLatin1String("conversation"), id}});
    reply(call, {{QLatin1String("conversation"), id}});
}

void CoordinatorService::ticketOpen(Call &call)
{
    const QString customer = call.str("customer");
    const auto known = m_reader->customer(customer);
    if (!known || !canSeeCustomer(call.session, *known)) {
        // Out of scope reads as unknown: nobody learns which customers exist elsewhere.
        fail(call, ErrorCode::NotFound,
             QStringLiteral("no customer \"%1\" in your conversations").arg(customer));
        return;
    }
    const QString id = newId(QStringLiteral("c-"), 9);
    const EngineResult r = feed(
        journal::ticketOpen(id, call.session->accountId, customer, call.str("channel"), call.flag("keep")));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    const auto info = m_engine->conversation(id);
    reply(call, info ? conversationJson(*info) : QJsonObject{{QLatin1String("id"), id}});
}

void CoordinatorService::quickReplyList(Call &call)
{
    QJsonObject byCategory;
    for (const QuickReply &q : m_reader->quickReplies(call.str("channel"))) {
        QJsonArray list = byCategory.value(q.category).toArray();
        list.append(QJsonObject{{QLatin1String("id"), q.id},
                                {QLatin1String("title"), q.title},
                                {QLatin1String("text"), q.text},
                                {QLatin1String("channel"), q.channel}});
        byCategory.insert(q.category, list);
    }
    reply(call, {{QLatin1String("categories"), byCategory}});
}

void CoordinatorService::directoryAgents(Call &call)
{
    QJsonArray agents;
    for (const QString &id : m_engine->agentIds()) {
        if (const auto a = m_engine->agent(id))
            agents.append(agentJson(*a));
    }
    reply(call, {{QLatin1String("agents"), agents}});
}

} // namespace sb
