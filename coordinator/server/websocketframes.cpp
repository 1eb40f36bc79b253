#include "websocketframes.h"

#include <QtEndian>
#include <cstring>

namespace sb::websocket {

namespace {

// The RFC 3629 table of well-formed sequences: no overlong forms, no surrogates, nothing past
// U+10FFFF. Returns the length of the sequence at `p`, 0 if it is not well formed.
int sequenceLength(const unsigned char *p, const unsigned char *end)
{
    const unsigned char b0 = p[0];
    auto cont = [&](int i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return p + i < end && p[i] >= lo && p[i] <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF)
        return cont(1) ? 2 : 0;
    if (b0 == 0xE0)
        return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
        return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xED)
        return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (b0 == 0xF0)
        return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3)
        return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xF4)
        return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

void unmask(char *data, qsizetype size, const unsigned char key[4])
{
    // Eight bytes at a time with the key repeated twice, then the tail.
    quint64 wide;
    unsigned char eight[8];
    for (int i = 0; i < 8; ++i)
        eight[i] = key[i % 4];
    std::memcpy(&wide, eight, 8);
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, data + i, 8);
        word ^= wide;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < size; ++i)
        data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

// Codes a peer may send (RFC 6455 section 7.4): 1004-1006 and 1015 are reserved for reporting
// locally, below 1000 and 1012-2999 are not assigned to anything a peer sends.
bool isValidCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

bool isControl(Opcode op)
{
    return static_cast<quint8>(op) & 0x8;
}

} // namespace

