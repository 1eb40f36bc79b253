#include "siteconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace sb {

namespace {
// Small reader that remembers the first error with the path of the element it came from.
class Reader
{
public:
    QString error;

    bool ok() const { return error.isEmpty(); }
    void fail(const QString &path, const QString &what)
    {
        if (error.isEmpty())
            error = path + QLatin1String(": ") + what;
    }

    // A misspelt or misplaced field would otherwise be ignored silently (a condition outside
    // "when" makes the rule match everything).
    void onlyKnown(const QJsonObject &o, std::initializer_list<const char *> known, const QString &path,
                   std::initializer_list<const char *> belongInWhen = {})
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString key = it.key();
            auto is = [&key](const char *k) { return key == QLatin1String(k); };
            if (std::any_of(known.begin(), known.end(), is))
                continue;
            fail(path, std::any_of(belongInWhen.begin(), belongInWhen.end(), is)
                           ? QStringLiteral("\"%1\" is a condition: put it inside \"when\"").arg(key)
                           : QStringLiteral("unknown field \"%1\"").arg(key));
        }
    }

    QString string(const QJsonObject &o, const char *key, const QString &path, bool required = false,
                   const QString &fallback = QString())
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(path, QStringLiteral("\"%1\" is required").arg(QLatin1String(key)));
            return fallback;
        }
        if (!v.isString()) {
            fail(path, QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
            return fallback;
        }
        return v.toString();
    }

    int integer(const QJsonObject &o, const char *key, const QString &path, int fallback, int min, int max)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return fallback;
        const double d = v.toDouble(-1e18);
        if (!v.isDouble() || d != static_cast<double>(static_cast<qint64>(d)) || d < min || d > max) {
            fail(path, QStringLiteral("\"%1\" must be a whole number from %2 to %3")
                           .arg(QLatin1String(key))
                           .arg(min)
                           .arg(max));
            return fallback;
        }
        return static_cast<int>(d);
    }

    bool boolean(const QJsonObject &o, const char *key, const QString &path, bool fallback)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isBool()) {
            fail(path, QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
            return fallback;
        }
        return v.toBool();
    }

    QStringList strings(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        QStringList out;
        if (v.isUndefined() || v.isNull())
            return out;
        if (v.isString())
            return {v.toString()};
        if (!v.isArray()) {
            fail(path, QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)));
            return out;
        }
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString()) {
                fail(path, QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)));
                return {};
            }
            out << item.toString();
        }
        return out;
    }

    QJsonArray array(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isArray())
            fail(QLatin1String(key), QStringLiteral("must be a list"));
        return v.toArray();
    }

    QJsonObject object(const QJsonValue &v, const QString &path)
    {
        if (!v.isObject())
            fail(path, QStringLiteral("must be an object"));
        return v.toObject();
    }

    // An optional nested object (absent or null: empty).
    QJsonObject section(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isObject())
            fail(path, QStringLiteral("\"%1\" must be an object").arg(QLatin1String(key)));
        return v.toObject();
    }
};

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QString itemPath(const char *section, int index, const QString &id)
{
    return id.isEmpty() ? QStringLiteral("%1[%2]").arg(QLatin1String(section)).arg(index)
                        : QStringLiteral("%1 \"%2\"").arg(QLatin1String(section), id);
}
} // namespace

