#pragma once
// The inbox as the views show it: one section (everything, mine, or the queues), narrowed by a
// search, sorted by any column (the longest-waiting customer first by default).
//
// Our own proxy rather than QSortFilterProxyModel, for 100,000 rows: a row whose sort key changes
// is moved with rowsMoved (QSortFilterProxyModel re-lays out the whole view with layoutChanged),
// and every row's place in the sort order is kept, so a section or search change is one pass over
// the rows without sorting them again.

#include <QAbstractProxyModel>
#include <vector>

namespace sb {

class InboxModel;
struct InboxEntry;

class InboxFilterModel final : public QAbstractProxyModel
{
    Q_OBJECT

public:
    enum class Section { All, Mine, Queue };

    explicit InboxFilterModel(QObject *parent = nullptr);

    // Only an InboxModel is shown; anything else leaves the proxy empty.
    void setSourceModel(QAbstractItemModel *source) override;

    void setSection(Section section);
    Section section() const { return m_section; }
    void setSearch(const QString &text);
    QString search() const { return m_search; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;

private:
    const InboxEntry &entry(int sourceRow) const;
    bool accepts(const InboxEntry &e) const;
    bool lessThan(int sourceA, int sourceB) const;
    bool inPlace(const std::vector<int> &rows, int at) const;
    // Where source row `row` goes in `rows` (sorted, not containing it).
    int insertionPoint(const std::vector<int> &rows, int row) const;

    void rebuild(bool resort, bool narrows = false);
    void relayout(bool resort, bool narrows = false);
    void refilterShown(bool narrows);
    void reindexOrder(int from, int to);
    void reindexShown(int from, int to);

    void resortRow(int sourceRow, const QList<int> &roles);
    void showRow(int sourceRow);
    void hideRow(int sourceRow);
    void moveInOrder(int sourceRow);

    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onLayoutAboutToBeChanged();
    void onLayoutChanged();

    const InboxModel *m_inbox = nullptr;
    QList<QMetaObject::Connection> m_connections;
    Section m_section = Section::All;
    QString m_search;
    int m_sortColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;

    std::vector<int> m_order;   // every source row, in sort order
    std::vector<int> m_rankOf;  // source row -> its index in m_order
    std::vector<int> m_shown;   // proxy row -> source row: m_order narrowed by section and search
    std::vector<int> m_proxyOf; // source row -> proxy row, -1 when hidden

    // Across a source layout change: the proxy's persistent indexes and their source rows.
    QModelIndexList m_layoutProxy;
    QList<QPersistentModelIndex> m_layoutSource;
};

} // namespace sb
