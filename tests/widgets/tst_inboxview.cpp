// The inbox's table skips the repaint when only rows out of sight moved, and only then: after every
// kind of change, what the view shows is exactly what a full repaint shows.

#include "inboxdelegate.h"
#include "inboxfiltermodel.h"
#include "inboxmodel.h"
#include "inboxview.h"

#include <QHeaderView>
#include <QScreen>
#include <QTest>

using namespace sb;

namespace {

QString idOf(int i)
{
    return QStringLiteral("c%1").arg(i, 4, 10, QLatin1Char('0'));
}

// What is on screen is read back from the window's backing store (QWidget::grab() would paint
// afresh and could not see a stale screen).
QImage onScreen(QWidget *w)
{
    return w->screen()->grabWindow(w->window()->winId()).toImage();
}

} // namespace

class TestInboxView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void unseenMoveSkipsTheRepaint();
    void movesInSightRepaint();
    void otherChangesLayOut();

private:
    // What the viewport shows now, and what it shows after a full repaint: they must agree.
    void checkShowsTheTruth();
    QString shownAt(int row) const
    {
        return m_view->model()->index(row, 0).data(InboxModel::IdRole).toString();
    }

    InboxModel *m_model = nullptr;
    InboxFilterModel *m_filter = nullptr;
    InboxView *m_view = nullptr;
};

void TestInboxView::init()
{
    m_model = new InboxModel;
    m_filter = new InboxFilterModel;
    m_filter->setSourceModel(m_model);
    // 1,000 customers waiting (oldest first), then 1,000 answered (by id).
    std::vector<InboxEntry> rows;
    for (int i = 0; i < 2000; ++i) {
        InboxEntry e;
        e.id = idOf(i);
        e.customer = QStringLiteral("u") + e.id;
        e.customerName = QStringLiteral("Customer %1").arg(i);
        e.channel = QStringLiteral("web");
        e.place = InboxEntry::Place::Mine;
        e.waitingSince = i < 1000 ? 10'000 + i : 0;
        e.lastText = QStringLiteral("message %1").arg(i);
        rows.push_back(e);
    }
    m_model->replaceAll(std::move(rows));
    m_model->setNow(20'000);
    m_view = new InboxView;
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new InboxDelegate(m_view));
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->resize(600, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QCoreApplication::processEvents();
    QCOMPARE(shownAt(0), idOf(0));
}

void TestInboxView::cleanup()
{
    delete m_view;
    delete m_filter;
    delete m_model;
}

void TestInboxView::checkShowsTheTruth()
{
    QCoreApplication::processEvents();
    const QImage shown = onScreen(m_view);
    m_view->viewport()->repaint();
    const QImage truth = onScreen(m_view);
    QVERIFY(!truth.isNull());
    QCOMPARE(shown, truth);
}

void TestInboxView::unseenMoveSkipsTheRepaint()
{
    const QImage before = onScreen(m_view);
    // Customer 500 is answered: from row 500 to the answered rows, far below what is in sight.
    m_model->messageArrived(idOf(500), QStringLiteral("answer"), 30'000, false, false);
    QCOMPARE(m_filter->mapFromSource(m_model->indexOf(idOf(500))).row(), 999);
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 1);
    checkShowsTheTruth();
    QCOMPARE(onScreen(m_view), before);
    // Scrolled down to it, the view shows it where it now is.
    m_view->scrollTo(m_filter->index(999, 0), QAbstractItemView::PositionAtTop);
    QCoreApplication::processEvents();
    QCOMPARE(m_filter->index(m_view->rowAt(0), 0).data(InboxModel::IdRole).toString(), idOf(500));
    checkShowsTheTruth();
}

void TestInboxView::movesInSightRepaint()
{
    const QImage before = onScreen(m_view);
    // The top customer is answered: every row in sight shifts up.
    m_model->messageArrived(idOf(0), QStringLiteral("answer"), 30'000, false, false);
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 0);
    QCOMPARE(shownAt(0), idOf(1));
    checkShowsTheTruth();
    QVERIFY(onScreen(m_view) != before);
    // An answered customer writes again with the oldest wait: from far below into sight.
    m_model->messageArrived(idOf(1500), QStringLiteral("hello?"), 5'000, true, true);
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 0);
    QCOMPARE(shownAt(0), idOf(1500));
    checkShowsTheTruth();
}

void TestInboxView::otherChangesLayOut()
{
    // An unseen move, then a removal before the layout runs: the removal's layout is not skipped.
    m_model->messageArrived(idOf(700), QStringLiteral("answer"), 30'000, false, false);
    m_model->remove(idOf(3));
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 0);
    QCOMPARE(shownAt(3), idOf(4));
    checkShowsTheTruth();
    // A new conversation, and a resize.
    InboxEntry e;
    e.id = QStringLiteral("new");
    e.customer = QStringLiteral("unew");
    e.place = InboxEntry::Place::Mine;
    e.waitingSince = 1;
    m_model->upsert(e);
    QCoreApplication::processEvents();
    QCOMPARE(shownAt(0), QStringLiteral("new"));
    checkShowsTheTruth();
    // Resized (the view lays itself out for that), then a move out of sight: skipped, and right.
    m_view->resize(500, 300);
    QCoreApplication::processEvents();
    m_model->messageArrived(idOf(800), QStringLiteral("answer"), 30'000, false, false);
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 1);
    checkShowsTheTruth();
    // A font change lays out again even with only unseen moves pending.
    m_model->messageArrived(idOf(801), QStringLiteral("answer"), 30'000, false, false);
    QFont bigger = m_view->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.5);
    m_view->setFont(bigger);
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 1);
    checkShowsTheTruth();
    // Search: a layout change.
    m_filter->setSearch(QStringLiteral("Customer 19"));
    QCoreApplication::processEvents();
    QCOMPARE(m_view->skippedLayouts(), 1);
    checkShowsTheTruth();
}

QTEST_MAIN(TestInboxView)
#include "tst_inboxview.moc"
