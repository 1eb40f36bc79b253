#pragma once
// The agents of the site as the transfer and invitation pickers show them: name, status, load
// against their maximum, groups and skills.

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QStringList>
#include <vector>

namespace sb {

class DirectoryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, StatusColumn, LoadColumn, SkillsColumn, GroupsColumn, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, StatusRole, AvailableRole, GroupsRole, SearchRole };

    struct Agent
    {
        QString id;
        QString name;
        QString status; // online, busy, away, offline
        int load = 0;
        int maxConcurrent = 0;
        QStringList groups;
        QStringList skills;
    };

    explicit DirectoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The reply of directory.agents.
    void load(const QJsonArray &agents);
    void setStatus(const QString &agentId, const QString &status);
    // Every group any agent is in, sorted.
    QStringList groups() const;
    const Agent *agent(const QString &id) const;

    static QString statusText(const QString &status);

private:
    std::vector<Agent> m_agents;
};

} // namespace sb
