#pragma once
// The routing engine's inputs as stored rows. The service writes one EngineEvent for every input it
// gives the engine, and one for every round of timers that decided something (clockTick); on
// restart it replays them, in order and at their recorded times, into a fresh engine: same inputs
// and same clock readings give the same state (queued conversations keep their place, assigned ones
// their agent, timers their due times) with the same decisions already made.

#include "records.h"
#include "routingengine.h"
#include "siteconfig.h"

namespace sb::journal {

EngineEvent siteLoad(const SiteConfig &site);
EngineEvent groupUpsert(const GroupConfig &group);
EngineEvent agentUpsert(const AgentConfig &agent);
EngineEvent agentStatus(const QString &agent, AgentStatus status);
EngineEvent customerUpsert(const CustomerConfig &customer);
EngineEvent customerMessage(const QString &conversation, const QString &customer, const QString &channel,
                            const QString &text);
// The same event with its payload written straight to JSON text (payloadJson; payload stays empty):
// every customer's message is one, and building the QJsonObject cost a tenth of the service
// thread's time per message. The host gives the engine the input itself (apply() parses the text).
EngineEvent customerMessageEncoded(const QString &conversation, const QString &customer,
                                   const QString &channel, const QString &text);
EngineEvent agentMessage(const QString &conversation, const QString &agent, bool note);
EngineEvent ticketOpen(const QString &conversation, const QString &byAgent, const QString &customer,
                       const QString &channel, bool keep);
EngineEvent claim(const QString &agent, const QString &conversation);
EngineEvent transferToAgent(const QString &conversation, const QString &toAgent, const QString &byAgent);
EngineEvent transferToGroup(const QString &conversation, const QString &group, const QString &byAgent);
EngineEvent invite(const QString &conversation, const QString &expert, const QString &byAgent);
EngineEvent close(const QString &conversation, const QString &byAgent);
// A round of the engine's own timers (the service's tick()) that decided something: the row's time
// is the round's clock reading, and replay ticks the engine there, so the timers fire where they
// fired live instead of again at the next start (which would record their decisions twice). Rounds
// that decide nothing get no row: whatever they fired, firing it later changes nothing recorded.
// Journals written before this row existed replay as before.
EngineEvent clockTick();

// Gives the event to the engine (whose clock must read the event's time). Unknown types and
// malformed payloads fail with code "journal" and say which.
EngineResult apply(RoutingEngine &engine, const EngineEvent &event);

// The parts of a site as JSON objects, for events and the service's replies.
QJsonObject toJson(const GroupConfig &group);
QJsonObject toJson(const AgentConfig &agent);
QJsonObject toJson(const CustomerConfig &customer);
bool fromJson(const QJsonObject &o, GroupConfig *group, QString *error);
bool fromJson(const QJsonObject &o, AgentConfig *agent, QString *error);
bool fromJson(const QJsonObject &o, CustomerConfig *customer, QString *error);

} // namespace sb::journal
