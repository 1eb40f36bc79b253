#include "inboxfiltermodel.h"

#include "inboxentry.h"
#include "inboxmodel.h"

#include <algorithm>
#include <numeric>

namespace sb {

InboxFilterModel::InboxFilterModel(QObject *parent)
    : QAbstractProxyModel(parent), m_sortColumn(InboxModel::WaitingColumn)
{}

void InboxFilterModel::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    QAbstractProxyModel::setSourceModel(source);
    m_inbox = qobject_cast<const InboxModel *>(source);
    if (m_inbox) {
        m_connections
            << connect(source, &QAbstractItemModel::dataChanged, this, &InboxFilterModel::onDataChanged)
            << connect(source, &QAbstractItemModel::rowsInserted, this, &InboxFilterModel::onRowsInserted)
            << connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                       &InboxFilterModel::onRowsAboutToBeRemoved)
            << connect(source, &QAbstractItemModel::rowsRemoved, this, &InboxFilterModel::onRowsRemoved)
            << connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); })
            << connect(source, &QAbstractItemModel::modelReset, this,
                       [this] {
                           rebuild(true);
                           endResetModel();
                       })
            << connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this,
                       &InboxFilterModel::onLayoutAboutToBeChanged)
            << connect(source, &QAbstractItemModel::layoutChanged, this, &InboxFilterModel::onLayoutChanged)
            << connect(source, &QAbstractItemModel::headerDataChanged, this,
                       [this](Qt::Orientation o, int first, int last) {
                           if (o == Qt::Horizontal)
                               emit headerDataChanged(o, first, last);
                       })
            << connect(source, &QObject::destroyed, this, [this] {
                   beginResetModel();
                   m_inbox = nullptr;
                   rebuild(true);
                   endResetModel();
               });
    }
    rebuild(true);
    endResetModel();
}

void InboxFilterModel::setSection(Section section)
{
    if (m_section == section)
        return;
    const bool narrows = m_section == Section::All;
    m_section = section;
    relayout(false, narrows);
}

void InboxFilterModel::setSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_search == trimmed)
        return;
    // A longer search (or a first one) matches a subset of what the previous one did.
    const bool narrows = trimmed.contains(m_search, Qt::CaseInsensitive);
    m_search = trimmed;
    relayout(false, narrows);
}

void InboxFilterModel::sort(int column, Qt::SortOrder order)
{
    if (column >= InboxModel::ColumnCount)
        column = -1;
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    relayout(true);
}

// ---- mapping ----------------------------------------------------------------------------------

QModelIndex InboxFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!m_inbox || !proxyIndex.isValid() || proxyIndex.model() != this || proxyIndex.row() >= rowCount())
        return {};
    return m_inbox->index(m_shown[static_cast<size_t>(proxyIndex.row())], proxyIndex.column());
}

QModelIndex InboxFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!m_inbox || !sourceIndex.isValid() || sourceIndex.model() != m_inbox ||
        static_cast<size_t>(sourceIndex.row()) >= m_proxyOf.size())
        return {};
    const int row = m_proxyOf[static_cast<size_t>(sourceIndex.row())];
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

QModelIndex InboxFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex InboxFilterModel::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex InboxFilterModel::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

int InboxFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_shown.size());
}

int InboxFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_inbox ? 0 : m_inbox->columnCount();
}

bool InboxFilterModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && rowCount() > 0 && columnCount() > 0;
}

// ---- order and filter -------------------------------------------------------------------------

const InboxEntry &InboxFilterModel::entry(int sourceRow) const
{
    return *m_inbox->entryAt(sourceRow);
}

bool InboxFilterModel::accepts(const InboxEntry &e) const
{
    if ((m_section == Section::Mine && e.waiting()) || (m_section == Section::Queue && !e.waiting()))
        return false;
    return m_search.isEmpty() || e.matches(m_search);
}

// A strict total order (ties broken by conversation id), so every row has exactly one place and a
// changed row's neighbours tell whether it must move.
bool InboxFilterModel::lessThan(int sourceA, int sourceB) const
{
    if (m_sortColumn < 0)
        return sourceA < sourceB; // unsorted: the inbox's own order
    const InboxEntry &a = entry(sourceA);
    const InboxEntry &b = entry(sourceB);
    int c = InboxModel::compare(a, b, m_sortColumn);
    if (c == 0)
        c = a.id.compare(b.id);
    return m_sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
}

bool InboxFilterModel::inPlace(const std::vector<int> &rows, int at) const
{
    const size_t i = static_cast<size_t>(at);
    return (i == 0 || lessThan(rows[i - 1], rows[i])) &&
           (i + 1 == rows.size() || lessThan(rows[i], rows[i + 1]));
}

