// The message model: history pages and live messages in sequence order, each once, and my own
// messages from "sending" to stored whichever of the reply or the event comes first.

#include "messagemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace sb;

namespace {
ChatMessage msg(const QString &id, qint64 seq, ChatMessage::Sender sender = ChatMessage::Sender::Customer,
                const QString &text = QString())
{
    ChatMessage m;
    m.id = id;
    m.seq = seq;
    m.sender = sender;
    m.senderId = sender == ChatMessage::Sender::Agent ? QStringLiteral("alice") : QStringLiteral("u1");
    m.text = text.isEmpty() ? QStringLiteral("text ") + id : text;
    m.at = seq * 1000;
    return m;
}

QStringList ids(const MessageModel &m)
{
    QStringList out;
    for (int i = 0; i < m.rowCount(); ++i)
        out << m.index(i).data(MessageModel::IdRole).toString();
    return out;
}
} // namespace

class TestMessageModel : public QObject
{
    Q_OBJECT

private slots:
    void orderAndDuplicates();
    void sendingThenStored_data();
    void sendingThenStored();
    void failedAndLostAnswers();
    void fromJson();
};

void TestMessageModel::orderAndDuplicates()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.open(QStringLiteral("c1"), QStringLiteral("alice"));
    model.add(msg("m5", 5));
    model.add(std::vector<ChatMessage>{msg("m3", 3), msg("m4", 4)}); // an older page
    model.add(msg("m5", 5));                                         // again, from a replay
    model.add(msg("m6", 6));
    QCOMPARE(ids(model), (QStringList{"m3", "m4", "m5", "m6"}));
    QCOMPARE(model.oldestSeq(), 3);
    QCOMPARE(model.newestSeq(), 6);
    model.open(QStringLiteral("c2"), QStringLiteral("alice"));
    QCOMPARE(model.rowCount(), 0);
}

void TestMessageModel::sendingThenStored_data()
{
    QTest::addColumn<bool>("eventFirst");
    QTest::newRow("reply first") << false;
    QTest::newRow("event first") << true;
}

void TestMessageModel::sendingThenStored()
{
    QFETCH(bool, eventFirst);
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.open(QStringLiteral("c1"), QStringLiteral("alice"));
    model.add(msg("m1", 1));
    model.addSending(QStringLiteral("local-1"), ChatMessage::Kind::Text, QStringLiteral("on my way"));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1).data(MessageModel::DeliveryRole).toInt(), int(ChatMessage::Delivery::Sending));
    QVERIFY(model.index(1).data(MessageModel::MineRole).toBool());
    // A customer message stored meanwhile goes before the one still sending.
    model.add(msg("m2", 2));
    QCOMPARE(model.index(1).data(MessageModel::IdRole).toString(), QStringLiteral("m2"));
    const ChatMessage stored = msg("m3", 3, ChatMessage::Sender::Agent, QStringLiteral("on my way"));
    if (eventFirst)
        model.add(stored);
    model.markStored(QStringLiteral("local-1"), QStringLiteral("m3"), 3, 3000);
    if (!eventFirst)
        model.add(stored);
    QCOMPARE(ids(model), (QStringList{"m1", "m2", "m3"}));
    QCOMPARE(model.index(2).data(MessageModel::DeliveryRole).toInt(), int(ChatMessage::Delivery::Stored));
    QVERIFY(model.hasStoredFromMe(QStringLiteral("on my way"), 3));
    QVERIFY(!model.hasStoredFromMe(QStringLiteral("on my way"), 4));
}

void TestMessageModel::failedAndLostAnswers()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.open(QStringLiteral("c1"), QStringLiteral("alice"));
    model.addSending(QStringLiteral("local-1"), ChatMessage::Kind::Text, QStringLiteral("x"));
    model.markFailed(QStringLiteral("local-1"), QStringLiteral("the conversation was closed"));
    QCOMPARE(model.index(0).data(MessageModel::DeliveryRole).toInt(), int(ChatMessage::Delivery::Failed));
    QCOMPARE(model.index(0).data(MessageModel::ErrorRole).toString(),
             QStringLiteral("the conversation was closed"));
    // An answer lost in a drop whose message the replay showed stored: the pending row goes.
    model.addSending(QStringLiteral("local-2"), ChatMessage::Kind::Text, QStringLiteral("y"));
    model.add(msg("m9", 9, ChatMessage::Sender::Agent, QStringLiteral("y")));
    model.markStored(QStringLiteral("local-2"), QString(), 9, 0);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(MessageModel::IdRole).toString(), QStringLiteral("m9"));
}

void TestMessageModel::fromJson()
{
    const ChatMessage m = ChatMessage::fromJson(
        {{"conversation", "c1"},
         {"id", 42},
         {"seq", 7},
         {"sender", "agent"},
         {"senderId", "bob"},
         {"kind", "image"},
         {"text", ""},
         {"at", 123},
         {"attachment",
          QJsonObject{{"id", "c1/7/42"}, {"name", "shot.png"}, {"mime", "image/png"}, {"size", 2048}}}});
    QCOMPARE(m.id, QStringLiteral("42"));
    QCOMPARE(m.seq, 7);
    QCOMPARE(m.sender, ChatMessage::Sender::Agent);
    QCOMPARE(m.kind, ChatMessage::Kind::Image);
    QCOMPARE(m.attachmentId, QStringLiteral("c1/7/42"));
    QCOMPARE(m.attachmentSize, 2048);
}

QTEST_MAIN(TestMessageModel)
#include "tst_messagemodel.moc"
