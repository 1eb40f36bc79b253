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
            fail(call, ErrorCode::BadCredentials,
                 QStringLiteral("the customer token is unknown or expired; start without it"));
            return;
        }
        SessionState *s = openSession(hash, *row);
        s->channel = channel;
        attach(call.link, s);
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
    if (!c.externalId.isEmpty() && m_reader->customerByExternalId(c.externalId)) {
        // External ids are unique in the store, and naming one proves nothing: a second visitor
        // giving the same one is a new guest (a connector links CRM records, in its own issue).
        c.externalId.clear();
    }
    m_writer->upsertCustomer(c, track());
    m_customerNames.insert(c.id, c.name);
    CustomerConfig config;
    config.id = c.id;
    config.name = c.name;
    config.language = c.language;
    feed(journal::customerUpsert(config));

    Session row;
    row.customerId = c.id;
    QString newToken;
    SessionState *s = issueSession(call, row, m_options.customerSessionLifetimeMs, &newToken);
    s->channel = channel;
    QJsonObject result = signedIn(s, newToken);
    result.insert(QLatin1String("conversation"), QString());
    reply(call, result);
}

void CoordinatorService::customerSend(Call &call)
{
    SessionState *s = call.session;
    if (!messageReady(call))
        return;
    QString conversation = m_openConversation.value(s->customerId);
    if (conversation.isEmpty())
        conversation = newId(QStringLiteral("c-"), 9);
    const QString channel = s->channel.isEmpty() ? QStringLiteral("web") : s->channel;
    const QString text = call.str("text");
    const EngineResult r =
        feed(journal::customerMessageEncoded(conversation, s->customerId, channel, text),
             [&] { return m_engine->customerMessage(conversation, s->customerId, channel, text); });
    if (!r.ok) {
        failEngine(call, r);
        return;
    }
    Message m;
    m.conversationId = conversation;
    m.senderKind = SenderKind::Customer;
    m.senderId = s->customerId;
    sendMessages(call, m, false);
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
        for (const Message &m : m_reader->history(conversation, call.num("beforeSeq"),
                                                  static_cast<int>(call.num("limit", 50)))) {
            if (m.kind != MessageKind::Note)
                messages.append(messageJson(m));
        }
    }
    reply(call, {{QLatin1String("conversation"), conversation}, {QLatin1String("messages"), messages}});
}

CoordinatorService::SurveyState CoordinatorService::surveyState(const QString &conversation,
                                                                const std::optional<Conversation> &row) const
{
    const auto pending = m_surveys.constFind(conversation);
    if (pending != m_surveys.constEnd())
        return *pending;
    SurveyState state;
    if (row) {
        state.requested = row->surveyRequestedAt > 0;
        state.rated = row->satisfaction > 0;
    }
    return state;
}

void CoordinatorService::saveSurvey(const QString &conversation, SurveyState next, int score)
{
    if (score > 0)
        next.rated = true;
    else
        next.requested = true;
    ++next.writes;
    m_surveys.insert(conversation, next);
    // Once its last write is done the store tells the truth again (a failed one included).
    auto done = track([this, conversation](const WriteResult &) {
        const auto it = m_surveys.find(conversation);
        if (it != m_surveys.end() && --it->writes <= 0)
            m_surveys.erase(it);
    });
    if (score > 0)
        m_writer->rateConversation(conversation, score, std::move(done));
    else
        m_writer->requestSurvey(conversation, m_liveClock.nowMs(), std::move(done));
}

void CoordinatorService::surveyRate(Call &call)
{
    // The conversation rated is the customer's open one, or else their latest; it takes one rating,
    // and only once an agent sent the survey (survey.send).
    SessionState *s = call.session;
    // The named one (the survey.requested event's conversation) must be this customer's, whatever
    // they opened since.
    QString conversation = call.str("conversation");
    std::optional<Conversation> row;
    if (!conversation.isEmpty()) {
        row = m_reader->conversation(conversation);
        if (!row || row->customerId != s->customerId) {
            fail(call, ErrorCode::NotFound,
                 QStringLiteral("no conversation \"%1\" of yours").arg(conversation));
            return;
        }
    } else if (conversation = m_openConversation.value(s->customerId); !conversation.isEmpty()) {
        row = m_reader->conversation(conversation); // none while its first write is in flight
    } else if (const QList<Conversation> past = m_reader->customerConversations(s->customerId, 1);
               !past.isEmpty()) {
        row = past.first();
        conversation = row->id;
    } else {
        fail(call, ErrorCode::NotFound, QStringLiteral("there is no conversation to rate"));
        return;
    }
    const SurveyState survey = surveyState(conversation, row);
    if (survey.rated) {
        fail(call, ErrorCode::Conflict,
             QStringLiteral("conversation \"%1\" was already rated; a conversation is rated once")
                 .arg(conversation));
        return;
    }
    if (!survey.requested) {
        fail(call, ErrorCode::NotFound,
             QStringLiteral("no survey was sent for conversation \"%1\"; a rating answers one")
                 .arg(conversation));
        return;
    }
    const int score = static_cast<int>(call.num("score"));
    saveSurvey(conversation, survey, score);
    const QString comment = call.str("comment");
    if (!comment.isEmpty()) {
        Message m;
        m.conversationId = conversation;
        m.senderKind = SenderKind::Customer;
        m.senderId = s->customerId;
        m.kind = MessageKind::Note;
        m.body = QStringLiteral("Rating %1/5: %2").arg(score).arg(comment);
        m.createdAt = m_liveClock.nowMs();
        rememberLastMessage(m);
        m_writer->appendMessage(m, track());
    }
    // Its agent now: the engine's for an open conversation, the stored row's for a closed one.
    const auto live = m_engine->conversation(conversation);
    const QString agent = live ? live->agent : row ? row->agentId : QString();
    if (!agent.isEmpty())
        pushToAccount(agent, QStringLiteral("survey.rated"),
                      {{QLatin1String("conversation"), conversation}, {QLatin1String("score"), score}});
    reply(call, {{QLatin1String("conversation"), conversation}, {QLatin1String("score"), score}});
}

} // namespace sb
