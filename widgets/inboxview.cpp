#include "inboxview.h"

#include <QEvent>
#include <QHeaderView>

namespace sb {

InboxView::InboxView(QWidget *parent) : QTableView(parent) {}

void InboxView::setModel(QAbstractItemModel *model)
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    needLayout();
    QTableView::setModel(model);
    if (!model)
        return;
    m_connections << connect(model, &QAbstractItemModel::rowsMoved, this,
                             [this](const QModelIndex &, int first, int last, const QModelIndex &, int to) {
                                 onRowsMoved(first, last, to);
                             });
    // Everything else that lays the view out again takes the full path.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved,
                        &QAbstractItemModel::columnsInserted, &QAbstractItemModel::columnsRemoved})
        m_connections << connect(model, signal, this, [this] { needLayout(); });
    m_connections << connect(model, &QAbstractItemModel::columnsMoved, this, [this] { needLayout(); })
                  << connect(model, &QAbstractItemModel::layoutChanged, this, [this] { needLayout(); })
                  << connect(model, &QAbstractItemModel::modelReset, this, [this] { needLayout(); });
}

void InboxView::onRowsMoved(int first, int last, int destination)
{
    // Connected after the view's own handler, so the rows in sight are those after the move.
    const int top = rowAt(0);
    int bottom = rowAt(viewport()->height() - 1);
    if (top < 0) {
        needLayout(); // nothing laid out yet
        return;
    }
    if (bottom < 0)
        bottom = model()->rowCount() - 1;
    // Before the move the rows were [first, last]; they went to just before `destination`.
    const int count = last - first + 1;
    const int landed = destination > last ? destination - count : destination;
    const int lowest = std::min(first, landed);
    const int highest = std::max(last, landed + count - 1);
    // Rows in sight change only when the moved span overlaps them: a move wholly above them
    // (both ends above) or wholly below them shifts nothing that is shown.
    const bool unseen = highest < top || lowest > bottom;
    if (unseen)
        m_unseenMovesOnly = true;
    else
        needLayout();
}

void InboxView::doItemsLayout()
{
    if (m_unseenMovesOnly && !m_layoutNeeded) {
        m_unseenMovesOnly = false;
        ++m_skipped;
        return;
    }
    m_unseenMovesOnly = false;
    m_layoutNeeded = false;
    QTableView::doItemsLayout();
}

// A font or style change lays the rows out again (resizing does not go through doItemsLayout).
void InboxView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::LayoutDirectionChange)
        needLayout();
    QTableView::changeEvent(event);
}

} // namespace sb
