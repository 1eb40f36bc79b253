// The WebSocket wire format without sockets: the opening handshake's answers, the frames the
// reader accepts and refuses (with the close code RFC 6455 asks for), and the bytes written.

#include "clientframe.h"
#include "websocketframes.h"
#include "websockethandshake.h"

#include <QTest>
#include <QtEndian>

using namespace sb::websocket;
using Message = FrameReader::Message;

namespace {

QByteArray text(const QByteArray &payload)
{
    return clientFrame(0x81, payload);
}

QList<Message> readAll(FrameReader &reader, const QByteArray &bytes)
{
    reader.append(bytes.constData(), bytes.size());
    QList<Message> out;
    Message m;
    while (reader.next(&m))
        out << m;
    return out;
}

QByteArray request(const QByteArray &extra = {}, const QByteArray &version = "13")
{
    return "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
           "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: " +
           version + "\r\n" + extra + "\r\n";
}

} // namespace

class TestWebSocketFrames : public QObject
{
    Q_OBJECT

private slots:
    void acceptKeyOfTheRfc();
    void handshakeAccepted();
    void handshakeIncomplete();
    void handshakeRefused_data();
    void handshakeRefused();
    void handshakeTooLong();
    void utf8_data();
    void utf8();
    void headerLengths_data();
    void headerLengths();
    void closeFrameReasonCutAtACharacter();
    void readsTextOfEveryLength_data();
    void readsTextOfEveryLength();
    void readsByteByByte();
    void bigMessageDoesNotKeepItsRoom();
    void fragmentsWithControlFramesBetween();
    void utf8SplitAcrossFragments();
    void closeFrames();
    void failures_data();
    void failures();
    void tooBigBeforeThePayloadArrives();
    void nothingAfterAFailure();
};

void TestWebSocketFrames::acceptKeyOfTheRfc()
{
    // RFC 6455 section 1.3's example.
    QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestWebSocketFrames::handshakeAccepted()
{
    const QByteArray req = request();
    const QByteArray bytes = req + text("hi"); // a frame right behind the request
    const Handshake h = readHandshake(bytes.constData(), bytes.size());
    QCOMPARE(h.status, Handshake::Accepted);
    QCOMPARE(h.consumed, req.size());
    QCOMPARE(h.response,
             QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
                        "\r\n\r\n"));
    // Header names and tokens in any case; extra headers (origin, offered extensions) ignored.
    QByteArray mixed =
        request("Origin: http://example.com\r\nSec-WebSocket-Extensions: permessage-deflate\r\n");
    mixed.replace("Upgrade: websocket", "upgrade: WebSocket")
        .replace("Sec-WebSocket-Key", "sec-websocket-key");
    QCOMPARE(readHandshake(mixed.constData(), mixed.size()).status, Handshake::Accepted);
}

void TestWebSocketFrames::handshakeIncomplete()
{
    const QByteArray req = request();
    for (qsizetype n = 0; n < req.size(); ++n)
        QCOMPARE(readHandshake(req.constData(), n).status, Handshake::Incomplete);
}

void TestWebSocketFrames::handshakeRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("plain http") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("426")
                                << QByteArray("Upgrade: websocket");
    QTest::newRow("post") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("405")
                          << QByteArray("Allow: GET");
    QTest::newRow("version 8") << request({}, "8") << QByteArray("426")
                               << QByteArray("Sec-WebSocket-Version: 13");
    QByteArray noHost = request();
    noHost.replace("Host: server.example.com\r\n", "");
    QTest::newRow("no host") << noHost << QByteArray("400") << QByteArray("Host");
    QByteArray badKey = request();
    badKey.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=");
    QTest::newRow("short key") << badKey << QByteArray("400") << QByteArray("Sec-WebSocket-Key");
    QTest::newRow("not http") << QByteArray("hello there\r\n\r\n") << QByteArray("400")
                              << QByteArray("not an HTTP request");
    QTest::newRow("header without name")
        << QByteArray("GET / HTTP/1.1\r\n: x\r\n\r\n") << QByteArray("400") << QByteArray("without a name");
}

