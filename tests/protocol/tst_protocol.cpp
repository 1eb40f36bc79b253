// The wire format: exact bytes of each frame kind, and every way a request can be malformed.
#include "envelope.h"
#include "operations.h"
#include "protocol.h"

#include <QtTest>

using namespace sb::protocol;

class TestProtocol : public QObject
{
    Q_OBJECT
private slots:
    void encodesExactBytes();
    void parsesRequest();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void validatesArguments_data();
    void validatesArguments();
    void parsesIncoming();
    void rejectsBadIncoming();
    void catalogueIsConsistent();
    void documentedInProtocolMd();
};

void TestProtocol::encodesExactBytes()
{
    QCOMPARE(encodeRequest(7, QStringLiteral("conversation.claim"), {{QStringLiteral("conversation"), QStringLiteral("c1")}}),
             QByteArray(R"({"args":{"conversation":"c1"},"id":7,"op":"conversation.claim"})"));
    QCOMPARE(encodeResult(QStringLiteral("r-1"), {{QStringLiteral("ok"), true}}), QByteArray(R"({"id":"r-1","result":{"ok":true}})"));
    QCOMPARE(encodeError(7, ErrorCode::AtCap, QStringLiteral("alice already has 5 of 5 conversations")),
             QByteArray(R"({"error":{"code":"at-cap","message":"alice already has 5 of 5 conversations"},"id":7})"));
    QCOMPARE(encodeError(QJsonValue(), ErrorCode::BadJson, QStringLiteral("x")), QByteArray(R"({"error":{"code":"bad-json","message":"x"},"id":null})"));
    QCOMPARE(encodeEvent(42, QStringLiteral("message.new"), {{QStringLiteral("text"), QStringLiteral("你好")}}),
             QByteArray(R"({"data":{"text":"你好"},"event":"message.new","seq":42})"));
}

void TestProtocol::parsesRequest()
{
    const auto parsed = parseRequest(R"({"id": 12, "op": "message.send", "args": {"conversation": "c9", "text": "hi"}})");
    QVERIFY(std::holds_alternative<Request>(parsed));
    const Request r = std::get<Request>(parsed);
    QCOMPARE(r.id.toInt(), 12);
    QCOMPARE(r.op, QStringLiteral("message.send"));
    QCOMPARE(r.args.value(QLatin1String("text")).toString(), QStringLiteral("hi"));
    // args may be left out.
    QVERIFY(std::holds_alternative<Request>(parseRequest(R"({"id": "a", "op": "inbox.snapshot"})")));
}

void TestProtocol::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QJsonValue>("id");
    QTest::newRow("not json") << QByteArray("{id: 1") << "bad-json" << QJsonValue();
    QTest::newRow("empty") << QByteArray() << "bad-json" << QJsonValue();
    QTest::newRow("array") << QByteArray("[1,2]") << "bad-json" << QJsonValue();
    QTest::newRow("no id") << QByteArray(R"({"op":"hello"})") << "bad-request" << QJsonValue();
    QTest::newRow("negative id") << QByteArray(R"({"id":-1,"op":"hello"})") << "bad-request" << QJsonValue();
    QTest::newRow("fraction id") << QByteArray(R"({"id":1.5,"op":"hello"})") << "bad-request" << QJsonValue();
    QTest::newRow("object id") << QByteArray(R"({"id":{},"op":"hello"})") << "bad-request" << QJsonValue();
    QTest::newRow("long id") << (QByteArray(R"({"id":")") + QByteArray(200, 'x') + R"(","op":"hello"})") << "bad-request" << QJsonValue();
    QTest::newRow("no op") << QByteArray(R"({"id":3})") << "bad-request" << QJsonValue(3);
    QTest::newRow("op number") << QByteArray(R"({"id":3,"op":5})") << "bad-request" << QJsonValue(3);
    QTest::newRow("args array") << QByteArray(R"({"id":"q","op":"hello","args":[]})") << "bad-request" << QJsonValue(QStringLiteral("q"));
    QTest::newRow("too large") << QByteArray(Limits::maxFrameBytes + 1, ' ') << "frame-too-large" << QJsonValue();
}

