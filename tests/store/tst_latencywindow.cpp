// The window of latest durations behind the latency metrics: nearest-rank quantiles, the oldest
// durations leaving as new ones come, and an empty window reading zero.
#include "latencywindow.h"

#include <QtTest>

using namespace sb;

class TestLatencyWindow : public QObject
{
    Q_OBJECT
private slots:
    void emptyReadsZero();
    void nearestRankQuantiles();
    void oldestLeaveTheWindow();
};

void TestLatencyWindow::emptyReadsZero()
{
    const LatencyWindow w(16);
    const LatencyWindow::Quantiles q = w.quantiles();
    QCOMPARE(q.count, 0);
    QCOMPARE(q.p50Ms, 0.0);
    QCOMPARE(q.maxMs, 0.0);
}

void TestLatencyWindow::nearestRankQuantiles()
{
    LatencyWindow w(1000);
    // 1..100 ms, in a shuffled order.
    QList<int> ms;
    for (int i = 1; i <= 100; ++i)
        ms << i;
    std::mt19937 random(7);
    std::shuffle(ms.begin(), ms.end(), random);
    for (int v : ms)
        w.add(qint64(v) * 1000000);
    const LatencyWindow::Quantiles q = w.quantiles();
    QCOMPARE(q.count, 100);
    QCOMPARE(q.p50Ms, 50.0);
    QCOMPARE(q.p90Ms, 90.0);
    QCOMPARE(q.p99Ms, 99.0);
    QCOMPARE(q.maxMs, 100.0);
    w.add(1500); // microsecond resolution
    QCOMPARE(w.quantiles().count, 101);
}

void TestLatencyWindow::oldestLeaveTheWindow()
{
    LatencyWindow w(10);
    for (int i = 0; i < 10; ++i)
        w.add(1000LL * 1000000); // ten slow ones
    for (int i = 0; i < 10; ++i)
        w.add(2 * 1000000); // then ten fast ones push them out
    const LatencyWindow::Quantiles q = w.quantiles();
    QCOMPARE(q.count, 10);
    QCOMPARE(q.maxMs, 2.0);
    w.add(5 * 1000000);
    QCOMPARE(w.quantiles().maxMs, 5.0);
    QCOMPARE(w.quantiles().p50Ms, 2.0);
}

QTEST_MAIN(TestLatencyWindow)
#include "tst_latencywindow.moc"
