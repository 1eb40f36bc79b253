// The inbox model: rows inserted, changed and removed one at a time (checked by
// QAbstractItemModelTester), what each column shows, waiting times and colours, unread counts,
// and the filter model's sections, search and sort.

#include "inboxfiltermodel.h"
#include "inboxmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QPersistentModelIndex>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace sb;

namespace {

InboxEntry entry(const QString &id, InboxEntry::Place place, qint64 arrivedAt,
                 const QString &name = QString())
{
    InboxEntry e;
    e.id = id;
    e.customer = QStringLiteral("cust-") + id;
    e.customerName = name.isEmpty() ? QStringLiteral("Customer ") + id : name;
    e.channel = QStringLiteral("web");
    e.place = place;
    e.arrivedAt = arrivedAt;
    if (e.waiting())
        e.waitingSince = arrivedAt;
    return e;
}

QString shown(const InboxModel &m, const QString &id, int column)
{
    return m.indexOf(id, column).data().toString();
}

} // namespace

class TestInboxModel : public QObject
{
    Q_OBJECT

private slots:
    void fromJson();
    void insertUpdateRemove();
    void waitingAndUrgency();
    void unreadCounts();
    void filterSectionsSearchAndSort();
    void filterMovesOneRowOnKeyChange();
    void filterKeepsSelectionAcrossSearch();
    void filterRandomisedAgainstBruteForce();
};

void TestInboxModel::fromJson()
{
    const QJsonObject c{{"id", "c7"},
                        {"customer", "u1"},
                        {"customerName", "王小明"},
                        {"channel", "wechat"},
                        {"state", "assigned"},
                        {"agent", "alice"},
                        {"groups", QJsonArray{"sales"}},
                        {"invited", QJsonArray{"bob"}},
                        {"arrivedAt", 1000}};
    const InboxEntry mine = InboxEntry::fromJson(c, QStringLiteral("alice"));
    QCOMPARE(mine.place, InboxEntry::Place::Mine);
    QCOMPARE(mine.customerName, QStringLiteral("王小明"));
    QCOMPARE(mine.groups, QStringList{QStringLiteral("sales")});
    QCOMPARE(InboxEntry::fromJson(c, QStringLiteral("bob")).place, InboxEntry::Place::Invited);
    QJsonObject q = c;
    q.insert("state", "queued");
    q.insert("position", 3);
    const InboxEntry queued = InboxEntry::fromJson(q, QStringLiteral("alice"));
    QCOMPARE(queued.place, InboxEntry::Place::Queue);
    QCOMPARE(queued.position, 3);
    QCOMPARE(queued.waitStart(), 1000);
    // The snapshot's preview of the last message: a customer's unanswered one makes the row wait.
    QJsonObject withLast = c;
    withLast.insert("lastMessage",
                    QJsonObject{{"text", "where is my parcel?"}, {"sender", "customer"}, {"at", 5000}});
    const InboxEntry waiting = InboxEntry::fromJson(withLast, QStringLiteral("alice"));
    QCOMPARE(waiting.lastText, QStringLiteral("where is my parcel?"));
    QCOMPARE(waiting.lastAt, 5000);
    QCOMPARE(waiting.waitStart(), 5000);
    withLast.insert("lastMessage", QJsonObject{{"text", ""},
                                               {"kind", "file"},
                                               {"attachmentName", "invoice.pdf"},
                                               {"sender", "agent"},
                                               {"at", 6000}});
    const InboxEntry answered = InboxEntry::fromJson(withLast, QStringLiteral("alice"));
    QCOMPARE(answered.lastText, QStringLiteral("invoice.pdf"));
    QCOMPARE(answered.waitStart(), 0);
}

