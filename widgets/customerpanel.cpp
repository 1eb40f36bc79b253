#include "customerpanel.h"

#include "deskclient.h"
#include "inboxmodel.h"

#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sb {

namespace {
QString when(qint64 ms)
{
    return ms > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat) : QString();
}
} // namespace

CustomerPanel::CustomerPanel(DeskClient *desk, QWidget *parent)
    : QWidget(parent), m_desk(desk), m_name(new QLabel(this)), m_vip(new QLabel(this)),
      m_tags(new QLabel(this)), m_owner(new QLabel(this)), m_externalId(new QLabel(this)),
      m_channel(new QLabel(this)), m_arrived(new QLabel(this)), m_groups(new QLabel(this)),
      m_skills(new QLabel(this)), m_agent(new QLabel(this)), m_invited(new QLabel(this)),
      m_tickets(new QTreeWidget(this))
{
    auto *customer = new QGroupBox(tr("Customer"), this);
    auto *customerForm = new QFormLayout(customer);
    customerForm->addRow(tr("Name:"), m_name);
    customerForm->addRow(QString(), m_vip);
    customerForm->addRow(tr("Tags:"), m_tags);
    customerForm->addRow(tr("Owner:"), m_owner);
    customerForm->addRow(tr("CRM id:"), m_externalId);
    customerForm->addRow(tr("Channel:"), m_channel);
    auto *conversation = new QGroupBox(tr("Conversation"), this);
    auto *conversationForm = new QFormLayout(conversation);
    conversationForm->addRow(tr("Arrived:"), m_arrived);
    conversationForm->addRow(tr("Groups:"), m_groups);
    conversationForm->addRow(tr("Skills:"), m_skills);
    conversationForm->addRow(tr("Agent:"), m_agent);
    conversationForm->addRow(tr("Invited:"), m_invited);
    for (QLabel *l : {m_name, m_tags, m_owner, m_externalId, m_channel, m_arrived, m_groups, m_skills,
                      m_agent, m_invited}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_vip->setText(tr("★ VIP"));
    m_vip->setStyleSheet(QStringLiteral("color: #c88a00; font-weight: bold;"));
    m_vip->setVisible(false);

    auto *history = new QGroupBox(tr("Previous tickets"), this);
    auto *historyLayout = new QVBoxLayout(history);
    m_tickets->setRootIsDecorated(false);
    m_tickets->setHeaderLabels({tr("Opened"), tr("Channel"), tr("Handled by"), tr("Rating")});
    m_tickets->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tickets->setAccessibleName(tr("Previous tickets"));
    historyLayout->addWidget(m_tickets);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(customer);
    layout->addWidget(conversation);
    layout->addWidget(history, 1);
    connect(desk->inbox(), &QAbstractItemModel::dataChanged, this, &CustomerPanel::refresh);
    connect(desk, &DeskClient::profileLoaded, this, &CustomerPanel::showProfile);
    show(QString());
}

void CustomerPanel::show(const QString &conversationId)
{
    m_conversation = conversationId;
    const InboxEntry *e = m_desk->inbox()->entry(conversationId);
    m_customer = e ? e->customer : QString();
    m_vip->setVisible(false);
    m_tags->setText(tr("—"));
    m_owner->setText(tr("—"));
    m_externalId->setText(tr("—"));
    m_tickets->clear();
    refresh();
    if (!m_customer.isEmpty())
        m_desk->loadProfile(m_customer);
}

QString CustomerPanel::tagsText() const
{
    return m_tags->text();
}

void CustomerPanel::refresh()
{
    const InboxEntry *e = m_desk->inbox()->entry(m_conversation);
    setEnabled(e != nullptr);
    const QString none = tr("—");
    auto orNone = [&none](const QString &s) { return s.isEmpty() ? none : s; };
    const QLocale locale;
    m_name->setText(e ? orNone(e->customerName) : none);
    m_channel->setText(e ? orNone(e->channel) : none);
    m_arrived->setText(e ? orNone(when(e->arrivedAt)) : none);
    m_groups->setText(e ? orNone(locale.createSeparatedList(e->groups)) : none);
    m_skills->setText(e ? orNone(locale.createSeparatedList(e->skills)) : none);
    m_agent->setText(e ? orNone(e->agent) : none);
    m_invited->setText(e ? orNone(locale.createSeparatedList(e->invited)) : none);
}

void CustomerPanel::showProfile(const QString &customer, const QJsonObject &profile)
{
    if (customer != m_customer)
        return; // an answer for a conversation no longer shown
    const QString none = tr("—");
    const QJsonObject c = profile.value(QLatin1String("customer")).toObject();
    m_vip->setVisible(c.value(QLatin1String("vip")).toBool());
    QStringList tags;
    for (const QJsonValue &t : c.value(QLatin1String("tags")).toArray())
        tags << t.toString();
    m_tags->setText(tags.isEmpty() ? none : QLocale().createSeparatedList(tags));
    const QString owner = c.value(QLatin1String("ownerName")).toString();
    m_owner->setText(owner.isEmpty() ? none : owner);
    const QString external = c.value(QLatin1String("externalId")).toString();
    m_externalId->setText(external.isEmpty() ? none : external);
    m_tickets->clear();
    for (const QJsonValue &v : profile.value(QLatin1String("tickets")).toArray()) {
        const QJsonObject t = v.toObject();
        if (t.value(QLatin1String("id")).toString() == m_conversation)
            continue; // this one
        const int rating = t.value(QLatin1String("rating")).toInt();
        const QString agent = t.value(QLatin1String("agentName")).toString();
        auto *item = new QTreeWidgetItem(m_tickets);
        item->setText(0, when(static_cast<qint64>(t.value(QLatin1String("openedAt")).toDouble())));
        item->setText(1, t.value(QLatin1String("channel")).toString());
        item->setText(2, agent.isEmpty() ? none : agent);
        item->setText(3, rating > 0 ? QString(rating, QChar(0x2605)) : none);
        item->setToolTip(0, tr("Conversation %1").arg(t.value(QLatin1String("id")).toString()));
    }
    if (m_tickets->topLevelItemCount() == 0) {
        auto *item = new QTreeWidgetItem(m_tickets);
        item->setText(0, tr("First contact"));
        item->setDisabled(true);
    }
}

} // namespace sb
