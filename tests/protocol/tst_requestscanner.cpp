// parseRequest() reads the common request shape itself (requestscanner.h) and leaves the rest to
// QJsonDocument: whatever the frame, the result must be exactly parseRequestThroughQt()'s, down to
// whether a number is kept as an integer (which decides how the id is echoed). Compared on frames
// of every kind, and on thousands of mutations of them; and the scanner must really take the
// frames clients send, or the comparison would hold only because everything fell through.
#include "envelope.h"
#include "requestscanner.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QtTest>

using namespace sb::protocol;

namespace {

// Everything that can differ between two readings, as text.
QString describe(const std::variant<Request, ProtocolError> &parsed)
{
    if (const auto *e = std::get_if<ProtocolError>(&parsed))
        return QStringLiteral("error %1: %2; id %3")
            .arg(toString(e->code), e->message, QString::fromUtf8(encodeResult(e->id, {})));
    const Request &r = std::get<Request>(parsed);
    QStringList fields;
    for (const RequestArgs::Field &f : r.args.fields())
        fields << QStringLiteral("%1:%2:%3:%4")
                      .arg(QString::fromUtf8(f.key))
                      .arg(int(f.type))
                      .arg(f.integer)
                      .arg(QString::fromUtf8(
                          encodeResult(QJsonValue(), {{QStringLiteral("v"), RequestArgs::toJson(f)}})));
    fields.sort();
    // encodeResult writes the id as a reply would: an integer and a double differ there.
    return QStringLiteral("request %1 op [%2] args %3")
        .arg(QString::fromUtf8(encodeResult(r.id, {})), r.op, fields.join(QLatin1Char('|')));
}

const QList<QByteArray> &commonFrames()
{
    static const QList<QByteArray> frames = {
        R"({"id":1,"op":"customer.send","args":{"text":"Hello, is anyone there?"}})",
        R"({"id":2,"op":"message.send","args":{"conversation":"c-000000042","text":"您好！請問有什麼可以幫到您？😀"}})",
        R"({"id":"r-7","op":"inbox.snapshot"})",
        R"({"op":"status.set","id":9007199254740991,"args":{"status":"online"}})",
        R"( { "id" : 3 , "op" : "history" , "args" : { "beforeSeq" : 120 , "limit" : 50 } } )",
        "{\n\t\"id\": 4,\r\n \"op\": \"message.send\",\n \"args\": {\"conversation\": \"c1\", \"text\": "
        "\"line\\nbreak \\\"quoted\\\" \\\\ \\/ \\b\\f\\r\\t \\u00e9 \\ud83d\\ude00\", \"note\": true}\n}",
        R"({"id":5,"op":"conversation.transfer","args":{"conversation":"c1","toGroup":"sales","toAgent":null}})",
        R"({"id":6,"op":"message.send","args":{"conversation":"c1","text":"x","attachments":[1,2,3]}})",
        R"({"id":7,"op":"admin.agent.upsert","args":{"id":"a1","groups":["sales","vip"],"skills":[],"vipDedicated":false}})",
        R"({"id":8,"op":"admin.group.upsert","args":{"id":"g","hours":{"mon":[[540,1080]],"tz":"Asia/Hong_Kong"}}})",
        R"({"id":9,"op":"survey.rate","args":{"score":5,"comment":""}})",
        R"({"id":10,"op":"x","args":{}})",
        R"({"id":11,"op":"x","args":null})",
        R"({"id":12,"op":"x","args":{"n":-0,"m":1.5,"e":1e3,"E":-2.5E-3,"big":12345678901234567890,"neg":-9223372036854775808}})",
    };
    return frames;
}

const QList<QByteArray> &otherFrames()
{
    static const QList<QByteArray> frames = {
        "",
        " ",
        "{",
        "}",
        "[]",
        "[1]",
        "null",
        "42",
        R"("s")",
        "{}",
        R"({"id":1})",
        R"({"op":"x"})",
        R"({"id":1,"op":""})",
        R"({"id":-1,"op":"x"})",
        R"({"id":1.5,"op":"x"})",
        R"({"id":1e2,"op":"x"})",
        R"({"id":9007199254740992,"op":"x"})",
        R"({"id":"","op":"x"})",
        R"({"id":true,"op":"x"})",
        R"({"id":null,"op":"x"})",
        R"({"id":[1],"op":"x"})",
        R"({"id":1,"op":7})",
        R"({"id":1,"op":"x","args":[]})",
        R"({"id":1,"op":"x","args":"a"})",
        R"({"id":1,"op":"x","args":5})",
        R"({"id":1,"op":"x","extra":true})",
        R"({"id":1,"id":2,"op":"x"})",
        R"({"id":1,"op":"x","args":{"a":1,"a":2}})",
        R"({"id":1,"op":"x","args":{"te\u0078t":"escaped key"}})",
        R"({"id":1,"op":"x","args":{"t":"\u12"}})",
        R"({"id":1,"op":"x","args":{"t":"\q"}})",
        R"({"id":1,"op":"x","args":{"t":"\ud800 lone"}})",
        "{\"id\":1,\"op\":\"x\",\"args\":{\"t\":\"tab\there\"}}",
        "{\"id\":1,\"op\":\"x\",\"args\":{\"t\":\"bad \xff\xfe utf8\"}}",
        "{\"id\":1,\"op\":\"x\",\"args\":{\"t\":\"overlong \xc0\xaf\"}}",
        "{\"id\":1,\"op\":\"x\",\"args\":{\"t\":\"cut \xe4\xbd\"}}",
        "\xef\xbb\xbf{\"id\":1,\"op\":\"x\"}",
        R"({"id":1,"op":"x"} trailing)",
        R"({"id":1,"op":"x"}{})",
        R"({"id":1,"op":"x",})",
        R"({"id":1,"op":"x","args":{"a":1,}})",
        R"({"id":1,"op":"x","args":{"a":01}})",
        R"({"id":1,"op":"x","args":{"a":1.}})",
        R"({"id":1,"op":"x","args":{"a":.5}})",
        R"({"id":1,"op":"x","args":{"a":+1}})",
        R"({"id":1,"op":"x","args":{"a":1e}})",
        R"({"id":1,"op":"x","args":{"a":1e400}})",
        R"({"id":1,"op":"x","args":{"a":-}})",
        R"({"id":1,"op":"x","args":{"a":tru}})",
        R"({"id":1,"op":"x","args":{"a":nul}})",
        R"({"id":1,"op":"x","args":{"a":[1,2}})",
        R"({"id":1,"op":"x","args":{"a":{"b":[}}})",
        R"({"id":1,"op":"x","args":{"a":"]}"}})",
        R"({"id":1,"op":"x","args":{"a":["]}\"", {"c":"}"}]}})",
        R"({"id":1,"op":"x","args":{"a" 1}})",
        R"({"id" 1,"op":"x"})",
        R"({id:1,"op":"x"})",
        R"({"id":1,"op":"x","args":{"a":"unterminated}})",
        "{\"id\":1,\"op\":\"x\",\"args\":{\"a\":\"nul \\u0000 inside\"}}",
        QByteArray("{\"id\":1,\"op\":\"x\",\"args\":{\"a\":\"raw nul ") + QByteArray(1, '\0') + "\"}}",
    };
    return frames;
}

} // namespace

