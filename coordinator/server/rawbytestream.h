#pragma once
// A ByteStream on a connected TCP socket's descriptor, read and written with the system calls
// themselves (POSIX). Against QTcpSocket this saves, per message, the size query before every
// read, the copy through Qt's read buffer, and the write notifier switched on and off around
// every write (two epoll_ctl calls under an epoll dispatcher).
//
// Writes are queued per connection; the connections with something queued are sent to by their
// FlushQueue once the current turn of the event loop is done, each in one send() as far as the
// socket takes it. What it does not take waits for the socket's write notifier.

#include "bytestream.h"

#include <QObject>
#include <vector>

class QSocketNotifier;

namespace sb {

class RawByteStream;

// The connections of one thread with writes queued. Lives as long as every stream using it.
class FlushQueue final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    void add(RawByteStream *stream);
    void remove(RawByteStream *stream);

private:
    void flushAll();

    std::vector<RawByteStream *> m_streams;
    bool m_posted = false;
};

class RawByteStream final : public ByteStream
{
    Q_OBJECT

public:
    // Takes the descriptor over (it is closed with the stream); sets it non-blocking, Nagle off.
    RawByteStream(qintptr descriptor, FlushQueue *flushes, QObject *parent = nullptr);
    ~RawByteStream() override;

    qint64 read(char *into, qint64 max) override;
    using ByteStream::write;
    void write(const char *data, qint64 size) override;
    qint64 bytesToWrite() const override { return m_out.size() - m_sent; }
    void flush() override;
    void closeWhenWritten() override;
    void abort() override;
    QString peerAddress() const override;
    bool isConnected() const override { return m_fd >= 0; }
    // What ended the connection: an errno value, 0 if the peer closed it or it was aborted.
    int error() const { return m_error; }

private:
    friend class FlushQueue;
    void onReadable();
    // The connection is over: the descriptor is closed now (m_fd is -1 from then on),
    // `disconnected` comes from the loop.
    void end();
    void closeDescriptor();

    int m_fd = -1;
    FlushQueue *m_flushes;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_out; // queued; m_out[0, m_sent) already sent
    qsizetype m_sent = 0;
    bool m_queued = false; // in m_flushes
    bool m_closing = false;
    bool m_readCalled = false;
    int m_error = 0;
};

} // namespace sb
