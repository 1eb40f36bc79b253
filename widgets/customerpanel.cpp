#include "customerpanel.h"

#include "deskclient.h"
#include "inboxmodel.h"

#include <QDateTime>
#include <QEvent>
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
    m_customerBox = new QGroupBox(this);
    m_customerForm = new QFormLayout(m_customerBox);
    for (QLabel *field : {m_name, m_vip, m_tags, m_owner, m_externalId, m_channel})
        m_customerForm->addRow(field == m_vip ? nullptr : new QLabel(m_customerBox), field);
    m_conversationBox = new QGroupBox(this);
    m_conversationForm = new QFormLayout(m_conversationBox);
    for (QLabel *field : {m_arrived, m_groups, m_skills, m_agent, m_invited})
        m_conversationForm->addRow(new QLabel(m_conversationBox), field);
    for (QLabel *l : {m_name, m_tags, m_owner, m_externalId, m_channel, m_arrived, m_groups, m_skills,
                      m_agent, m_invited}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_vip->setStyleSheet(QStringLiteral("color: #c88a00; font-weight: bold;"));
    m_vip->setVisible(false);

    m_historyBox = new QGroupBox(this);
    auto *historyLayout = new QVBoxLayout(m_historyBox);
    m_tickets->setRootIsDecorated(false);
    m_tickets->setColumnCount(4);
    m_tickets->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    historyLayout->addWidget(m_tickets);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_customerBox);
    layout->addWidget(m_conversationBox);
    layout->addWidget(m_historyBox, 1);
    connect(desk->inbox(), &QAbstractItemModel::dataChanged, this, &CustomerPanel::refresh);
    connect(desk, &DeskClient::profileLoaded, this, &CustomerPanel::showProfile);
    retranslate();
    show(QString());
}

void CustomerPanel::retranslate()
{
    m_customerBox->setTitle(tr("Customer"));
    m_conversationBox->setTitle(tr("Conversation"));
    m_historyBox->setTitle(tr("Previous tickets"));
    const std::pair<QWidget *, QString> labels[] = {
        {m_name, tr("Name:")},         {m_tags, tr("Tags:")},       {m_owner, tr("Owner:")},
        {m_externalId, tr("CRM id:")}, {m_channel, tr("Channel:")}, {m_arrived, tr("Arrived:")},
        {m_groups, tr("Groups:")},     {m_skills, tr("Skills:")},   {m_agent, tr("Agent:")},
        {m_invited, tr("Invited:")},
    };
    for (const auto &[field, text] : labels) {
        QFormLayout *form = field->parentWidget() == m_customerBox ? m_customerForm : m_conversationForm;
        if (auto *label = qobject_cast<QLabel *>(form->labelForField(field)))
            label->setText(text);
    }
    m_vip->setText(tr("★ VIP"));
    m_tickets->setHeaderLabels({tr("Opened"), tr("Channel"), tr("Handled by"), tr("Rating")});
    m_tickets->setAccessibleName(tr("Previous tickets"));
    refresh();
    if (!m_profile.isEmpty())
        showProfile(m_customer, m_profile);
}

void CustomerPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void CustomerPanel::show(const QString &conversationId)
{
    m_conversation = conversationId;
    const InboxEntry *e = m_desk->inbox()->entry(conversationId);
    m_customer = e ? e->customer : QString();
    m_profile = QJsonObject();
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
    m_profile = profile;
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
