#include "inboxmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace sb {

namespace {

// Longest waiting first when ascending; answered conversations last.
qint64 waitKey(const InboxEntry &e)
{
    return e.waitStart() > 0 ? e.waitStart() : std::numeric_limits<qint64>::max();
}

template<typename T>
int threeWay(const T &a, const T &b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

InboxModel::InboxModel(QObject *parent) : QAbstractTableModel(parent) {}

InboxModel::~InboxModel() = default;

int InboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int InboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CustomerColumn:
        return tr("Customer");
    case ChannelColumn:
        return tr("Channel");
    case LastMessageColumn:
        return tr("Last message");
    case WaitingColumn:
        return tr("Waiting");
    case UnreadColumn:
        return tr("Unread");
    }
    return {};
}

QVariant InboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const InboxEntry &e = *m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CustomerColumn:
            return e.name();
        case ChannelColumn:
            return e.channel;
        case LastMessageColumn:
            return e.lastText.simplified();
        case WaitingColumn:
            return waitingText(e);
        case UnreadColumn:
            return e.unread > 0 ? QVariant(e.unread) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == CustomerColumn) {
            if (e.waiting())
                return tr("Waiting in %1, position %2")
                    .arg(e.groups.join(QLatin1String(", ")))
                    .arg(e.position);
            if (e.place == InboxEntry::Place::Invited)
                return tr("You were invited by %1").arg(e.agent);
            return tr("Assigned to you");
        }
        if (index.column() == LastMessageColumn)
            return e.lastText;
        return {};
    case Qt::FontRole:
        if (e.unread > 0) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::BackgroundRole:
        // Translucent, so the colours read on light and dark themes alike.
        switch (urgency(e)) {
        case 1:
            return QBrush(QColor(255, 170, 0, 70));
        case 2:
            return QBrush(QColor(230, 40, 40, 80));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == WaitingColumn || index.column() == UnreadColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case IdRole:
        return e.id;
    case PlaceRole:
        return static_cast<int>(e.place);
    case UnreadRole:
        return e.unread;
    case WaitStartRole:
        return e.waitStart();
    case UrgencyRole:
        return urgency(e);
    }
    return {};
}

int InboxModel::compare(const InboxEntry &a, const InboxEntry &b, int column)
{
    switch (column) {
    case CustomerColumn:
        return QString::compare(a.name(), b.name(), Qt::CaseInsensitive);
    case ChannelColumn:
        return QString::compare(a.channel, b.channel);
    case LastMessageColumn:
        return threeWay(a.lastAt, b.lastAt);
    case WaitingColumn:
        return threeWay(waitKey(a), waitKey(b));
    case UnreadColumn:
        return threeWay(a.unread, b.unread);
    }
    return 0;
}

int InboxModel::urgency(const InboxEntry &e) const
{
    const qint64 start = e.waitStart();
    if (start <= 0 || m_now <= start)
        return 0;
    const qint64 waited = m_now - start;
    return waited >= m_overdueMs ? 2 : waited >= m_lateMs ? 1 : 0;
}

