#pragma once
// One WebSocket connection, server side, on a ByteStream (our own over a plain TCP socket, or a
// QSslSocket for wss): the opening handshake, then whole text messages handed on as the UTF-8
// bytes they arrived as, and frames queued on the stream. Our own framing (websocketframes.h)
// instead of QWebSocket, which converted every message to UTF-16 and back and spent more on its
// signals than on the bytes.

#include "clientlink.h"
#include "websocketframes.h"

#include <QBasicTimer>
#include <QObject>
#include <functional>
#include <initializer_list>

namespace sb {

class ByteStream;

class WebSocketLink final : public QObject, public ClientLink
{
    Q_OBJECT

public:
    struct Limits
    {
        qsizetype maxMessageBytes = 1 << 20;
        // Events not yet taken by a peer that has stopped reading: past this the connection is
        // dropped rather than left to hold the coordinator's memory; the client resumes.
        qint64 maxUnsentBytes = 32 << 20;
        int handshakeTimeoutMs = 10000; // from accepting the socket to a complete upgrade request
    };
    using TextHandler = std::function<void(const QByteArray &utf8)>;
    using BinaryHandler = std::function<void(const QByteArray &bytes)>;
    using ClosedHandler = std::function<void()>;

    // Takes the stream over: it becomes a child of the link.
    // The link deletes itself (later) once the connection is gone, after `closed` ran if the
    // handshake had completed.
    WebSocketLink(ByteStream *stream, const Limits &limits, QObject *parent = nullptr);
    ~WebSocketLink() override;

    void setHandlers(TextHandler text, BinaryHandler binary, ClosedHandler closed);

    // A text frame; `utf8` must be UTF-8 (the service's frames are).
    void send(const QByteArray &utf8) override;
    // The head and the number go into the socket's buffer as they are, without a joined copy.
    void sendEvent(const QByteArray &head, quint64 seq) override;
    QString peerAddress() const override;

    // The coordinator is going: a close frame (1001) and whatever is queued are written now, as
    // far as the socket takes them, and `closed` runs, because the link is about to be destroyed.
    void goAway();

    bool isOpen() const { return m_state == State::Open; }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class State { Handshake, Open, Closing, Gone };
    void onReadyRead();
    bool readHandshake();
    void readFrames();
    // One frame whose payload is the pieces one after the other.
    void writeFrame(websocket::Opcode opcode, std::initializer_list<QByteArrayView> payload);
    void onDisconnected();
    // Gone for good: `closed` runs once, if the service knew the link.
    void leave();

    ByteStream *m_stream;
    const Limits m_limits;
    State m_state = State::Handshake;
    bool m_upgraded = false; // the handshake completed: the service knows this link
    QByteArray m_request;    // the upgrade request so far
    websocket::FrameReader m_reader;
    QBasicTimer m_timer; // the handshake's deadline
    TextHandler m_onText;
    BinaryHandler m_onBinary;
    ClosedHandler m_onClosed;
};

} // namespace sb
