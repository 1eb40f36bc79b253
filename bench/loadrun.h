#pragma once
// What every thread of one load run shares: where to connect, what to send, the counters the
// tables are made of, and the send times that arrival-to-agent latency is measured against.

#include <QHash>
#include <QMutex>
#include <QString>
#include <QUrl>
#include <atomic>
#include <chrono>
#include <memory>

namespace sb {

struct LoadRun
{
    explicit LoadRun(int customerSlots)
        : slotCount(customerSlots), sentAtNs(std::make_unique<std::atomic<qint64>[]>(customerSlots))
    {
        for (int i = 0; i < customerSlots; ++i)
            sentAtNs[i] = 0;
    }

    static qint64 nowNs()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    // Set before the workers start and read-only afterwards.
    QUrl url;
    QString password;    // every agent's
    QString messageText; // every customer.send carries it: the frame size the echo server gets too
    int slotCount;

    // Connection set-up.
    std::atomic<int> ready{0};
    std::atomic<int> failed{0};
    // Failures by the step they happened in (connecting includes the upgrade).
    enum SetupStep { Connecting, Hello, SignIn, GoingOnline, SetupSteps };
    static constexpr const char *kSetupStepNames[SetupSteps] = {"connecting", "hello", "sign-in",
                                                                "going online"};
    std::atomic<int> failedAt[SetupSteps] = {};
    std::atomic<int> dropped{0}; // closed after set-up, which a healthy run never sees

    // Sending: every customer (or echo connection) keeps one customer.send in flight while `sending`.
    std::atomic<bool> sending{false};
    std::atomic<qint64> inFlight{0};
    std::atomic<qint64> acked{0};             // results to customer.send: each one is committed
    std::atomic<qint64> errors{0};            // error replies of any request
    std::atomic<qint64> deliveredToAgents{0}; // message.new received by agents
    std::atomic<qint64> echoedToCustomers{0}; // message.new of their own message, received by customers

    // The latency phase: agents close what they are given, customers come back when it closes.
    std::atomic<bool> agentsClose{false};
    std::atomic<qint64> arrivals{0};       // first messages of new conversations sent
    std::atomic<qint64> missedArrivals{0}; // the pacer found no idle customer
    std::atomic<qint64> assigned{0};       // conversation.assigned received by agents
    std::atomic<int> idleCustomers{0};     // customers with no open conversation

    // Customer id -> latency slot, filled as customers start. An agent's thread looks up the slot
    // of the customer named in conversation.assigned, so the table is shared under a lock.
    QMutex slotsMutex;
    QHash<QString, int> slotOfCustomer;
    std::unique_ptr<std::atomic<qint64>[]> sentAtNs; // steady clock; 0 when nothing is pending
};

} // namespace sb
