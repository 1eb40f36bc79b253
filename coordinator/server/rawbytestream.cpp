#include "rawbytestream.h"

#include <QHostAddress>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sb {

namespace {

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL; // a peer gone is an error to handle, not a SIGPIPE
#else
constexpr int kSendFlags = 0; // macOS: SO_NOSIGPIPE on the socket instead
#endif

// A queue that big is not kept once sent: an idle connection holds no more than this.
constexpr qsizetype kKeptWriteCapacity = 64 * 1024;

} // namespace

// ---- FlushQueue ------------------------------------------------------------------------------------

void FlushQueue::add(RawByteStream *stream)
{
    m_streams.push_back(stream);
    if (!m_posted) {
        // Posted events run at the start of the next turn, after every handler of this one:
        // whatever this turn sent to a connection goes out together.
        m_posted = true;
        QMetaObject::invokeMethod(this, &FlushQueue::flushAll, Qt::QueuedConnection);
    }
}

void FlushQueue::remove(RawByteStream *stream)
{
    std::replace(m_streams.begin(), m_streams.end(), stream, static_cast<RawByteStream *>(nullptr));
}

void FlushQueue::flushAll()
{
    m_posted = false;
    // Taken first: a stream flushed here that queues more (it cannot, but a handler might) goes
    // into a fresh list with its own posted flush.
    std::vector<RawByteStream *> streams;
    streams.swap(m_streams);
    for (RawByteStream *s : streams) {
        if (!s)
            continue;
        s->m_queued = false;
        s->flush();
    }
    if (m_streams.empty() && streams.capacity() <= 4096) {
        streams.clear();
        m_streams.swap(streams); // keep the room for the next turn
    }
}

// ---- RawByteStream -------------------------------------------------------------------------------

RawByteStream::RawByteStream(qintptr descriptor, FlushQueue *flushes, QObject *parent)
    : ByteStream(parent), m_fd(static_cast<int>(descriptor)), m_flushes(flushes)
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_fd, F_SETFD, FD_CLOEXEC);
    // Events go out as many small frames; with Nagle each one after the first waits for the
    // peer's delayed ACK (up to 40 ms on Linux) while an earlier one is unacknowledged.
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#if defined(SO_NOSIGPIPE)
    ::setsockopt(m_fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &RawByteStream::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &RawByteStream::flush);
}

RawByteStream::~RawByteStream()
{
    if (m_queued)
        m_flushes->remove(this);
    closeDescriptor();
}

void RawByteStream::onReadable()
{
    m_readCalled = false;
    emit readyRead();
    if (m_readCalled || m_fd < 0)
        return;
    // Nobody read (the connection is closing): the bytes are dropped, or the notifier, which
    // reports a readable socket on every turn until it is read, would spin the loop.
    char scratch[4096];
    while (read(scratch, sizeof scratch) == qint64(sizeof scratch)) {
    }
}

qint64 RawByteStream::read(char *into, qint64 max)
{
    m_readCalled = true;
    if (m_fd < 0 || max <= 0)
        return 0;
    for (;;) {
        const ssize_t n = ::recv(m_fd, into, static_cast<size_t>(max), 0);
        if (n > 0)
            return n;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        m_error = n < 0 ? errno : 0;
        end(); // 0: the peer closed its side; or the connection broke
        return 0;
    }
}

void RawByteStream::write(const char *data, qint64 size)
{
    if (m_fd < 0 || m_closing || size <= 0)
        return;
    m_out.append(data, size);
    // Waiting on the write notifier already, or already queued for this turn's flush.
    if (!m_queued && !m_writeNotifier->isEnabled()) {
        m_queued = true;
        m_flushes->add(this);
    }
}

void RawByteStream::flush()
{
    if (m_fd < 0)
        return;
    while (m_sent < m_out.size()) {
        const ssize_t n =
            ::send(m_fd, m_out.constData() + m_sent, static_cast<size_t>(m_out.size() - m_sent), kSendFlags);
        if (n > 0) {
            m_sent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // The peer's window is full: the rest goes when the socket can take it.
            if (m_sent > kKeptWriteCapacity) {
                m_out.remove(0, m_sent);
                m_sent = 0;
            }
            m_writeNotifier->setEnabled(true);
            return;
        }
        m_error = errno;
        end(); // the connection broke (reset by the peer, most likely)
        return;
    }
    if (m_out.capacity() > kKeptWriteCapacity)
        m_out = QByteArray();
    else
        m_out.resize(0);
    m_sent = 0;
    if (m_writeNotifier->isEnabled())
        m_writeNotifier->setEnabled(false);
    if (m_closing)
        end();
}

void RawByteStream::closeWhenWritten()
{
    if (m_fd < 0)
        return;
    m_closing = true;
    flush();
}

void RawByteStream::abort()
{
    m_out = QByteArray();
    m_sent = 0;
    end();
}

void RawByteStream::end()
{
    if (m_fd < 0)
        return; // ended already
    closeDescriptor();
    // Never from inside a caller's read() or write(): the link may be in the middle of a frame.
    QMetaObject::invokeMethod(this, &ByteStream::disconnected, Qt::QueuedConnection);
}

void RawByteStream::closeDescriptor()
{
    if (m_fd < 0)
        return;
    // The notifiers leave the dispatcher before the descriptor number can be reused.
    delete m_readNotifier;
    delete m_writeNotifier;
    m_readNotifier = m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
}

QString RawByteStream::peerAddress() const
{
    if (m_fd < 0)
        return QString();
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&address), &size) != 0)
        return QString();
    return QHostAddress(reinterpret_cast<const sockaddr *>(&address)).toString();
}

} // namespace sb