void TestProtocol::rejectsMalformed()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, code);
    QFETCH(QJsonValue, id);
    const auto parsed = parseRequest(frame);
    QVERIFY(std::holds_alternative<ProtocolError>(parsed));
    const ProtocolError e = std::get<ProtocolError>(parsed);
    QCOMPARE(toString(e.code), code);
    QCOMPARE(e.id, id);
    QVERIFY(!e.message.isEmpty());
}

void TestProtocol::validatesArguments_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::newRow("ok") << QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","text":"hi","note":true}})") << "";
    QTest::newRow("extra fields ignored") << QByteArray(R"({"id":1,"op":"conversation.close","args":{"conversation":"c1","later":1}})") << "";
    QTest::newRow("missing") << QByteArray(R"({"id":1,"op":"conversation.close","args":{}})") << "conversation.close: \"conversation\" is required";
    QTest::newRow("wrong type") << QByteArray(R"({"id":1,"op":"conversation.close","args":{"conversation":7}})") << "conversation.close: \"conversation\" must be a string";
    QTest::newRow("empty string") << QByteArray(R"({"id":1,"op":"conversation.close","args":{"conversation":""}})") << "conversation.close: \"conversation\" must have 1 to 128 characters, not 0";
    QTest::newRow("text too long") << (QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","text":")") + QByteArray(8001, 'a') + "\"}}") << "message.send: \"text\" must have 0 to 8000 characters, not 8001";
    QTest::newRow("score range") << QByteArray(R"({"id":1,"op":"survey.rate","args":{"score":6}})") << "survey.rate: \"score\" must be from 1 to 5";
    QTest::newRow("score fraction") << QByteArray(R"({"id":1,"op":"survey.rate","args":{"score":4.5}})") << "survey.rate: \"score\" must be a whole number";
    QTest::newRow("bool") << QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","note":"yes"}})") << "message.send: \"note\" must be true or false";
    QTest::newRow("array item") << QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","attachments":[1]}})") << "message.send: \"attachments\" must hold strings of 1 to 128 characters";
    QTest::newRow("team ok") << QByteArray(R"({"id":1,"op":"team.create","args":{"id":"north","name":"North","parent":"root"}})") << "";
    QTest::newRow("team no name") << QByteArray(R"({"id":1,"op":"team.create","args":{"id":"north"}})") << "team.create: \"name\" is required";
    QTest::newRow("team parent type") << QByteArray(R"({"id":1,"op":"team.create","args":{"id":"north","name":"North","parent":3}})") << "team.create: \"parent\" must be a string";
    QTest::newRow("team empty parent") << QByteArray(R"({"id":1,"op":"team.create","args":{"id":"north","name":"North","parent":""}})") << "team.create: \"parent\" must have 1 to 128 characters, not 0";
    QTest::newRow("emoji are one character each") << (QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","text":")") + QByteArray("\xF0\x9F\x98\x80").repeated(8000) + "\"}}") << "";
    QTest::newRow("emoji past the limit") << (QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","text":")") + QByteArray("\xF0\x9F\x98\x80").repeated(7999) + "ab\"}}") << "message.send: \"text\" must have 0 to 8000 characters, not 8001";
    QTest::newRow("emoji password too short") << QByteArray("{\"id\":1,\"op\":\"auth.setup\",\"args\":{\"login\":\"root\",\"password\":\"" + QByteArray("\xF0\x9F\x94\x91").repeated(6) + "\",\"displayName\":\"Root\"}}") << "auth.setup: \"password\" must have 12 to 1024 characters, not 6";
    QTest::newRow("escaped pair counts once") << (QByteArray(R"({"id":1,"op":"message.send","args":{"conversation":"c1","text":")") + QByteArray("\\ud83d\\ude00").repeated(8000) + "\"}}") << "";
    QTest::newRow("short password") << QByteArray(R"({"id":1,"op":"auth.setup","args":{"login":"root","password":"short","displayName":"Root"}})") << "auth.setup: \"password\" must have 12 to 1024 characters, not 5";
}