void TestInboxModel::insertUpdateRemove()
{
    InboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.upsert(entry("a", InboxEntry::Place::Queue, 1000));
    model.upsert(entry("b", InboxEntry::Place::Mine, 2000));
    model.upsert(entry("c", InboxEntry::Place::Queue, 3000));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(model.count(InboxEntry::Place::Queue), 2);

    // Claimed: the same row changes place, keeping its last message.
    model.messageArrived("a", QStringLiteral("hello?"), 1500, true, false);
    const int before = changed.count();
    model.upsert(entry("a", InboxEntry::Place::Mine, 1000));
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(changed.count() > before);
    QCOMPARE(shown(model, "a", InboxModel::LastMessageColumn), QStringLiteral("hello?"));
    QCOMPARE(model.count(InboxEntry::Place::Mine), 2);
    QCOMPARE(model.count(InboxEntry::Place::Queue), 1);

    // Removing from the middle keeps every other row reachable by id.
    QVERIFY(model.remove("b"));
    QVERIFY(!model.remove("b"));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.indexOf("a").data(InboxModel::IdRole).toString(), QStringLiteral("a"));
    QCOMPARE(model.indexOf("c").data(InboxModel::IdRole).toString(), QStringLiteral("c"));
    QCOMPARE(reset.count(), 0); // never reset for an update
}