class TestRequestScanner : public QObject
{
    Q_OBJECT
private slots:
    void takesTheCommonFrames();
    void agreesWithQJsonDocument_data();
    void agreesWithQJsonDocument();
    void agreesOnMutations();
};

void TestRequestScanner::takesTheCommonFrames()
{
    for (const QByteArray &frame : commonFrames()) {
        ScannedRequest scanned;
        QVERIFY2(scanRequest(frame, &scanned), frame.constData());
    }
    ScannedRequest scanned;
    QVERIFY(scanRequest(commonFrames().at(1), &scanned));
    QCOMPARE(scanned.id, QJsonValue(2));
    QCOMPARE(scanned.op, QStringLiteral("message.send"));
    QCOMPARE(scanned.args.fields().size(), size_t(2));
    QCOMPARE(scanned.args.find(QLatin1String("text"))->string,
             QStringLiteral("您好！請問有什麼可以幫到您？😀"));
    QVERIFY(!scanned.args.contains(QLatin1String("note")));

    // The keys are the frame's own bytes, and outlive it: a frame that does not own its bytes is
    // copied first.
    RequestArgs kept;
    {
        QByteArray buffer(commonFrames().at(1).constData(), commonFrames().at(1).size()); // its own bytes
        {
            ScannedRequest raw;
            QVERIFY(scanRequest(QByteArray::fromRawData(buffer.constData(), buffer.size()), &raw));
            kept = raw.args;
        }
        buffer.fill('x');
    }
    QCOMPARE(kept.fields().size(), size_t(2));
    QVERIFY(kept.contains(QLatin1String("conversation")));
    QCOMPARE(kept.find(QLatin1String("text"))->string, QStringLiteral("您好！請問有什麼可以幫到您？😀"));
}

