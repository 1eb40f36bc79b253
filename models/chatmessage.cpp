#include "chatmessage.h"

namespace sb {

ChatMessage ChatMessage::fromJson(const QJsonObject &m)
{
    ChatMessage c;
    c.id = m.value(QLatin1String("id")).toVariant().toString();
    c.seq = static_cast<qint64>(m.value(QLatin1String("seq")).toDouble());
    const QString sender = m.value(QLatin1String("sender")).toString();
    c.sender = sender == QLatin1String("agent")    ? Sender::Agent
               : sender == QLatin1String("system") ? Sender::System
                                                   : Sender::Customer;
    c.senderId = m.value(QLatin1String("senderId")).toString();
    const QString kind = m.value(QLatin1String("kind")).toString();
    c.kind = kind == QLatin1String("image")  ? Kind::Image
             : kind == QLatin1String("file") ? Kind::File
             : kind == QLatin1String("note") ? Kind::Note
                                             : Kind::Text;
    c.text = m.value(QLatin1String("text")).toString();
    c.at = static_cast<qint64>(m.value(QLatin1String("at")).toDouble());
    const QJsonObject a = m.value(QLatin1String("attachment")).toObject();
    if (!a.isEmpty()) {
        c.attachmentId = a.value(QLatin1String("id")).toString();
        c.attachmentName = a.value(QLatin1String("name")).toString();
        c.attachmentMime = a.value(QLatin1String("mime")).toString();
        c.attachmentSize = static_cast<qint64>(a.value(QLatin1String("size")).toDouble());
    }
    return c;
}

} // namespace sb
