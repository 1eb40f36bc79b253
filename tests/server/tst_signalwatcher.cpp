// SignalWatcher: SIGINT and SIGTERM raised in this very process must come out as stopRequested()
// on the event loop, and the handlers that were there before must come back afterwards.
// A test that raises a signal first checks the watcher is active: otherwise the default action
// would end the test process.

#include "signalwatcher.h"

#include <QSignalSpy>
#include <QTest>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

using namespace sb;

namespace {

#ifdef Q_OS_UNIX
volatile sig_atomic_t g_previousHandlerCalls = 0;

extern "C" void previousHandler(int)
{
    g_previousHandlerCalls = g_previousHandlerCalls + 1;
}

using Handler = void (*)(int);

Handler currentHandler(int signalNumber)
{
    struct sigaction action = {};
    ::sigaction(signalNumber, nullptr, &action);
    return action.sa_handler;
}
#endif

} // namespace

class TestSignalWatcher : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void signalBecomesStopRequested_data();
    void signalBecomesStopRequested();
    void eachSignalIsReported();
    void onlyOneWatcherIsActive();
    void destructorRestoresPreviousHandlers();
    void deletingTheWatcherFromTheSlotIsSafe();
};

void TestSignalWatcher::initTestCase()
{
#ifndef Q_OS_UNIX
    QSKIP("SignalWatcher works on Unix only");
#endif
}

void TestSignalWatcher::signalBecomesStopRequested_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestSignalWatcher::signalBecomesStopRequested()
{
    QFETCH(int, signalNumber);
    SignalWatcher watcher;
    QVERIFY(watcher.isActive());
    QSignalSpy spy(&watcher, &SignalWatcher::stopRequested);

    QCOMPARE(std::raise(signalNumber), 0);
    // Nothing is emitted inside the handler: only on the event loop.
    QCOMPARE(spy.count(), 0);
    QVERIFY(spy.wait(5000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), signalNumber);
}

void TestSignalWatcher::eachSignalIsReported()
{
    SignalWatcher watcher;
    QVERIFY(watcher.isActive());
    QSignalSpy spy(&watcher, &SignalWatcher::stopRequested);

    // Both arrive before the event loop runs; both are reported, in order.
    QCOMPARE(std::raise(SIGTERM), 0);
    QCOMPARE(std::raise(SIGINT), 0);
    QTRY_COMPARE(spy.count(), 2);
    QCOMPARE(spy.at(0).at(0).toInt(), int(SIGTERM));
    QCOMPARE(spy.at(1).at(0).toInt(), int(SIGINT));
}

void TestSignalWatcher::onlyOneWatcherIsActive()
{
    auto *first = new SignalWatcher;
    QVERIFY(first->isActive());
    QSignalSpy firstSpy(first, &SignalWatcher::stopRequested);
    {
        QTest::ignoreMessage(QtWarningMsg,
                             "another SignalWatcher is active; this one will not report signals");
        SignalWatcher second;
        QVERIFY(!second.isActive());
        QSignalSpy secondSpy(&second, &SignalWatcher::stopRequested);
        QCOMPARE(std::raise(SIGTERM), 0);
        QVERIFY(firstSpy.wait(5000));
        QCOMPARE(secondSpy.count(), 0);
    }
    // The inactive one's destructor must not have undone the active one's handlers.
    QCOMPARE(std::raise(SIGINT), 0);
    QVERIFY(firstSpy.wait(5000));
    QCOMPARE(firstSpy.at(1).at(0).toInt(), int(SIGINT));
    delete first;

    // Once the first is gone, a new watcher may take over.
    SignalWatcher third;
    QVERIFY(third.isActive());
}

void TestSignalWatcher::destructorRestoresPreviousHandlers()
{
    const Handler installed = previousHandler;
    const Handler oldTerm = std::signal(SIGTERM, installed);
    const Handler oldInt = std::signal(SIGINT, installed);
    {
        SignalWatcher watcher;
        QVERIFY(watcher.isActive());
        QVERIFY(currentHandler(SIGTERM) != installed);
        QVERIFY(currentHandler(SIGINT) != installed);
    }
    QVERIFY(currentHandler(SIGTERM) == installed);
    QVERIFY(currentHandler(SIGINT) == installed);

    g_previousHandlerCalls = 0;
    QCOMPARE(std::raise(SIGTERM), 0);
    QCOMPARE(int(g_previousHandlerCalls), 1);

    std::signal(SIGTERM, oldTerm);
    std::signal(SIGINT, oldInt);
}

void TestSignalWatcher::deletingTheWatcherFromTheSlotIsSafe()
{
    // The usual receiver starts shutting down, which may destroy the watcher at once.
    auto *watcher = new SignalWatcher;
    QVERIFY(watcher->isActive());
    int received = 0;
    connect(watcher, &SignalWatcher::stopRequested, this, [&](int) {
        ++received;
        delete watcher;
        watcher = nullptr;
    });
    QCOMPARE(std::raise(SIGTERM), 0);
    QCOMPARE(std::raise(SIGTERM), 0);
    QTRY_VERIFY(watcher == nullptr);
    QTest::qWait(50);
    QCOMPARE(received, 1);

    // And the handlers it installed are gone with it.
    SignalWatcher next;
    QVERIFY(next.isActive());
}

QTEST_GUILESS_MAIN(TestSignalWatcher)
#include "tst_signalwatcher.moc"
