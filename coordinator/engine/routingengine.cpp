#include "routingengine.h"

#include <algorithm>

namespace sb {

namespace {
EngineResult unknownAgent(const QString &id)
{
    return EngineResult::failure(QStringLiteral("unknown-agent"), QStringLiteral("no agent \"%1\"").arg(id));
}
EngineResult unknownConversation(const QString &id)
{
    return EngineResult::failure(QStringLiteral("unknown-conversation"),
                                 QStringLiteral("no open conversation \"%1\"").arg(id));
}
} // namespace

RoutingEngine::RoutingEngine(const Clock &clock) : m_clock(clock), m_siteZone(QTimeZone::utc())
{
    m_now = m_clock.nowMs();
    m_skillSets.push_back(SkillSet());
}

EngineResult RoutingEngine::loadSite(const SiteConfig &site)
{
    if (!m_convIndex.isEmpty())
        return EngineResult::failure(QStringLiteral("busy"),
                                     QStringLiteral("a site cannot be loaded while conversations are open"));
    m_now = m_clock.nowMs();
    m_settings = site.routing;
    std::fill(std::begin(m_allowed), std::end(m_allowed), false);
    for (AgentStatus s : m_settings.allowedStatuses)
        m_allowed[static_cast<int>(s)] = true;
    m_siteZone = QTimeZone(m_settings.timeZone.toUtf8());
    if (!m_siteZone.isValid())
        m_siteZone = QTimeZone::utc();

    for (const auto &c : site.channels) {
        const int ci = channelFor(c.id);
        m_channels[ci].priority = c.priority;
    }
    for (const auto &g : site.groups)
        applyGroup(g);
    for (const auto &a : site.agents) {
        const EngineResult r = upsertAgent(a);
        if (!r.ok)
            return r;
    }
    for (const auto &c : site.customers)
        upsertCustomer(c);
    m_rules.clear();
    for (const auto &rc : site.rules) {
        CompiledRule rule;
        rule.config = rc;
        for (const QString &g : rc.groups) {
            const int gi = m_groupIndex.value(g, -1);
            if (gi < 0)
                return EngineResult::failure(
                    QStringLiteral("unknown-group"),
                    QStringLiteral("rule \"%1\" targets unknown group \"%2\"").arg(rc.id, g));
            rule.groups.push_back(gi);
        }
        for (const QString &s : rc.skills)
            rule.skills.insert(internSkill(s));
        for (const auto &kw : rc.keywordSkills)
            rule.keywordSkills.push_back({kw.keyword.toLower(), internSkill(kw.skill)});
        for (const QString &kw : rc.keywordsAny)
            rule.keywordsAny << kw.toLower();
        m_rules.push_back(rule);
    }
    scheduleMidnight();
    return EngineResult::success();
}

int RoutingEngine::internSkill(const QString &name)
{
    auto it = m_skillIds.constFind(name);
    if (it != m_skillIds.constEnd())
        return it.value();
    const int id = static_cast<int>(m_skillNames.size());
    m_skillNames.push_back(name);
    m_skillIds.insert(name, id);
    return id;
}

int RoutingEngine::internSkillSet(const SkillSet &set)
{
    for (std::size_t i = 0; i < m_skillSets.size(); ++i) {
        if (m_skillSets[i] == set)
            return static_cast<int>(i);
    }
    m_skillSets.push_back(set);
    return static_cast<int>(m_skillSets.size() - 1);
}

int RoutingEngine::channelFor(const QString &id)
{
    auto it = m_channelIndex.constFind(id);
    if (it != m_channelIndex.constEnd())
        return it.value();
    const int ci = static_cast<int>(m_channels.size());
    m_channels.push_back({id, 0});
    m_channelIndex.insert(id, ci);
    return ci;
}

int RoutingEngine::customerFor(const QString &id)
{
    auto it = m_customerIndex.constFind(id);
    if (it != m_customerIndex.constEnd())
        return it.value();
    const int ci = static_cast<int>(m_customers.size());
    CustomerState c;
    c.id = id;
    m_customers.push_back(c);
    m_customerIndex.insert(id, ci);
    return ci;
}

int RoutingEngine::applyGroup(const GroupConfig &g)
{
    int gi = m_groupIndex.value(g.id, -1);
    if (gi < 0) {
        gi = static_cast<int>(m_groups.size());
        m_groups.emplace_back();
        m_groupIndex.insert(g.id, gi);
    }
    Group &group = m_groups[gi];
    group.id = g.id;
    group.name = g.name.isEmpty() ? g.id : g.name;
    group.hours = g.hours;
    group.offHoursMessage = g.offHoursMessage;
    group.expectedResponseSeconds = g.expectedResponseSeconds;
    group.open = group.hours.isOpen(m_now);
    scheduleHours(gi);
    return gi;
}

EngineResult RoutingEngine::upsertGroup(const GroupConfig &group)
{
    advance();
    if (group.id.isEmpty())
        return EngineResult::failure(QStringLiteral("invalid"), QStringLiteral("a group needs an id"));
    const int gi = applyGroup(group);
    // New hours may open the group now: conversations waiting for it get their chance at once.
    onHoursChange(gi);
    return EngineResult::success();
}

EngineResult RoutingEngine::upsertCustomer(const CustomerConfig &config)
{
    advance();
    if (config.id.isEmpty())
        return EngineResult::failure(QStringLiteral("bad-request"), QStringLiteral("a customer needs an id"));
    CustomerState &c = m_customers[customerFor(config.id)];
    c.tags = config.tags;
    c.vip = config.vip;
    c.language = config.language;
    c.owner = config.owner.isEmpty() ? -1 : m_agentIndex.value(config.owner, -1);
    if (!config.previousAgent.isEmpty())
        c.previous = m_agentIndex.value(config.previousAgent, -1);
    c.returning = config.returning || c.returning;
    return EngineResult::success();
}

EngineResult RoutingEngine::upsertAgent(const AgentConfig &config)
{
    advance();
    if (config.id.isEmpty())
        return EngineResult::failure(QStringLiteral("bad-request"), QStringLiteral("an agent needs an id"));
    std::vector<int> groups;
    for (const QString &g : config.groups) {
        const int gi = m_groupIndex.value(g, -1);
        if (gi < 0)
            return EngineResult::failure(QStringLiteral("unknown-group"),
                                         QStringLiteral("no group \"%1\"").arg(g));
        if (std::find(groups.begin(), groups.end(), gi) == groups.end())
            groups.push_back(gi);
    }
    int ai = m_agentIndex.value(config.id, -1);
    if (ai < 0) {
        ai = static_cast<int>(m_agents.size());
        m_agents.emplace_back();
        m_agents[ai].id = config.id;
        m_agentIndex.insert(config.id, ai);
    }
    unindex(ai);
    Agent &a = m_agents[ai];
    const AgentStatus oldStatus = a.status;
    a.name = config.name.isEmpty() ? config.id : config.name;
    a.skills = SkillSet();
    for (const QString &s : config.skills)
        a.skills.insert(internSkill(s));
    a.cap = std::max(0, config.maxConcurrent);
    a.vip = config.vipDedicated;
    for (int gi : std::vector<int>(a.groups)) {
        if (std::find(groups.begin(), groups.end(), gi) == groups.end())
            leaveGroup(ai, gi);
    }
    for (int gi : groups) {
        if (std::find(a.groups.begin(), a.groups.end(), gi) == a.groups.end())
            joinGroup(ai, gi);
    }
    a.groups = groups;
    a.ringPos.clear();
    for (int gi : a.groups)
        a.ringPos.push_back(m_groups[gi].ring.at(ai));
    for (int gi : a.groups)
        --m_groups[gi].statusCount[static_cast<int>(oldStatus)];
    a.status = config.status;
    for (int gi : a.groups)
        ++m_groups[gi].statusCount[static_cast<int>(a.status)];
    index(ai);
    if (a.status == AgentStatus::Offline && oldStatus != AgentStatus::Offline)
        applyOfflinePolicy(ai);
    drainForAgent(ai);
    return EngineResult::success();
}

void RoutingEngine::joinGroup(int ai, int gi)
{
    Group &g = m_groups[gi];
    g.members.push_back(ai);
    g.ring[ai] = g.nextRing++;
    ++g.statusCount[static_cast<int>(m_agents[ai].status)];
}

void RoutingEngine::leaveGroup(int ai, int gi)
{
    Group &g = m_groups[gi];
    g.members.erase(std::remove(g.members.begin(), g.members.end(), ai), g.members.end());
    g.ring.erase(ai);
    --g.statusCount[static_cast<int>(m_agents[ai].status)];
}

EngineResult RoutingEngine::setAgentGroups(const QString &agent, const QStringList &groups)
{
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return unknownAgent(agent);
    const Agent &a = m_agents[ai];
    AgentConfig config;
    config.id = a.id;
    config.name = a.name;
    for (int s : a.skills.toList())
        config.skills << m_skillNames[s];
    config.groups = groups;
    config.maxConcurrent = a.cap;
    config.vipDedicated = a.vip;
    config.status = a.status;
    return upsertAgent(config);
}

bool RoutingEngine::statusAllowed(AgentStatus s) const
{
    return m_allowed[static_cast<int>(s)];
}

void RoutingEngine::unindex(int ai)
{
    Agent &a = m_agents[ai];
    if (!a.indexed)
        return;
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
        Group &g = m_groups[a.groups[i]];
        g.byLoad.erase({a.open, a.lastAssign, ai});
        g.byIdle.erase({a.acceptedToday, a.lastAssign, ai});
        g.byRing.erase({a.ringPos[i], ai});
    }
    a.indexed = false;
}

