#pragma once
// An event dispatcher built on Linux's epoll, for the coordinator's thread. Qt's own UNIX
// dispatcher hands every socket to poll() on every turn of the loop and walks them all again
// afterwards, so each turn costs time in proportion to the connections open, busy or not; with
// epoll a turn costs in proportion to the sockets that have something to say. Timers are kept in
// deadline order; posted events and wake-ups from other threads go through an eventfd.
//
// Semantics follow Qt's dispatchers: level-triggered notifiers (a readable socket is reported
// again until it is read), each due timer fired at most once per turn and never from inside its
// own handler, a notifier or timer removed during a turn is not fired later in that turn.
//
// It also times its turns (four clock readings a turn): every request on the thread waits behind
// the turn in progress, so one long turn is a latency spike for all of them. The longest turn and
// its parts are kept for /metrics, and a turn over the slow-turn limit (50 ms) is logged, at most
// every 10 s, with where its time went.

#include <QAbstractEventDispatcher>
#include <QVarLengthArray>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb {

#if defined(__linux__)
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    // One turn's time in parts: posted events, socket notifiers, timers. A turn is the work
    // between two waits; time spent waiting is not counted.
    struct Turn
    {
        qint64 postedUs = 0;
        qint64 socketsUs = 0;
        qint64 timersUs = 0;
        int sockets = 0; // notifiers activated
        int timers = 0;  // timers fired
        qint64 totalUs() const { return postedUs + socketsUs + timersUs; }
    };
    struct TurnStats
    {
        quint64 turns = 0;
        quint64 slowTurns = 0; // over slowTurnMs()
        Turn longest;          // since start
    };
    TurnStats turnStats() const { return m_turnStats; }
    int slowTurnMs() const { return m_slowTurnMs; }
    // A new limit also logs the next slow turn whenever it comes.
    void setSlowTurnMs(int ms)
    {
        m_slowTurnMs = ms;
        m_lastSlowLogNs = 0;
    }
    // The turn in progress is not one that requests wait behind (an ordered stop, run from one
    // signal's handler): it counts as a turn, but neither as the longest nor as a slow one. Turns
    // of a loop nested inside it still count as usual.
    void excuseTurn() { m_excusedDepth = m_depth; }
    // For tests: runs on the loop's thread in the middle of taking a wake-up, between reading
    // the descriptor and clearing the "wake-up pending" mark, where another thread's wakeUp() is
    // the hard case. Empty: nothing.
    void setWakeUpProbe(std::function<void()> probe) { m_wakeUpProbe = std::move(probe); }

private:
    // The notifiers of one file descriptor and the events epoll watches for it.
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events = 0;
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        qint64 dueNs = 0;
        bool inHandler = false;
    };
    // On the stack: a turn's list is never a heap allocation (one of a kilobyte or more would
    // also make glibc consolidate its small free chunks, every turn).
    using Activations = QVarLengthArray<QSocketNotifier *, 2 * 256>;

    static qint64 nowNs();
    void updateWatch(int fd, Watch &watch);
    void drainWakeUps();
    // Milliseconds until the next timer is due (0 if one is), -1 if there is none.
    int timeToNextTimerMs() const;
    int activateNotifiers(Activations &due);
    int fireTimers();
    void noteTurn(const Turn &turn);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Watch> m_watches;       // by file descriptor
    std::vector<QSocketNotifier *> m_notEpollable;  // regular files: always ready, as poll() says
    std::vector<Activations *> m_activating;        // lists being activated (turns can nest)
    std::unordered_map<int, Timer> m_timers;        // by timer id
    std::set<std::pair<qint64, int>> m_timersByDue; // (due, id)
    TurnStats m_turnStats;
    int m_depth = 0;        // processEvents() calls in progress on this thread (loops nest)
    int m_excusedDepth = 0; // the depth of the turn excuseTurn() was called in; 0: none
    int m_slowTurnMs = 50;
    qint64 m_lastSlowLogNs = 0; // steady clock; 0: never
    std::function<void()> m_wakeUpProbe;
};
#endif

// The dispatcher for a coordinator's thread: epoll on Linux, unless SWITCHBOARD_EVENT_LOOP=qt asks
// for Qt's own (for comparison); null means Qt's default.
QAbstractEventDispatcher *makeCoordinatorEventDispatcher();

// EpollEventDispatcher::excuseTurn() on this thread's loop, if it is ours; otherwise nothing.
void excuseLoopTurn();

} // namespace sb
