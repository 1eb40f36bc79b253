// JSON written straight into bytes (JsonWriter) against QJsonDocument: every kind of string and
// value reads back the same; the journal's encoded customer.message matches the QJsonObject one and
// replays; the message.new head matches messageJson.

#include "coordinatorservice.h"
#include "enginejournal.h"
#include "envelope.h"
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
    void messageEventHead_data();
    void messageEventHead();
    void messageJsonMembers();
    void objectBuilder();
    void buffersAreReusedSafely();
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
    // Every unit at its longest (six bytes each), so the writer's room for the worst case is used up.
    QTest::newRow("only escapes") << QString(4000, QChar(0x01));
    QTest::newRow("long mixed") << QStringLiteral("中 \"x\"\n👍 \x02").repeated(3000);
    // Plain text goes eight units at a time: each kind of unit that is not plain, at each place in
    // and around a block, in texts of each length up to three blocks.
    const char16_t notPlain[] = {'"', '\\', 0x1f, 0x00, 0x80, 0xe9, 0x4e2d, 0xd83d, 0xdc4d, 0xffff};
    for (char16_t u : notPlain) {
        for (int length = 1; length <= 24; ++length) {
            for (int at = 0; at < length; ++at) {
                QString text = QStringLiteral("abcdefghijklmnopqrstuvwx").left(length);
                text[at] = QChar(u);
                QTest::addRow("0x%x at %d of %d", unsigned(u), at, length) << text;
            }
        }
    }
    // Plain at the edges of what is plain: space, '!', '#', '[', ']', '~', DEL.
    QTest::newRow("plain boundaries") << QStringLiteral(" !#[]~\x7f !#[]~\x7f !#[]~\x7f~");
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
    // The room asked for is enough.
    QVERIFY(out.size() <= JsonWriter::stringRoom(text));
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

void TestJsonWriter::messageEventHead_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("sender");
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("attachment");
    const auto row = [](const char *tag, MessageKind kind, SenderKind sender, const QString &body,
                        bool attachment) {
        QTest::newRow(tag) << int(kind) << int(sender) << body << attachment;
    };
    row("customer text", MessageKind::Text, SenderKind::Customer,
        QStringLiteral("Is the \"shop\" open?\n你好 👍"), false);
    row("agent text", MessageKind::Text, SenderKind::Agent, QStringLiteral("Yes, until 9 p.m."), false);
    row("agent note", MessageKind::Note, SenderKind::Agent, QStringLiteral("VIP: be quick \\ polite"), false);
    row("system", MessageKind::Text, SenderKind::System, QStringLiteral("Alice joined the conversation"),
        false);
    row("empty text", MessageKind::Text, SenderKind::Customer, QString(), false);
    row("customer image", MessageKind::Image, SenderKind::Customer, QString(), true);
    row("agent file with text", MessageKind::File, SenderKind::Agent, QStringLiteral("the form 表格"), true);
}

void TestJsonWriter::messageEventHead()
{
    // message.new's head (written as bytes for every message) and messageJson (the history
    // replies) come from one list of members: the frame is exactly what encoding an event around
    // messageJson gives, byte for byte, for every kind of message.
    QFETCH(int, kind);
    QFETCH(int, sender);
    QFETCH(QString, body);
    QFETCH(bool, attachment);
    Message m;
    m.id = 12345;
    m.conversationId = QStringLiteral("c-xyz");
    m.seq = 7;
    m.senderKind = SenderKind(sender);
    m.senderId = m.senderKind == SenderKind::System ? QString() : QStringLiteral("someone-9");
    m.kind = MessageKind(kind);
    m.body = body;
    m.createdAt = 1764000000123;
    if (attachment)
        m.attachment = Attachment{"photo \"1\".jpg", "image/jpeg", 2048, {}, {}};
    const QByteArray frame = CoordinatorService::messageEventHead(m) + "99}";
    const auto parsed = protocol::parseIncoming(frame);
    QVERIFY2(std::holds_alternative<protocol::Incoming>(parsed), frame.constData());
    const auto &in = std::get<protocol::Incoming>(parsed);
    QCOMPARE(in.event, QStringLiteral("message.new"));
    QCOMPARE(in.seq, quint64(99));
    QCOMPARE(in.payload, CoordinatorService::messageJson(m));
    QCOMPARE(frame, "{\"event\":\"message.new\",\"data\":" +
                        QJsonDocument(CoordinatorService::messageJson(m)).toJson(QJsonDocument::Compact) +
                        ",\"seq\":99}");
}