void TestInboxModel::waitingAndUrgency()
{
    InboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 t0 = 1'700'000'000'000;
    model.setThresholds(60'000, 180'000);
    model.upsert(entry("q", InboxEntry::Place::Queue, t0));
    model.upsert(entry("m", InboxEntry::Place::Mine, t0));
    QSignalSpy announced(&model, &QAbstractItemModel::dataChanged);
    model.setNow(t0 + 75'000);
    QCOMPARE(announced.count(), 1); // only q turned late; m has nothing waiting
    model.setNow(t0 + 76'000);
    QCOMPARE(announced.count(), 1); // a second later nothing changes colour: nothing announced
    QCOMPARE(shown(model, "q", InboxModel::WaitingColumn), QStringLiteral("1:16"));
    QCOMPARE(model.indexOf("q").data(InboxModel::UrgencyRole).toInt(), 1);
    QVERIFY(model.indexOf("q").data(Qt::BackgroundRole).isValid());
    // Mine and answered: nothing waits.
    QCOMPARE(shown(model, "m", InboxModel::WaitingColumn), QString());
    QVERIFY(!model.indexOf("m").data(Qt::BackgroundRole).isValid());
    // The customer writes at 10 s and is still unanswered at 3 min 20 s: overdue.
    model.messageArrived("m", QStringLiteral("are you there?"), t0 + 10'000, true, true);
    model.setNow(t0 + 200'000);
    QCOMPARE(shown(model, "m", InboxModel::WaitingColumn), QStringLiteral("3:10"));
    QCOMPARE(model.indexOf("m").data(InboxModel::UrgencyRole).toInt(), 2);
    // Answered: the wait ends.
    model.messageArrived("m", QStringLiteral("yes, sorry"), t0 + 201'000, false, false);
    QCOMPARE(model.indexOf("m").data(InboxModel::UrgencyRole).toInt(), 0);
    model.setNow(t0 + 3'600'000 + 5'000);
    QCOMPARE(shown(model, "q", InboxModel::WaitingColumn), QStringLiteral("1:00:05"));
}

void TestInboxModel::unreadCounts()
{
    InboxModel model;
    QSignalSpy total(&model, &InboxModel::totalUnreadChanged);
    model.upsert(entry("a", InboxEntry::Place::Mine, 0));
    model.upsert(entry("b", InboxEntry::Place::Mine, 0));
    model.messageArrived("a", "1", 1, true, true);
    model.messageArrived("a", "2", 2, true, true);
    model.messageArrived("b", "3", 3, true, true);
    QCOMPARE(model.totalUnread(), 3);
    QCOMPARE(shown(model, "a", InboxModel::UnreadColumn), QStringLiteral("2"));
    QVERIFY(model.indexOf("a").data(Qt::FontRole).value<QFont>().bold());
    model.markRead("a");
    QCOMPARE(model.totalUnread(), 1);
    QCOMPARE(shown(model, "a", InboxModel::UnreadColumn), QString());
    model.remove("b");
    QCOMPARE(model.totalUnread(), 0);
    QCOMPARE(total.last().first().toInt(), 0);
}

void TestInboxModel::filterSectionsSearchAndSort()
{
    InboxModel model;
    InboxFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.upsert(entry("a", InboxEntry::Place::Queue, 3000, QStringLiteral("Ann")));
    model.upsert(entry("b", InboxEntry::Place::Mine, 1000, QStringLiteral("Bo")));
    model.upsert(entry("c", InboxEntry::Place::Queue, 2000, QStringLiteral("陈大文")));
    model.messageArrived("b", QStringLiteral("refund please"), 500, true, false);
    // Longest waiting first: b since 500, c since 2000, a since 3000.
    QCOMPARE(filter.rowCount(), 3);
    QCOMPARE(filter.index(0, 0).data(InboxModel::IdRole).toString(), QStringLiteral("b"));
    QCOMPARE(filter.index(1, 0).data(InboxModel::IdRole).toString(), QStringLiteral("c"));
    filter.setSection(InboxFilterModel::Section::Queue);
    QCOMPARE(filter.rowCount(), 2);
    filter.setSection(InboxFilterModel::Section::Mine);
    QCOMPARE(filter.rowCount(), 1);
    filter.setSection(InboxFilterModel::Section::All);
    filter.setSearch(QStringLiteral("REFUND"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setSearch(QStringLiteral("陈"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(InboxModel::IdRole).toString(), QStringLiteral("c"));
    filter.setSearch(QString());
    // A new conversation lands in its sorted place without a reset.
    model.upsert(entry("d", InboxEntry::Place::Queue, 100, QStringLiteral("Dee")));
    QCOMPARE(filter.index(0, 0).data(InboxModel::IdRole).toString(), QStringLiteral("d"));
}

namespace {

// What the proxy should show: the inbox's rows in the section, matching the search, sorted by the
// column (ties by id), computed from scratch.
QStringList expectedIds(const InboxModel &model, InboxFilterModel::Section section, const QString &search,
                        int column, Qt::SortOrder order)
{
    std::vector<const InboxEntry *> rows;
    for (int r = 0; r < model.rowCount(); ++r) {
        const InboxEntry *e = model.entryAt(r);
        if ((section == InboxFilterModel::Section::Mine && e->waiting()) ||
            (section == InboxFilterModel::Section::Queue && !e->waiting()))
            continue;
        if (!search.isEmpty() && !e->customerName.contains(search, Qt::CaseInsensitive) &&
            !e->customer.contains(search, Qt::CaseInsensitive) &&
            !e->id.contains(search, Qt::CaseInsensitive) &&
            !e->channel.contains(search, Qt::CaseInsensitive) &&
            !e->lastText.contains(search, Qt::CaseInsensitive))
            continue;
        rows.push_back(e);
    }
    std::sort(rows.begin(), rows.end(), [&](const InboxEntry *a, const InboxEntry *b) {
        int c = InboxModel::compare(*a, *b, column);
        if (c == 0)
            c = a->id.compare(b->id);
        return order == Qt::AscendingOrder ? c < 0 : c > 0;
    });
    QStringList ids;
    for (const InboxEntry *e : rows)
        ids << e->id;
    return ids;
}

QStringList proxyIds(const InboxFilterModel &filter)
{
    QStringList ids;
    for (int r = 0; r < filter.rowCount(); ++r)
        ids << filter.index(r, 0).data(InboxModel::IdRole).toString();
    return ids;
}

// Follows the proxy's structural signals the way a view does, to check they describe the change.
class Mirror : public QObject
{
public:
    explicit Mirror(InboxFilterModel *filter) : m_filter(filter)
    {
        m_ids = proxyIds(*filter);
        connect(filter, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) {
                    for (int r = first; r <= last; ++r)
                        m_ids.insert(r, m_filter->index(r, 0).data(InboxModel::IdRole).toString());
                });
        connect(filter, &QAbstractItemModel::rowsRemoved, this,
                [this](const QModelIndex &, int first, int last) { m_ids.remove(first, last - first + 1); });
        connect(filter, &QAbstractItemModel::rowsMoved, this,
                [this](const QModelIndex &, int first, int last, const QModelIndex &, int to) {
                    QCOMPARE(first, last);
                    const QString id = m_ids.takeAt(first);
                    m_ids.insert(to > first ? to - 1 : to, id);
                    ++moves;
                });
        connect(filter, &QAbstractItemModel::layoutChanged, this, [this] {
            m_ids = proxyIds(*m_filter);
            ++layouts;
        });
        connect(filter, &QAbstractItemModel::modelReset, this, [this] { m_ids = proxyIds(*m_filter); });
    }
    QStringList ids() const { return m_ids; }
    int moves = 0;
    int layouts = 0;

private:
    InboxFilterModel *m_filter;
    QStringList m_ids;
};

} // namespace

void TestInboxModel::filterMovesOneRowOnKeyChange()
{
    InboxModel model;
    InboxFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 20; ++i)
        model.upsert(entry(QString::number(100 + i), InboxEntry::Place::Mine, 0));
    // Nobody waits: sorted by id. Customer 110 writes: they wait longest, first row.
    Mirror mirror(&filter);
    QSignalSpy layout(&filter, &QAbstractItemModel::layoutChanged);
    QSignalSpy moved(&filter, &QAbstractItemModel::rowsMoved);
    QSignalSpy changed(&filter, &QAbstractItemModel::dataChanged);
    model.messageArrived(QStringLiteral("110"), QStringLiteral("hello"), 5000, true, true);
    QCOMPARE(proxyIds(filter).first(), QStringLiteral("110"));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(moved.first().at(1).toInt(), 10);
    QCOMPARE(moved.first().at(4).toInt(), 0);
    QCOMPARE(layout.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toModelIndex().row(), 0);
    QCOMPARE(mirror.ids(), proxyIds(filter));
    // A message that does not change the key: no move, one row changed.
    model.messageArrived(QStringLiteral("110"), QStringLiteral("again"), 6000, true, true);
    QCOMPARE(moved.count(), 1);
    QCOMPARE(changed.count(), 2);
    // Answered: back after everyone else (answered rows sort last, then by id).
    model.messageArrived(QStringLiteral("110"), QStringLiteral("answer"), 7000, false, false);
    QCOMPARE(moved.count(), 2);
    QCOMPARE(moved.last().at(4).toInt(), 11); // before 111, which is now row 10
    QCOMPARE(proxyIds(filter).indexOf(QStringLiteral("110")), 10);
    QCOMPARE(mirror.ids(), proxyIds(filter));
    // The clock's colour changes move nothing.
    model.setNow(10'000'000);
    QCOMPARE(moved.count(), 2);
    QCOMPARE(layout.count(), 0);
}

void TestInboxModel::filterKeepsSelectionAcrossSearch()
{
    InboxModel model;
    InboxFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.upsert(entry("a", InboxEntry::Place::Queue, 3000, QStringLiteral("Ann Lee")));
    model.upsert(entry("b", InboxEntry::Place::Queue, 1000, QStringLiteral("Bo")));
    model.upsert(entry("c", InboxEntry::Place::Queue, 2000, QStringLiteral("Cy Lee")));
    QPersistentModelIndex current(filter.index(2, 1)); // a
    QPersistentModelIndex gone(filter.index(0, 0));    // b
    QCOMPARE(current.data(InboxModel::IdRole).toString(), QStringLiteral("a"));
    filter.setSearch(QStringLiteral("lee"));
    QCOMPARE(proxyIds(filter), (QStringList{"c", "a"}));
    QCOMPARE(current.row(), 1);
    QCOMPARE(current.column(), 1);
    QCOMPARE(current.data(InboxModel::IdRole).toString(), QStringLiteral("a"));
    QVERIFY(!gone.isValid());
    filter.sort(InboxModel::CustomerColumn, Qt::DescendingOrder);
    QCOMPARE(proxyIds(filter), (QStringList{"c", "a"}));
    filter.sort(InboxModel::CustomerColumn, Qt::AscendingOrder);
    QCOMPARE(proxyIds(filter), (QStringList{"a", "c"}));
    QCOMPARE(current.row(), 0);
    filter.setSearch(QString());
    QCOMPARE(proxyIds(filter), (QStringList{"a", "b", "c"}));
    QCOMPARE(current.data(InboxModel::IdRole).toString(), QStringLiteral("a"));
}

// Thousands of random inserts, messages, moves between places, reads, removals, searches, section
// and sort changes: after each, the proxy shows exactly what a from-scratch filter and sort gives,
// and its signals, followed like a view follows them, lead to the same list.
void TestInboxModel::filterRandomisedAgainstBruteForce()
{
    const QStringList names{QStringLiteral("Ann Lee"), QStringLiteral("bo"),      QStringLiteral("陈大文"),
                            QStringLiteral("Dee"),     QStringLiteral("Eve Lee"), QStringLiteral("ann")};
    const QStringList channels{QStringLiteral("web"), QStringLiteral("wechat"), QStringLiteral("email")};
    const QStringList searches{QString(),
                               QStringLiteral("lee"),
                               QStringLiteral("ann"),
                               QStringLiteral("wechat"),
                               QStringLiteral("refund"),
                               QStringLiteral("1")};
    for (quint32 seed = 1; seed <= 6; ++seed) {
        QRandomGenerator rng(seed);
        InboxModel model;
        InboxFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Mirror mirror(&filter);
        int nextId = 0;
        qint64 at = 1000;
        for (int step = 0; step < 1500; ++step) {
            const int op = rng.bounded(100);
            const int n = model.rowCount();
            const QString some = n ? model.entryAt(rng.bounded(n))->id : QString();
            at += rng.bounded(3);
            if (op < 20 || n == 0) {
                InboxEntry e =
                    entry(QString::number(nextId++), static_cast<InboxEntry::Place>(rng.bounded(4)),
                          at - rng.bounded(50), names[rng.bounded(names.size())]);
                e.channel = channels[rng.bounded(channels.size())];
                model.upsert(e);
            } else if (op < 55) {
                model.messageArrived(
                    some, rng.bounded(4) == 0 ? QStringLiteral("refund please") : QStringLiteral("hi"), at,
                    rng.bounded(2) == 0, rng.bounded(2) == 0);
            } else if (op < 70) {
                InboxEntry e = *model.entry(some);
                e.place = static_cast<InboxEntry::Place>(rng.bounded(4));
                e.arrivedAt = at - rng.bounded(100);
                model.upsert(e);
            } else if (op < 78) {
                model.markRead(some);
            } else if (op < 88) {
                model.remove(some);
            } else if (op < 93) {
                filter.setSearch(searches[rng.bounded(searches.size())]);
            } else if (op < 97) {
                filter.setSection(static_cast<InboxFilterModel::Section>(rng.bounded(3)));
            } else {
                filter.sort(rng.bounded(InboxModel::ColumnCount),
                            rng.bounded(2) ? Qt::AscendingOrder : Qt::DescendingOrder);
            }
            const QStringList expected = expectedIds(model, filter.section(), filter.search(),
                                                     filter.sortColumn(), filter.sortOrder());
            QCOMPARE(proxyIds(filter), expected);
            QCOMPARE(mirror.ids(), expected);
            for (int r = 0; r < filter.rowCount(); ++r)
                QCOMPARE(filter.mapFromSource(filter.mapToSource(filter.index(r, 2))), filter.index(r, 2));
        }
        QVERIFY(mirror.moves > 0);
    }
}

QTEST_MAIN(TestInboxModel)
#include "tst_inboxmodel.moc"
