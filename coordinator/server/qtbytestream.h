#pragma once
// A ByteStream over a QTcpSocket, or a QSslSocket for wss: Qt does the buffering and the TLS.

#include "bytestream.h"

class QTcpSocket;

namespace sb {

class QtByteStream final : public ByteStream
{
    Q_OBJECT

public:
    // Takes the socket over (it becomes a child of the stream).
    explicit QtByteStream(QTcpSocket *socket, QObject *parent = nullptr);

    qint64 read(char *into, qint64 max) override;
    using ByteStream::write;
    void write(const char *data, qint64 size) override;
    qint64 bytesToWrite() const override;
    void flush() override;
    void closeWhenWritten() override;
    void abort() override;
    QString peerAddress() const override;
    bool isConnected() const override;

private:
    QTcpSocket *m_socket;
};

} // namespace sb
