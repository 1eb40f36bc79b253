#pragma once
// Who the open conversation is with and where it stands: customer, channel, groups and skills it
// needs, its agent and invited experts.

#include <QWidget>

class QLabel;

namespace sb {

class DeskClient;

class CustomerPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit CustomerPanel(DeskClient *desk, QWidget *parent = nullptr);

    void show(const QString &conversationId);

private:
    void refresh();

    DeskClient *m_desk;
    QString m_conversation;
    QLabel *m_name;
    QLabel *m_customerId;
    QLabel *m_channel;
    QLabel *m_arrived;
    QLabel *m_groups;
    QLabel *m_skills;
    QLabel *m_agent;
    QLabel *m_invited;
};

} // namespace sb
