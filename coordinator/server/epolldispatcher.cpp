#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QtGlobal>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

namespace sb {

#if defined(__linux__)

namespace {

constexpr int kEventsPerTurn = 256; // more ready descriptors are reported on the next turn

Q_LOGGING_CATEGORY(lcLoop, "switchboard.coordinator.loop")

QSocketNotifier *&slotOf(QSocketNotifier *notifier, QSocketNotifier *&read, QSocketNotifier *&write,
                         QSocketNotifier *&exception)
{
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        return read;
    case QSocketNotifier::Write:
        return write;
    case QSocketNotifier::Exception:
        break;
    }
    return exception;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd descriptors: %s", strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev) != 0)
        qFatal("EpollEventDispatcher: cannot watch the eventfd: %s", strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

qint64 EpollEventDispatcher::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// ---- the loop ----------------------------------------------------------------------------------

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    ++m_depth;
    const auto leave = qScopeGuard([this] { --m_depth; });
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    // Wake-ups consumed before the posted events are sent: one posted from now on writes the
    // eventfd again, so the wait below cannot sleep through it.
    drainWakeUps();
    Turn turn;
    qint64 mark = nowNs();
    const auto lap = [&mark] {
        const qint64 now = nowNs();
        const qint64 us = (now - mark) / 1000;
        mark = now;
        return us;
    };
    QCoreApplication::sendPostedEvents();
    turn.postedUs = lap();

    const bool canWait =
        (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    int timeoutMs = 0;
    if (canWait && m_notEpollable.empty())
        timeoutMs = (flags & QEventLoop::X11ExcludeTimers) ? -1 : timeToNextTimerMs();
    if (timeoutMs != 0)
        emit aboutToBlock();

    epoll_event events[kEventsPerTurn];
    int ready = epoll_wait(m_epoll, events, kEventsPerTurn, timeoutMs);
    if (ready < 0)
        ready = 0; // EINTR: a signal arrived; the turn goes on with timers and posted events
    if (timeoutMs != 0)
        emit awake();
    mark = nowNs(); // the wait is not the turn's work
    if (m_interrupted.load(std::memory_order_relaxed)) {
        noteTurn(turn);
        return false;
    }

    int handled = 0;
    if (!(flags & QEventLoop::ExcludeSocketNotifiers)) {
        Activations due;
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_wakeFd) {
                drainWakeUps();
                continue;
            }
            const auto it = m_watches.find(fd);
            if (it == m_watches.end())
                continue;
            const quint32 got = events[i].events;
            const Watch &w = it->second;
            // As Qt's poll() dispatcher reads them: a hang-up or an error is news to the reader,
            // an error to the writer too.
            if (w.read && (got & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                due.push_back(w.read);
            if (w.write && (got & (EPOLLOUT | EPOLLERR)))
                due.push_back(w.write);
            if (w.exception && (got & EPOLLPRI))
                due.push_back(w.exception);
        }
        due.append(m_notEpollable.data(), static_cast<qsizetype>(m_notEpollable.size()));
        turn.sockets = activateNotifiers(due);
        handled += turn.sockets;
    } else {
        for (int i = 0; i < ready; ++i) {
            if (events[i].data.fd == m_wakeFd)
                drainWakeUps();
        }
    }
    turn.socketsUs = lap();
    if (!(flags & QEventLoop::X11ExcludeTimers)) {
        turn.timers = fireTimers();
        handled += turn.timers;
    }
    turn.timersUs = lap();
    noteTurn(turn);
    return handled > 0;
}

void EpollEventDispatcher::noteTurn(const Turn &turn)
{
    // A turn that runs a nested loop (a handler waiting in exec()) includes the nested turns.
    ++m_turnStats.turns;
    if (m_excusedDepth != 0 && m_depth <= m_excusedDepth) {
        m_excusedDepth = 0;
        return;
    }
    const qint64 us = turn.totalUs();
    if (us > m_turnStats.longest.totalUs())
        m_turnStats.longest = turn;
    if (us <= qint64(m_slowTurnMs) * 1000)
        return;
    ++m_turnStats.slowTurns;
    const qint64 now = nowNs();
    if (m_lastSlowLogNs != 0 && now - m_lastSlowLogNs < 10'000'000'000LL)
        return;
    m_lastSlowLogNs = now;
    qCWarning(lcLoop).noquote() << QStringLiteral(
                                       "a turn of the event loop took %1 ms (posted events %2 ms; %3 "
                                       "sockets %4 ms; %5 timers %6 ms): every request on this thread "
                                       "waited behind it")
                                       .arg(us / 1000.0, 0, 'f', 1)
                                       .arg(turn.postedUs / 1000.0, 0, 'f', 1)
                                       .arg(turn.sockets)
                                       .arg(turn.socketsUs / 1000.0, 0, 'f', 1)
                                       .arg(turn.timers)
                                       .arg(turn.timersUs / 1000.0, 0, 'f', 1);
}

int EpollEventDispatcher::activateNotifiers(Activations &due)
{
    // A handler may disable or delete any notifier, the ones still due this turn included:
    // unregisterSocketNotifier blanks them in every list being activated.
    m_activating.push_back(&due);
    int activated = 0;
    for (QSocketNotifier *&entry : due) {
        QSocketNotifier *notifier = std::exchange(entry, nullptr);
        if (!notifier)
            continue;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_activating.erase(std::find(m_activating.begin(), m_activating.end(), &due));
    return activated;
}

void EpollEventDispatcher::wakeUp()
{
    // Any thread. One write until the loop takes it: posting a thousand events costs one syscall.
    if (!m_wakeUpPending.exchange(true, std::memory_order_acq_rel)) {
        const quint64 one = 1;
        ssize_t written;
        do {
            written = ::write(m_wakeFd, &one, sizeof one);
        } while (written < 0 && errno == EINTR);
    }
}

void EpollEventDispatcher::drainWakeUps()
{
    // The descriptor first, then the mark. A post whose wakeUp() comes in between finds the mark
    // still set and writes nothing, which is safe: it was queued before the mark is cleared, so the
    // posted events this turn (or the next) sends include it. The other order loses wake-ups: a
    // wakeUp() between clearing the mark and reading the descriptor writes, the read takes its
    // write, and the mark stays set with the descriptor empty, so every later wakeUp() writes
    // nothing and the loop sleeps in epoll_wait with posts queued (until a socket or timer wakes it).
    quint64 count;
    while (::read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    if (m_wakeUpProbe)
        m_wakeUpProbe();
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

// ---- socket notifiers ----------------------------------------------------------------------------

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = static_cast<int>(notifier->socket());
    if (fd < 0)
        return;
    Watch &w = m_watches[fd];
    slotOf(notifier, w.read, w.write, w.exception) = notifier;
    updateWatch(fd, w);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    for (Activations *list : m_activating)
        std::replace(list->begin(), list->end(), notifier, static_cast<QSocketNotifier *>(nullptr));
    const auto other = std::find(m_notEpollable.begin(), m_notEpollable.end(), notifier);
    if (other != m_notEpollable.end()) {
        m_notEpollable.erase(other);
        return;
    }
    const auto it = m_watches.find(static_cast<int>(notifier->socket()));
    if (it == m_watches.end())
        return;
    QSocketNotifier *&slot = slotOf(notifier, it->second.read, it->second.write, it->second.exception);
    if (slot != notifier)
        return;
    slot = nullptr;
    updateWatch(it->first, it->second);
    if (it->second.events == 0)
        m_watches.erase(it);
}

void EpollEventDispatcher::updateWatch(int fd, Watch &w)
{
    quint32 wanted = 0;
    if (w.read)
        wanted |= EPOLLIN;
    if (w.write)
        wanted |= EPOLLOUT;
    if (w.exception)
        wanted |= EPOLLPRI;
    if (wanted == w.events)
        return;
    epoll_event ev{};
    ev.events = wanted;
    ev.data.fd = fd;
    int op = w.events == 0 ? EPOLL_CTL_ADD : (wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD);
    int rc = epoll_ctl(m_epoll, op, fd, &ev);
    // A descriptor closed while still watched leaves epoll on its own; its number may come back.
    if (rc != 0 && errno == EEXIST && op == EPOLL_CTL_ADD)
        rc = epoll_ctl(m_epoll, op = EPOLL_CTL_MOD, fd, &ev);
    else if (rc != 0 && errno == ENOENT && op == EPOLL_CTL_MOD)
        rc = epoll_ctl(m_epoll, op = EPOLL_CTL_ADD, fd, &ev);
    if (rc != 0 && op == EPOLL_CTL_ADD && errno == EPERM) {
        // A regular file cannot be watched; poll() calls it always ready, and so do we.
        for (QSocketNotifier *n : {w.read, w.write, w.exception}) {
            if (n && std::find(m_notEpollable.begin(), m_notEpollable.end(), n) == m_notEpollable.end())
                m_notEpollable.push_back(n);
        }
        w = Watch();
        return;
    }
    if (rc != 0 && op != EPOLL_CTL_DEL)
        qWarning("EpollEventDispatcher: cannot watch descriptor %d: %s", fd, strerror(errno));
    w.events = wanted;
}

// ---- timers --------------------------------------------------------------------------------------

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    unregisterTimer(timerId);
    Timer t;
    t.object = object;
    t.intervalMs = std::max<qint64>(interval, 0);
    t.type = timerType;
    t.dueNs = nowNs() + t.intervalMs * 1000000;
    m_timers.emplace(timerId, t);
    m_timersByDue.emplace(t.dueNs, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_timersByDue.erase({it->second.dueNs, timerId});
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            m_timersByDue.erase({it->second.dueNs, it->first});
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const auto &[id, t] : m_timers) {
        if (t.object == object)
            out.append(TimerInfo(id, static_cast<int>(t.intervalMs), t.type));
    }
    return out;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    return static_cast<int>(std::max<qint64>(0, (it->second.dueNs - nowNs()) / 1000000));
}

int EpollEventDispatcher::timeToNextTimerMs() const
{
    if (m_timersByDue.empty())
        return -1;
    const qint64 waitNs = m_timersByDue.begin()->first - nowNs();
    if (waitNs <= 0)
        return 0;
    // Rounded up: waking a little late fires the timer; waking early would only wait again.
    return static_cast<int>(std::min<qint64>((waitNs + 999999) / 1000000, 24LL * 3600 * 1000));
}

int EpollEventDispatcher::fireTimers()
{
    if (m_timersByDue.empty())
        return 0;
    const qint64 now = nowNs();
    // The timers due now, each fired once: one rescheduled into the past waits for the next turn.
    std::vector<int> due;
    for (const auto &[when, id] : m_timersByDue) {
        if (when > now)
            break;
        due.push_back(id);
    }
    int fired = 0;
    for (int id : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end())
            continue; // killed by an earlier handler this turn
        Timer &t = it->second;
        if (t.inHandler)
            continue; // a nested loop inside its own handler: not again until that returns
        m_timersByDue.erase({t.dueNs, id});
        const qint64 intervalNs = t.intervalMs * 1000000;
        t.dueNs += intervalNs;
        if (t.dueNs <= now)
            t.dueNs = now + intervalNs; // fell behind: no burst of catch-up firings
        m_timersByDue.emplace(t.dueNs, id);
        t.inHandler = true;
        QObject *object = t.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = m_timers.find(id); // the handler may have killed it, or started another with its id
        if (it != m_timers.end())
            it->second.inHandler = false;
    }
    return fired;
}

QAbstractEventDispatcher *makeCoordinatorEventDispatcher()
{
    if (qgetenv("SWITCHBOARD_EVENT_LOOP") == "qt")
        return nullptr;
    return new EpollEventDispatcher;
}

void excuseLoopTurn()
{
    if (auto *loop = dynamic_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
        loop->excuseTurn();
}

#else

QAbstractEventDispatcher *makeCoordinatorEventDispatcher()
{
    return nullptr;
}

void excuseLoopTurn() {}

#endif

} // namespace sb