void RoutingEngine::index(int ai)
{
    Agent &a = m_agents[ai];
    if (a.indexed || !available(a))
        return;
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
        Group &g = m_groups[a.groups[i]];
        g.byLoad.insert({a.open, a.lastAssign, ai});
        g.byIdle.insert({a.acceptedToday, a.lastAssign, ai});
        g.byRing.insert({a.ringPos[i], ai});
    }
    a.indexed = true;
}

// After an agent's load changed (old values given): moves them within the groups' load indexes,
// or in or out of all indexes when they became available or unavailable. The ring index keeps an
// available agent where they are, so it is left alone.
void RoutingEngine::reindexLoad(int ai, int oldOpen, int oldAccepted, quint64 oldLast)
{
    Agent &a = m_agents[ai];
    if (!a.indexed) {
        index(ai);
        return;
    }
    const bool stays = available(a);
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
        Group &g = m_groups[a.groups[i]];
        g.byLoad.erase({oldOpen, oldLast, ai});
        g.byIdle.erase({oldAccepted, oldLast, ai});
        if (stays) {
            g.byLoad.insert({a.open, a.lastAssign, ai});
            g.byIdle.insert({a.acceptedToday, a.lastAssign, ai});
        } else {
            g.byRing.erase({a.ringPos[i], ai});
        }
    }
    a.indexed = stays;
}

