// RankedSet against a std::set reference on seeded random data.
#include "rankedset.h"

#include <QtTest>
#include <iterator>
#include <random>
#include <set>
#include <vector>

using sb::RankedSet;

namespace {

// A comparator that is not std::less, like the engine's queue keys (descending order).
struct Greater
{
    bool operator()(int a, int b) const { return a > b; }
};

template<typename Set>
std::vector<int> contents(const Set &set)
{
    std::vector<int> out;
    set.forEach([&](int v) {
        out.push_back(v);
        return true;
    });
    return out;
}

template<typename Ref>
std::vector<int> refContents(const Ref &ref)
{
    return std::vector<int>(ref.begin(), ref.end());
}

template<typename Less>
void compareAll(const RankedSet<int, Less> &set, const std::set<int, Less> &ref, int lo, int hi)
{
    QCOMPARE(set.size(), ref.size());
    QCOMPARE(set.empty(), ref.empty());
    QCOMPARE(contents(set), refContents(ref));
    QCOMPARE(std::vector<int>(set.begin(), set.end()), refContents(ref));
    if (!ref.empty())
        QCOMPARE(set.front(), *ref.begin());
    for (int v = lo; v <= hi; ++v) {
        QCOMPARE(set.contains(v), ref.count(v) > 0);
        const auto expectedRank = static_cast<std::size_t>(std::distance(ref.begin(), ref.lower_bound(v)));
        QCOMPARE(set.rank(v), expectedRank);
        // Bounds: iterate from them to the end and compare with the reference's tail.
        auto lower = set.lowerBound(v);
        auto upper = set.upperBound(v);
        QCOMPARE(lower == set.end(), ref.lower_bound(v) == ref.end());
        QCOMPARE(upper == set.end(), ref.upper_bound(v) == ref.end());
        if (lower != set.end())
            QCOMPARE(*lower, *ref.lower_bound(v));
        if (upper != set.end())
            QCOMPARE(*upper, *ref.upper_bound(v));
        if (v % 97 == 0) {
            QCOMPARE(std::vector<int>(lower, set.end()), std::vector<int>(ref.lower_bound(v), ref.end()));
            QCOMPARE(std::vector<int>(upper, set.end()), std::vector<int>(ref.upper_bound(v), ref.end()));
        }
    }
}

} // namespace

class TestRankedSet : public QObject
{
    Q_OBJECT

private slots:
    void emptySet();
    void smallInsertEraseRank();
    void randomAgainstStdSet_data();
    void randomAgainstStdSet();
    void forEachStopsEarly();
    void forEachFromMatchesLowerBound();
    void sequentialInsertSplitsBlocks();
    void customComparator();
};

void TestRankedSet::emptySet()
{
    RankedSet<int> set;
    QVERIFY(set.empty());
    QCOMPARE(set.size(), std::size_t(0));
    QVERIFY(!set.contains(1));
    QCOMPARE(set.rank(1), std::size_t(0));
    QVERIFY(!set.erase(1));
    int calls = 0;
    set.forEach([&](int) { return ++calls, true; });
    set.forEachFrom(0, [&](int) { return ++calls, true; });
    QCOMPARE(calls, 0);
}

void TestRankedSet::smallInsertEraseRank()
{
    RankedSet<int> set;
    QVERIFY(set.insert(5));
    QVERIFY(set.insert(1));
    QVERIFY(set.insert(3));
    QVERIFY(!set.insert(3)); // duplicate refused
    QCOMPARE(set.size(), std::size_t(3));
    QCOMPARE(set.front(), 1);
    QCOMPARE(set.rank(1), std::size_t(0));
    QCOMPARE(set.rank(3), std::size_t(1));
    QCOMPARE(set.rank(4), std::size_t(2)); // not present: elements strictly less
    QCOMPARE(set.rank(100), std::size_t(3));
    QVERIFY(set.erase(1));
    QVERIFY(!set.erase(1));
    QCOMPARE(set.front(), 3);
    QCOMPARE(contents(set), (std::vector<int>{3, 5}));
    QVERIFY(set.erase(3));
    QVERIFY(set.erase(5));
    QVERIFY(set.empty());
    QVERIFY(set.insert(7)); // usable again after becoming empty
    QCOMPARE(contents(set), std::vector<int>{7});
}

void TestRankedSet::randomAgainstStdSet_data()
{
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<int>("operations");
    QTest::addColumn<int>("range");
    QTest::addColumn<int>("insertPercent");

    // The first half of the operations inserts insertPercent of the time, the second half
    // 100 - insertPercent: the set grows (splitting blocks) and then shrinks (emptying them).
    QTest::newRow("small, dense") << 1u << 400 << 50 << 60;
    QTest::newRow("5000 ops over 10000 values") << 7u << 5000 << 10000 << 80;
    QTest::newRow("grow to ~2000 then shrink") << 42u << 12000 << 6000 << 65;
    QTest::newRow("insert-heavy then erase-heavy") << 2024u << 4000 << 100000 << 95;
    QTest::newRow("sparse values") << 99u << 6000 << 20000 << 70;
}

