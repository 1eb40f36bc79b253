#include "qtbytestream.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace sb {

QtByteStream::QtByteStream(QTcpSocket *socket, QObject *parent) : ByteStream(parent), m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &ByteStream::readyRead);
    connect(socket, &QTcpSocket::disconnected, this, &ByteStream::disconnected);
}

qint64 QtByteStream::read(char *into, qint64 max)
{
    return qMax<qint64>(m_socket->read(into, max), 0);
}

void QtByteStream::write(const char *data, qint64 size)
{
    m_socket->write(data, size); // Qt sends it when the loop comes round
}

qint64 QtByteStream::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

void QtByteStream::flush()
{
    m_socket->flush();
}

void QtByteStream::closeWhenWritten()
{
    m_socket->disconnectFromHost();
}

void QtByteStream::abort()
{
    m_socket->abort();
}

QString QtByteStream::peerAddress() const
{
    return m_socket->peerAddress().toString();
}

bool QtByteStream::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

} // namespace sb