void TestWebSocketFrames::handshakeRefused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, status);
    QFETCH(QByteArray, header);
    const Handshake h = readHandshake(bytes.constData(), bytes.size());
    QCOMPARE(h.status, Handshake::Refused);
    QVERIFY2(h.response.startsWith("HTTP/1.1 " + status + ' '), h.response.constData());
    QVERIFY2(h.response.contains(header), h.response.constData());
    QVERIFY(h.response.contains("Connection: close\r\n"));
    // The body is what the error says, and Content-Length counts it.
    const qsizetype body = h.response.indexOf("\r\n\r\n") + 4;
    QCOMPARE(h.response.mid(body), h.error.toUtf8() + '\n');
    QVERIFY(h.response.contains("Content-Length: " + QByteArray::number(h.response.size() - body) + "\r\n"));
}

void TestWebSocketFrames::handshakeTooLong()
{
    QByteArray endless = "GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + QByteArray(maxHandshakeBytes, 'a');
    Handshake h = readHandshake(endless.constData(), endless.size());
    QCOMPARE(h.status, Handshake::Refused);
    QVERIFY(h.response.startsWith("HTTP/1.1 431 "));
    const QByteArray complete = request("X-Filler: " + QByteArray(maxHandshakeBytes, 'a') + "\r\n");
    h = readHandshake(complete.constData(), complete.size());
    QCOMPARE(h.status, Handshake::Refused);
    QVERIFY(h.response.startsWith("HTTP/1.1 431 "));
}

void TestWebSocketFrames::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii, long") << QByteArray(1000, 'a') << true;
    QTest::newRow("chinese") << QString::fromUtf8("中學英文 請問").toUtf8() << true;
    QTest::newRow("emoji") << QByteArray("\xF0\x9F\x98\x80 ok") << true;
    QTest::newRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF") << true;
    QTest::newRow("U+FFFF") << QByteArray("\xEF\xBF\xBF") << true;
    QTest::newRow("after 8 ascii") << QByteArray("abcdefgh\xC3\xA9") << true;
    QTest::newRow("lone continuation") << QByteArray("ab\x80") << false;
    QTest::newRow("overlong slash") << QByteArray("\xC0\xAF") << false;
    QTest::newRow("overlong 3 bytes") << QByteArray("\xE0\x80\xAF") << false;
    QTest::newRow("overlong 4 bytes") << QByteArray("\xF0\x80\x80\xAF") << false;
    QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << false;
    QTest::newRow("past U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
    QTest::newRow("F5") << QByteArray("\xF5\x80\x80\x80") << false;
    QTest::newRow("FF") << QByteArray("\xFF") << false;
    QTest::newRow("cut 2 bytes") << QByteArray("abc\xC3") << false;
    QTest::newRow("cut 4 bytes") << QByteArray("\xF0\x9F\x98") << false;
    QTest::newRow("bad second byte") << QByteArray("\xE4\x41\xAD") << false;
    QTest::newRow("invalid after 16 ascii") << QByteArray(16, 'x') + QByteArray("\xC3\x28") << false;
}

void TestWebSocketFrames::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(bytes.constData(), bytes.size()), valid);
}

void TestWebSocketFrames::headerLengths_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("0") << 0 << QByteArray("\x81\x00", 2);
    QTest::newRow("125") << 125 << QByteArray("\x81\x7D");
    QTest::newRow("126") << 126 << QByteArray("\x81\x7E\x00\x7E", 4);
    QTest::newRow("65535") << 65535 << QByteArray("\x81\x7E\xFF\xFF");
    QTest::newRow("65536") << 65536 << QByteArray("\x81\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10);
}

void TestWebSocketFrames::headerLengths()
{
    QFETCH(int, size);
    QFETCH(QByteArray, header);
    const QByteArray payload(size, 'p');
    const QByteArray out = frame(Opcode::Text, payload);
    QCOMPARE(out.left(header.size()), header);
    QCOMPARE(out.mid(header.size()), payload);
    char buffer[maxFrameHeaderBytes];
    QCOMPARE(writeFrameHeader(buffer, Opcode::Text, size), header.size());
}