void TestRankedSet::randomAgainstStdSet()
{
    QFETCH(unsigned, seed);
    QFETCH(int, operations);
    QFETCH(int, range);
    QFETCH(int, insertPercent);

    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> value(0, range - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    RankedSet<int> set;
    std::set<int> ref;
    std::size_t largest = 0;
    for (int i = 0; i < operations; ++i) {
        const int v = value(rng);
        const int insertChance = i < operations / 2 ? insertPercent : 100 - insertPercent;
        if (percent(rng) < insertChance) {
            QCOMPARE(set.insert(v), ref.insert(v).second);
        } else {
            // Erase a present value most of the time, so the set shrinks for real.
            int target = v;
            if (!ref.empty() && percent(rng) < 80) {
                auto it = ref.lower_bound(v);
                target = it == ref.end() ? *ref.begin() : *it;
            }
            QCOMPARE(set.erase(target), ref.erase(target) > 0);
        }
        largest = std::max(largest, ref.size());
        QCOMPARE(set.size(), ref.size());
        // Spot checks on every step, a full comparison now and then.
        const int probe = value(rng);
        QCOMPARE(set.contains(probe), ref.count(probe) > 0);
        QCOMPARE(set.rank(probe),
                 static_cast<std::size_t>(std::distance(ref.begin(), ref.lower_bound(probe))));
        if (i % 1000 == 0)
            compareAll(set, ref, -1, range);
    }
    compareAll(set, ref, -1, range);
    if (operations >= 4000)
        QVERIFY2(largest > 1000, "the data must be large enough to split blocks");
}

void TestRankedSet::forEachStopsEarly()
{
    RankedSet<int> set;
    for (int i = 0; i < 2000; ++i)
        set.insert(i * 2);
    std::vector<int> seen;
    set.forEach([&](int v) {
        seen.push_back(v);
        return seen.size() < 700; // crosses a block boundary, then stops
    });
    QCOMPARE(seen.size(), std::size_t(700));
    QCOMPARE(seen.front(), 0);
    QCOMPARE(seen.back(), 699 * 2);

    seen.clear();
    set.forEachFrom(1001, [&](int v) {
        seen.push_back(v);
        return seen.size() < 3;
    });
    QCOMPARE(seen, (std::vector<int>{1002, 1004, 1006}));
}

void TestRankedSet::forEachFromMatchesLowerBound()
{
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> value(0, 20000);
    RankedSet<int> set;
    std::set<int> ref;
    for (int i = 0; i < 3000; ++i) {
        const int v = value(rng);
        set.insert(v);
        ref.insert(v);
    }
    // Remove a stretch so some blocks shrink and the boundaries move.
    for (int v = 5000; v < 9000; ++v) {
        set.erase(v);
        ref.erase(v);
    }
    for (int probe : {-1, 0, 1, 4999, 5000, 7000, 9000, 12345, 19999, 20000, 20001}) {
        std::vector<int> got;
        set.forEachFrom(probe, [&](int v) {
            got.push_back(v);
            return true;
        });
        const std::vector<int> expected(ref.lower_bound(probe), ref.end());
        QCOMPARE(got, expected);
    }
    for (int k = 0; k < 200; ++k) {
        const int probe = value(rng);
        std::vector<int> got;
        set.forEachFrom(probe, [&](int v) {
            got.push_back(v);
            return got.size() < 50;
        });
        std::vector<int> expected;
        for (auto it = ref.lower_bound(probe); it != ref.end() && expected.size() < 50; ++it)
            expected.push_back(*it);
        QCOMPARE(got, expected);
    }
}

void TestRankedSet::sequentialInsertSplitsBlocks()
{
    // Ascending, descending and interleaved insertion orders each grow past several blocks.
    for (int order = 0; order < 3; ++order) {
        RankedSet<int> set;
        std::set<int> ref;
        const int n = 3000;
        for (int i = 0; i < n; ++i) {
            const int v = order == 0 ? i : order == 1 ? n - i : (i % 2 ? i : n * 2 - i);
            QVERIFY(set.insert(v));
            ref.insert(v);
        }
        compareAll(set, ref, -2, n * 2 + 2);
        // Erase every third element, then everything.
        for (int v : std::vector<int>(ref.begin(), ref.end())) {
            if (v % 3 == 0) {
                QVERIFY(set.erase(v));
                ref.erase(v);
            }
        }
        compareAll(set, ref, -2, n * 2 + 2);
        for (int v : std::vector<int>(ref.begin(), ref.end()))
            QVERIFY(set.erase(v));
        QVERIFY(set.empty());
        QCOMPARE(set.rank(10), std::size_t(0));
    }
}

void TestRankedSet::customComparator()
{
    std::mt19937 rng(77);
    std::uniform_int_distribution<int> value(-5000, 5000);
    RankedSet<int, Greater> set;
    std::set<int, Greater> ref;
    for (int i = 0; i < 4000; ++i) {
        const int v = value(rng);
        if (i % 4 == 3) {
            QCOMPARE(set.erase(v), ref.erase(v) > 0);
        } else {
            QCOMPARE(set.insert(v), ref.insert(v).second);
        }
    }
    QVERIFY(ref.size() > 1000);
    compareAll(set, ref, -5001, 5001);
    QCOMPARE(set.front(), *ref.begin()); // the largest value comes first
}

QTEST_APPLESS_MAIN(TestRankedSet)
#include "tst_rankedset.moc"
