// Frames in: parse, check against the operation catalogue and the caller's role, then the handler.

#include "coordinatorservice.h"

#include "protocol.h"

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

void CoordinatorService::handleFrame(ClientLink *link, const QByteArray &frame)
{
    // Refusals before a handler runs change nothing, so they need no round: they go at once.
    auto refuse = [this, link](const QByteArray &error) {
        ++m_stats.errors;
        link->send(error);
    };
    LinkState &ls = m_links[link];
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
    call.address = link->peerAddress();
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
    (this->*handler)(call);
    if (!call.answered)
        fail(call, ErrorCode::Internal, QStringLiteral("the server did not answer \"%1\"").arg(op));
    endRound();
}

} // namespace sb
