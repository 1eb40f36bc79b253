#pragma once
// A signed-in session: who it is, and the events sent to it with their sequence numbers, kept so a
// client that reconnects and resumes gets every event it missed, once.

#include "records.h"

#include <QByteArray>
#include <deque>
#include <memory>

namespace sb {

class ClientLink;

// Held by the service's table of sessions; a round's outputs hold it weakly, so an event for a
// session forgotten meanwhile goes nowhere, without looking the token up again.
struct SessionState : std::enable_shared_from_this<SessionState>
{
    enum Kind { Staff, Customer } kind = Staff;
    QString tokenHash;
    qint64 expiresAt = 0;
    // staff
    QString accountId;
    Role role = Role::Agent;
    // customer
    QString customerId;
    QString channel; // the channel the customer writes from

    quint64 nextSeq = 1;
    quint64 sentUpTo = 0; // the last event sent on the current link
    // An event kept for a resume: its number and its head, shared with the event's other
    // recipients (eventframe.h); an empty head holds the place of one not filled in yet.
    struct Kept
    {
        quint64 seq = 0;
        QByteArray head;
    };
    std::deque<Kept> recent;    // the latest events, oldest first
    qint64 recentBytes = 0;     // the sizes of their frames, summed
    ClientLink *link = nullptr; // the connection it is attached to, if any
};

} // namespace sb
