// RawByteStream on real loopback TCP, with a QTcpSocket as the peer: bytes both ways, writes of one
// turn leaving together, a peer that reads slowly, closing after the queue, the peer closing,
// aborting, bytes nobody reads, and a stream destroyed with writes still queued.

#include "rawbytestream.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace sb;

namespace {

// Hands accepted descriptors to the test instead of making Qt sockets of them.
class DescriptorServer : public QTcpServer
{
public:
    QList<qintptr> accepted;

protected:
    void incomingConnection(qintptr descriptor) override { accepted << descriptor; }
};

// A connected pair: `peer` is Qt's client socket, `stream` ours on the server side.
struct Pair
{
    Pair()
    {
        if (!server.listen(QHostAddress::LocalHost))
            return;
        peer.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QObject::connect(&peer, &QTcpSocket::readyRead, [this] { received += peer.readAll(); });
        if (!QTest::qWaitFor([this] { return !server.accepted.isEmpty(); }, 5000))
            return;
        stream = new RawByteStream(server.accepted.takeFirst(), &flushes);
        ok = peer.waitForConnected(5000) || peer.state() == QAbstractSocket::ConnectedState;
    }
    ~Pair() { delete stream.data(); }
    // Everything readable now, read in pieces of `chunk`.
    QByteArray readAll(qint64 chunk = 4096)
    {
        QByteArray out;
        QByteArray piece(chunk, Qt::Uninitialized);
        qint64 n;
        do {
            n = stream->read(piece.data(), chunk);
            out.append(piece.constData(), n);
        } while (n == chunk);
        return out;
    }

    DescriptorServer server;
    FlushQueue flushes;
    QPointer<RawByteStream> stream;
    QTcpSocket peer;
    QByteArray received;
    bool ok = false;
};

} // namespace

class TestRawByteStream : public QObject
{
    Q_OBJECT

private slots:
    void bytesBothWays();
    void writesOfOneTurnLeaveTogether();
    void slowPeerGetsEverything();
    void closeWhenWrittenSendsTheQueueFirst();
    void peerClosing();
    void abortDropsTheQueue();
    void unreadBytesDoNotSpin();
    void destroyedWhileQueued();
    void peerAddress();
};

void TestRawByteStream::bytesBothWays()
{
    Pair p;
    QVERIFY(p.ok);
    QByteArray got;
    connect(p.stream, &ByteStream::readyRead, [&] { got += p.readAll(100); });
    p.peer.write(QByteArray(1000, 'q'));
    QTRY_COMPARE(got.size(), 1000); // read in pieces of 100, to the last short one
    p.stream->write("pong", 4);
    QTRY_COMPARE(p.received, QByteArray("pong"));
    QVERIFY(p.stream->isConnected());
}

void TestRawByteStream::writesOfOneTurnLeaveTogether()
{
    Pair p;
    QVERIFY(p.ok);
    p.stream->write("one ", 4);
    p.stream->write("two ", 4);
    p.stream->write(QByteArray("three"));
    // Nothing is sent until the turn is over.
    QCOMPARE(p.stream->bytesToWrite(), qint64(13));
    QTRY_COMPARE(p.received, QByteArray("one two three"));
    QCOMPARE(p.stream->bytesToWrite(), qint64(0));
}

void TestRawByteStream::slowPeerGetsEverything()
{
    Pair p;
    QVERIFY(p.ok);
    // Far more than loopback's socket buffers hold, written while the peer is not reading.
    QByteArray payload(16 << 20, Qt::Uninitialized);
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char('a' + i % 26);
    p.peer.setReadBufferSize(64 * 1024); // Qt's client takes it a little at a time
    p.stream->write(payload);
    p.stream->flush();
    QVERIFY(p.stream->bytesToWrite() > 0); // the rest waits for the write notifier
    QTRY_COMPARE_WITH_TIMEOUT(p.received.size(), payload.size(), 20000);
    QCOMPARE(p.received, payload);
    QCOMPARE(p.stream->bytesToWrite(), qint64(0));
}

void TestRawByteStream::closeWhenWrittenSendsTheQueueFirst()
{
    Pair p;
    QVERIFY(p.ok);
    QSignalSpy gone(p.stream, &ByteStream::disconnected);
    QSignalSpy peerGone(&p.peer, &QTcpSocket::disconnected);
    p.stream->write(QByteArray(100000, 'x'));
    p.stream->closeWhenWritten();
    p.stream->write("ignored", 7); // nothing is queued once closing
    QTRY_COMPARE(gone.size(), 1);
    QVERIFY(!p.stream->isConnected());
    QTRY_COMPARE(peerGone.size(), 1);
    QCOMPARE(p.received, QByteArray(100000, 'x'));
}

void TestRawByteStream::peerClosing()
{
    Pair p;
    QVERIFY(p.ok);
    QSignalSpy gone(p.stream, &ByteStream::disconnected);
    QByteArray got;
    connect(p.stream, &ByteStream::readyRead, [&] { got += p.readAll(); });
    p.peer.write("last words");
    p.peer.disconnectFromHost();
    QTRY_COMPARE(gone.size(), 1);
    QCOMPARE(got, QByteArray("last words"));
    QVERIFY(!p.stream->isConnected());
    QCOMPARE(p.stream->peerAddress(), QString());
}

void TestRawByteStream::abortDropsTheQueue()
{
    Pair p;
    QVERIFY(p.ok);
    QSignalSpy gone(p.stream, &ByteStream::disconnected);
    QSignalSpy peerGone(&p.peer, &QTcpSocket::disconnected);
    p.stream->write("never sent", 10);
    p.stream->abort();
    QCOMPARE(gone.size(), 0); // from the loop, never inside the call
    QCOMPARE(p.stream->bytesToWrite(), qint64(0));
    QTRY_COMPARE(gone.size(), 1);
    QTRY_COMPARE(peerGone.size(), 1);
    QVERIFY(p.received.isEmpty());
}

void TestRawByteStream::unreadBytesDoNotSpin()
{
    Pair p;
    QVERIFY(p.ok);
    int notices = 0;
    connect(p.stream, &ByteStream::readyRead, [&] { ++notices; }); // and never reads
    p.peer.write(QByteArray(50000, 'z'));
    QTRY_VERIFY(notices >= 1);
    QTest::qWait(100);
    // Dropped after each notice nobody read: not reported again on every turn.
    QVERIFY2(notices < 20, qPrintable(QString::number(notices)));
    QVERIFY(p.stream->isConnected());
}

void TestRawByteStream::destroyedWhileQueued()
{
    Pair p;
    QVERIFY(p.ok);
    QSignalSpy peerGone(&p.peer, &QTcpSocket::disconnected);
    p.stream->write("queued", 6);
    delete p.stream.data();
    QTRY_COMPARE(peerGone.size(), 1); // the flush that was posted finds nothing to send
    QVERIFY(p.received.isEmpty());
}

void TestRawByteStream::peerAddress()
{
    Pair p;
    QVERIFY(p.ok);
    QCOMPARE(p.stream->peerAddress(), QStringLiteral("127.0.0.1"));
}

QTEST_GUILESS_MAIN(TestRawByteStream)
#include "tst_rawbytestream.moc"