std::optional<SiteConfig> SiteConfig::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull()) {
        *error = QStringLiteral("not valid JSON at offset %1: %2")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("the site configuration must be a JSON object");
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    Reader r;
    SiteConfig site;

    const QJsonValue routingValue = root.value(QLatin1String("routing"));
    const QJsonObject routing = routingValue.isUndefined() || routingValue.isNull()
                                    ? QJsonObject()
                                    : r.object(routingValue, QStringLiteral("routing"));
    {
        RoutingSettings &s = site.routing;
        const QString path = QStringLiteral("routing");
        if (routing.contains(QLatin1String("allowedStatuses"))) {
            s.allowedStatuses.clear();
            for (const QString &name : r.strings(routing, "allowedStatuses", path)) {
                const auto st = agentStatusFromString(name);
                if (!st)
                    r.fail(path, QStringLiteral("unknown status \"%1\" in allowedStatuses").arg(name));
                else
                    s.allowedStatuses.push_back(*st);
            }
        }
        s.channelPriority = r.boolean(routing, "channelPriority", path, s.channelPriority);
        s.vipPriorityBoost = r.integer(routing, "vipPriorityBoost", path, s.vipPriorityBoost, 0, 1000000);
        s.replyTimeoutSeconds =
            r.integer(routing, "replyTimeoutSeconds", path, s.replyTimeoutSeconds, 0, 86400 * 7);
        s.autoCloseMinutes =
            r.integer(routing, "autoCloseMinutes", path, s.autoCloseMinutes, 0, 60 * 24 * 30);
        const QString policy = r.string(routing, "offlinePolicy", path, false, toString(s.offlinePolicy));
        if (const auto p = offlinePolicyFromString(policy))
            s.offlinePolicy = *p;
        else
            r.fail(path,
                   QStringLiteral("offlinePolicy must be keep, requeue or reassign, not \"%1\"").arg(policy));
        s.timeZone = r.string(routing, "timeZone", path, false, s.timeZone);
        if (!QTimeZone(s.timeZone.toUtf8()).isValid())
            r.fail(path, QStringLiteral("unknown time zone \"%1\"").arg(s.timeZone));
        s.defaultHandleSeconds =
            r.integer(routing, "defaultHandleSeconds", path, s.defaultHandleSeconds, 1, 86400);
        s.explainLimit = r.integer(routing, "explainLimit", path, s.explainLimit, 0, 100000);
    }

    QSet<QString> channelIds, groupIds, agentIds, customerIds, ruleIds;
    auto checkId = [&](QSet<QString> &ids, const QString &id, const QString &path) {
        if (id.isEmpty())
            r.fail(path, QStringLiteral("\"id\" is required"));
        else if (ids.contains(id))
            r.fail(path, QStringLiteral("the id is used twice"));
        ids.insert(id);
    };

    const QJsonArray channels = r.array(root, "channels");
    for (int i = 0; i < channels.size(); ++i) {
        const QJsonObject o = r.object(channels[i], itemPath("channels", i, QString()));
        ChannelConfig c;
        c.id = o.value(QLatin1String("id")).toString();
        const QString path = itemPath("channels", i, c.id);
        checkId(channelIds, c.id, path);
        c.name = r.string(o, "name", path, false, c.id);
        c.type = r.string(o, "type", path, false, QStringLiteral("web"));
        c.priority = r.integer(o, "priority", path, 0, -1000, 1000);
        site.channels.push_back(c);
    }

    const QJsonArray groups = r.array(root, "groups");
    for (int i = 0; i < groups.size(); ++i) {
        const QJsonObject o = r.object(groups[i], itemPath("groups", i, QString()));
        GroupConfig g;
        g.id = o.value(QLatin1String("id")).toString();
        const QString path = itemPath("groups", i, g.id);
        checkId(groupIds, g.id, path);
        g.name = r.string(o, "name", path, false, g.id);
        if (o.contains(QLatin1String("hours"))) {
            QString hoursError;
            const QJsonObject hours = r.section(o, "hours", path);
            if (r.ok() && !WorkingHours::fromJson(hours, &g.hours, &hoursError))
                r.fail(path, QStringLiteral("hours: ") + hoursError);
        }
        g.offHoursMessage = r.string(o, "offHoursMessage", path);
        g.expectedResponseSeconds = r.integer(o, "expectedResponseSeconds", path, 60, 0, 86400);
        site.groups.push_back(g);
    }

    const QJsonArray agents = r.array(root, "agents");
    for (int i = 0; i < agents.size(); ++i) {
        const QJsonObject o = r.object(agents[i], itemPath("agents", i, QString()));
        AgentConfig a;
        a.id = o.value(QLatin1String("id")).toString();
        const QString path = itemPath("agents", i, a.id);
        checkId(agentIds, a.id, path);
        a.name = r.string(o, "name", path, false, a.id);
        a.skills = r.strings(o, "skills", path);
        a.groups = r.strings(o, "groups", path);
        for (const QString &g : a.groups) {
            if (!groupIds.contains(g))
                r.fail(path, QStringLiteral("unknown group \"%1\"").arg(g));
        }
        a.maxConcurrent = r.integer(o, "maxConcurrent", path, 5, 0, 1000);
        a.vipDedicated = r.boolean(o, "vipDedicated", path, false);
        const QString status = r.string(o, "status", path, false, QStringLiteral("offline"));
        if (const auto st = agentStatusFromString(status))
            a.status = *st;
        else
            r.fail(path, QStringLiteral("unknown status \"%1\"").arg(status));
        site.agents.push_back(a);
    }

    const QJsonArray customers = r.array(root, "customers");
    for (int i = 0; i < customers.size(); ++i) {
        const QJsonObject o = r.object(customers[i], itemPath("customers", i, QString()));
        CustomerConfig c;
        c.id = o.value(QLatin1String("id")).toString();
        const QString path = itemPath("customers", i, c.id);
        checkId(customerIds, c.id, path);
        c.name = r.string(o, "name", path, false, c.id);
        c.tags = r.strings(o, "tags", path);
        c.vip = r.boolean(o, "vip", path, c.tags.contains(QLatin1String("VIP"), Qt::CaseInsensitive));
        c.language = r.string(o, "language", path);
        c.owner = r.string(o, "owner", path);
        c.previousAgent = r.string(o, "previousAgent", path);
        c.returning = r.boolean(o, "returning", path, !c.previousAgent.isEmpty());
        for (const QString &ref : {c.owner, c.previousAgent}) {
            if (!ref.isEmpty() && !agentIds.contains(ref))
                r.fail(path, QStringLiteral("unknown agent \"%1\"").arg(ref));
        }
        site.customers.push_back(c);
    }

    const QJsonArray rules = r.array(root, "rules");
    for (int i = 0; i < rules.size(); ++i) {
        const QJsonObject o = r.object(rules[i], itemPath("rules", i, QString()));
        RuleConfig rule;
        rule.id = o.value(QLatin1String("id")).toString();
        const QString path = itemPath("rules", i, rule.id);
        checkId(ruleIds, rule.id, path);
        rule.name = r.string(o, "name", path, false, rule.id);
        const QJsonObject when = r.section(o, "when", path);
        static const auto conditions = {"channels",  "tagsAll",  "tagsAny",    "vip",
                                        "languages", "customer", "keywordsAny"};
        r.onlyKnown(o,
                    {"id", "name", "when", "groups", "strategy", "skills", "keywordSkills", "maxWaitSeconds",
                     "priority", "preferPreviousAgent", "preferOwner", "preferVipAgents"},
                    path, conditions);
        r.onlyKnown(when, conditions, path + QStringLiteral(" when"));
        rule.channels = r.strings(when, "channels", path);
        for (const QString &c : rule.channels) {
            if (!channelIds.contains(c))
                r.fail(path, QStringLiteral("unknown channel \"%1\"").arg(c));
        }
        rule.tagsAll = r.strings(when, "tagsAll", path);
        rule.tagsAny = r.strings(when, "tagsAny", path);
        if (when.contains(QLatin1String("vip")))
            rule.vip = r.boolean(when, "vip", path, false);
        rule.languages = r.strings(when, "languages", path);
        const QString kind = r.string(when, "customer", path, false, QStringLiteral("any"));
        if (const auto k = customerKindFromString(kind))
            rule.customer = *k;
        else
            r.fail(path, QStringLiteral("customer must be any, new or returning, not \"%1\"").arg(kind));
        rule.keywordsAny = r.strings(when, "keywordsAny", path);

        rule.groups = r.strings(o, "groups", path);
        if (rule.groups.isEmpty())
            r.fail(path, QStringLiteral("a rule must name at least one target group"));
        for (const QString &g : rule.groups) {
            if (!groupIds.contains(g))
                r.fail(path, QStringLiteral("unknown group \"%1\"").arg(g));
        }
        const QString strategy = r.string(o, "strategy", path, false, QStringLiteral("least-load"));
        if (const auto s = strategyFromString(strategy))
            rule.strategy = *s;
        else
            r.fail(path, QStringLiteral(
                             "unknown strategy \"%1\" (least-load, round-robin, idle-rate, skills, manual)")
                             .arg(strategy));
        rule.skills = r.strings(o, "skills", path);
        const QJsonObject kw = r.section(o, "keywordSkills", path);
        for (auto it = kw.begin(); it != kw.end(); ++it) {
            if (!it.value().isString())
                r.fail(path, QStringLiteral("keywordSkills values must be skill names"));
            rule.keywordSkills.push_back({it.key(), it.value().toString()});
        }
        rule.maxWaitSeconds = r.integer(o, "maxWaitSeconds", path, 300, 0, 86400);
        rule.priority = r.integer(o, "priority", path, 0, -1000, 1000);
        rule.preferPreviousAgent = r.boolean(o, "preferPreviousAgent", path, true);
        rule.preferOwner = r.boolean(o, "preferOwner", path, true);
        rule.preferVipAgents = r.boolean(o, "preferVipAgents", path, true);
        site.rules.push_back(rule);
    }

    if (!r.ok()) {
        *error = r.error;
        return std::nullopt;
    }
    return site;
}