void TestWebSocketFrames::closeFrameReasonCutAtACharacter()
{
    QCOMPARE(closeFrame(CloseCode::TooBig, QStringLiteral("big")), QByteArray("\x88\x05\x03\xF1"
                                                                              "big"));
    // 60 three-byte characters: the reason is cut to 123 bytes at most, on a character boundary.
    const QByteArray f = closeFrame(CloseCode::GoingAway, QString(60, QChar(0x4E2D)));
    const QByteArray reason = f.mid(4);
    QCOMPARE(reason.size(), 123);
    QVERIFY(isValidUtf8(reason.constData(), reason.size()));
    QCOMPARE(quint8(f.at(1)), quint8(125));
}

void TestWebSocketFrames::readsTextOfEveryLength_data()
{
    QTest::addColumn<int>("size");
    for (int size : {0, 1, 7, 8, 9, 125, 126, 127, 65535, 65536, 200000})
        QTest::addRow("%d", size) << size;
}

void TestWebSocketFrames::readsTextOfEveryLength()
{
    QFETCH(int, size);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char('a' + i % 26);
    FrameReader reader(1 << 20);
    const auto messages = readAll(reader, text(payload) + text("next"));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].kind, Message::Text);
    QCOMPARE(messages[0].payload, payload);
    QCOMPARE(messages[1].payload, QByteArray("next"));
    QCOMPARE(reader.buffered(), 0);
}

void TestWebSocketFrames::readsByteByByte()
{
    const QByteArray bytes =
        text(QString::fromUtf8("你好 🙂").toUtf8()) + clientFrame(0x89, "p") + text("x");
    FrameReader reader(1024);
    QList<Message> messages;
    for (char c : bytes) {
        reader.append(&c, 1);
        Message m;
        while (reader.next(&m))
            messages << m;
    }
    QCOMPARE(messages.size(), 3);
    QCOMPARE(QString::fromUtf8(messages[0].payload), QString::fromUtf8("你好 🙂"));
    QCOMPARE(messages[1].kind, Message::Ping);
    QCOMPARE(messages[1].payload, QByteArray("p"));
    QCOMPARE(messages[2].payload, QByteArray("x"));
}

void TestWebSocketFrames::bigMessageDoesNotKeepItsRoom()
{
    FrameReader reader(4 << 20);
    auto messages = readAll(reader, text(QByteArray(1 << 20, 'u')));
    QCOMPARE(messages.size(), 1);
    QVERIFY(reader.heldBytes() >= 1 << 20);
    // The next read starts from a buffer of its own size, not the megabyte.
    messages = readAll(reader, text("small"));
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].payload, QByteArray("small"));
    QVERIFY2(reader.heldBytes() <= FrameReader::kKeptCapacity,
             qPrintable(QString::number(reader.heldBytes())));
}

void TestWebSocketFrames::fragmentsWithControlFramesBetween()
{
    FrameReader reader(1024);
    const QByteArray bytes = clientFrame(0x01, "one ") + clientFrame(0x89, "ping") +
                             clientFrame(0x00, "two ") + clientFrame(0x8A, "") + clientFrame(0x80, "three");
    const auto messages = readAll(reader, bytes);
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages[0].kind, Message::Ping);
    QCOMPARE(messages[0].payload, QByteArray("ping"));
    QCOMPARE(messages[1].kind, Message::Pong);
    QCOMPARE(messages[2].kind, Message::Text);
    QCOMPARE(messages[2].payload, QByteArray("one two three"));
    // A binary message in fragments stays binary.
    const auto binary = readAll(reader, clientFrame(0x02, "\x01") + clientFrame(0x80, "\xFF"));
    QCOMPARE(binary.size(), 1);
    QCOMPARE(binary[0].kind, Message::Binary);
    QCOMPARE(binary[0].payload, QByteArray("\x01\xFF"));
}

void TestWebSocketFrames::utf8SplitAcrossFragments()
{
    // A character may be cut between two fragments; the message as a whole is what must be UTF-8.
    FrameReader reader(1024);
    const auto messages = readAll(reader, clientFrame(0x01, "\xE4\xB8") + clientFrame(0x80, "\xAD"));
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].kind, Message::Text);
    QCOMPARE(QString::fromUtf8(messages[0].payload), QString(QChar(0x4E2D)));
}

