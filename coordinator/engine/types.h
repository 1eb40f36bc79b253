#pragma once
// Enumerations shared by the routing engine's configuration, state and decisions, with their
// stable wire/config spellings.

#include <QString>
#include <QStringView>
#include <optional>

namespace sb {

enum class AgentStatus { Online, Busy, Away, Offline };
constexpr int AgentStatusCount = 4;

enum class Strategy { LeastLoad, RoundRobin, IdleRate, Skills, Manual };

// What happens to an agent's open conversations when the agent goes offline.
enum class OfflinePolicy { Keep, Requeue, Reassign };

enum class CustomerKind { Any, New, Returning };

QString toString(AgentStatus status);
QString toString(Strategy strategy);
QString toString(OfflinePolicy policy);
QString toString(CustomerKind kind);

std::optional<AgentStatus> agentStatusFromString(QStringView text);
std::optional<Strategy> strategyFromString(QStringView text);
std::optional<OfflinePolicy> offlinePolicyFromString(QStringView text);
std::optional<CustomerKind> customerKindFromString(QStringView text);

} // namespace sb