EngineResult RoutingEngine::setAgentStatus(const QString &agent, AgentStatus status)
{
    advance();
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return unknownAgent(agent);
    Agent &a = m_agents[ai];
    if (a.status == status)
        return EngineResult::success();
    unindex(ai);
    for (int gi : a.groups) {
        --m_groups[gi].statusCount[static_cast<int>(a.status)];
        ++m_groups[gi].statusCount[static_cast<int>(status)];
    }
    a.status = status;
    index(ai);
    if (status == AgentStatus::Offline)
        applyOfflinePolicy(ai);
    drainForAgent(ai);
    return EngineResult::success();
}

EngineResult RoutingEngine::setAgentCap(const QString &agent, int maxConcurrent)
{
    advance();
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return unknownAgent(agent);
    if (maxConcurrent < 0)
        return EngineResult::failure(QStringLiteral("bad-request"),
                                     QStringLiteral("a cap cannot be negative"));
    unindex(ai);
    m_agents[ai].cap = maxConcurrent;
    index(ai);
    drainForAgent(ai);
    return EngineResult::success();
}

void RoutingEngine::applyOfflinePolicy(int ai)
{
    if (m_settings.offlinePolicy == OfflinePolicy::Keep)
        return;
    const std::vector<int> convs = m_agents[ai].conversations;
    std::vector<int> requeued;
    for (int ci : convs) {
        Conv &c = m_convs[ci];
        release(ci);
        if (m_settings.offlinePolicy == OfflinePolicy::Reassign) {
            // route() queues it at the head itself when nobody else can take it.
            route(ci, DecisionKind::Reassigned, Reason::AgentOffline, ai, false);
            continue;
        }
        Decision d = draft(DecisionKind::Requeued, Reason::AgentOffline, c);
        d.fromAgent = m_agents[ai].id;
        placeInQueue(ci, DecisionKind::Requeued, Reason::AgentOffline, d, true);
        requeued.push_back(ci);
    }
    // Back in the queue, they are served at once by whoever can take them (the queue drains when
    // it gains a conversation that an available agent could take), in queue order.
    std::sort(requeued.begin(), requeued.end(),
              [&](int x, int y) { return QueueKeyLess()(m_convs[x].key, m_convs[y].key); });
    for (int ci : requeued) {
        if (m_convs[ci].state == Conv::Queued)
            route(ci, DecisionKind::Assigned, Reason::LeastLoad, -1, true);
    }
}

