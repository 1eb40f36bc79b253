#pragma once
// How simulated customers and agents behave: arrival rate, how fast agents answer, how long
// conversations run, how often agents step away. All draws come from one seeded generator.

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace sb {

struct TrafficProfile
{
    quint32 seed = 1;
    double arrivalsPerHour = 240;
    double returningShare = 0.3; // arrivals from customers seen before
    int replyMinSeconds = 5;     // an agent's first answer after assignment
    int replyMaxSeconds = 90;
    double slowReplyShare = 0.05; // answers that come very late (exercise reply timeouts)
    int exchangesMin = 1;         // customer follow-ups per conversation
    int exchangesMax = 5;
    int customerThinkMinSeconds = 10;
    int customerThinkMaxSeconds = 120;
    double abandonShare = 0.1;     // customers who stop answering (auto-close) instead of saying thanks
    int abandonQueueSeconds = 900; // a queued customer gives up after this long
    double awayPerAgentHour = 0.5; // breaks per agent per hour
    int awayMinSeconds = 120;
    int awayMaxSeconds = 900;
};

// Sample first messages in the site's languages, some with keywords that rules map to skills.
QStringList sampleOpeningMessages();

} // namespace sb
