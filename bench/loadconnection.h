#pragma once
// One load-generator connection: the client side of a WebSocket (RFC 6455) over a RawByteStream,
// just what the benchmark needs: the opening handshake, masked text frames out, server frames in
// handed on as the bytes that arrived. QWebSocket did the same with a UTF-16 round trip and
// several signals per frame, and the generator's CPU is taken from the server it measures (both
// share the machine's cores).

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <functional>
#include <memory>

namespace sb {

class FlushQueue;
class RawByteStream;

class LoadConnection final : public QObject
{
    Q_OBJECT

public:
    using TextHandler = std::function<void(QByteArrayView text)>;

    // Connects to 127.0.0.1:port (non-blocking); `flushes` sends what each turn wrote.
    LoadConnection(quint16 port, FlushQueue *flushes, QObject *parent = nullptr);
    ~LoadConnection() override;

    // Called once each: the upgrade succeeded; a text message; the connection failed or closed.
    std::function<void()> onConnected;
    TextHandler onText;
    std::function<void()> onClosed;

    void sendText(QByteArrayView text);
    // Why it closed before it was open (for the benchmark's report); empty while all is well.
    QString failure() const;
    void abort();

private:
    void onReadable();
    void readHandshake();
    void readFrames();
    void close();

    RawByteStream *m_stream = nullptr;
    QByteArray m_in;
    qsizetype m_offset = 0;
    bool m_open = false;
    bool m_closed = false;
    quint32 m_maskState;
    int m_connectError = 0;
    QByteArray m_refusal; // the status line of a refused upgrade
};

} // namespace sb