int RoutingEngine::newConversation(const QString &id, int customer, int channel)
{
    int ci;
    if (!m_freeConvs.empty()) {
        ci = m_freeConvs.back();
        m_freeConvs.pop_back();
    } else {
        ci = static_cast<int>(m_convs.size());
        m_convs.emplace_back();
    }
    const quint32 serial = m_convs[ci].serial + 1;
    m_convs[ci] = Conv();
    Conv &c = m_convs[ci];
    c.serial = serial;
    c.id = id;
    c.live = true;
    c.customer = customer;
    c.channel = channel;
    c.arrivedAt = m_now;
    c.waitFrom = m_now;
    c.key.arrival = m_now;
    c.key.seq = ++m_arrivalSeq;
    c.key.conv = ci;
    // Until a rule says otherwise (and for conversations no rule matches, which wait in the
    // unmatched queue): the channel's priority and the VIP boost.
    c.priority = m_customers[customer].vip ? m_settings.vipPriorityBoost : 0;
    c.key.priority = c.priority;
    c.key.channelPriority = m_settings.channelPriority ? m_channels[channel].priority : 0;
    m_convIndex.insert(id, ci);
    return ci;
}

void RoutingEngine::freeConversation(int ci)
{
    Conv &c = m_convs[ci];
    m_convIndex.remove(c.id);
    c.live = false;
    c.id.clear();
    c.invited.clear();
    c.timedOut.clear();
    c.groups.clear();
    m_freeConvs.push_back(ci);
}

const CompiledRule *RoutingEngine::matchRule(const Conv &c, const QString &text) const
{
    const CustomerState &cu = m_customers[c.customer];
    const QString &channel = m_channels[c.channel].id;
    // Lower-cased only when a rule with keywords is reached: toLower() costs more than the rest.
    QString lower;
    bool lowered = false;
    for (const CompiledRule &rule : m_rules) {
        const RuleConfig &r = rule.config;
        if (!r.channels.isEmpty() && !r.channels.contains(channel))
            continue;
        if (r.vip && *r.vip != cu.vip)
            continue;
        if (r.customer == CustomerKind::New && cu.returning)
            continue;
        if (r.customer == CustomerKind::Returning && !cu.returning)
            continue;
        if (!r.languages.isEmpty() && !r.languages.contains(cu.language, Qt::CaseInsensitive))
            continue;
        bool ok = true;
        for (const QString &t : r.tagsAll)
            ok = ok && cu.tags.contains(t, Qt::CaseInsensitive);
        if (!ok)
            continue;
        if (!r.tagsAny.isEmpty() && std::none_of(r.tagsAny.begin(), r.tagsAny.end(), [&](const QString &t) {
                return cu.tags.contains(t, Qt::CaseInsensitive);
            }))
            continue;
        if (!rule.keywordsAny.isEmpty()) {
            if (!lowered) {
                lower = text.toLower();
                lowered = true;
            }
            if (std::none_of(rule.keywordsAny.begin(), rule.keywordsAny.end(),
                             [&](const QString &k) { return lower.contains(k); }))
                continue;
        }
        return &rule;
    }
    return nullptr;
}

void RoutingEngine::applyRule(Conv &c, const CompiledRule *rule, const QString &text)
{
    const CustomerState &cu = m_customers[c.customer];
    c.rule = static_cast<int>(rule - m_rules.data());
    c.groups = rule->groups;
    c.strategy = rule->config.strategy;
    c.required = rule->skills;
    if (!rule->keywordSkills.empty()) {
        const QString lower = text.toLower();
        for (const auto &kw : rule->keywordSkills) {
            if (lower.contains(kw.first))
                c.required.insert(kw.second);
        }
    }
    c.skillSet = internSkillSet(c.required);
    c.maxWaitSeconds = rule->config.maxWaitSeconds;
    c.priority = rule->config.priority + (cu.vip ? m_settings.vipPriorityBoost : 0);
    c.preferPrevious = rule->config.preferPreviousAgent;
    c.preferOwner = rule->config.preferOwner;
    c.preferVip = rule->config.preferVipAgents;
    c.key.priority = c.priority;
    c.key.channelPriority = m_settings.channelPriority ? m_channels[c.channel].priority : 0;
}

