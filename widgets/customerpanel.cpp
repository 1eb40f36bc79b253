#include "customerpanel.h"

#include "deskclient.h"
#include "inboxmodel.h"

#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace sb {

CustomerPanel::CustomerPanel(DeskClient *desk, QWidget *parent)
    : QWidget(parent), m_desk(desk), m_name(new QLabel(this)), m_customerId(new QLabel(this)),
      m_channel(new QLabel(this)), m_arrived(new QLabel(this)), m_groups(new QLabel(this)),
      m_skills(new QLabel(this)), m_agent(new QLabel(this)), m_invited(new QLabel(this))
{
    auto *customer = new QGroupBox(tr("Customer"), this);
    auto *customerForm = new QFormLayout(customer);
    customerForm->addRow(tr("Name:"), m_name);
    customerForm->addRow(tr("Customer id:"), m_customerId);
    customerForm->addRow(tr("Channel:"), m_channel);
    auto *conversation = new QGroupBox(tr("Conversation"), this);
    auto *conversationForm = new QFormLayout(conversation);
    conversationForm->addRow(tr("Arrived:"), m_arrived);
    conversationForm->addRow(tr("Groups:"), m_groups);
    conversationForm->addRow(tr("Skills:"), m_skills);
    conversationForm->addRow(tr("Agent:"), m_agent);
    conversationForm->addRow(tr("Invited:"), m_invited);
    for (QLabel *l : {m_name, m_customerId, m_channel, m_arrived, m_groups, m_skills, m_agent, m_invited}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(customer);
    layout->addWidget(conversation);
    layout->addStretch();
    connect(desk->inbox(), &QAbstractItemModel::dataChanged, this, &CustomerPanel::refresh);
    show(QString());
}

void CustomerPanel::show(const QString &conversationId)
{
    m_conversation = conversationId;
    refresh();
}

void CustomerPanel::refresh()
{
    const InboxEntry *e = m_desk->inbox()->entry(m_conversation);
    setEnabled(e != nullptr);
    const QString none = tr("—");
    auto orNone = [&none](const QString &s) { return s.isEmpty() ? none : s; };
    m_name->setText(e ? orNone(e->customerName) : none);
    m_customerId->setText(e ? orNone(e->customer) : none);
    m_channel->setText(e ? orNone(e->channel) : none);
    m_arrived->setText(
        e && e->arrivedAt > 0
            ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(e->arrivedAt), QLocale::ShortFormat)
            : none);
    m_groups->setText(e ? orNone(QLocale().createSeparatedList(e->groups)) : none);
    m_skills->setText(e ? orNone(QLocale().createSeparatedList(e->skills)) : none);
    m_agent->setText(e ? orNone(e->agent) : none);
    m_invited->setText(e ? orNone(QLocale().createSeparatedList(e->invited)) : none);
}

} // namespace sb
