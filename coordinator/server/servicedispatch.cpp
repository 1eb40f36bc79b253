// Frames in: parse, check against the operation catalogue and the caller's role, then the handler.

#include "coordinatorservice.h"

#include "passwordhasher.h"
#include "protocol.h"
#include "storewriter.h"

namespace sb {

using protocol::Audience;
using protocol::ErrorCode;

const QHash<QString, CoordinatorService::Handler> &CoordinatorService::handlerTable()
{
    using S = CoordinatorService;
    static const QHash<QString, S::Handler> table = {
        {QStringLiteral("hello"), &S::hello},
        {QStringLiteral("auth.setup"), &S::authSetup},
        {QStringLiteral("auth.login"), &S::authLogin},
        {QStringLiteral("auth.resume"), &S::authResume},
        {QStringLiteral("auth.logout"), &S::authLogout},
        {QStringLiteral("customer.start"), &S::customerStart},
        {QStringLiteral("customer.send"), &S::customerSend},
        {QStringLiteral("customer.history"), &S::customerHistory},
        {QStringLiteral("survey.rate"), &S::surveyRate},
        {QStringLiteral("status.set"), &S::statusSet},
        {QStringLiteral("inbox.snapshot"), &S::inboxSnapshot},
        {QStringLiteral("conversation.history"), &S::conversationHistory},
        {QStringLiteral("message.send"), &S::messageSend},
        {QStringLiteral("attachment.upload"), &S::attachmentUpload},
        {QStringLiteral("attachment.get"), &S::attachmentGet},
        {QStringLiteral("conversation.claim"), &S::conversationClaim},
        {QStringLiteral("conversation.transfer"), &S::conversationTransfer},
        {QStringLiteral("conversation.invite"), &S::conversationInvite},
        {QStringLiteral("conversation.close"), &S::conversationClose},
        {QStringLiteral("survey.send"), &S::surveySend},
        {QStringLiteral("ticket.open"), &S::ticketOpen},
        {QStringLiteral("quickreply.list"), &S::quickReplyList},
        {QStringLiteral("directory.agents"), &S::directoryAgents},
        {QStringLiteral("account.create"), &S::accountCreate},
        {QStringLiteral("group.create"), &S::groupCreate},
        {QStringLiteral("group.update"), &S::groupUpdate},
        {QStringLiteral("team.create"), &S::teamCreate},
        {QStringLiteral("account.update"), &S::accountUpdate},
        {QStringLiteral("team.update"), &S::teamUpdate},
        {QStringLiteral("team.delete"), &S::teamDelete},
        {QStringLiteral("customer.profile"), &S::customerProfile},
        {QStringLiteral("quickreply.save"), &S::quickReplySave},
        {QStringLiteral("quickreply.delete"), &S::quickReplyDelete},
    };
    return table;
}

namespace {

bool roleAllows(Audience audience, const SessionState *s)
{
    switch (audience) {
    case Audience::Anyone:
        return true;
    case Audience::SignedIn:
        return s;
    case Audience::Customer:
        return s && s->kind == SessionState::Customer;
    case Audience::Agent:
        return s && s->kind == SessionState::Staff;
    case Audience::Supervisor:
        return s && s->kind == SessionState::Staff && s->role != Role::Agent;
    case Audience::Admin:
        return s && s->kind == SessionState::Staff && s->role == Role::Admin;
    }
    return false;
}

} // namespace

namespace {
// Frames a link may send while one of its requests is on a worker; beyond, they are refused.
constexpr qint64 kHeldBytesPerLink = 16LL * 1024 * 1024;
} // namespace

void CoordinatorService::handleFrame(ClientLink *link, const QByteArray &frame)
{
    // Refusals before a handler runs change nothing, so they need no round: they go at once.
    auto refuse = [this, link](const QByteArray &error) {
        ++m_stats.errors;
        link->send(error);
    };
    // Rounds whose writes have committed are answered before the next frame is read: their
    // completions are also posted, but posted events wait until every socket with something to read
    // has been read, and under load that wave of frames kept acknowledgements back for 10-70 ms.
    if (m_writer)
        m_writer->deliverReady();
    const auto [entry, created] = m_links.try_emplace(link);
    LinkState &ls = entry->second;
    if (created)
        ls.serial = ++m_linkSerial;
    if (ls.waiting) {
        if (ls.heldBytes + frame.size() > kHeldBytesPerLink) {
            ++m_stats.requests;
            // Answered with the request's id where it has one, so the client knows which it was
            // (read from frames up to the frame limit only: a refusal costs no more than a request).
            std::variant<protocol::Request, protocol::ProtocolError> parsed = protocol::ProtocolError{};
            if (frame.size() <= protocol::Limits::maxFrameBytes)
                parsed = protocol::parseRequest(frame);
            const auto *request = std::get_if<protocol::Request>(&parsed);
            refuse(protocol::encodeError(
                request ? request->id : QJsonValue(), ErrorCode::RateLimited,
                QStringLiteral("too many requests behind a sign-in; wait for its answer")));
            return;
        }
        ls.heldBytes += frame.size();
        ls.held.push_back(frame);
        return;
    }
    ++m_stats.requests;
    if (frame.size() > protocol::Limits::maxFrameBytes) {
        refuse(protocol::encodeError(QJsonValue(), ErrorCode::FrameTooLarge,
                                     QStringLiteral("the frame has %1 bytes; the limit is %2")
                                         .arg(frame.size())
                                         .arg(protocol::Limits::maxFrameBytes)));
        return;
    }
    auto parsed = protocol::parseRequest(frame);
    if (auto *error = std::get_if<protocol::ProtocolError>(&parsed)) {
        refuse(protocol::encodeError(*error));
        return;
    }
    Call call;
    call.link = link;
    call.linkSerial = ls.serial;
    call.request = std::get<protocol::Request>(std::move(parsed));
    const QJsonValue &id = call.request.id;
    const QString &op = call.request.op;
    const protocol::OperationSpec *spec = protocol::findOperation(op);
    const Handler handler = handlerTable().value(op);
    if (!spec || !handler) {
        refuse(protocol::encodeError(id, ErrorCode::UnknownOperation,
                                     QStringLiteral("no operation \"%1\"").arg(op)));
        return;
    }
    if (ls.session && ls.session->expiresAt <= m_liveClock.nowMs())
        ls.session = nullptr; // expired while connected: the link is signed out
    SessionState *session = ls.session;
    if (!ls.hello && op != QLatin1String("hello")) {
        refuse(protocol::encodeError(id, ErrorCode::BadRequest,
                                     QStringLiteral("send \"hello\" with your protocol version first")));
        return;
    }
    if (!roleAllows(spec->audience, session)) {
        refuse(
            session
                ? protocol::encodeError(
                      id, ErrorCode::Forbidden,
                      QStringLiteral("\"%1\" is for %2 sessions").arg(op, protocol::toString(spec->audience)))
                : protocol::encodeError(id, ErrorCode::Unauthenticated,
                                        QStringLiteral("sign in first: \"%1\" needs a session").arg(op)));
        return;
    }
    // Arguments are checked after the role: a caller learns nothing of operations not theirs.
    if (auto invalid = protocol::validate(*spec, call.request)) {
        refuse(protocol::encodeError(*invalid));
        return;
    }
    call.session = session;
    beginRound();
    m_round->requestNs = LatencyWindow::nowNs();
    (this->*handler)(call);
    if (!call.answered)
        fail(call, ErrorCode::Internal, QStringLiteral("the server did not answer \"%1\"").arg(op));
    endRound();
}

void CoordinatorService::offThread(Call &call, std::function<QVariant()> work, Continuation then)
{
    LinkState &ls = m_links[call.link];
    ls.waiting = true;
    call.answered = true; // by `then`, later
    auto pending = std::make_shared<Call>(call);
    pending->session = nullptr; // looked up again when it comes back: it may be gone by then
    const quint64 serial = ls.serial;
    // stop() waits for the pool, so `this` outlives every job; a continuation still queued when
    // the service is destroyed is discarded with the object's posted events.
    m_hashPool.start([this, work = std::move(work), then = std::move(then), pending, serial] {
        const QVariant result = work();
        QMetaObject::invokeMethod(
            this, [this, pending, serial, then, result] { offThreadDone(pending, serial, then, result); },
            Qt::QueuedConnection);
    });
}

bool CoordinatorService::linkAlive(ClientLink *link, quint64 serial) const
{
    const auto it = m_links.find(link);
    return it != m_links.end() && it->second.serial == serial;
}

void CoordinatorService::offThreadDone(const std::shared_ptr<Call> &pending, quint64 serial,
                                       const Continuation &then, const QVariant &result)
{
    auto it = m_links.find(pending->link);
    if (!m_writer || it == m_links.end() || it->second.serial != serial)
        return; // the client left (or the service stopped): nobody to answer, nothing to do
    ClientLink *link = pending->link;
    it->second.waiting = false;
    Call &call = *pending;
    call.session = it->second.session;
    const protocol::OperationSpec *spec = protocol::findOperation(call.request.op);
    call.answered = false;
    beginRound();
    // The caller's role may have changed while the work ran (an admin demoted or disabled).
    if (!spec || !roleAllows(spec->audience, call.session)) {
        fail(call, call.session ? ErrorCode::Forbidden : ErrorCode::Unauthenticated,
             QStringLiteral("\"%1\" is no longer allowed for this session").arg(call.request.op));
    } else {
        then(call, result);
    }
    if (!call.answered)
        fail(call, ErrorCode::Internal,
             QStringLiteral("the server did not answer \"%1\"").arg(call.request.op));
    endRound();
    // The frames that waited behind it, in order, until one of them goes to a worker in turn.
    for (;;) {
        it = m_links.find(link);
        if (it == m_links.end() || it->second.serial != serial || it->second.waiting ||
            it->second.held.empty())
            break;
        const QByteArray frame = std::move(it->second.held.front());
        it->second.held.pop_front();
        it->second.heldBytes -= frame.size();
        handleFrame(link, frame);
    }
}

void CoordinatorService::hashThen(Call &call, std::function<void(Call &, const QString &)> then)
{
    const QString password = call.str("password");
    const auto hash = m_options.hashPassword;
    offThread(
        call,
        [hash, password]() -> QVariant { return hash ? hash(password) : PasswordHasher::hash(password); },
        [then = std::move(then)](Call &call, const QVariant &result) { then(call, result.toString()); });
}

} // namespace sb
