#include "messagemodel.h"

#include <algorithm>

namespace sb {

MessageModel::MessageModel(QObject *parent) : QAbstractListModel(parent) {}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_messages.size());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ChatMessage &m = m_messages[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m.text;
    case IdRole:
        return m.id;
    case SenderRole:
        return static_cast<int>(m.sender);
    case SenderIdRole:
        return m.senderId;
    case MineRole:
        return m.sender == ChatMessage::Sender::Agent && (m.senderId == m_me || !m.localId.isEmpty());
    case KindRole:
        return static_cast<int>(m.kind);
    case AtRole:
        return m.at;
    case AttachmentIdRole:
        return m.attachmentId;
    case AttachmentNameRole:
        return m.attachmentName;
    case AttachmentMimeRole:
        return m.attachmentMime;
    case AttachmentSizeRole:
        return m.attachmentSize;
    case ImageRole:
        return m.image.isNull() ? QVariant() : QVariant(m.image);
    case DeliveryRole:
        return static_cast<int>(m.delivery);
    case ErrorRole:
        return m.error;
    }
    return {};
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "id"},
                  {SenderRole, "sender"},
                  {SenderIdRole, "senderId"},
                  {MineRole, "mine"},
                  {KindRole, "kind"},
                  {TextRole, "text"},
                  {AtRole, "at"},
                  {AttachmentIdRole, "attachmentId"},
                  {AttachmentNameRole, "attachmentName"},
                  {AttachmentMimeRole, "attachmentMime"},
                  {AttachmentSizeRole, "attachmentSize"},
                  {ImageRole, "image"},
                  {DeliveryRole, "delivery"},
                  {ErrorRole, "error"}});
    return names;
}

void MessageModel::open(const QString &conversationId, const QString &me)
{
    beginResetModel();
    m_messages.clear();
    m_ids.clear();
    m_conversation = conversationId;
    m_me = me;
    m_hasOlder = true;
    endResetModel();
}

void MessageModel::add(const std::vector<ChatMessage> &messages)
{
    for (const ChatMessage &m : messages) {
        if (m.id.isEmpty() || m_ids.contains(m.id))
            continue;
        // Stored messages stay in sequence order, ahead of the ones still sending.
        auto storedEnd = std::find_if(m_messages.begin(), m_messages.end(), [](const ChatMessage &x) {
            return !x.localId.isEmpty() && x.id.isEmpty();
        });
        auto pos = std::upper_bound(m_messages.begin(), storedEnd, m.seq,
                                    [](qint64 seq, const ChatMessage &x) { return seq < x.seq; });
        const int row = static_cast<int>(pos - m_messages.begin());
        beginInsertRows({}, row, row);
        m_messages.insert(pos, m);
        m_ids.insert(m.id, m.seq);
        endInsertRows();
    }
}

void MessageModel::addSending(const QString &localId, ChatMessage::Kind kind, const QString &text)
{
    ChatMessage m;
    m.sender = ChatMessage::Sender::Agent;
    m.senderId = m_me;
    m.kind = kind;
    m.text = text;
    m.delivery = ChatMessage::Delivery::Sending;
    m.localId = localId;
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_messages.push_back(m);
    endInsertRows();
}

int MessageModel::rowOfLocal(const QString &localId) const
{
    for (int i = rowCount() - 1; i >= 0; --i) {
        if (m_messages[static_cast<size_t>(i)].localId == localId)
            return i;
    }
    return -1;
}

void MessageModel::removeRow(int row)
{
    beginRemoveRows({}, row, row);
    m_messages.erase(m_messages.begin() + row);
    endRemoveRows();
}

void MessageModel::markStored(const QString &localId, const QString &id, qint64 seq, qint64 at)
{
    const int row = rowOfLocal(localId);
    if (row < 0)
        return;
    if (id.isEmpty() || m_ids.contains(id)) {
        removeRow(row); // the event with the stored message came first
        return;
    }
    ChatMessage m = m_messages[static_cast<size_t>(row)];
    removeRow(row);
    m.id = id;
    m.seq = seq;
    m.at = at;
    m.delivery = ChatMessage::Delivery::Stored;
    m.localId.clear();
    add(m);
}

void MessageModel::markFailed(const QString &localId, const QString &error)
{
    const int row = rowOfLocal(localId);
    if (row < 0)
        return;
    ChatMessage &m = m_messages[static_cast<size_t>(row)];
    m.delivery = ChatMessage::Delivery::Failed;
    m.error = error;
    emit dataChanged(index(row), index(row), {DeliveryRole, ErrorRole});
}

void MessageModel::setImage(const QString &attachmentId, const QImage &image)
{
    for (int i = 0; i < rowCount(); ++i) {
        ChatMessage &m = m_messages[static_cast<size_t>(i)];
        if (m.attachmentId == attachmentId) {
            m.image = image;
            emit dataChanged(index(i), index(i), {ImageRole});
        }
    }
}

bool MessageModel::hasStoredFromMe(const QString &text, qint64 sinceSeq) const
{
    return std::any_of(m_messages.begin(), m_messages.end(), [&](const ChatMessage &m) {
        return !m.id.isEmpty() && m.sender == ChatMessage::Sender::Agent && m.senderId == m_me &&
               m.text == text && m.seq >= sinceSeq;
    });
}

qint64 MessageModel::oldestSeq() const
{
    for (const ChatMessage &m : m_messages) {
        if (!m.id.isEmpty())
            return m.seq;
    }
    return 0;
}

qint64 MessageModel::newestSeq() const
{
    qint64 newest = 0;
    for (const ChatMessage &m : m_messages) {
        if (!m.id.isEmpty())
            newest = std::max(newest, m.seq);
    }
    return newest;
}

const ChatMessage *MessageModel::at(int row) const
{
    return row >= 0 && row < rowCount() ? &m_messages[static_cast<size_t>(row)] : nullptr;
}

} // namespace sb