void TestRequestScanner::agreesWithQJsonDocument_data()
{
    QTest::addColumn<QByteArray>("frame");
    int i = 0;
    for (const QByteArray &frame : commonFrames() + otherFrames())
        QTest::addRow("%d %s", i++, frame.left(60).toPercentEncoding(" {}[]:,\"").constData()) << frame;
}

void TestRequestScanner::agreesWithQJsonDocument()
{
    QFETCH(QByteArray, frame);
    QCOMPARE(describe(parseRequest(frame)), describe(parseRequestThroughQt(frame)));
}

void TestRequestScanner::agreesOnMutations()
{
    // Each common frame, changed in one to three places: a byte replaced by one that matters to
    // JSON, removed, or doubled, or the frame cut short.
    static const char interesting[] = "{}[]\":,\\ -+.0123456789eEtrufalsn\x01\x7f\x80\xbf\xc3\xe4\xf0\xff";
    QRandomGenerator random(20261206);
    int scanned = 0;
    int compared = 0;
    for (int round = 0; round < 4000; ++round) {
        QByteArray frame = commonFrames().at(int(random.bounded(commonFrames().size())));
        const int changes = 1 + int(random.bounded(3));
        for (int c = 0; c < changes && !frame.isEmpty(); ++c) {
            const int at = int(random.bounded(frame.size()));
            switch (random.bounded(4)) {
            case 0:
                frame[at] = interesting[random.bounded(int(sizeof interesting - 1))];
                break;
            case 1:
                frame.remove(at, 1);
                break;
            case 2:
                frame.insert(at, frame.at(at));
                break;
            default:
                frame.truncate(at);
                break;
            }
        }
        ScannedRequest s;
        scanned += scanRequest(frame, &s) ? 1 : 0;
        const QString fast = describe(parseRequest(frame));
        const QString slow = describe(parseRequestThroughQt(frame));
        if (fast != slow)
            QFAIL(qPrintable(
                QStringLiteral("frame %1\n  parseRequest:          %2\n  parseRequestThroughQt: %3")
                    .arg(QString::fromLatin1(frame.toPercentEncoding(" {}[]:,\"")), fast, slow)));
        ++compared;
    }
    QCOMPARE(compared, 4000);
    // Enough of them still scanned for the comparison to cover the scanner, not only its refusals.
    QVERIFY2(scanned > 400, qPrintable(QString::number(scanned)));
    qInfo("%d of %d mutated frames read by the scanner", scanned, compared);
}

QTEST_GUILESS_MAIN(TestRequestScanner)
#include "tst_requestscanner.moc"
