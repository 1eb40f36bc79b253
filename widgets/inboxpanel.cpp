#include "inboxpanel.h"

#include "deskclient.h"
#include "inboxdelegate.h"
#include "inboxfiltermodel.h"
#include "inboxmodel.h"
#include "inboxview.h"

#include <QDateTime>
#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTabBar>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

InboxPanel::InboxPanel(DeskClient *desk, QWidget *parent)
    : QWidget(parent), m_desk(desk), m_tabs(new QTabBar(this)), m_search(new QLineEdit(this)),
      m_view(new InboxView(this)), m_filter(new InboxFilterModel(this))
{
    m_tabs->addTab(QString());
    m_tabs->addTab(QString());
    m_tabs->addTab(QString());
    m_tabs->setExpanding(false);
    m_search->setClearButtonEnabled(true);
    m_filter->setSourceModel(desk->inbox());
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new InboxDelegate(m_view));
    // A table, not a tree: when a row moves in the sort order a tree lays out every row again
    // (p99 11 ms per update at 100,000 rows, 2.4 ms for the table: bench_inbox).
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(InboxModel::WaitingColumn, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setSectionResizeMode(InboxModel::LastMessageColumn, QHeaderView::Stretch);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);

    connect(m_tabs, &QTabBar::currentChanged, this,
            [this](int tab) { m_filter->setSection(static_cast<InboxFilterModel::Section>(tab)); });
    connect(m_search, &QLineEdit::textChanged, m_filter, &InboxFilterModel::setSearch);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &i) {
                const QString id = i.data(InboxModel::IdRole).toString();
                if (id == m_current)
                    return;
                m_current = id;
                emit currentChanged(id);
            });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &i) {
        const auto place = static_cast<InboxEntry::Place>(i.data(InboxModel::PlaceRole).toInt());
        if (place == InboxEntry::Place::Queue)
            emit claimRequested(i.data(InboxModel::IdRole).toString());
    });
    connect(m_view, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex i = m_view->indexAt(pos);
        if (!i.isValid())
            return;
        const QString id = i.data(InboxModel::IdRole).toString();
        const auto place = static_cast<InboxEntry::Place>(i.data(InboxModel::PlaceRole).toInt());
        QMenu menu;
        QAction *claim = menu.addAction(tr("Claim"));
        claim->setEnabled(place == InboxEntry::Place::Queue);
        if (menu.exec(m_view->viewport()->mapToGlobal(pos)) == claim)
            emit claimRequested(id);
    });
    auto *inbox = desk->inbox();
    connect(inbox, &InboxModel::countsChanged, this, &InboxPanel::updateTabs);
    connect(desk, &DeskClient::queuedBeyondChanged, this, &InboxPanel::updateTabs);
    // The selected conversation stays selected when rows move or others leave.
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this] { select(m_current); });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_current.isEmpty() && !m_desk->inbox()->entry(m_current)) {
            m_current.clear();
            emit currentChanged(QString());
        }
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &InboxPanel::tick);
    m_clock.start();
    tick();
    retranslate();
}

void InboxPanel::retranslate()
{
    m_search->setPlaceholderText(tr("Search customers and messages (Ctrl+F)"));
    m_view->setAccessibleName(tr("Inbox"));
    m_desk->inbox()->retranslate();
    // Narrow columns keep at least their title (and the sort arrow) in any language.
    QHeaderView *header = m_view->horizontalHeader();
    const std::pair<int, int> widths[] = {{InboxModel::CustomerColumn, 110},
                                          {InboxModel::ChannelColumn, 66},
                                          {InboxModel::WaitingColumn, 64},
                                          {InboxModel::UnreadColumn, 56}};
    for (const auto &[column, width] : widths)
        header->resizeSection(column, std::max(width, header->sectionSizeHint(column)));
    updateTabs();
}

void InboxPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void InboxPanel::tick()
{
    m_desk->inbox()->setNow(QDateTime::currentMSecsSinceEpoch());
    m_view->viewport()->update(); // the waiting times of the rows in sight
}

void InboxPanel::updateTabs()
{
    const InboxModel *inbox = m_desk->inbox();
    const int mine = inbox->count(InboxEntry::Place::Mine) + inbox->count(InboxEntry::Place::Invited);
    const int waiting = inbox->rowCount() - mine;
    m_tabs->setTabText(0, tr("All (%1)").arg(inbox->rowCount()));
    m_tabs->setTabText(1, tr("Mine (%1)").arg(mine));
    const int beyond = m_desk->queuedBeyond();
    m_tabs->setTabText(2, beyond > 0 ? tr("Queue (%1 of %2)").arg(waiting).arg(waiting + beyond)
                                     : tr("Queue (%1)").arg(waiting));
}

QString InboxPanel::currentConversation() const
{
    return m_current;
}

void InboxPanel::select(const QString &conversationId)
{
    const QModelIndex source = m_desk->inbox()->indexOf(conversationId);
    const QModelIndex proxy = m_filter->mapFromSource(source);
    if (!proxy.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(proxy, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(proxy);
}

void InboxPanel::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

void InboxPanel::step(int delta)
{
    const int rows = m_filter->rowCount();
    if (rows == 0)
        return;
    const int row = std::clamp(m_view->currentIndex().row() + delta, 0, rows - 1);
    const QModelIndex i = m_filter->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect |
                                                     QItemSelectionModel::Rows);
    m_view->scrollTo(i);
}

} // namespace sb
