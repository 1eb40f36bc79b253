// A connection that closes while its request waits for the store, and a new connection that gets
// the same address before the answer is ready: the answer must not go to the newcomer. Links are
// looked up by address; the allocator hands a freed address out again, so this happens under churn.

#include "clientlink.h"
#include "testservice.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

class RecordingLink final : public ClientLink
{
public:
    void send(const QByteArray &frame) override { frames << QJsonDocument::fromJson(frame).object(); }
    QString peerAddress() const override { return QStringLiteral("127.0.0.1"); }
    QList<QJsonObject> frames;
};

} // namespace

class TestLinkReuse : public QObject
{
    Q_OBJECT

private slots:
    void answerOfAClosedLinkDoesNotReachItsSuccessor();
};

void TestLinkReuse::answerOfAClosedLinkDoesNotReachItsSuccessor()
{
    QTemporaryDir dir;
    ManualClock clock(1'800'000'000'000);
    QString error;
    const auto started = startBareService(clock, dir.path(), &error);
    QVERIFY2(started, qPrintable(error));
    CoordinatorService &service = *started;

    RecordingLink link;
    service.handleFrame(&link, R"({"id": 1, "op": "hello", "args": {"protocol": 1}})");
    QVERIFY(QTest::qWaitFor([&] { return link.frames.size() == 1; }, 5000));
    // customer.start writes a customer and a session: its answer waits for their commit.
    service.handleFrame(&link, R"({"id": 2, "op": "customer.start", "args": {"channel": "web"}})");
    service.linkClosed(&link);
    // A new connection at the same address, before that commit.
    link.frames.clear();
    service.handleFrame(&link, R"({"id": 3, "op": "hello", "args": {"protocol": 1}})");
    service.stop(); // commits everything and answers whoever is still there
    QCOMPARE(link.frames.size(), 1);
    QCOMPARE(link.frames.first().value(QLatin1String("id")).toInt(), 3);
}

QTEST_MAIN(TestLinkReuse)
#include "tst_linkreuse.moc"
