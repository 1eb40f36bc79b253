#pragma once
// Turns SIGINT and SIGTERM into the Qt signal stopRequested(), delivered on the event loop of the
// watcher's thread, so that shutting down runs as ordinary code rather than inside a signal handler.
//
// Only one SignalWatcher may be active in a process, because a POSIX signal handler is
// process-wide and can reach no object: the first instance installs the handlers; further
// instances constructed while it lives stay inactive (isActive() is false) and emit nothing.
// The destructor puts back the handlers that were there before. Unix only; elsewhere a watcher
// is never active.

#include <QObject>

class QSocketNotifier;

namespace sb {

class SignalWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isActive() const { return m_active; }

signals:
    // Emitted once per signal received. A second Ctrl-C while a shutdown is under way arrives
    // again, so a program may choose to give up waiting and exit at once.
    void stopRequested(int signalNumber);

private:
    void readSignals();

    bool m_active = false;
    int m_readFd = -1;
    int m_writeFd = -1;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace sb