int InboxFilterModel::insertionPoint(const std::vector<int> &rows, int row) const
{
    const auto it = std::lower_bound(rows.begin(), rows.end(), row,
                                     [this](int element, int value) { return lessThan(element, value); });
    return static_cast<int>(it - rows.begin());
}

void InboxFilterModel::rebuild(bool resort, bool narrows)
{
    const int n = m_inbox ? m_inbox->rowCount() : 0;
    if (resort || m_order.size() != static_cast<size_t>(n)) {
        m_order.resize(static_cast<size_t>(n));
        std::iota(m_order.begin(), m_order.end(), 0);
        std::sort(m_order.begin(), m_order.end(), [this](int a, int b) { return lessThan(a, b); });
        m_rankOf.assign(static_cast<size_t>(n), 0);
        reindexOrder(0, n - 1);
        narrows = false;
    }
    refilterShown(narrows);
}

// Rows are tested in the inbox's order (the order their entries were made in memory, which the
// cache likes: walking 100,000 of them in sort order made a search take twice as long), then taken
// in sort order. A change that can only hide rows tests just the rows shown.
void InboxFilterModel::refilterShown(bool narrows)
{
    const size_t n = m_order.size();
    std::vector<char> keep(n, 0);
    for (size_t row = 0; row < n; ++row) {
        if (!narrows || m_proxyOf[row] >= 0)
            keep[row] = accepts(entry(static_cast<int>(row)));
    }
    m_shown.clear();
    m_proxyOf.assign(n, -1);
    for (const int row : m_order) {
        if (keep[static_cast<size_t>(row)]) {
            m_proxyOf[static_cast<size_t>(row)] = static_cast<int>(m_shown.size());
            m_shown.push_back(row);
        }
    }
}

// A section, search or sort change: the rows that stay keep their selection and current index.
void InboxFilterModel::relayout(bool resort, bool narrows)
{
    const QAbstractItemModel::LayoutChangeHint hint =
        resort ? QAbstractItemModel::VerticalSortHint : QAbstractItemModel::NoLayoutChangeHint;
    emit layoutAboutToBeChanged({}, hint);
    const QModelIndexList from = persistentIndexList();
    std::vector<int> sourceRows;
    sourceRows.reserve(static_cast<size_t>(from.size()));
    for (const QModelIndex &i : from)
        sourceRows.push_back(i.row() < rowCount() ? m_shown[static_cast<size_t>(i.row())] : -1);
    rebuild(resort, narrows);
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int source = sourceRows[static_cast<size_t>(i)];
        const int row = source < 0 ? -1 : m_proxyOf[static_cast<size_t>(source)];
        to << (row < 0 ? QModelIndex() : createIndex(row, from[i].column()));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged({}, hint);
}

void InboxFilterModel::reindexOrder(int from, int to)
{
    for (int i = from; i <= to; ++i)
        m_rankOf[static_cast<size_t>(m_order[static_cast<size_t>(i)])] = i;
}

void InboxFilterModel::reindexShown(int from, int to)
{
    for (int i = from; i <= to; ++i)
        m_proxyOf[static_cast<size_t>(m_shown[static_cast<size_t>(i)])] = i;
}

// ---- following the inbox ----------------------------------------------------------------------

void InboxFilterModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                     const QList<int> &roles)
{
    if (!m_inbox || !topLeft.isValid() || topLeft.parent().isValid())
        return;
    // The clock's colour changes (and the like) touch neither the order nor what is shown.
    const bool keyed = roles.isEmpty() || roles.contains(Qt::DisplayRole);
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        if (keyed) {
            resortRow(row, roles);
            continue;
        }
        const int shown = m_proxyOf[static_cast<size_t>(row)];
        if (shown >= 0)
            emit dataChanged(index(shown, topLeft.column()), index(shown, bottomRight.column()), roles);
    }
}

void InboxFilterModel::moveInOrder(int sourceRow)
{
    const int at = m_rankOf[static_cast<size_t>(sourceRow)];
    if (inPlace(m_order, at))
        return;
    const auto first = m_order.begin();
    if (at > 0 && lessThan(sourceRow, m_order[static_cast<size_t>(at - 1)])) {
        const int to = static_cast<int>(
            std::lower_bound(first, first + at, sourceRow, [this](int e, int v) { return lessThan(e, v); }) -
            first);
        std::rotate(first + to, first + at, first + at + 1);
        reindexOrder(to, at);
    } else {
        const int past = static_cast<int>(std::lower_bound(first + at + 1, m_order.end(), sourceRow,
                                                           [this](int e, int v) { return lessThan(e, v); }) -
                                          first);
        std::rotate(first + at, first + at + 1, first + past);
        reindexOrder(at, past - 1);
    }
}

