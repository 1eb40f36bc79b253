#include "websocketlink.h"

#include "bytestream.h"
#include "websockethandshake.h"

#include <QTimerEvent>

namespace sb {

using namespace websocket;

WebSocketLink::WebSocketLink(ByteStream *stream, const Limits &limits, QObject *parent)
    : QObject(parent), m_stream(stream), m_limits(limits), m_reader(limits.maxMessageBytes)
{
    stream->setParent(this);
    connect(stream, &ByteStream::readyRead, this, &WebSocketLink::onReadyRead);
    connect(stream, &ByteStream::disconnected, this, &WebSocketLink::onDisconnected);
    m_timer.start(m_limits.handshakeTimeoutMs, this);
    // Bytes that came before anyone listened are read on the first turn.
    QMetaObject::invokeMethod(
        this, stream->isConnected() ? &WebSocketLink::onReadyRead : &WebSocketLink::onDisconnected,
        Qt::QueuedConnection);
}

WebSocketLink::~WebSocketLink() = default;

void WebSocketLink::setHandlers(TextHandler text, BinaryHandler binary, ClosedHandler closed)
{
    m_onText = std::move(text);
    m_onBinary = std::move(binary);
    m_onClosed = std::move(closed);
}

QString WebSocketLink::peerAddress() const
{
    return m_stream->peerAddress();
}

void WebSocketLink::send(const QByteArray &utf8)
{
    if (m_state != State::Open)
        return;
    writeFrame(Opcode::Text, {QByteArrayView(utf8)});
}

void WebSocketLink::sendEvent(const QByteArray &head, quint64 seq)
{
    if (m_state != State::Open)
        return;
    char tail[kEventTailMax];
    const int n = eventTail(seq, tail);
    writeFrame(Opcode::Text, {QByteArrayView(head), QByteArrayView(tail, n)});
}

void WebSocketLink::writeFrame(Opcode opcode, std::initializer_list<QByteArrayView> payload)
{
    // Header and payload go into the socket's buffer (no allocation for the frame); the event
    // loop sends everything queued for the socket in one system call.
    qsizetype size = 0;
    for (QByteArrayView piece : payload)
        size += piece.size();
    char header[maxFrameHeaderBytes];
    m_stream->write(header, writeFrameHeader(header, opcode, size));
    for (QByteArrayView piece : payload)
        m_stream->write(piece.data(), piece.size());
    if (m_state == State::Open && m_stream->bytesToWrite() > m_limits.maxUnsentBytes) {
        // Not from inside send(): the service may be in the middle of a round that names us.
        m_state = State::Closing;
        // Dropped without a close frame: it would wait behind everything the peer is not reading.
        QMetaObject::invokeMethod(
            this, [this] { m_stream->abort(); }, Qt::QueuedConnection);
    }
}

void WebSocketLink::goAway()
{
    if (m_state == State::Gone)
        return;
    if (m_state == State::Open)
        m_stream->write(closeFrame(CloseCode::GoingAway, QStringLiteral("the coordinator is stopping")));
    m_stream->flush();
    // The link is destroyed next, before its socket could report the disconnection: whoever knew
    // it is told now, or its address would outlive it in their tables.
    leave();
}

void WebSocketLink::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    m_stream->abort(); // a handshake the peer never finished
}

void WebSocketLink::onReadyRead()
{
    if (m_state == State::Handshake && !readHandshake())
        return;
    // Closing: the peer closed or broke the rules, a refused handshake, or a reader too slow to
    // keep; nothing it sends after that is read.
    if (m_state == State::Open)
        readFrames();
}

bool WebSocketLink::readHandshake()
{
    m_stream->readAvailable([this](const char *data, qint64 size) { m_request.append(data, size); });
    const Handshake h = websocket::readHandshake(m_request.constData(), m_request.size());
    switch (h.status) {
    case Handshake::Incomplete:
        return false;
    case Handshake::Refused:
        m_state = State::Closing;
        m_stream->write(h.response);
        m_stream->closeWhenWritten();
        return false;
    case Handshake::Accepted:
        break;
    }
    m_timer.stop();
    m_state = State::Open;
    m_upgraded = true;
    m_stream->write(h.response);
    // Frames the client sent right behind its request.
    if (m_request.size() > h.consumed)
        m_reader.append(m_request.constData() + h.consumed, m_request.size() - h.consumed);
    m_request = QByteArray();
    return true;
}

void WebSocketLink::readFrames()
{
    m_stream->readAvailable([this](const char *data, qint64 size) { m_reader.append(data, size); });
    FrameReader::Message message;
    while (m_state != State::Gone && m_reader.next(&message)) {
        switch (message.kind) {
        case FrameReader::Message::Text:
            if (m_state == State::Open && m_onText)
                m_onText(message.payload);
            break;
        case FrameReader::Message::Binary:
            if (m_state == State::Open && m_onBinary)
                m_onBinary(message.payload);
            break;
        case FrameReader::Message::Ping:
            if (m_state == State::Open)
                writeFrame(Opcode::Pong, {QByteArrayView(message.payload)});
            break;
        case FrameReader::Message::Pong:
        case FrameReader::Message::None:
            break;
        case FrameReader::Message::Close:
        case FrameReader::Message::Failure:
            // A close is answered with the peer's own code, a failure with ours and why; either
            // way the server closes the TCP connection first (RFC 6455 section 7.1.1).
            if (m_state == State::Open) {
                m_stream->write(message.kind == FrameReader::Message::Failure
                                    ? closeFrame(message.code, message.reason)
                                : message.peerCode ? closeFrame(message.code, QString())
                                                   : frame(Opcode::Close, QByteArray()));
            }
            m_state = State::Closing;
            m_stream->closeWhenWritten();
            return;
        }
    }
}

void WebSocketLink::onDisconnected()
{
    if (m_state == State::Gone)
        return;
    leave();
    deleteLater();
}

void WebSocketLink::leave()
{
    m_state = State::Gone;
    m_timer.stop();
    if (m_upgraded && m_onClosed)
        m_onClosed();
}

} // namespace sb