void TestJsonWriter::messageJsonMembers()
{
    // What the protocol lists for a message (docs/PROTOCOL.md), spelled out once more here, so a
    // member lost from the shared writer shows in both encodings and is caught.
    Message m;
    m.id = 5;
    m.conversationId = QStringLiteral("c-1");
    m.seq = 2;
    m.senderKind = SenderKind::Agent;
    m.senderId = QStringLiteral("alice");
    m.kind = MessageKind::Image;
    m.body = QStringLiteral("see");
    m.createdAt = 1764000000000;
    m.attachment = Attachment{"a.png", "image/png", 10, {}, {}};
    QCOMPARE(CoordinatorService::messageJson(m),
             (QJsonObject{
                 {"conversation", "c-1"},
                 {"id", 5},
                 {"seq", 2},
                 {"sender", "agent"},
                 {"senderId", "alice"},
                 {"kind", "image"},
                 {"text", "see"},
                 {"at", qint64(1764000000000)},
                 {"attachment",
                  QJsonObject{{"id", "c-1/2/5"}, {"name", "a.png"}, {"mime", "image/png"}, {"size", 10}}}}));
    m.attachment.reset();
    QVERIFY(!CoordinatorService::messageJson(m).contains("attachment"));
}

void TestJsonWriter::objectBuilder()
{
    // JsonObjectBuilder takes JsonWriter's calls and gives the QJsonObject the bytes parse to.
    const auto write = [](auto &w) {
        w.beginObject()
            .field("s", QStringLiteral("x \"y\""))
            .field("n", qint64(-3))
            .field("b", false)
            .field("v", QJsonValue(QJsonArray{1, "two"}))
            .beginObject("inner")
            .field("deep", true)
            .beginObject("empty")
            .endObject()
            .endObject()
            .field("after", qint64(9007199254740991))
            .endObject();
    };
    JsonWriter bytes;
    write(bytes);
    JsonObjectBuilder built;
    write(built);
    const QJsonObject object = built.take();
    QCOMPARE(object, QJsonDocument::fromJson(bytes.bytes()).object());
    QCOMPARE(object.value("inner").toObject().value("empty").toObject(), QJsonObject());
    QCOMPARE(object.value("after").toInteger(), qint64(9007199254740991));
}

void TestJsonWriter::buffersAreReusedSafely()
{
    QByteArray taken, shared;
    {
        JsonWriter w(4096);
        w.beginObject().field("a", QStringLiteral("first")).endObject();
        taken = w.take();
    }
    QCOMPARE(taken, QByteArray(R"({"a":"first"})"));
    QVERIFY2(taken.capacity() < 64, qPrintable(QString::number(taken.capacity()))); // not the 4 KB room
    {
        JsonWriter w; // the buffer the first one used
        w.beginObject().field("b", QStringLiteral("second")).endObject();
        shared = w.bytes();
    }
    {
        JsonWriter w;     // and again, while `shared` still holds its text
        JsonWriter inner; // two at once: each its own buffer
        w.beginObject().field("c", QStringLiteral("third"));
        inner.beginObject().field("d", QStringLiteral("fourth")).endObject();
        w.endObject();
        QCOMPARE(w.take(), QByteArray(R"({"c":"third"})"));
        QCOMPARE(inner.take(), QByteArray(R"({"d":"fourth"})"));
    }
    QCOMPARE(taken, QByteArray(R"({"a":"first"})"));
    QCOMPARE(shared, QByteArray(R"({"b":"second"})"));
}

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