void InboxFilterModel::resortRow(int sourceRow, const QList<int> &roles)
{
    moveInOrder(sourceRow);
    const bool show = accepts(entry(sourceRow));
    int at = m_proxyOf[static_cast<size_t>(sourceRow)];
    if (at < 0) {
        if (show)
            showRow(sourceRow);
        return;
    }
    if (!show) {
        hideRow(sourceRow);
        return;
    }
    if (!inPlace(m_shown, at)) {
        // One rowsMoved for the one row: the view moves it without laying out the others again.
        const auto first = m_shown.begin();
        const auto less = [this](int e, int v) { return lessThan(e, v); };
        if (at > 0 && lessThan(sourceRow, m_shown[static_cast<size_t>(at - 1)])) {
            const int to = static_cast<int>(std::lower_bound(first, first + at, sourceRow, less) - first);
            beginMoveRows({}, at, at, {}, to);
            std::rotate(first + to, first + at, first + at + 1);
            reindexShown(to, at);
        } else {
            const int past =
                static_cast<int>(std::lower_bound(first + at + 1, m_shown.end(), sourceRow, less) - first);
            beginMoveRows({}, at, at, {}, past);
            std::rotate(first + at, first + at + 1, first + past);
            reindexShown(at, past - 1);
        }
        endMoveRows();
        at = m_proxyOf[static_cast<size_t>(sourceRow)];
    }
    emit dataChanged(index(at, 0), index(at, columnCount() - 1), roles);
}

void InboxFilterModel::showRow(int sourceRow)
{
    const int at = insertionPoint(m_shown, sourceRow);
    beginInsertRows({}, at, at);
    m_shown.insert(m_shown.begin() + at, sourceRow);
    reindexShown(at, rowCount() - 1);
    endInsertRows();
}

void InboxFilterModel::hideRow(int sourceRow)
{
    const int at = m_proxyOf[static_cast<size_t>(sourceRow)];
    beginRemoveRows({}, at, at);
    m_shown.erase(m_shown.begin() + at);
    m_proxyOf[static_cast<size_t>(sourceRow)] = -1;
    reindexShown(at, rowCount() - 1);
    endRemoveRows();
}

void InboxFilterModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (!m_inbox || parent.isValid())
        return;
    const int count = last - first + 1;
    // The inbox appends, so this shifts nothing in practice; any other insert shifts what follows.
    for (int &row : m_order) {
        if (row >= first)
            row += count;
    }
    for (int &row : m_shown) {
        if (row >= first)
            row += count;
    }
    m_rankOf.insert(m_rankOf.begin() + first, static_cast<size_t>(count), -1);
    m_proxyOf.insert(m_proxyOf.begin() + first, static_cast<size_t>(count), -1);
    for (int row = first; row <= last; ++row) {
        const int at = insertionPoint(m_order, row);
        m_order.insert(m_order.begin() + at, row);
        reindexOrder(at, static_cast<int>(m_order.size()) - 1);
    }
    for (int row = first; row <= last; ++row) {
        if (accepts(entry(row)))
            showRow(row);
    }
}

void InboxFilterModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (!m_inbox || parent.isValid())
        return;
    // Out of the view while the inbox still holds the rows; the order is fixed up once they are gone.
    for (int row = last; row >= first; --row) {
        if (m_proxyOf[static_cast<size_t>(row)] >= 0)
            hideRow(row);
    }
}

void InboxFilterModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (!m_inbox || parent.isValid())
        return;
    const int count = last - first + 1;
    m_order.erase(std::remove_if(m_order.begin(), m_order.end(),
                                 [first, last](int row) { return row >= first && row <= last; }),
                  m_order.end());
    for (int &row : m_order) {
        if (row > last)
            row -= count;
    }
    for (int &row : m_shown) {
        if (row > last)
            row -= count;
    }
    m_rankOf.erase(m_rankOf.begin() + first, m_rankOf.begin() + last + 1);
    m_proxyOf.erase(m_proxyOf.begin() + first, m_proxyOf.begin() + last + 1);
    reindexOrder(0, static_cast<int>(m_order.size()) - 1);
}

void InboxFilterModel::onLayoutAboutToBeChanged()
{
    emit layoutAboutToBeChanged();
    m_layoutProxy = persistentIndexList();
    m_layoutSource.clear();
    for (const QModelIndex &i : std::as_const(m_layoutProxy))
        m_layoutSource << QPersistentModelIndex(mapToSource(i));
}

void InboxFilterModel::onLayoutChanged()
{
    rebuild(true);
    QModelIndexList to;
    for (const QPersistentModelIndex &source : std::as_const(m_layoutSource))
        to << mapFromSource(source);
    changePersistentIndexList(m_layoutProxy, to);
    m_layoutProxy.clear();
    m_layoutSource.clear();
    emit layoutChanged();
}

} // namespace sb
