#include "agentpicker.h"

#include "deskclient.h"
#include "directorymodel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace sb {

AgentPicker::AgentPicker(DeskClient *desk, Purpose purpose, QWidget *parent)
    : QDialog(parent), m_desk(desk), m_purpose(purpose), m_tabs(new QTabWidget(this)),
      m_search(new QLineEdit(this)), m_agents(new QTreeView(this)), m_filter(new QSortFilterProxyModel(this)),
      m_groups(new QListWidget(this)), m_hint(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(purpose == Purpose::Transfer ? tr("Transfer the conversation") : tr("Invite an expert"));
    m_filter->setSourceModel(desk->directory());
    m_filter->setFilterRole(DirectoryModel::SearchRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_agents->setModel(m_filter);
    m_agents->setRootIsDecorated(false);
    m_agents->setSortingEnabled(true);
    m_agents->sortByColumn(DirectoryModel::NameColumn, Qt::AscendingOrder);
    m_agents->setAllColumnsShowFocus(true);
    m_agents->header()->setSectionResizeMode(DirectoryModel::SkillsColumn, QHeaderView::Stretch);
    m_search->setPlaceholderText(tr("Search by name, skill or group"));
    m_search->setClearButtonEnabled(true);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);

    auto *agentsPage = new QWidget(this);
    auto *agentsLayout = new QVBoxLayout(agentsPage);
    agentsLayout->addWidget(m_search);
    agentsLayout->addWidget(m_agents);
    m_tabs->addTab(agentsPage, tr("&Agents"));
    if (purpose == Purpose::Transfer)
        m_tabs->addTab(m_groups, tr("&Groups"));
    else
        m_groups->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(purpose == Purpose::Transfer ? tr("&Transfer") : tr("&Invite"));

    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AgentPicker::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &AgentPicker::reject);
    connect(m_agents->selectionModel(), &QItemSelectionModel::currentChanged, this, &AgentPicker::updateOk);
    connect(m_groups, &QListWidget::currentRowChanged, this, &AgentPicker::updateOk);
    connect(m_tabs, &QTabWidget::currentChanged, this, &AgentPicker::updateOk);
    connect(m_agents, &QTreeView::activated, this, &AgentPicker::accept);
    connect(m_groups, &QListWidget::itemActivated, this, &AgentPicker::accept);
    connect(desk, &DeskClient::directoryLoaded, this, [this] {
        fillGroups();
        m_hint->setText(tr("Agents who are offline, away or at their maximum are greyed; a transfer to them "
                           "may be refused."));
        for (int c = 0; c < DirectoryModel::ColumnCount - 1; ++c)
            m_agents->resizeColumnToContents(c);
        updateOk();
    });
    m_hint->setText(tr("Loading the agents…"));
    resize(640, 420);
    updateOk();
    m_search->setFocus();
    desk->refreshDirectory();
}

void AgentPicker::fillGroups()
{
    m_groups->clear();
    m_groups->addItems(m_desk->directory()->groups());
}

void AgentPicker::updateOk()
{
    const bool agentTab = m_tabs->currentIndex() == 0;
    const QString agentId = m_agents->currentIndex().data(DirectoryModel::IdRole).toString();
    const bool ok =
        agentTab ? (!agentId.isEmpty() && agentId != m_desk->me()) : m_groups->currentItem() != nullptr;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

void AgentPicker::accept()
{
    m_agent.clear();
    m_group.clear();
    if (m_tabs->currentIndex() == 0) {
        m_agent = m_agents->currentIndex().data(DirectoryModel::IdRole).toString();
        if (m_agent.isEmpty() || m_agent == m_desk->me())
            return;
    } else {
        if (!m_groups->currentItem())
            return;
        m_group = m_groups->currentItem()->text();
    }
    QDialog::accept();
}

} // namespace sb
