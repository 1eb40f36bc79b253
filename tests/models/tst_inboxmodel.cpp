// The inbox model: rows inserted, changed and removed one at a time (checked by
// QAbstractItemModelTester), what each column shows, waiting times and colours, unread counts,
// and the filter model's sections, search and sort.

#include "inboxfiltermodel.h"
#include "inboxmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
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

QTEST_MAIN(TestInboxModel)
#include "tst_inboxmodel.moc"