QByteArray SiteConfig::toJson() const
{
    QJsonObject root;
    QJsonObject s;
    QJsonArray statuses;
    for (AgentStatus st : routing.allowedStatuses)
        statuses.append(toString(st));
    s.insert(QLatin1String("allowedStatuses"), statuses);
    s.insert(QLatin1String("channelPriority"), routing.channelPriority);
    s.insert(QLatin1String("vipPriorityBoost"), routing.vipPriorityBoost);
    s.insert(QLatin1String("replyTimeoutSeconds"), routing.replyTimeoutSeconds);
    s.insert(QLatin1String("autoCloseMinutes"), routing.autoCloseMinutes);
    s.insert(QLatin1String("offlinePolicy"), toString(routing.offlinePolicy));
    s.insert(QLatin1String("timeZone"), routing.timeZone);
    s.insert(QLatin1String("defaultHandleSeconds"), routing.defaultHandleSeconds);
    s.insert(QLatin1String("explainLimit"), routing.explainLimit);
    root.insert(QLatin1String("routing"), s);

    QJsonArray channelArray;
    for (const auto &c : channels)
        channelArray.append(QJsonObject{{QLatin1String("id"), c.id},
                                        {QLatin1String("name"), c.name},
                                        {QLatin1String("type"), c.type},
                                        {QLatin1String("priority"), c.priority}});
    root.insert(QLatin1String("channels"), channelArray);

    QJsonArray groupArray;
    for (const auto &g : groups)
        groupArray.append(QJsonObject{{QLatin1String("id"), g.id},
                                      {QLatin1String("name"), g.name},
                                      {QLatin1String("hours"), g.hours.toJson()},
                                      {QLatin1String("offHoursMessage"), g.offHoursMessage},
                                      {QLatin1String("expectedResponseSeconds"), g.expectedResponseSeconds}});
    root.insert(QLatin1String("groups"), groupArray);

    QJsonArray agentArray;
    for (const auto &a : agents)
        agentArray.append(QJsonObject{{QLatin1String("id"), a.id},
                                      {QLatin1String("name"), a.name},
                                      {QLatin1String("skills"), toArray(a.skills)},
                                      {QLatin1String("groups"), toArray(a.groups)},
                                      {QLatin1String("maxConcurrent"), a.maxConcurrent},
                                      {QLatin1String("vipDedicated"), a.vipDedicated},
                                      {QLatin1String("status"), toString(a.status)}});
    root.insert(QLatin1String("agents"), agentArray);

    QJsonArray customerArray;
    for (const auto &c : customers)
        customerArray.append(QJsonObject{{QLatin1String("id"), c.id},
                                         {QLatin1String("name"), c.name},
                                         {QLatin1String("tags"), toArray(c.tags)},
                                         {QLatin1String("vip"), c.vip},
                                         {QLatin1String("language"), c.language},
                                         {QLatin1String("owner"), c.owner},
                                         {QLatin1String("previousAgent"), c.previousAgent},
                                         {QLatin1String("returning"), c.returning}});
    root.insert(QLatin1String("customers"), customerArray);

    QJsonArray ruleArray;
    for (const auto &rule : rules) {
        QJsonObject when{{QLatin1String("channels"), toArray(rule.channels)},
                         {QLatin1String("tagsAll"), toArray(rule.tagsAll)},
                         {QLatin1String("tagsAny"), toArray(rule.tagsAny)},
                         {QLatin1String("languages"), toArray(rule.languages)},
                         {QLatin1String("customer"), toString(rule.customer)},
                         {QLatin1String("keywordsAny"), toArray(rule.keywordsAny)}};
        if (rule.vip)
            when.insert(QLatin1String("vip"), *rule.vip);
        QJsonObject kw;
        for (const auto &k : rule.keywordSkills)
            kw.insert(k.keyword, k.skill);
        ruleArray.append(QJsonObject{{QLatin1String("id"), rule.id},
                                     {QLatin1String("name"), rule.name},
                                     {QLatin1String("when"), when},
                                     {QLatin1String("groups"), toArray(rule.groups)},
                                     {QLatin1String("strategy"), toString(rule.strategy)},
                                     {QLatin1String("skills"), toArray(rule.skills)},
                                     {QLatin1String("keywordSkills"), kw},
                                     {QLatin1String("maxWaitSeconds"), rule.maxWaitSeconds},
                                     {QLatin1String("priority"), rule.priority},
                                     {QLatin1String("preferPreviousAgent"), rule.preferPreviousAgent},
                                     {QLatin1String("preferOwner"), rule.preferOwner},
                                     {QLatin1String("preferVipAgents"), rule.preferVipAgents}});
    }
    root.insert(QLatin1String("rules"), ruleArray);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace sb
