#include "directorymodel.h"

#include <QColor>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

namespace sb {

DirectoryModel::DirectoryModel(QObject *parent) : QAbstractTableModel(parent) {}

int DirectoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_agents.size());
}

int DirectoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DirectoryModel::statusText(const QString &status)
{
    if (status == QLatin1String("online"))
        return tr("Online");
    if (status == QLatin1String("busy"))
        return tr("Busy");
    if (status == QLatin1String("away"))
        return tr("Away");
    return tr("Offline");
}

QVariant DirectoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Agent");
    case StatusColumn:
        return tr("Status");
    case LoadColumn:
        return tr("Load");
    case SkillsColumn:
        return tr("Skills");
    case GroupsColumn:
        return tr("Groups");
    }
    return {};
}

QVariant DirectoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Agent &a = m_agents[static_cast<size_t>(index.row())];
    const bool available =
        a.status == QLatin1String("online") && (a.maxConcurrent == 0 || a.load < a.maxConcurrent);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return a.name.isEmpty() ? a.id : a.name;
        case StatusColumn:
            return statusText(a.status);
        case LoadColumn:
            return tr("%1 of %2").arg(a.load).arg(a.maxConcurrent);
        case SkillsColumn:
            return QLocale().createSeparatedList(a.skills);
        case GroupsColumn:
            return QLocale().createSeparatedList(a.groups);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == StatusColumn) {
            if (a.status == QLatin1String("online"))
                return QColor(40, 170, 80);
            if (a.status == QLatin1String("busy"))
                return QColor(220, 60, 50);
            if (a.status == QLatin1String("away"))
                return QColor(230, 160, 20);
            return QColor(140, 140, 140);
        }
        return {};
    case Qt::ForegroundRole:
        return available ? QVariant() : QVariant(QColor(128, 128, 128));
    case IdRole:
        return a.id;
    case StatusRole:
        return a.status;
    case AvailableRole:
        return available;
    case GroupsRole:
        return a.groups;
    case SearchRole:
        return QStringList{a.id, a.name, a.skills.join(QLatin1Char(' ')), a.groups.join(QLatin1Char(' '))}
            .join(QLatin1Char('\n'));
    }
    return {};
}

void DirectoryModel::load(const QJsonArray &agents)
{
    beginResetModel();
    m_agents.clear();
    for (const QJsonValue &v : agents) {
        const QJsonObject o = v.toObject();
        Agent a;
        a.id = o.value(QLatin1String("id")).toString();
        a.name = o.value(QLatin1String("name")).toString();
        a.status = o.value(QLatin1String("status")).toString();
        a.load = o.value(QLatin1String("open")).toInt();
        a.maxConcurrent = o.value(QLatin1String("maxConcurrent")).toInt();
        for (const QJsonValue &g : o.value(QLatin1String("groups")).toArray())
            a.groups << g.toString();
        for (const QJsonValue &s : o.value(QLatin1String("skills")).toArray())
            a.skills << s.toString();
        m_agents.push_back(a);
    }
    endResetModel();
}

void DirectoryModel::setStatus(const QString &agentId, const QString &status)
{
    for (int i = 0; i < rowCount(); ++i) {
        if (m_agents[static_cast<size_t>(i)].id == agentId) {
            m_agents[static_cast<size_t>(i)].status = status;
            emit dataChanged(index(i, 0), index(i, ColumnCount - 1));
        }
    }
}

QStringList DirectoryModel::groups() const
{
    QSet<QString> all;
    for (const Agent &a : m_agents)
        for (const QString &g : a.groups)
            all.insert(g);
    QStringList sorted(all.begin(), all.end());
    sorted.sort();
    return sorted;
}

const DirectoryModel::Agent *DirectoryModel::agent(const QString &id) const
{
    for (const Agent &a : m_agents) {
        if (a.id == id)
            return &a;
    }
    return nullptr;
}

} // namespace sb
