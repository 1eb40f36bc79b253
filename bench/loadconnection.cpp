#include "loadconnection.h"

#include "rawbytestream.h"
#include "websocketframes.h"

#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sb {

namespace {

// Any key does for a benchmark: the server only checks that the answer matches it.
const char kUpgrade[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

int connectTo(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd; // writes wait (EAGAIN, then the write notifier) until the connection is made
}

} // namespace

LoadConnection::LoadConnection(quint16 port, FlushQueue *flushes, QObject *parent)
    : QObject(parent), m_maskState(quint32(quintptr(this)) | 1u)
{
    const int fd = connectTo(port);
    if (fd < 0) {
        m_connectError = errno;
        QMetaObject::invokeMethod(this, &LoadConnection::close, Qt::QueuedConnection);
        return;
    }
    m_stream = new RawByteStream(fd, flushes, this);
    connect(m_stream, &ByteStream::readyRead, this, &LoadConnection::onReadable);
    connect(m_stream, &ByteStream::disconnected, this, &LoadConnection::close);
    m_stream->write(kUpgrade, sizeof kUpgrade - 1);
}

LoadConnection::~LoadConnection() = default;

void LoadConnection::abort()
{
    m_closed = true; // no callbacks: the worker is the one letting go
    if (m_stream)
        m_stream->abort();
}

void LoadConnection::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_open = false;
    if (onClosed)
        onClosed();
}

QString LoadConnection::failure() const
{
    if (m_connectError)
        return QStringLiteral("connect: %1").arg(QString::fromLocal8Bit(std::strerror(m_connectError)));
    if (!m_refusal.isEmpty())
        return QStringLiteral("upgrade refused: %1").arg(QString::fromUtf8(m_refusal));
    if (m_stream && m_stream->error())
        return QString::fromLocal8Bit(std::strerror(m_stream->error()));
    return m_open ? QStringLiteral("closed by the server")
                  : QStringLiteral("closed by the server before the upgrade");
}

void LoadConnection::sendText(QByteArrayView text)
{
    if (!m_open)
        return;
    // Client frames are masked (RFC 6455 5.3); a xorshift step gives each frame its key.
    m_maskState ^= m_maskState << 13;
    m_maskState ^= m_maskState >> 17;
    m_maskState ^= m_maskState << 5;
    const quint32 key = m_maskState;
    const qsizetype n = text.size();
    // The server's header with the mask bit set, and the key behind it.
    char header[websocket::maxFrameHeaderBytes + 4];
    qsizetype h = websocket::writeFrameHeader(header, websocket::Opcode::Text, n);
    header[1] = char(header[1] | 0x80);
    char mask[4];
    std::memcpy(mask, &key, 4);
    std::memcpy(header + h, mask, 4);
    h += 4;
    QByteArray frame(h + n, Qt::Uninitialized);
    std::memcpy(frame.data(), header, size_t(h));
    char *payload = frame.data() + h;
    const char *in = text.data();
    for (qsizetype i = 0; i < n; ++i)
        payload[i] = char(in[i] ^ mask[i & 3]);
    m_stream->write(frame);
}

void LoadConnection::onReadable()
{
    m_stream->readAvailable([this](const char *data, qint64 size) { m_in.append(data, size); });
    if (!m_open)
        readHandshake();
    if (m_open)
        readFrames();
}

void LoadConnection::readHandshake()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    if (!m_in.startsWith("HTTP/1.1 101 ")) {
        m_refusal = m_in.left(m_in.indexOf("\r\n"));
        m_stream->abort();
        return; // `disconnected` closes it
    }
    m_in.remove(0, end + 4);
    m_open = true;
    if (onConnected)
        onConnected();
}

void LoadConnection::readFrames()
{
    // Server frames are never masked; fragments and control frames are not expected from either
    // server, and end the connection if they come.
    while (!m_closed) {
        const qsizetype available = m_in.size() - m_offset;
        if (available < 2)
            break;
        const auto *p = reinterpret_cast<const uchar *>(m_in.constData() + m_offset);
        const int opcode = p[0] & 0x0f;
        qint64 length = p[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (available < 4)
                break;
            length = qFromBigEndian<quint16>(p + 2);
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = qint64(qFromBigEndian<quint64>(p + 2));
            header = 10;
        }
        if (available < header + length)
            break;
        const QByteArrayView payload(m_in.constData() + m_offset + header, length);
        m_offset += header + length;
        if (opcode == 0x1 && (p[0] & 0x80)) {
            if (onText)
                onText(payload);
        } else if (opcode == 0x9 || opcode == 0xa) {
            continue; // pings are not sent by these servers; ignored if they are
        } else {
            m_stream->abort(); // a close, a fragment or binary: not what a healthy run sees
            return;
        }
    }
    if (m_offset == m_in.size()) {
        m_in.resize(0);
        m_offset = 0;
    } else if (m_offset > 64 * 1024) {
        m_in.remove(0, m_offset);
        m_offset = 0;
    }
}

} // namespace sb
