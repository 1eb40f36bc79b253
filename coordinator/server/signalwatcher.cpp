#include "signalwatcher.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>
#include <atomic>
#include <utility>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcSignals, "switchboard.coordinator.signals")

namespace sb {

namespace {

std::atomic<SignalWatcher *> g_active{nullptr};

#ifdef Q_OS_UNIX

constexpr int kSignals[] = {SIGINT, SIGTERM};

// Read by the handler, so a plain volatile sig_atomic_t; written only while the handlers are not
// installed.
volatile sig_atomic_t g_writeFd = -1;
struct sigaction g_previous[2];

// Runs in signal context: only async-signal-safe calls, and errno left as the interrupted code had it.
extern "C" void onSignal(int signalNumber)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signalNumber);
    ssize_t written;
    do {
        written = ::write(g_writeFd, &byte, 1);
    } while (written < 0 && errno == EINTR);
    // If the socket buffer is full (thousands of signals not yet read), the byte is dropped: the
    // program is already being asked to stop.
    errno = savedErrno;
}

bool prepare(int fd)
{
    // Non-blocking: the handler must never block, and the reader drains until empty. Close-on-exec:
    // a child process has no business with our pipe.
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
           ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

#endif

} // namespace

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent)
{
#ifdef Q_OS_UNIX
    SignalWatcher *expected = nullptr;
    if (!g_active.compare_exchange_strong(expected, this)) {
        qCWarning(lcSignals) << "another SignalWatcher is active; this one will not report signals";
        return;
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 || !prepare(fds[0]) || !prepare(fds[1])) {
        qCWarning(lcSignals) << "cannot create the signal socket pair:" << qt_error_string(errno);
        g_active = nullptr;
        return;
    }
    m_readFd = fds[0];
    m_writeFd = fds[1];
    g_writeFd = m_writeFd;

    m_notifier = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readSignals);

    for (int i = 0; i < 2; ++i) {
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        // Other threads' blocking calls carry on rather than failing with EINTR.
        action.sa_flags = SA_RESTART;
        ::sigaction(kSignals[i], &action, &g_previous[i]);
    }
    m_active = true;
#else
    qCWarning(lcSignals) << "SignalWatcher is not supported on this platform";
#endif
}

SignalWatcher::~SignalWatcher()
{
#ifdef Q_OS_UNIX
    if (!m_active)
        return;
    // Handlers first, descriptors after: a signal arriving in between must not write to a closed
    // descriptor, or to one that has since been reused for something else.
    for (int i = 0; i < 2; ++i)
        ::sigaction(kSignals[i], &g_previous[i], nullptr);
    g_writeFd = -1;
    delete m_notifier;
    ::close(m_readFd);
    ::close(m_writeFd);
    g_active = nullptr;
#endif
}

void SignalWatcher::readSignals()
{
#ifdef Q_OS_UNIX
    // Drain first, emit after: a receiver may well delete this watcher on the first emission.
    QByteArray received;
    unsigned char buffer[64];
    for (;;) {
        const ssize_t n = ::read(m_readFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        received.append(reinterpret_cast<const char *>(buffer), n);
    }
    const QPointer<SignalWatcher> self(this);
    for (const char byte : std::as_const(received)) {
        emit stopRequested(static_cast<unsigned char>(byte));
        if (!self)
            return;
    }
#endif
}

} // namespace sb