QString InboxModel::waitingText(const InboxEntry &e) const
{
    const qint64 start = e.waitStart();
    if (start <= 0)
        return {};
    const qint64 s = std::max<qint64>(0, (m_now - start) / 1000);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void InboxModel::replaceAll(std::vector<InboxEntry> entries)
{
    beginResetModel();
    m_rows.clear();
    m_byId.clear();
    m_totalUnread = 0;
    std::fill(std::begin(m_counts), std::end(m_counts), 0);
    m_rows.reserve(entries.size());
    for (InboxEntry &e : entries) {
        if (m_byId.contains(e.id))
            continue;
        e.row = static_cast<int>(m_rows.size());
        m_totalUnread += e.unread;
        ++m_counts[static_cast<int>(e.place)];
        m_rows.push_back(std::make_unique<InboxEntry>(std::move(e)));
        m_byId.insert(m_rows.back()->id, m_rows.back().get());
    }
    endResetModel();
    emit totalUnreadChanged(m_totalUnread);
    emit countsChanged();
}

void InboxModel::upsert(InboxEntry incoming)
{
    if (InboxEntry *e = m_byId.value(incoming.id)) {
        incoming.row = e->row;
        incoming.lastText = e->lastText;
        incoming.lastAt = e->lastAt;
        incoming.unread = e->unread;
        // Taken from a queue: the customer now waits for an answer since they arrived, unless the
        // conversation already had a waiting mark.
        if (!incoming.waiting())
            incoming.waitingSince = e->waitingSince ? e->waitingSince : (e->waiting() ? e->arrivedAt : 0);
        const bool moved = e->place != incoming.place;
        --m_counts[static_cast<int>(e->place)];
        ++m_counts[static_cast<int>(incoming.place)];
        *e = std::move(incoming);
        changed(*e);
        if (moved)
            emit countsChanged();
        return;
    }
    const int row = static_cast<int>(m_rows.size());
    beginInsertRows({}, row, row);
    incoming.row = row;
    m_rows.push_back(std::make_unique<InboxEntry>(std::move(incoming)));
    m_byId.insert(m_rows.back()->id, m_rows.back().get());
    ++m_counts[static_cast<int>(m_rows.back()->place)];
    endInsertRows();
    addUnread(m_rows.back()->unread);
    emit countsChanged();
}

bool InboxModel::remove(const QString &id)
{
    InboxEntry *e = m_byId.value(id);
    if (!e)
        return false;
    const int row = e->row;
    const int unread = e->unread;
    --m_counts[static_cast<int>(e->place)];
    beginRemoveRows({}, row, row);
    m_byId.remove(id);
    m_rows.erase(m_rows.begin() + row);
    for (size_t i = static_cast<size_t>(row); i < m_rows.size(); ++i)
        m_rows[i]->row = static_cast<int>(i);
    endRemoveRows();
    addUnread(-unread);
    emit countsChanged();
    return true;
}

void InboxModel::messageArrived(const QString &id, const QString &text, qint64 at, bool fromCustomer,
                                bool unread)
{
    InboxEntry *e = m_byId.value(id);
    if (!e)
        return;
    if (at >= e->lastAt) {
        e->lastText = text;
        e->lastAt = at;
    }
    if (fromCustomer) {
        if (!e->waitingSince)
            e->waitingSince = at;
    } else if (!e->waiting()) {
        e->waitingSince = 0; // answered
    }
    if (unread) {
        ++e->unread;
        addUnread(1);
    }
    changed(*e);
}

void InboxModel::markRead(const QString &id)
{
    InboxEntry *e = m_byId.value(id);
    if (!e || e->unread == 0)
        return;
    const int was = e->unread;
    e->unread = 0;
    addUnread(-was);
    changed(*e, {Qt::DisplayRole, Qt::FontRole, UnreadRole});
}

void InboxModel::setNow(qint64 nowMs)
{
    m_now = nowMs;
    for (const auto &e : m_rows) {
        const int now = urgency(*e);
        if (now != e->urgency) {
            e->urgency = now;
            changed(*e, {Qt::BackgroundRole, UrgencyRole});
        }
    }
}

void InboxModel::setThresholds(qint64 lateMs, qint64 overdueMs)
{
    m_lateMs = lateMs;
    m_overdueMs = overdueMs;
    setNow(m_now);
}

const InboxEntry *InboxModel::entry(const QString &id) const
{
    return m_byId.value(id);
}

const InboxEntry *InboxModel::entryAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<size_t>(row)].get() : nullptr;
}

QModelIndex InboxModel::indexOf(const QString &id, int column) const
{
    const InboxEntry *e = m_byId.value(id);
    return e ? index(e->row, column) : QModelIndex();
}

void InboxModel::changed(const InboxEntry &e, const QList<int> &roles)
{
    emit dataChanged(index(e.row, 0), index(e.row, ColumnCount - 1), roles);
}

void InboxModel::addUnread(int delta)
{
    if (delta == 0)
        return;
    m_totalUnread += delta;
    emit totalUnreadChanged(m_totalUnread);
}

} // namespace sb
