// The customer panel of a desk: who the customer is (tags, VIP, owner) and their previous tickets
// with who handled them. Shown to staff who can see one of the customer's conversations.

#include "coordinatorservice.h"

#include "storereader.h"

#include <QJsonArray>

namespace sb {

using protocol::ErrorCode;

namespace {
constexpr int kTicketsShown = 20;
}

void CoordinatorService::customerProfile(Call &call)
{
    const QString id = call.str("customer");
    const auto customer = m_reader->customer(id);
    // In scope: admins, and whoever can see the customer's open conversation (its agent, invited
    // experts, the agents of the queue it waits in, supervisors above its agent).
    bool allowed = call.session->role == Role::Admin;
    if (!allowed) {
        const QString open = m_openConversation.value(id);
        bool exists = false;
        allowed = !open.isEmpty() && canSeeConversation(call.session, open, &exists);
    }
    if (!customer || !allowed) {
        fail(call, ErrorCode::NotFound, QStringLiteral("no customer \"%1\" in your conversations").arg(id));
        return;
    }
    auto nameOf = [this](const QString &account) {
        const Account a = m_accounts.value(account);
        return a.displayName.isEmpty() ? account : a.displayName;
    };
    QJsonArray tickets;
    for (const Conversation &c : m_reader->customerConversations(id, kTicketsShown)) {
        tickets.append(
            QJsonObject{{QLatin1String("id"), c.id},
                        {QLatin1String("channel"), c.channel},
                        {QLatin1String("state"), toString(c.state)},
                        {QLatin1String("agent"), c.agentId},
                        {QLatin1String("agentName"), c.agentId.isEmpty() ? QString() : nameOf(c.agentId)},
                        {QLatin1String("openedAt"), c.createdAt},
                        {QLatin1String("closedAt"), c.closedAt},
                        {QLatin1String("rating"), c.satisfaction}});
    }
    reply(call, {{QLatin1String("customer"),
                  QJsonObject{{QLatin1String("id"), customer->id},
                              {QLatin1String("name"), customer->name},
                              {QLatin1String("externalId"), customer->externalId},
                              {QLatin1String("language"), customer->language},
                              {QLatin1String("vip"), customer->vip},
                              {QLatin1String("tags"), QJsonArray::fromStringList(customer->tags)},
                              {QLatin1String("owner"), customer->ownerId},
                              {QLatin1String("ownerName"),
                               customer->ownerId.isEmpty() ? QString() : nameOf(customer->ownerId)},
                              {QLatin1String("since"), customer->createdAt}}},
                 {QLatin1String("tickets"), tickets}});
}

} // namespace sb
