#include "inboxentry.h"

#include <QJsonArray>

namespace sb {

namespace {
QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}
} // namespace

InboxEntry InboxEntry::fromJson(const QJsonObject &c, const QString &me)
{
    InboxEntry e;
    e.id = c.value(QLatin1String("id")).toString();
    e.customer = c.value(QLatin1String("customer")).toString();
    e.customerName = c.value(QLatin1String("customerName")).toString();
    e.channel = c.value(QLatin1String("channel")).toString();
    e.agent = c.value(QLatin1String("agent")).toString();
    e.groups = strings(c.value(QLatin1String("groups")));
    e.skills = strings(c.value(QLatin1String("skills")));
    e.invited = strings(c.value(QLatin1String("invited")));
    e.arrivedAt = static_cast<qint64>(c.value(QLatin1String("arrivedAt")).toDouble());
    e.position = c.value(QLatin1String("position")).toInt();
    e.estimatedWaitMs = static_cast<qint64>(c.value(QLatin1String("estimatedWaitMs")).toDouble());
    const QString state = c.value(QLatin1String("state")).toString();
    if (state == QLatin1String("assigned"))
        e.place = e.agent == me ? Place::Mine : Place::Invited;
    else if (state == QLatin1String("unmatched"))
        e.place = Place::Unmatched;
    else
        e.place = Place::Queue;
    if (e.waiting())
        e.waitingSince = e.arrivedAt;
    // The snapshot's preview of the last message; message.new keeps it current afterwards.
    const QJsonObject last = c.value(QLatin1String("lastMessage")).toObject();
    if (!last.isEmpty()) {
        const QString text = last.value(QLatin1String("text")).toString();
        e.lastText = text.isEmpty() ? last.value(QLatin1String("attachmentName")).toString() : text;
        e.lastAt = static_cast<qint64>(last.value(QLatin1String("at")).toDouble());
        // Waiting for my answer since (at least) then.
        if (!e.waiting() && last.value(QLatin1String("sender")).toString() == QLatin1String("customer"))
            e.waitingSince = e.lastAt;
    }
    return e;
}

bool InboxEntry::matches(const QString &search) const
{
    for (const QString *field : {&customerName, &customer, &id, &channel, &lastText}) {
        if (field->contains(search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace sb
