#pragma once
// The messages of the conversation open on the desk, oldest first: history pages are put in front,
// new messages at their place by sequence number, each message once however often it arrives.

#include "chatmessage.h"

#include <QAbstractListModel>
#include <QHash>
#include <vector>

namespace sb {

class MessageModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        SenderRole, // ChatMessage::Sender as int
        SenderIdRole,
        MineRole, // sent by this desk's agent
        KindRole, // ChatMessage::Kind as int
        TextRole,
        AtRole,
        AttachmentIdRole,
        AttachmentNameRole,
        AttachmentMimeRole,
        AttachmentSizeRole,
        ImageRole,
        DeliveryRole, // ChatMessage::Delivery as int
        ErrorRole,
    };

    explicit MessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Empties the model for another conversation.
    void open(const QString &conversationId, const QString &me);
    QString conversationId() const { return m_conversation; }

    // Puts stored messages in place (a history page or a new message); ones already here are skipped.
    void add(const std::vector<ChatMessage> &messages);
    void add(const ChatMessage &message) { add(std::vector<ChatMessage>{message}); }
    // A message this desk is sending, shown at once.
    void addSending(const QString &localId, ChatMessage::Kind kind, const QString &text);
    // The coordinator stored it (the event with it may have come first).
    void markStored(const QString &localId, const QString &id, qint64 seq, qint64 at);
    void markFailed(const QString &localId, const QString &error);
    void setImage(const QString &attachmentId, const QImage &image);

    // Whether a message from this agent with this text was stored at or after `sinceSeq`.
    bool hasStoredFromMe(const QString &text, qint64 sinceSeq) const;
    qint64 oldestSeq() const;
    qint64 newestSeq() const;
    bool hasOlder() const { return m_hasOlder; }
    void setHasOlder(bool hasOlder) { m_hasOlder = hasOlder; }
    const ChatMessage *at(int row) const;

private:
    int rowOfLocal(const QString &localId) const;
    void removeRow(int row);

    std::vector<ChatMessage> m_messages; // stored ones by seq, then those still sending
    QHash<QString, qint64> m_ids;        // stored ids -> seq
    QString m_conversation;
    QString m_me;
    bool m_hasOlder = true;
};

} // namespace sb
