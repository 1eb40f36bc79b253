// What customers do: open the chat, write, read their conversation, rate it.

#include "coordinatorservice.h"

#include "enginejournal.h"
#include "sessiontoken.h"
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>

namespace sb {

using protocol::ErrorCode;

void CoordinatorService::customerStart(Call &call)
{
    const QString channel = call.str("channel");
    const QString token = call.str("token");
    if (!token.isEmpty()) {
        const QString hash = looksLikeToken(token) ? tokenHash(token) : QString();
        const auto row = hash.isEmpty() ? std::nullopt : m_reader->sessionByTokenHash(hash);
        if (!row || row->revoked || row->customerId.isEmpty() || row->expiresAt <= m_liveClock.nowMs()) {
            fail(call, ErrorCode::BadCredentials, QStringLiteral("the customer token is unknown or expired; start without it"));
            return;
        }
        SessionState *s = openSession(hash, *row);
        s->channel = channel;
        attach(call.link, s);
        s->sentUpTo = s->nextSeq - 1;
        QJsonObject result = signedIn(s, token);
        result.insert(QLatin1String("conversation"), m_openConversation.value(s->customerId));
        reply(call, result);
        return;
    }
    Customer c;
    c.id = newId(QStringLiteral("cu-"), 9);
    c.name = call.str("name");
    c.language = call.str("language");
    c.externalId = call.str("externalId");
    c.createdAt = m_liveClock.nowMs();
    if (!c.externalId.isEmpty() && m_reader->customer(c.externalId)) {
        // External ids are unique in the store; a second visitor claiming one gets a guest record.
        c.externalId.clear();
    }
    m_writer->upsertCustomer(c, track());
    m_customerNames.insert(c.id, c.name);
    CustomerConfig config;
    config.id = c.id;
    config.name = c.name;
    config.language = c.language;
    feed(journal::customerUpsert(config));

    const QString newToken = newSessionToken();
    Session row;
    row.tokenHash = tokenHash(newToken);
    row.customerId = c.id;
    row.createdAt = m_liveClock.nowMs();
    row.expiresAt = row.createdAt + m_options.customerSessionLifetimeMs;
    m_writer->createSession(row, track());
    SessionState *s = openSession(row.tokenHash, row);
    s->channel = channel;
    attach(call.link, s);
    QJsonObject result = signedIn(s, newToken);
    result.insert(QLatin1String("conversation"), QString());
    reply(call, result);
}

void CoordinatorService::customerSend(Call &call)
{
    SessionState *s = call.session;
    std::vector<Attachment> files;
    if (!takeAttachments(call, &files))
        return;
    const QString text = call.str("text");
    if (text.trimmed().isEmpty() && files.empty()) {
        fail(call, ErrorCode::BadRequest, QStringLiteral("a message needs text or an attachment"));
        return;
    }
    QString conversation = m_openConversation.value(s->customerId);
    if (conversation.isEmpty())
        conversation = newId(QStringLiteral("c-"), 9);
    const QString channel = s->channel.isEmpty() ? QStringLiteral("web") : s->channel;
    const EngineResult r = feed(journal::customerMessage(conversation, s->customerId, channel, text));
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    Message m;
    m.conversationId = conversation;
    m.senderKind = SenderKind::Customer;
    m.senderId = s->customerId;
    m.createdAt = m_liveClock.nowMs();
    if (!text.isEmpty() || files.empty()) {
        m.kind = MessageKind::Text;
        m.body = text;
        appendMessage(files.empty() ? &call : nullptr, m, {});
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        Message f = m;
        f.body.clear();
        f.kind = files[i].mime.startsWith(QLatin1String("image/")) ? MessageKind::Image : MessageKind::File;
        f.attachment = files[i];
        appendMessage(i + 1 == files.size() ? &call : nullptr, f, {});
    }
}

void CoordinatorService::customerHistory(Call &call)
{
    SessionState *s = call.session;
    QString conversation = m_openConversation.value(s->customerId);
    if (conversation.isEmpty()) {
        const QList<Conversation> past = m_reader->customerConversations(s->customerId, 1);
        if (!past.isEmpty())
            conversation = past.first().id;
    }
    QJsonArray messages;
    if (!conversation.isEmpty()) {
        for (const Message &m : m_reader->history(conversation, call.num("beforeSeq"), static_cast<int>(call.num("limit", 50)))) {
            if (m.kind != MessageKind::Note)
                messages.append(messageJson(m));
        }
    }
    reply(call, {{QLatin1String("conversation"), conversation}, {QLatin1String("messages"), messages}});
}

void CoordinatorService::surveyRate(Call &call)
{
    SessionState *s = call.session;
    const QList<Conversation> past = m_reader->customerConversations(s->customerId, 1);
    QString conversation = m_openConversation.value(s->customerId);
    if (conversation.isEmpty() && !past.isEmpty())
        conversation = past.first().id;
    if (conversation.isEmpty()) {
        fail(call, ErrorCode::NotFound, QStringLiteral("there is no conversation to rate"));
        return;
    }
    const int score = static_cast<int>(call.num("score"));
    m_writer->rateConversation(conversation, score, track());
    const QString comment = call.str("comment");
    if (!comment.isEmpty()) {
        Message m;
        m.conversationId = conversation;
        m.senderKind = SenderKind::Customer;
        m.senderId = s->customerId;
        m.kind = MessageKind::Note;
        m.body = QStringLiteral("Rating %1/5: %2").arg(score).arg(comment);
        m.createdAt = m_liveClock.nowMs();
        m_writer->appendMessage(m, track());
    }
    const auto row = m_reader->conversation(conversation);
    if (row && !row->agentId.isEmpty())
        pushToAccount(row->agentId, QStringLiteral("survey.rated"),
                      {{QLatin1String("conversation"), conversation}, {QLatin1String("score"), score}});
    reply(call, {{QLatin1String("conversation"), conversation}, {QLatin1String("score"), score}});
}

} // namespace sb