void RoutingEngine::arrive(int ci, const QString &text)
{
    Conv &c = m_convs[ci];
    const CompiledRule *rule = matchRule(c, text);
    if (!rule) {
        c.state = Conv::Unmatched;
        c.key.channelPriority = m_settings.channelPriority ? m_channels[c.channel].priority : 0;
        m_unmatched.insert(c.key);
        Decision d = draft(DecisionKind::Unmatched, Reason::NoRuleMatched, c);
        d.notifyAdmins = true;
        d.notice.kind = CustomerNotice::Queued;
        d.notice.queuePosition = static_cast<int>(m_unmatched.rank(c.key)) + 1;
        d.notice.estimatedWaitMs = statusOf(c).estimatedWaitMs;
        emitDecision(d);
        return;
    }
    applyRule(c, rule, text);
    route(ci, DecisionKind::Assigned, Reason::LeastLoad, -1, false);
}

EngineResult RoutingEngine::customerMessage(const QString &conversation, const QString &customer,
                                            const QString &channel, const QString &text)
{
    advance();
    auto it = m_convIndex.constFind(conversation);
    if (it == m_convIndex.constEnd()) {
        if (conversation.isEmpty() || customer.isEmpty())
            return EngineResult::failure(QStringLiteral("bad-request"),
                                         QStringLiteral("a new conversation needs an id and a customer"));
        const int ci = newConversation(conversation, customerFor(customer), channelFor(channel));
        Conv &c = m_convs[ci];
        c.hasCustomerMessage = true;
        arrive(ci, text);
        return EngineResult::success();
    }
    Conv &c = m_convs[it.value()];
    if (m_customers[c.customer].id != customer)
        return EngineResult::failure(
            QStringLiteral("forbidden"),
            QStringLiteral("conversation \"%1\" belongs to another customer").arg(conversation));
    ++c.idleGen; // the customer is active again: no auto-close until the agent replies
    if (!c.hasCustomerMessage && c.state == Conv::Assigned) {
        // A ticket an agent opened: the reply clock starts with the customer's first message.
        c.awaitingFirstReply = true;
        startReplyTimer(c);
    }
    c.hasCustomerMessage = true;
    return EngineResult::success();
}

EngineResult RoutingEngine::agentMessage(const QString &conversation, const QString &agent, bool internalNote)
{
    advance();
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return unknownAgent(agent);
    Conv &c = m_convs[ci];
    const bool participant =
        c.agent == ai || std::find(c.invited.begin(), c.invited.end(), ai) != c.invited.end();
    if (!participant)
        return EngineResult::failure(
            QStringLiteral("forbidden"),
            QStringLiteral("%1 is not in conversation \"%2\"").arg(agent, conversation));
    if (internalNote)
        return EngineResult::success();
    if (c.agent == ai) {
        c.awaitingFirstReply = false;
        ++c.replyGen;
    }
    startInactivityTimer(c);
    return EngineResult::success();
}

EngineResult RoutingEngine::openTicket(const QString &conversation, const QString &byAgent,
                                       const QString &customer, const QString &channel, bool keepForSelf)
{
    advance();
    const int ai = m_agentIndex.value(byAgent, -1);
    if (ai < 0)
        return unknownAgent(byAgent);
    if (m_convIndex.contains(conversation))
        return EngineResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("conversation \"%1\" is already open").arg(conversation));
    if (conversation.isEmpty() || customer.isEmpty())
        return EngineResult::failure(QStringLiteral("bad-request"),
                                     QStringLiteral("a ticket needs an id and a customer"));
    const int ci = newConversation(conversation, customerFor(customer), channelFor(channel));
    if (!keepForSelf) {
        arrive(ci, QString());
        return EngineResult::success();
    }
    Conv &c = m_convs[ci];
    if (const CompiledRule *rule = matchRule(c, QString()))
        applyRule(c, rule, QString());
    assign(ci, ai, false);
    Decision d = draft(DecisionKind::Assigned, Reason::ByHand, c);
    d.agent = byAgent;
    d.detail = QStringLiteral("opened by %1").arg(byAgent);
    emitDecision(d);
    return EngineResult::success();
}

