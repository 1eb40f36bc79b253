#pragma once
// One conversation as a desk sees it in its inbox: mine, one I was invited to, or one waiting in a
// queue I can claim from. Built from the coordinator's conversation objects (docs/PROTOCOL.md).

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace sb {

struct InboxEntry
{
    enum class Place { Mine, Invited, Queue, Unmatched };

    QString id;
    QString customer;
    QString customerName;
    QString channel;
    QString agent;
    QStringList groups;
    QStringList skills;
    QStringList invited;
    Place place = Place::Queue;
    qint64 arrivedAt = 0;
    int position = 0;
    qint64 estimatedWaitMs = 0;
    QString lastText;
    qint64 lastAt = 0;
    // When the customer's oldest unanswered message came (0: nothing waits for an answer).
    qint64 waitingSince = 0;
    int unread = 0;
    int row = -1;    // kept by InboxModel
    int urgency = 0; // as last announced by InboxModel::setNow

    // `me` decides between Mine and Invited for assigned conversations.
    static InboxEntry fromJson(const QJsonObject &conversation, const QString &me);
    // The customer as the inbox names them.
    const QString &name() const { return customerName.isEmpty() ? customer : customerName; }
    // Whether a search (case-insensitive) finds it: name, customer id, conversation id, channel or
    // last message.
    bool matches(const QString &search) const;
    bool waiting() const { return place == Place::Queue || place == Place::Unmatched; }
    // What the customer has been waiting for: since arrival in a queue, since their unanswered
    // message when assigned; 0 when nothing waits.
    qint64 waitStart() const { return waiting() ? arrivedAt : waitingSince; }
};

} // namespace sb
