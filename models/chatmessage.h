#pragma once
// One message of a conversation as the desk shows it: from the customer, an agent or the system,
// text, image, file or internal note, and for my own messages whether the coordinator has it yet.

#include <QImage>
#include <QJsonObject>
#include <QString>

namespace sb {

struct ChatMessage
{
    enum class Sender { Customer, Agent, System };
    enum class Kind { Text, Image, File, Note };
    enum class Delivery { Stored, Sending, Failed };

    QString id; // the coordinator's; empty while sending
    qint64 seq = 0;
    Sender sender = Sender::Customer;
    QString senderId;
    Kind kind = Kind::Text;
    QString text;
    qint64 at = 0;
    QString attachmentId;
    QString attachmentName;
    QString attachmentMime;
    qint64 attachmentSize = 0;
    QImage image; // an image attachment once fetched
    Delivery delivery = Delivery::Stored;
    QString localId; // set on messages this desk sent, until stored
    QString error;   // why sending failed

    static ChatMessage fromJson(const QJsonObject &message);
};

} // namespace sb
