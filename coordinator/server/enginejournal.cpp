#include "enginejournal.h"

#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sb::journal {

namespace {

EngineEvent event(const char *type, const QJsonObject &payload)
{
    EngineEvent e;
    e.type = QLatin1String(type);
    e.payload = payload;
    return e;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QStringList strings(const QJsonObject &o, const char *key)
{
    QStringList list;
    for (const QJsonValue &v : o.value(QLatin1String(key)).toArray())
        list << v.toString();
    return list;
}

EngineResult malformed(const EngineEvent &e, const QString &why)
{
    return EngineResult::failure(QStringLiteral("journal"),
                                 QStringLiteral("engine event %1 (%2): %3").arg(e.id).arg(e.type, why));
}

} // namespace

QJsonObject toJson(const GroupConfig &g)
{
    return {{QLatin1String("id"), g.id},
            {QLatin1String("name"), g.name},
            {QLatin1String("hours"), g.hours.toJson()},
            {QLatin1String("offHoursMessage"), g.offHoursMessage},
            {QLatin1String("expectedResponseSeconds"), g.expectedResponseSeconds}};
}

QJsonObject toJson(const AgentConfig &a)
{
    return {{QLatin1String("id"), a.id},
            {QLatin1String("name"), a.name},
            {QLatin1String("skills"), QJsonArray::fromStringList(a.skills)},
            {QLatin1String("groups"), QJsonArray::fromStringList(a.groups)},
            {QLatin1String("maxConcurrent"), a.maxConcurrent},
            {QLatin1String("vipDedicated"), a.vipDedicated},
            {QLatin1String("status"), toString(a.status)}};
}

QJsonObject toJson(const CustomerConfig &c)
{
    return {{QLatin1String("id"), c.id},
            {QLatin1String("name"), c.name},
            {QLatin1String("tags"), QJsonArray::fromStringList(c.tags)},
            {QLatin1String("vip"), c.vip},
            {QLatin1String("language"), c.language},
            {QLatin1String("owner"), c.owner},
            {QLatin1String("previousAgent"), c.previousAgent},
            {QLatin1String("returning"), c.returning}};
}

bool fromJson(const QJsonObject &o, GroupConfig *g, QString *error)
{
    g->id = str(o, "id");
    g->name = str(o, "name");
    g->offHoursMessage = str(o, "offHoursMessage");
    g->expectedResponseSeconds = o.value(QLatin1String("expectedResponseSeconds")).toInt(60);
    const QJsonValue hours = o.value(QLatin1String("hours"));
    g->hours = WorkingHours();
    if (hours.isObject() && !WorkingHours::fromJson(hours.toObject(), &g->hours, error))
        return false;
    if (g->id.isEmpty()) {
        *error = QStringLiteral("a group needs an id");
        return false;
    }
    return true;
}

bool fromJson(const QJsonObject &o, AgentConfig *a, QString *error)
{
    a->id = str(o, "id");
    a->name = str(o, "name");
    a->skills = strings(o, "skills");
    a->groups = strings(o, "groups");
    a->maxConcurrent = o.value(QLatin1String("maxConcurrent")).toInt(5);
    a->vipDedicated = o.value(QLatin1String("vipDedicated")).toBool();
    const auto status = agentStatusFromString(str(o, "status"));
    a->status = status.value_or(AgentStatus::Offline);
    if (a->id.isEmpty()) {
        *error = QStringLiteral("an agent needs an id");
        return false;
    }
    return true;
}

bool fromJson(const QJsonObject &o, CustomerConfig *c, QString *error)
{
    c->id = str(o, "id");
    c->name = str(o, "name");
    c->tags = strings(o, "tags");
    c->vip = o.value(QLatin1String("vip")).toBool();
    c->language = str(o, "language");
    c->owner = str(o, "owner");
    c->previousAgent = str(o, "previousAgent");
    c->returning = o.value(QLatin1String("returning")).toBool();
    if (c->id.isEmpty()) {
        *error = QStringLiteral("a customer needs an id");
        return false;
    }
    return true;
}

EngineEvent siteLoad(const SiteConfig &site)
{
    return event("site.load", {{QLatin1String("site"), QJsonDocument::fromJson(site.toJson()).object()}});
}

EngineEvent groupUpsert(const GroupConfig &group)
{
    return event("group.upsert", toJson(group));
}
EngineEvent agentUpsert(const AgentConfig &agent)
{
    return event("agent.upsert", toJson(agent));
}
EngineEvent customerUpsert(const CustomerConfig &customer)
{
    return event("customer.upsert", toJson(customer));
}

EngineEvent agentStatus(const QString &agent, AgentStatus status)
{
    return event("agent.status",
                 {{QLatin1String("agent"), agent}, {QLatin1String("status"), toString(status)}});
}

EngineEvent customerMessage(const QString &conversation, const QString &customer, const QString &channel,
                            const QString &text)
{
    return event("customer.message", {{QLatin1String("conversation"), conversation},
                                      {QLatin1String("customer"), customer},
                                      {QLatin1String("channel"), channel},
                                      {QLatin1String("text"), text}});
}

EngineEvent customerMessageEncoded(const QString &conversation, const QString &customer,
                                   const QString &channel, const QString &text)
{
    EngineEvent e;
    e.type = QStringLiteral("customer.message");
    JsonWriter w(64 + JsonWriter::stringRoom(channel) + JsonWriter::stringRoom(conversation) +
                 JsonWriter::stringRoom(customer) + JsonWriter::stringRoom(text));
    // In QJsonDocument's order (keys sorted), so the stored text is what customerMessage's would be.
    w.beginObject()
        .field("channel", channel)
        .field("conversation", conversation)
        .field("customer", customer)
        .field("text", text)
        .endObject();
    e.payloadJson = w.take();
    return e;
}

EngineEvent agentMessage(const QString &conversation, const QString &agent, bool note)
{
    return event("agent.message", {{QLatin1String("conversation"), conversation},
                                   {QLatin1String("agent"), agent},
                                   {QLatin1String("note"), note}});
}

EngineEvent ticketOpen(const QString &conversation, const QString &byAgent, const QString &customer,
                       const QString &channel, bool keep)
{
    return event("ticket.open", {{QLatin1String("conversation"), conversation},
                                 {QLatin1String("by"), byAgent},
                                 {QLatin1String("customer"), customer},
                                 {QLatin1String("channel"), channel},
                                 {QLatin1String("keep"), keep}});
}

EngineEvent claim(const QString &agent, const QString &conversation)
{
    return event("claim", {{QLatin1String("agent"), agent}, {QLatin1String("conversation"), conversation}});
}

EngineEvent transferToAgent(const QString &conversation, const QString &toAgent, const QString &byAgent)
{
    return event("transfer.agent", {{QLatin1String("conversation"), conversation},
                                    {QLatin1String("to"), toAgent},
                                    {QLatin1String("by"), byAgent}});
}

EngineEvent transferToGroup(const QString &conversation, const QString &group, const QString &byAgent)
{
    return event("transfer.group", {{QLatin1String("conversation"), conversation},
                                    {QLatin1String("to"), group},
                                    {QLatin1String("by"), byAgent}});
}

EngineEvent invite(const QString &conversation, const QString &expert, const QString &byAgent)
{
    return event("invite", {{QLatin1String("conversation"), conversation},
                            {QLatin1String("expert"), expert},
                            {QLatin1String("by"), byAgent}});
}

EngineEvent close(const QString &conversation, const QString &byAgent)
{
    return event("close", {{QLatin1String("conversation"), conversation}, {QLatin1String("by"), byAgent}});
}

EngineEvent clockTick()
{
    return event("clock.tick", {});
}

EngineResult apply(RoutingEngine &engine, const EngineEvent &e)
{
    // An event made with its payload as text only (customerMessageEncoded) reads it from there.
    const QJsonObject p = e.payload.isEmpty() && !e.payloadJson.isEmpty()
                              ? QJsonDocument::fromJson(e.payloadJson).object()
                              : e.payload;
    const QString &t = e.type;
    QString error;
    if (t == QLatin1String("site.load")) {
        const QByteArray json =
            QJsonDocument(p.value(QLatin1String("site")).toObject()).toJson(QJsonDocument::Compact);
        const auto site = SiteConfig::fromJson(json, &error);
        if (!site)
            return malformed(e, error);
        return engine.loadSite(*site);
    }
    if (t == QLatin1String("group.upsert")) {
        GroupConfig g;
        if (!fromJson(p, &g, &error))
            return malformed(e, error);
        return engine.upsertGroup(g);
    }
    if (t == QLatin1String("agent.upsert")) {
        AgentConfig a;
        if (!fromJson(p, &a, &error))
            return malformed(e, error);
        return engine.upsertAgent(a);
    }
    if (t == QLatin1String("customer.upsert")) {
        CustomerConfig c;
        if (!fromJson(p, &c, &error))
            return malformed(e, error);
        return engine.upsertCustomer(c);
    }
    if (t == QLatin1String("agent.status")) {
        const auto status = agentStatusFromString(str(p, "status"));
        if (!status)
            return malformed(e, QStringLiteral("unknown status \"%1\"").arg(str(p, "status")));
        return engine.setAgentStatus(str(p, "agent"), *status);
    }
    if (t == QLatin1String("customer.message"))
        return engine.customerMessage(str(p, "conversation"), str(p, "customer"), str(p, "channel"),
                                      str(p, "text"));
    if (t == QLatin1String("agent.message"))
        return engine.agentMessage(str(p, "conversation"), str(p, "agent"),
                                   p.value(QLatin1String("note")).toBool());
    if (t == QLatin1String("ticket.open"))
        return engine.openTicket(str(p, "conversation"), str(p, "by"), str(p, "customer"), str(p, "channel"),
                                 p.value(QLatin1String("keep")).toBool());
    if (t == QLatin1String("claim"))
        return engine.claim(str(p, "agent"), str(p, "conversation"));
    if (t == QLatin1String("transfer.agent"))
        return engine.transferToAgent(str(p, "conversation"), str(p, "to"), str(p, "by"));
    if (t == QLatin1String("transfer.group"))
        return engine.transferToGroup(str(p, "conversation"), str(p, "to"), str(p, "by"));
    if (t == QLatin1String("invite"))
        return engine.invite(str(p, "conversation"), str(p, "expert"), str(p, "by"));
    if (t == QLatin1String("close"))
        return engine.close(str(p, "conversation"), str(p, "by"));
    if (t == QLatin1String("clock.tick")) {
        engine.tick();
        return EngineResult::success();
    }
    return malformed(e, QStringLiteral("unknown type"));
}

} // namespace sb::journal
