#pragma once
// The quick replies of a channel, by category, as the composer's picker shows them; a search
// (what follows "/" in the composer) narrows them by title, text or category.

#include <QAbstractListModel>
#include <QJsonObject>
#include <vector>

namespace sb {

class QuickReplyModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { IdRole = Qt::UserRole + 1, CategoryRole, TitleRole, TextRole, SearchRole };

    explicit QuickReplyModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // The reply of quickreply.list: {category: [{id, title, text, channel}]}.
    void load(const QJsonObject &categories);
    QString channel() const { return m_channel; }
    void setChannel(const QString &channel) { m_channel = channel; }

private:
    struct Reply
    {
        QString id;
        QString category;
        QString title;
        QString text;
    };
    std::vector<Reply> m_replies;
    QString m_channel;
};

} // namespace sb
