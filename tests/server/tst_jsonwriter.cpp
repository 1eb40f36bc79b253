// JSON written straight into bytes (JsonWriter) against QJsonDocument: every kind of string and
// value reads back the same; the journal's encoded customer.message matches the QJsonObject one and
// replays; the message.new head matches messageJson.

#include "coordinatorservice.h"
#include "enginejournal.h"
#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sb;

class TestJsonWriter : public QObject
{
    Q_OBJECT

private slots:
    void strings_data();
    void strings();
    void values_data();
    void values();
    void nested();
    void customerMessageEncoded_data();
    void customerMessageEncoded();
    void customerMessageReplays();
    void messageEventHead();
};

namespace {
QJsonValue parseOne(const QByteArray &json, QString *error)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + json + "]", &e);
    if (!doc.isArray() || doc.array().size() != 1) {
        *error = e.errorString() + QLatin1String(" in ") + QString::fromUtf8(json);
        return QJsonValue::Undefined;
    }
    return doc.array().first();
}

QString chars(std::initializer_list<char16_t> units)
{
    QString s;
    for (char16_t u : units)
        s.append(QChar(u));
    return s;
}
} // namespace

void TestJsonWriter::strings_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("ascii") << QStringLiteral("hello, world");
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ back\\slash /");
    QTest::newRow("named controls") << QStringLiteral("a\nb\rc\td\be\ff");
    QTest::newRow("other controls") << chars({0x01, 0x1f, 0x00, 'x', 0x7f});
    QTest::newRow("latin-1") << QStringLiteral("café déjà vu");
    QTest::newRow("two bytes") << QStringLiteral("Ωμέγα ߿");
    QTest::newRow("cjk") << QStringLiteral("你好，請問今天營業嗎？");
    QTest::newRow("emoji (surrogate pair)") << QStringLiteral("ok 👍🏽 𝄞");
    QTest::newRow("last BMP") << chars({0xfffd, 0xffff, 0xe000});
    QTest::newRow("lone high surrogate") << chars({'a', 0xd83d, 'b'});
    QTest::newRow("lone low surrogate") << chars({'a', 0xdc4d, 'b'});
    QTest::newRow("high surrogate at the end") << chars({'a', 0xd83d});
    QTest::newRow("low before high") << chars({0xdc4d, 0xd83d});
}

void TestJsonWriter::strings()
{
    QFETCH(QString, text);
    QByteArray out;
    JsonWriter::appendString(out, text);
    QString error;
    const QJsonValue back = parseOne(out, &error);
    QVERIFY2(back.isString(), qPrintable(error));
    QCOMPARE(back.toString(), text);
    // Where QJsonDocument gives well-formed UTF-8, the bytes read back as that text too.
    const QByteArray qt = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    QCOMPARE(parseOne(qt.mid(1, qt.size() - 2), &error), parseOne(out, &error));
}

void TestJsonWriter::values_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("string") << QJsonValue(QStringLiteral("req-1"));
    QTest::newRow("zero") << QJsonValue(0);
    QTest::newRow("integer") << QJsonValue(42);
    QTest::newRow("negative") << QJsonValue(-7);
    QTest::newRow("large") << QJsonValue(qint64(9007199254740991));
    QTest::newRow("too large to be exact") << QJsonValue(1e300);
    QTest::newRow("fraction") << QJsonValue(1.5);
    QTest::newRow("true") << QJsonValue(true);
    QTest::newRow("false") << QJsonValue(false);
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
    QTest::newRow("array") << QJsonValue(QJsonArray{1, "two"});
    QTest::newRow("object") << QJsonValue(QJsonObject{{"a", 1}});
}

void TestJsonWriter::values()
{
    QFETCH(QJsonValue, value);
    QByteArray out;
    JsonWriter::appendValue(out, value);
    QString error;
    const QJsonValue back = parseOne(out, &error);
    QVERIFY2(!back.isUndefined(), qPrintable(error));
    QCOMPARE(back, value);
    // The same text as QJsonDocument, so a reply's id reads back exactly as before.
    const QByteArray qt = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    QCOMPARE(out, qt.mid(1, qt.size() - 2));
}