void TestProtocol::validatesArguments()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, error);
    const Request r = std::get<Request>(parseRequest(frame));
    const OperationSpec *spec = findOperation(r.op);
    QVERIFY(spec);
    const auto result = validate(*spec, r);
    if (error.isEmpty()) {
        QVERIFY2(!result, result ? qPrintable(result->message) : "");
    } else {
        QVERIFY(result);
        QCOMPARE(toString(result->code), QStringLiteral("bad-request"));
        QCOMPARE(result->message, error);
        QCOMPARE(result->id.toInt(), 1);
    }
}

void TestProtocol::parsesIncoming()
{
    auto in = std::get<Incoming>(parseIncoming(encodeEvent(9, QStringLiteral("queue.changed"), {{QStringLiteral("n"), 3}})));
    QCOMPARE(in.kind, Incoming::Event);
    QCOMPARE(in.seq, quint64(9));
    QCOMPARE(in.event, QStringLiteral("queue.changed"));
    QCOMPARE(in.payload.value(QStringLiteral("n")).toInt(), 3);
    in = std::get<Incoming>(parseIncoming(encodeError(4, ErrorCode::Forbidden, QStringLiteral("not yours"))));
    QCOMPARE(in.kind, Incoming::Error);
    QCOMPARE(toString(in.code), QStringLiteral("forbidden"));
    QCOMPARE(in.id.toInt(), 4);
    QCOMPARE(in.message, QStringLiteral("not yours"));
    in = std::get<Incoming>(parseIncoming(encodeResult(5, {{QStringLiteral("token"), QStringLiteral("t")}})));
    QCOMPARE(in.kind, Incoming::Result);
    QCOMPARE(in.payload.value(QStringLiteral("token")).toString(), QStringLiteral("t"));
    // A code from a newer server is still an error the client can show.
    in = std::get<Incoming>(parseIncoming(R"({"id":1,"error":{"code":"from-the-future","message":"m"}})"));
    QCOMPARE(toString(in.code), QStringLiteral("internal"));
}

void TestProtocol::rejectsBadIncoming()
{
    QVERIFY(std::holds_alternative<QString>(parseIncoming("nonsense")));
    QVERIFY(std::holds_alternative<QString>(parseIncoming(R"({"id":1})")));
    QVERIFY(std::holds_alternative<QString>(parseIncoming(R"({"event":"x"})")));
}

void TestProtocol::catalogueIsConsistent()
{
    QSet<QString> names;
    for (const OperationSpec &op : operations()) {
        const QString name = QLatin1String(op.name);
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QVERIFY(findOperation(name) == &op);
        QVERIFY(QByteArray(op.summary).size() > 10);
    }
    QVERIFY(!findOperation(QStringLiteral("conversation.delete")));
    QVERIFY(names.contains(QStringLiteral("hello")));
}

void TestProtocol::documentedInProtocolMd()
{
    // docs/PROTOCOL.md is the contract: every operation and error code must appear in it.
    QFile doc(QStringLiteral(SB_SOURCE_DIR "/docs/PROTOCOL.md"));
    QVERIFY(doc.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(doc.readAll());
    for (const OperationSpec &op : operations())
        QVERIFY2(text.contains(QStringLiteral("| `%1` |").arg(QLatin1String(op.name))), op.name);
    for (int c = 0; c <= static_cast<int>(ErrorCode::Internal); ++c) {
        const QString code = toString(static_cast<ErrorCode>(c));
        QVERIFY2(text.contains(QStringLiteral("| `%1` |").arg(code)), qPrintable(code));
    }
    QVERIFY(text.contains(QStringLiteral("Protocol version **%1**").arg(kVersion)));
}

QTEST_APPLESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