void TestWebSocketFrames::closeFrames()
{
    {
        FrameReader reader(1024);
        const auto messages = readAll(reader, clientFrame(0x88, "") + text("ignored"));
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].kind, Message::Close);
        QCOMPARE(messages[0].peerCode, quint16(0));
        QVERIFY(reader.finished());
    }
    {
        FrameReader reader(1024);
        const auto messages = readAll(reader, clientFrame(0x88, QByteArray("\x0F\xA0", 2) + "bye")); // 4000
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].kind, Message::Close);
        QCOMPARE(messages[0].peerCode, quint16(4000));
        QCOMPARE(messages[0].payload, QByteArray("bye"));
    }
}

void TestWebSocketFrames::failures_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("code");
    QTest::newRow("unmasked") << clientFrame(0x81, "hi", false) << 1002;
    QTest::newRow("reserved bit") << clientFrame(0xC1, "hi") << 1002;
    QTest::newRow("opcode 3") << clientFrame(0x83, "hi") << 1002;
    QTest::newRow("opcode 11") << clientFrame(0x8B, "") << 1002;
    QTest::newRow("ping in fragments") << clientFrame(0x09, "p") << 1002;
    QTest::newRow("ping of 126") << clientFrame(0x89, QByteArray(126, 'p')) << 1002;
    QTest::newRow("continuation first") << clientFrame(0x80, "x") << 1002;
    QTest::newRow("text inside fragments") << clientFrame(0x01, "a") + text("b") << 1002;
    QTest::newRow("close of one byte") << clientFrame(0x88, "\x03") << 1002;
    QTest::newRow("close code 1005") << clientFrame(0x88, "\x03\xED") << 1002;
    QTest::newRow("close code 999") << clientFrame(0x88, "\x03\xE7") << 1002;
    QTest::newRow("close reason not utf-8") << clientFrame(0x88, "\x03\xE8\xFF") << 1007;
    QTest::newRow("text not utf-8") << text("\xC0\xAF") << 1007;
    QTest::newRow("fragments not utf-8") << clientFrame(0x01, "\xE4") + clientFrame(0x80, "a") << 1007;
    QTest::newRow("too big") << text(QByteArray(1025, 'x')) << 1009;
    QTest::newRow("too big in fragments")
        << clientFrame(0x01, QByteArray(600, 'x')) + clientFrame(0x80, QByteArray(600, 'x')) << 1009;
    QByteArray huge("\x81\xFF", 2);
    huge += QByteArray("\x80\x00\x00\x00\x00\x00\x00\x01", 8) + "mask";
    QTest::newRow("64-bit length with the top bit") << huge << 1002;
}

void TestWebSocketFrames::failures()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, code);
    FrameReader reader(1024);
    const auto messages = readAll(reader, bytes);
    QVERIFY(!messages.isEmpty());
    QCOMPARE(messages.last().kind, Message::Failure);
    QCOMPARE(int(messages.last().code), code);
    QVERIFY(!messages.last().reason.isEmpty());
    QVERIFY(reader.finished());
}

void TestWebSocketFrames::tooBigBeforeThePayloadArrives()
{
    // The header alone is enough: a client announcing 1 GiB is refused before it is buffered.
    QByteArray header("\x81\xFF", 2);
    header += QByteArray("\x00\x00\x00\x00\x40\x00\x00\x00", 8);
    FrameReader reader(1024);
    const auto messages = readAll(reader, header);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].code, CloseCode::TooBig);
}

void TestWebSocketFrames::nothingAfterAFailure()
{
    FrameReader reader(1024);
    auto messages = readAll(reader, clientFrame(0x81, "x", false));
    QCOMPARE(messages.size(), 1);
    messages = readAll(reader, text("after"));
    QVERIFY(messages.isEmpty());
}

QTEST_APPLESS_MAIN(TestWebSocketFrames)
#include "tst_websocketframes.moc"
