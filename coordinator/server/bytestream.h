#pragma once
// The byte pipe under a WebSocket connection: a plain TCP socket the coordinator drives itself
// (rawbytestream.h), or a Qt socket (qtbytestream.h: TLS, and where there is no POSIX socket API).
// Writes are queued and go out together once the current turn of the event loop is done, so the
// frames a round sends to one connection leave in one system call.

#include <QByteArray>
#include <QObject>
#include <QString>

namespace sb {

class ByteStream : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Up to `max` bytes that have arrived, 0 when none are waiting. After readyRead, read until it
    // returns less than asked for.
    virtual qint64 read(char *into, qint64 max) = 0;
    virtual void write(const char *data, qint64 size) = 0;
    void write(const QByteArray &bytes) { write(bytes.constData(), bytes.size()); }
    // Everything that has arrived, handed to `take(const char *, qint64)` in pieces read into the
    // stack (nothing kept per connection).
    template<typename Take>
    void readAvailable(Take &&take)
    {
        char chunk[kReadChunk];
        qint64 n;
        do {
            n = read(chunk, kReadChunk);
            if (n > 0)
                take(static_cast<const char *>(chunk), n);
        } while (n == kReadChunk);
    }
    static constexpr qint64 kReadChunk = 16 * 1024;

    // Queued and not yet taken by the peer.
    virtual qint64 bytesToWrite() const = 0;
    // Sends what is queued now, as far as the socket takes it.
    virtual void flush() = 0;
    // Closes the connection once everything queued has gone; then `disconnected`.
    virtual void closeWhenWritten() = 0;
    // Closes it now, dropping what is queued; then `disconnected` (from the event loop).
    virtual void abort() = 0;
    virtual QString peerAddress() const = 0;
    virtual bool isConnected() const = 0;

signals:
    void readyRead();
    void disconnected();
};

} // namespace sb
