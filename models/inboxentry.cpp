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
    return e;
}

} // namespace sb
