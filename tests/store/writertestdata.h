#pragma once
// Rows the store writer's tests write: a customer's text message, and the customer and
// conversation it needs first.

#include "records.h"
#include "storewriter.h"

namespace sb::test {

inline Message textMessage(const QString &conversation, const QString &body, qint64 createdAt = 1)
{
    Message m;
    m.conversationId = conversation;
    m.senderKind = SenderKind::Customer;
    m.senderId = QStringLiteral("cust");
    m.body = body;
    m.createdAt = createdAt;
    return m;
}

inline void seed(StoreWriter &writer, const QString &conversation)
{
    writer.upsertCustomer({QStringLiteral("cust"), QStringLiteral("Li"), {}, false, {}, {}, {}, 1});
    Conversation c;
    c.id = conversation;
    c.customerId = QStringLiteral("cust");
    c.channel = QStringLiteral("web");
    c.createdAt = 1;
    writer.upsertConversation(c);
}

} // namespace sb::test