bool isValidUtf8(const char *data, qsizetype size)
{
    auto p = reinterpret_cast<const unsigned char *>(data);
    const auto *end = p + size;
    while (p < end) {
        // ASCII runs, the common case, eight bytes at a time.
        while (end - p >= 8) {
            quint64 word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        if (*p < 0x80) {
            ++p;
            continue;
        }
        const int n = sequenceLength(p, end);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

int writeFrameHeader(char *header, Opcode opcode, qsizetype size)
{
    header[0] = static_cast<char>(0x80 | static_cast<quint8>(opcode));
    if (size < 126) {
        header[1] = static_cast<char>(size);
        return 2;
    }
    if (size <= 0xFFFF) {
        header[1] = 126;
        qToBigEndian(static_cast<quint16>(size), header + 2);
        return 4;
    }
    header[1] = 127;
    qToBigEndian(static_cast<quint64>(size), header + 2);
    return 10;
}

QByteArray frame(Opcode opcode, const QByteArray &payload)
{
    char header[maxFrameHeaderBytes];
    const int headerSize = writeFrameHeader(header, opcode, payload.size());
    QByteArray out(headerSize + payload.size(), Qt::Uninitialized);
    std::memcpy(out.data(), header, headerSize);
    std::memcpy(out.data() + headerSize, payload.constData(), payload.size());
    return out;
}

QByteArray closeFrame(CloseCode code, const QString &reason)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(static_cast<quint16>(code), payload.data());
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) {
        // Cut at a character boundary so the reason stays UTF-8.
        qsizetype cut = 123;
        while (cut > 0 && (static_cast<unsigned char>(text.at(cut)) & 0xC0) == 0x80)
            --cut;
        text.truncate(cut);
    }
    payload += text;
    return frame(Opcode::Close, payload);
}

FrameReader::FrameReader(qsizetype maxMessageBytes) : m_maxMessageBytes(maxMessageBytes) {}

void FrameReader::append(const char *data, qsizetype size)
{
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        // Everything read. The room stays for the next message, unless one big message made it
        // large: thousands of idle connections would each keep what their biggest upload needed.
        if (m_buffer.capacity() > kKeptCapacity)
            m_buffer = QByteArray();
        else
            m_buffer.resize(0);
        m_offset = 0;
    } else if (m_offset > 4096 && m_offset * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(data, size);
}

bool FrameReader::fail(Message *message, CloseCode code, const QString &reason)
{
    m_finished = true;
    *message = Message();
    message->kind = Message::Failure;
    message->code = code;
    message->reason = reason;
    return true;
}

bool FrameReader::next(Message *message)
{
    while (!m_finished) {
        const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData()) + m_offset;
        const qsizetype available = m_buffer.size() - m_offset;
        if (available < 2)
            return false;
        const bool fin = p[0] & 0x80;
        const auto opcode = static_cast<Opcode>(p[0] & 0x0F);
        if (p[0] & 0x70)
            return fail(message, CloseCode::ProtocolError, QStringLiteral("reserved bits set"));
        if (!(p[1] & 0x80))
            return fail(message, CloseCode::ProtocolError, QStringLiteral("client frames must be masked"));
        switch (opcode) {
        case Opcode::Continuation:
        case Opcode::Text:
        case Opcode::Binary:
        case Opcode::Close:
        case Opcode::Ping:
        case Opcode::Pong:
            break;
        default:
            return fail(message, CloseCode::ProtocolError, QStringLiteral("unknown opcode"));
        }
        quint64 length = p[1] & 0x7F;
        qsizetype headerSize = 2;
        if (length == 126) {
            if (available < 4)
                return false;
            length = qFromBigEndian<quint16>(p + 2);
            headerSize = 4;
        } else if (length == 127) {
            if (available < 10)
                return false;
            length = qFromBigEndian<quint64>(p + 2);
            headerSize = 10;
            if (length >> 63)
                return fail(message, CloseCode::ProtocolError, QStringLiteral("frame length out of range"));
        }
        if (isControl(opcode) && (!fin || length > 125))
            return fail(message, CloseCode::ProtocolError,
                        QStringLiteral("control frames are unfragmented and at most 125 bytes"));
        const quint64 sofar = opcode == Opcode::Continuation ? quint64(m_fragments.size()) : 0;
        if (!isControl(opcode) && length + sofar > quint64(m_maxMessageBytes))
            return fail(message, CloseCode::TooBig,
                        QStringLiteral("message over %1 bytes").arg(m_maxMessageBytes));
        if (opcode == Opcode::Continuation && m_fragmentOpcode == Opcode::Continuation)
            return fail(message, CloseCode::ProtocolError, QStringLiteral("continuation without a message"));
        if ((opcode == Opcode::Text || opcode == Opcode::Binary) && m_fragmentOpcode != Opcode::Continuation)
            return fail(message, CloseCode::ProtocolError,
                        QStringLiteral("a new message before the last one ended"));
        headerSize += 4; // the mask
        if (quint64(available) < headerSize + length)
            return false;
        unsigned char key[4];
        std::memcpy(key, p + headerSize - 4, 4);
        char *payload = m_buffer.data() + m_offset + headerSize;
        unmask(payload, qsizetype(length), key);
        m_offset += headerSize + qsizetype(length);

        *message = Message();
        switch (opcode) {
        case Opcode::Ping:
        case Opcode::Pong:
            message->kind = opcode == Opcode::Ping ? Message::Ping : Message::Pong;
            message->payload = QByteArray(payload, qsizetype(length));
            return true;
        case Opcode::Close: {
            if (length == 1)
                return fail(message, CloseCode::ProtocolError, QStringLiteral("a close payload of one byte"));
            m_finished = true;
            message->kind = Message::Close;
            if (length >= 2) {
                message->peerCode = qFromBigEndian<quint16>(payload);
                if (!isValidCloseCode(message->peerCode))
                    return fail(message, CloseCode::ProtocolError,
                                QStringLiteral("close code not allowed on the wire"));
                message->payload = QByteArray(payload + 2, qsizetype(length) - 2);
                if (!isValidUtf8(message->payload.constData(), message->payload.size()))
                    return fail(message, CloseCode::InvalidPayload,
                                QStringLiteral("close reason is not UTF-8"));
                message->code = static_cast<CloseCode>(message->peerCode);
            }
            return true;
        }
        default:
            break;
        }
        Opcode kind = opcode;
        if (opcode == Opcode::Continuation) {
            m_fragments.append(payload, qsizetype(length));
            if (!fin)
                continue;
            kind = m_fragmentOpcode;
            m_fragmentOpcode = Opcode::Continuation;
            message->payload = std::move(m_fragments);
            m_fragments = QByteArray();
        } else if (!fin) {
            m_fragmentOpcode = opcode;
            m_fragments = QByteArray(payload, qsizetype(length));
            continue;
        } else {
            message->payload = QByteArray(payload, qsizetype(length));
        }
        if (kind == Opcode::Text) {
            if (!isValidUtf8(message->payload.constData(), message->payload.size()))
                return fail(message, CloseCode::InvalidPayload, QStringLiteral("text message is not UTF-8"));
            message->kind = Message::Text;
        } else {
            message->kind = Message::Binary;
        }
        return true;
    }
    return false;
}

} // namespace sb::websocket
