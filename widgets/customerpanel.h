#pragma once
// Who the open conversation is with and where it stands: the customer's profile (VIP, tags, owner,
// CRM id), the conversation's groups, skills, agent and invited experts, and the customer's
// previous tickets with who handled them and how they were rated.

#include <QJsonObject>
#include <QWidget>

class QFormLayout;
class QGroupBox;
class QLabel;
class QTreeWidget;

namespace sb {

class DeskClient;

class CustomerPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit CustomerPanel(DeskClient *desk, QWidget *parent = nullptr);

    void show(const QString &conversationId);
    QTreeWidget *tickets() const { return m_tickets; }
    QString tagsText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void refresh();
    void showProfile(const QString &customer, const QJsonObject &profile);

    DeskClient *m_desk;
    QString m_conversation;
    QString m_customer;
    QJsonObject m_profile; // the shown profile, to show again in another language
    QLabel *m_name;
    QLabel *m_vip;
    QLabel *m_tags;
    QLabel *m_owner;
    QLabel *m_externalId;
    QLabel *m_channel;
    QLabel *m_arrived;
    QLabel *m_groups;
    QLabel *m_skills;
    QLabel *m_agent;
    QLabel *m_invited;
    QTreeWidget *m_tickets;
    QGroupBox *m_customerBox = nullptr;
    QGroupBox *m_conversationBox = nullptr;
    QGroupBox *m_historyBox = nullptr;
    QFormLayout *m_customerForm = nullptr;
    QFormLayout *m_conversationForm = nullptr;
};

} // namespace sb
