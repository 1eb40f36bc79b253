#pragma once
// The desk's inbox: my conversations and the queues I can claim from, one row each, updated in
// place as events arrive (rows are inserted, changed and removed one at a time, never reset per
// update). Sorting and searching are InboxFilterModel's.

#include "inboxentry.h"

#include <QAbstractTableModel>
#include <QHash>
#include <memory>
#include <vector>

namespace sb {

class InboxModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        CustomerColumn,
        ChannelColumn,
        LastMessageColumn,
        WaitingColumn,
        UnreadColumn,
        ColumnCount
    };
    enum Role {
        IdRole = Qt::UserRole + 1,
        PlaceRole, // InboxEntry::Place as int
        UnreadRole,
        WaitStartRole, // ms since the epoch, 0 when nothing waits
        UrgencyRole,   // 0 fine, 1 late, 2 overdue
    };

    explicit InboxModel(QObject *parent = nullptr);
    ~InboxModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The column titles are in another language now: views fetch them again.
    void retranslate() { emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1); }
    // Replaces everything (a fresh snapshot after sign-in or a reset resume).
    void replaceAll(std::vector<InboxEntry> entries);
    // Inserts the conversation, or updates it keeping what the coordinator does not send (last
    // message, unread count).
    void upsert(InboxEntry entry);
    bool remove(const QString &id);
    // A message in a conversation: last message, unread count and how long the customer waits.
    void messageArrived(const QString &id, const QString &text, qint64 at, bool fromCustomer, bool unread);
    void markRead(const QString &id);
    // The time the waiting column counts from; the views call it once a second. Only rows whose
    // colour changes are announced (dataChanged); the waiting time itself is read when a row is
    // painted, so a view repaints its visible rows after calling this. With 100,000 rows an
    // announcement of every row each second would re-filter and re-sort them all.
    void setNow(qint64 nowMs);
    // A customer waiting longer than late/overdue gets the row coloured.
    void setThresholds(qint64 lateMs, qint64 overdueMs);

    // How two conversations compare in a column's sort order (<0, 0, >0), ascending. The clock does
    // not move them: the waiting column sorts by when waiting began, answered ones last.
    static int compare(const InboxEntry &a, const InboxEntry &b, int column);

    const InboxEntry *entry(const QString &id) const;
    const InboxEntry *entryAt(int row) const;
    QModelIndex indexOf(const QString &id, int column = 0) const;
    int totalUnread() const { return m_totalUnread; }
    int count(InboxEntry::Place place) const { return m_counts[static_cast<int>(place)]; }

signals:
    void totalUnreadChanged(int unread);
    // How many conversations are in each place changed.
    void countsChanged();

private:
    int urgency(const InboxEntry &e) const;
    QString waitingText(const InboxEntry &e) const;
    void changed(const InboxEntry &e, const QList<int> &roles = {});
    void addUnread(int delta);

    std::vector<std::unique_ptr<InboxEntry>> m_rows;
    QHash<QString, InboxEntry *> m_byId;
    qint64 m_now = 0;
    qint64 m_lateMs = 60 * 1000;
    qint64 m_overdueMs = 3 * 60 * 1000;
    int m_totalUnread = 0;
    int m_counts[4] = {0, 0, 0, 0};
};

} // namespace sb