void TestJsonWriter::nested()
{
    JsonWriter w;
    w.beginObject()
        .field("id", QJsonValue(7))
        .beginObject("result")
        .field("conversation", QStringLiteral("c-1"))
        .field("n", qint64(-3))
        .field("ok", true)
        .beginObject("empty")
        .endObject()
        .endObject()
        .field("after", QStringLiteral("x"))
        .endObject();
    QCOMPARE(QJsonDocument::fromJson(w.bytes()).object(),
             (QJsonObject{
                 {"id", 7},
                 {"result",
                  QJsonObject{{"conversation", "c-1"}, {"n", -3}, {"ok", true}, {"empty", QJsonObject()}}},
                 {"after", "x"}}));
    // Exactly what the protocol's encoder writes for the same object.
    QCOMPARE(
        w.bytes(),
        QByteArray(R"({"id":7,"result":{"conversation":"c-1","n":-3,"ok":true,"empty":{}},"after":"x"})"));
}

void TestJsonWriter::customerMessageEncoded_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << QStringLiteral("hello");
    QTest::newRow("cjk and emoji") << QStringLiteral("你好 👍");
    QTest::newRow("escapes") << QStringLiteral("\"quoted\"\n\ttab \\ \x01");
}

void TestJsonWriter::customerMessageEncoded()
{
    QFETCH(QString, text);
    const QString conv = QStringLiteral("c-abc"), customer = QStringLiteral("cu-1"),
                  channel = QStringLiteral("web");
    const EngineEvent plain = journal::customerMessage(conv, customer, channel, text);
    const EngineEvent encoded = journal::customerMessageEncoded(conv, customer, channel, text);
    QCOMPARE(encoded.type, plain.type);
    QVERIFY(encoded.payload.isEmpty());
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(encoded.payloadJson, &e);
    QVERIFY2(doc.isObject(), qPrintable(e.errorString()));
    QCOMPARE(doc.object(), plain.payload);
    // The stored text itself is what the writer made of the QJsonObject before.
    if (QTest::currentDataTag() == QByteArray("plain") ||
        QTest::currentDataTag() == QByteArray("cjk and emoji"))
        QCOMPARE(encoded.payloadJson, QJsonDocument(plain.payload).toJson(QJsonDocument::Compact));
}

void TestJsonWriter::customerMessageReplays()
{
    // An encoded event given to journal::apply (as a replay of the store would not, but a host
    // might) routes like the QJsonObject one.
    QString error;
    const auto site = SiteConfig::fromJson(R"({"channels": [{"id": "web"}], "groups": [{"id": "g"}],
        "agents": [{"id": "a", "groups": "g", "status": "online"}], "rules": [{"id": "r", "groups": "g"}]})",
                                           &error);
    QVERIFY2(site, qPrintable(error));
    ManualClock clock(1764000000000);
    RoutingEngine engine(clock);
    QVERIFY(engine.loadSite(*site).ok);
    const EngineResult r =
        journal::apply(engine, journal::customerMessageEncoded(QStringLiteral("c1"), QStringLiteral("cu"),
                                                               QStringLiteral("web"), QStringLiteral("hi")));
    QVERIFY2(r.ok, qPrintable(r.message));
    QCOMPARE(engine.conversation(QStringLiteral("c1"))->agent, QStringLiteral("a"));
}

void TestJsonWriter::messageEventHead()
{
    Message m;
    m.id = 12345;
    m.conversationId = QStringLiteral("c-xyz");
    m.seq = 7;
    m.senderKind = SenderKind::Customer;
    m.senderId = QStringLiteral("cu-9");
    m.kind = MessageKind::Text;
    m.body = QStringLiteral("Is the \"shop\" open?\n你好 👍");
    m.createdAt = 1764000000123;
    for (bool attachment : {false, true}) {
        if (attachment) {
            m.kind = MessageKind::Image;
            m.attachment = Attachment{"photo \"1\".jpg", "image/jpeg", 2048, {}, {}};
        }
        const QByteArray frame = CoordinatorService::messageEventHead(m) + "99}";
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(frame, &e);
        QVERIFY2(doc.isObject(),
                 qPrintable(e.errorString() + QLatin1String(": ") + QString::fromUtf8(frame)));
        QCOMPARE(doc.object(),
                 (QJsonObject{
                     {"event", "message.new"}, {"data", CoordinatorService::messageJson(m)}, {"seq", 99}}));
    }
}

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
