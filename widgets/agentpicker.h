#pragma once
// Picks where a conversation goes: an agent (each shown with status, load and skills, searchable)
// or, for a transfer, a group. Used for "Transfer…" and "Invite an expert…".

#include <QDialog>

class QLineEdit;
class QListWidget;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;
class QDialogButtonBox;
class QLabel;

namespace sb {

class DeskClient;

class AgentPicker final : public QDialog
{
    Q_OBJECT

public:
    enum class Purpose { Transfer, Invite };

    AgentPicker(DeskClient *desk, Purpose purpose, QWidget *parent = nullptr);

    // After accept(): the chosen agent, or for a transfer possibly a group (one is empty).
    QString agent() const { return m_agent; }
    QString group() const { return m_group; }
    QTreeView *agentView() const { return m_agents; }
    QListWidget *groupList() const { return m_groups; }

    void accept() override;

private:
    void fillGroups();
    void updateOk();

    DeskClient *m_desk;
    Purpose m_purpose;
    QTabWidget *m_tabs;
    QLineEdit *m_search;
    QTreeView *m_agents;
    QSortFilterProxyModel *m_filter;
    QListWidget *m_groups;
    QLabel *m_hint;
    QDialogButtonBox *m_buttons;
    QString m_agent;
    QString m_group;
};

} // namespace sb
