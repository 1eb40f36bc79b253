#include "types.h"

namespace sb {

namespace {
template<typename E, std::size_t N>
std::optional<E> lookup(const std::pair<E, const char *> (&table)[N], QStringView text)
{
    for (const auto &entry : table) {
        if (text.compare(QLatin1String(entry.second), Qt::CaseInsensitive) == 0)
            return entry.first;
    }
    return std::nullopt;
}

template<typename E, std::size_t N>
QString name(const std::pair<E, const char *> (&table)[N], E value)
{
    for (const auto &entry : table) {
        if (entry.first == value)
            return QLatin1String(entry.second);
    }
    return QString();
}

const std::pair<AgentStatus, const char *> kStatuses[] = {
    {AgentStatus::Online, "online"},
    {AgentStatus::Busy, "busy"},
    {AgentStatus::Away, "away"},
    {AgentStatus::Offline, "offline"},
};
const std::pair<Strategy, const char *> kStrategies[] = {
    {Strategy::LeastLoad, "least-load"}, {Strategy::RoundRobin, "round-robin"},
    {Strategy::IdleRate, "idle-rate"},   {Strategy::Skills, "skills"},
    {Strategy::Manual, "manual"},
};
const std::pair<OfflinePolicy, const char *> kOfflinePolicies[] = {
    {OfflinePolicy::Keep, "keep"},
    {OfflinePolicy::Requeue, "requeue"},
    {OfflinePolicy::Reassign, "reassign"},
};
const std::pair<CustomerKind, const char *> kCustomerKinds[] = {
    {CustomerKind::Any, "any"},
    {CustomerKind::New, "new"},
    {CustomerKind::Returning, "returning"},
};
} // namespace

QString toString(AgentStatus status) { return name(kStatuses, status); }
QString toString(Strategy strategy) { return name(kStrategies, strategy); }
QString toString(OfflinePolicy policy) { return name(kOfflinePolicies, policy); }
QString toString(CustomerKind kind) { return name(kCustomerKinds, kind); }

std::optional<AgentStatus> agentStatusFromString(QStringView text) { return lookup(kStatuses, text); }
std::optional<Strategy> strategyFromString(QStringView text) { return lookup(kStrategies, text); }
std::optional<OfflinePolicy> offlinePolicyFromString(QStringView text) { return lookup(kOfflinePolicies, text); }
std::optional<CustomerKind> customerKindFromString(QStringView text) { return lookup(kCustomerKinds, text); }

} // namespace sb
