#pragma once
// The WebSocket wire format (RFC 6455) as the server side speaks it, with no socket in sight:
// reading masked client frames into whole messages, writing unmasked server frames, and checking
// that a text message is UTF-8. WebSocketLink feeds it what a socket reads.

#include <QByteArray>
#include <QString>

namespace sb::websocket {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// Close codes this server sends (RFC 6455 section 7.4.1).
enum class CloseCode : quint16 {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    InvalidPayload = 1007, // a text message that is not UTF-8
    TooBig = 1009,
};

bool isValidUtf8(const char *data, qsizetype size);

// The header of an unmasked frame with FIN set and `size` bytes of payload, written to `out`
// (room for maxFrameHeaderBytes); returns its length.
inline constexpr int maxFrameHeaderBytes = 10;
int writeFrameHeader(char *out, Opcode opcode, qsizetype size);
// An unmasked frame with FIN set, header and payload.
QByteArray frame(Opcode opcode, const QByteArray &payload);
// A close frame's payload is the code and a reason of at most 123 bytes of UTF-8.
QByteArray closeFrame(CloseCode code, const QString &reason);

// Turns the bytes a client sends into messages: frames are unmasked, fragments joined, control
// frames (ping, pong, close) passed on as they come, even between the fragments of a message.
// Anything RFC 6455 forbids, or a message over the size limit, is a failure that names the close
// code to send; after a failure or a close the reader takes nothing more.
class FrameReader final
{
public:
    struct Message
    {
        enum Kind { None, Text, Binary, Ping, Pong, Close, Failure };
        Kind kind = None;
        QByteArray payload;                 // unmasked; for Close, the reason's bytes
        CloseCode code = CloseCode::Normal; // Close: the peer's (Normal if it gave none); Failure: ours
        quint16 peerCode = 0;               // Close: the code as the peer sent it, 0 if none
        QString reason;                     // Failure: what was wrong, for the close frame
    };

    explicit FrameReader(qsizetype maxMessageBytes);

    // The bytes go to the end of the buffer; call next() until it returns false.
    void append(const char *data, qsizetype size);
    bool next(Message *message);

    bool finished() const { return m_finished; }
    qsizetype buffered() const { return m_buffer.size() - m_offset; }
    // Memory the reader holds for its buffer, read or not.
    qsizetype heldBytes() const { return m_buffer.capacity(); }
    // A buffer emptied by reading keeps at most this much room.
    static constexpr qsizetype kKeptCapacity = 64 * 1024;

private:
    bool fail(Message *message, CloseCode code, const QString &reason);

    const qsizetype m_maxMessageBytes;
    QByteArray m_buffer;
    qsizetype m_offset = 0;                         // where the unread bytes start
    QByteArray m_fragments;                         // a fragmented message so far
    Opcode m_fragmentOpcode = Opcode::Continuation; // Continuation: none under way
    bool m_finished = false;
};

} // namespace sb::websocket