EngineResult RoutingEngine::claim(const QString &agent, const QString &conversation)
{
    advance();
    const int ai = m_agentIndex.value(agent, -1);
    if (ai < 0)
        return unknownAgent(agent);
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    Conv &c = m_convs[ci];
    Agent &a = m_agents[ai];
    if (c.state != Conv::Queued)
        return EngineResult::failure(
            QStringLiteral("not-queued"),
            QStringLiteral("conversation \"%1\" is not waiting in a queue").arg(conversation));
    if (std::none_of(c.groups.begin(), c.groups.end(), [&](int gi) {
            return std::find(a.groups.begin(), a.groups.end(), gi) != a.groups.end();
        }))
        return EngineResult::failure(QStringLiteral("not-member"),
                                     QStringLiteral("%1 is not in a group that conversation \"%2\" waits for")
                                         .arg(agent, conversation));
    if (a.status == AgentStatus::Offline)
        return EngineResult::failure(QStringLiteral("agent-offline"),
                                     QStringLiteral("%1 is offline").arg(agent));
    if (a.counted >= a.cap)
        return EngineResult::failure(
            QStringLiteral("at-cap"),
            QStringLiteral("%1 already has %2 of %3 conversations").arg(agent).arg(a.counted).arg(a.cap));
    dequeue(ci, true);
    assign(ci, ai, true);
    Decision d = draft(DecisionKind::Claimed, Reason::ByHand, c);
    d.agent = agent;
    d.fromQueue = true;
    d.detail = loadDetail(a);
    emitDecision(d);
    return EngineResult::success();
}

EngineResult RoutingEngine::transferToAgent(const QString &conversation, const QString &toAgent,
                                            const QString &byAgent)
{
    advance();
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    const int ai = m_agentIndex.value(toAgent, -1);
    if (ai < 0)
        return unknownAgent(toAgent);
    Conv &c = m_convs[ci];
    if (c.agent == ai)
        return EngineResult::failure(
            QStringLiteral("conflict"),
            QStringLiteral("%1 already has conversation \"%2\"").arg(toAgent, conversation));
    if (m_agents[ai].status == AgentStatus::Offline)
        return EngineResult::failure(QStringLiteral("agent-offline"),
                                     QStringLiteral("%1 is offline").arg(toAgent));
    const int from = c.agent;
    const bool wasQueued = c.state == Conv::Queued || c.state == Conv::Unmatched;
    if (from >= 0)
        release(ci);
    else
        dequeue(ci, true);
    c.invited.erase(std::remove(c.invited.begin(), c.invited.end(), ai), c.invited.end());
    assign(ci, ai, false);
    Decision d = draft(DecisionKind::Transferred, Reason::ByHand, c);
    d.agent = toAgent;
    d.fromAgent = from >= 0 ? m_agents[from].id : QString();
    d.fromQueue = wasQueued;
    d.detail = byAgent.isEmpty() ? QString() : QStringLiteral("by %1").arg(byAgent);
    emitDecision(d);
    if (from >= 0)
        drainForAgent(from);
    return EngineResult::success();
}

EngineResult RoutingEngine::transferToGroup(const QString &conversation, const QString &group,
                                            const QString &byAgent)
{
    advance();
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    const int gi = m_groupIndex.value(group, -1);
    if (gi < 0)
        return EngineResult::failure(QStringLiteral("unknown-group"),
                                     QStringLiteral("no group \"%1\"").arg(group));
    Conv &c = m_convs[ci];
    const int from = c.agent;
    if (from >= 0)
        release(ci);
    else
        dequeue(ci, false);
    // The transferring person chose the group; the rule's skill requirement no longer applies.
    c.groups = {gi};
    c.required = SkillSet();
    c.skillSet = 0;
    c.widened = false;
    c.excluded = from;
    ++c.widenGen;
    // route() queues it (and says so) when nobody in the group can take it now.
    route(ci, DecisionKind::Transferred, Reason::ByHand, from, false);
    (void)byAgent;
    if (from >= 0)
        drainForAgent(from);
    return EngineResult::success();
}

