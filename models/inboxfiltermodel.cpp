#include "inboxfiltermodel.h"

#include "inboxentry.h"
#include "inboxmodel.h"

namespace sb {

InboxFilterModel::InboxFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(InboxModel::SortRole);
    setDynamicSortFilter(true);
    sort(InboxModel::WaitingColumn, Qt::AscendingOrder);
}

void InboxFilterModel::setSection(Section section)
{
    if (m_section == section)
        return;
    m_section = section;
    invalidateFilter();
}

void InboxFilterModel::setSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_search == trimmed)
        return;
    m_search = trimmed;
    invalidateFilter();
}

bool InboxFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto place = static_cast<InboxEntry::Place>(index.data(InboxModel::PlaceRole).toInt());
    const bool waiting = place == InboxEntry::Place::Queue || place == InboxEntry::Place::Unmatched;
    if ((m_section == Section::Mine && waiting) || (m_section == Section::Queue && !waiting))
        return false;
    return m_search.isEmpty() ||
           index.data(InboxModel::SearchRole).toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace sb
