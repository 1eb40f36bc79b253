#pragma once
// A site's routing configuration: channels, skill groups, agents, customers, rules and settings.
// Parsed from (and written back to) the JSON documented in docs/ROUTING.md.

#include "types.h"
#include "workinghours.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <utility>
#include <vector>

namespace sb {

struct ChannelConfig
{
    QString id;
    QString name;
    QString type; // web, wechat, whatsapp, email, api...
    int priority = 0; // higher is served first when channel priority is enabled
};

struct GroupConfig
{
    QString id;
    QString name;
    WorkingHours hours;
    QString offHoursMessage;
    int expectedResponseSeconds = 60;
};

struct AgentConfig
{
    QString id;
    QString name;
    QStringList skills;
    QStringList groups; // in the order given: an agent's place in each group's round-robin ring
    int maxConcurrent = 5;
    bool vipDedicated = false;
    AgentStatus status = AgentStatus::Offline;
};

struct CustomerConfig
{
    QString id;
    QString name;
    QStringList tags;
    bool vip = false;
    QString language;
    QString owner; // agent id of the customer/contact owner
    QString previousAgent; // agent who handled the customer's last conversation
    bool returning = false; // has had a conversation before
};

struct KeywordSkill
{
    QString keyword;
    QString skill;
};

struct RuleConfig
{
    QString id;
    QString name;
    // Conditions: every non-empty one must hold.
    QStringList channels; // empty: any channel
    QStringList tagsAll;
    QStringList tagsAny;
    std::optional<bool> vip;
    QStringList languages;
    CustomerKind customer = CustomerKind::Any;
    QStringList keywordsAny; // case-insensitive substrings of the first message
    // Outcome.
    QStringList groups;
    Strategy strategy = Strategy::LeastLoad;
    QStringList skills; // always required
    std::vector<KeywordSkill> keywordSkills; // a keyword in the text adds its skill to the required set
    int maxWaitSeconds = 300; // wait for a perfect skill match before widening; 0 never widens
    int priority = 0;
    bool preferPreviousAgent = true;
    bool preferOwner = true;
    bool preferVipAgents = true;
};

struct RoutingSettings
{
    std::vector<AgentStatus> allowedStatuses{AgentStatus::Online};
    bool channelPriority = true;
    int vipPriorityBoost = 10;
    int replyTimeoutSeconds = 0; // 0: off
    int autoCloseMinutes = 0; // 0: off
    OfflinePolicy offlinePolicy = OfflinePolicy::Requeue;
    QString timeZone = QStringLiteral("UTC"); // for "today" (idle-rate) and the replay clock
    int defaultHandleSeconds = 300; // wait estimate before any queue movement was seen
    int explainLimit = 25; // name every candidate up to this many; summarise beyond
};

struct SiteConfig
{
    RoutingSettings routing;
    std::vector<ChannelConfig> channels;
    std::vector<GroupConfig> groups;
    std::vector<AgentConfig> agents;
    std::vector<CustomerConfig> customers;
    std::vector<RuleConfig> rules;

    // Parses and validates (references between parts, ranges). On failure returns std::nullopt and
    // a message that names the offending element.
    static std::optional<SiteConfig> fromJson(const QByteArray &json, QString *error);
    QByteArray toJson() const;
};

} // namespace sb