EngineResult RoutingEngine::invite(const QString &conversation, const QString &expert, const QString &byAgent)
{
    advance();
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    const int ai = m_agentIndex.value(expert, -1);
    if (ai < 0)
        return unknownAgent(expert);
    Conv &c = m_convs[ci];
    if (c.agent == ai || std::find(c.invited.begin(), c.invited.end(), ai) != c.invited.end())
        return EngineResult::failure(
            QStringLiteral("conflict"),
            QStringLiteral("%1 is already in conversation \"%2\"").arg(expert, conversation));
    if (m_agents[ai].status == AgentStatus::Offline)
        return EngineResult::failure(QStringLiteral("agent-offline"),
                                     QStringLiteral("%1 is offline").arg(expert));
    c.invited.push_back(ai);
    Decision d = draft(DecisionKind::Invited, Reason::ByHand, c);
    d.agent = expert;
    d.detail = byAgent.isEmpty() ? QString() : QStringLiteral("by %1").arg(byAgent);
    emitDecision(d);
    return EngineResult::success();
}

EngineResult RoutingEngine::close(const QString &conversation, const QString &byAgent)
{
    advance();
    const int ci = m_convIndex.value(conversation, -1);
    if (ci < 0)
        return unknownConversation(conversation);
    closeConversation(ci, Reason::ByAgent, byAgent);
    return EngineResult::success();
}

void RoutingEngine::closeConversation(int ci, Reason reason, const QString &byAgent)
{
    Conv &c = m_convs[ci];
    const int from = c.agent;
    if (from >= 0)
        release(ci);
    else
        dequeue(ci, false);
    c.state = Conv::Closed;
    CustomerState &cu = m_customers[c.customer];
    if (c.lastAgent >= 0)
        cu.previous = c.lastAgent;
    cu.returning = true;
    Decision d = draft(DecisionKind::Closed, reason, c);
    d.agent = byAgent;
    d.fromAgent = from >= 0 ? m_agents[from].id : QString();
    emitDecision(d);
    freeConversation(ci);
    if (from >= 0)
        drainForAgent(from);
}

Decision RoutingEngine::draft(DecisionKind kind, Reason reason, const Conv &c) const
{
    Decision d;
    d.kind = kind;
    d.reason = reason;
    d.conversation = c.id;
    if (c.rule >= 0)
        d.rule = m_rules[c.rule].config.id;
    for (int gi : c.groups)
        d.groups << m_groups[gi].id;
    return d;
}

void RoutingEngine::emitDecision(Decision &d)
{
    d.seq = ++m_decisionSeq;
    d.at = m_now;
    if (m_sink)
        m_sink(d);
}

const Conv *RoutingEngine::findConversation(const QString &id) const
{
    const int ci = m_convIndex.value(id, -1);
    return ci < 0 ? nullptr : &m_convs[ci];
}

std::optional<ConversationInfo> RoutingEngine::conversation(const QString &id) const
{
    const Conv *found = findConversation(id);
    if (!found)
        return std::nullopt;
    const Conv &c = *found;
    ConversationInfo info;
    info.id = c.id;
    info.customer = m_customers[c.customer].id;
    info.channel = m_channels[c.channel].id;
    info.rule = c.rule >= 0 ? m_rules[c.rule].config.id : QString();
    for (int gi : c.groups)
        info.groups << m_groups[gi].id;
    for (int s : c.required.toList())
        info.requiredSkills << m_skillNames[s];
    switch (c.state) {
    case Conv::Queued:
        info.state = ConversationInfo::Queued;
        break;
    case Conv::Unmatched:
        info.state = ConversationInfo::Unmatched;
        break;
    case Conv::Assigned:
        info.state = ConversationInfo::Assigned;
        break;
    default:
        info.state = ConversationInfo::Closed;
        break;
    }
    info.agent = c.agent >= 0 ? m_agents[c.agent].id : QString();
    info.countsTowardCap = c.counted;
    for (int ai : c.invited)
        info.invited << m_agents[ai].id;
    info.widened = c.widened;
    info.arrivedAt = c.arrivedAt;
    return info;
}

std::optional<ConversationParties> RoutingEngine::parties(const QString &id) const
{
    const Conv *c = findConversation(id);
    if (!c)
        return std::nullopt;
    ConversationParties p;
    p.customer = m_customers[c->customer].id;
    p.agent = c->agent >= 0 ? m_agents[c->agent].id : QString();
    for (int ai : c->invited)
        p.invited << m_agents[ai].id;
    return p;
}

} // namespace sb
