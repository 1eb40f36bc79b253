#include "quickreplymodel.h"

#include <QJsonArray>

namespace sb {

QuickReplyModel::QuickReplyModel(QObject *parent) : QAbstractListModel(parent) {}

int QuickReplyModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_replies.size());
}

QVariant QuickReplyModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Reply &r = m_replies[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 · %2").arg(r.category, r.title);
    case Qt::ToolTipRole:
    case TextRole:
        return r.text;
    case IdRole:
        return r.id;
    case CategoryRole:
        return r.category;
    case TitleRole:
        return r.title;
    case SearchRole:
        return QStringList{r.category, r.title, r.text}.join(QLatin1Char('\n'));
    }
    return {};
}

void QuickReplyModel::load(const QJsonObject &categories)
{
    beginResetModel();
    m_replies.clear();
    QStringList names = categories.keys();
    names.sort();
    for (const QString &category : names) {
        for (const QJsonValue &v : categories.value(category).toArray()) {
            const QJsonObject o = v.toObject();
            m_replies.push_back({o.value(QLatin1String("id")).toVariant().toString(), category,
                                 o.value(QLatin1String("title")).toString(),
                                 o.value(QLatin1String("text")).toString()});
        }
    }
    endResetModel();
}

} // namespace sb
