#pragma once
// The inbox as the views show it: one section (everything, mine, or the queues), narrowed by a
// search, sorted by any column (the longest-waiting customer first by default).

#include <QSortFilterProxyModel>

namespace sb {

class InboxFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class Section { All, Mine, Queue };

    explicit InboxFilterModel(QObject *parent = nullptr);

    void setSection(Section section);
    Section section() const { return m_section; }
    void setSearch(const QString &text);
    QString search() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Section m_section = Section::All;
    QString m_search;
};

} // namespace sb
