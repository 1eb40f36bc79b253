#include "workinghours.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>

namespace sb {

namespace {
const char *const kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int dayIndex(QStringView name)
{
    for (int i = 0; i < 7; ++i) {
        if (name.compare(QLatin1String(kDayNames[i]), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

bool parseMinute(QStringView text, int *minute)
{
    const auto parts = text.split(u':');
    if (parts.size() != 2)
        return false;
    bool okH = false, okM = false;
    const int h = parts[0].toInt(&okH);
    const int m = parts[1].toInt(&okM);
    if (!okH || !okM || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
        return false;
    *minute = h * 60 + m;
    return true;
}

QString formatMinute(int minute)
{
    return QStringLiteral("%1:%2").arg(minute / 60, 2, 10, QLatin1Char('0')).arg(minute % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

WorkingHours::WorkingHours() : m_zone(QTimeZone::utc()) {}

bool WorkingHours::fromJson(const QJsonObject &json, WorkingHours *out, QString *error)
{
    WorkingHours hours;
    const QString zoneName = json.value(QLatin1String("timeZone")).toString(QStringLiteral("UTC"));
    hours.m_zone = QTimeZone(zoneName.toUtf8());
    if (!hours.m_zone.isValid()) {
        *error = QStringLiteral("unknown time zone \"%1\"").arg(zoneName);
        return false;
    }
    bool anyDay = false;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("timeZone"))
            continue;
        int first = -1, last = -1;
        if (key.compare(QLatin1String("daily"), Qt::CaseInsensitive) == 0) {
            first = 0;
            last = 6;
        } else if (key.contains(u'-')) {
            const auto ends = QStringView(key).split(u'-');
            first = ends.size() == 2 ? dayIndex(ends[0]) : -1;
            last = ends.size() == 2 ? dayIndex(ends[1]) : -1;
        } else {
            first = last = dayIndex(key);
        }
        if (first < 0 || last < 0) {
            *error = QStringLiteral("\"%1\" is not a day or a day range (use mon..sun, mon-fri or daily)").arg(key);
            return false;
        }
        if (!it.value().isString()) {
            *error = QStringLiteral("hours for \"%1\" must be a string such as \"09:00-18:00\"").arg(key);
            return false;
        }
        anyDay = true;
        const QString spec = it.value().toString().trimmed();
        if (spec.isEmpty() || spec.compare(QLatin1String("closed"), Qt::CaseInsensitive) == 0)
            continue;
        for (const QString &piece : spec.split(u',', Qt::SkipEmptyParts)) {
            const auto bounds = QStringView(piece).trimmed().split(u'-');
            int start = 0, end = 0;
            if (bounds.size() != 2 || !parseMinute(bounds[0].trimmed(), &start) ||
                !parseMinute(bounds[1].trimmed(), &end) || start == end) {
                *error = QStringLiteral("\"%1\" is not an interval such as 09:00-18:00").arg(piece.trimmed());
                return false;
            }
            int day = first;
            while (true) {
                if (end > start) {
                    hours.m_days[day].push_back({start, end});
                } else {
                    hours.m_days[day].push_back({start, 24 * 60});
                    hours.m_days[(day + 1) % 7].push_back({0, end});
                }
                if (day == last)
                    break;
                day = (day + 1) % 7;
            }
        }
    }
    hours.m_always = !anyDay;
    for (auto &day : hours.m_days)
        std::sort(day.begin(), day.end());
    *out = hours;
    return true;
}

QJsonObject WorkingHours::toJson() const
{
    QJsonObject json;
    json.insert(QLatin1String("timeZone"), QString::fromUtf8(m_zone.id()));
    if (m_always)
        return json;
    for (int d = 0; d < 7; ++d) {
        QStringList pieces;
        for (const auto &iv : m_days[d])
            pieces << formatMinute(iv.first) + QLatin1Char('-') + formatMinute(iv.second);
        json.insert(QLatin1String(kDayNames[d]), pieces.isEmpty() ? QStringLiteral("closed") : pieces.join(u','));
    }
    return json;
}

bool WorkingHours::openAtLocal(int weekdayIndex, int minuteOfDay) const
{
    for (const auto &iv : m_days[weekdayIndex]) {
        if (minuteOfDay >= iv.first && minuteOfDay < iv.second)
            return true;
    }
    return false;
}

bool WorkingHours::isOpen(qint64 utcMs) const
{
    if (m_always)
        return true;
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(utcMs, m_zone);
    const QTime t = local.time();
    return openAtLocal(local.date().dayOfWeek() - 1, t.hour() * 60 + t.minute());
}

qint64 WorkingHours::nextChange(qint64 utcMs) const
{
    if (m_always)
        return -1;
    const bool open = isOpen(utcMs);
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(utcMs, m_zone);
    // Candidate instants are interval boundaries over the next eight local days; the first one
    // after utcMs where the state differs is the answer (adjacent intervals merge naturally).
    for (int offset = 0; offset <= 8; ++offset) {
        const QDate date = local.date().addDays(offset);
        const int wd = date.dayOfWeek() - 1;
        std::vector<int> bounds;
        for (const auto &iv : m_days[wd]) {
            bounds.push_back(iv.first);
            bounds.push_back(iv.second);
        }
        std::sort(bounds.begin(), bounds.end());
        for (int minute : bounds) {
            const QDateTime at = minute >= 24 * 60 ? QDateTime(date.addDays(1), QTime(0, 0), m_zone)
                                                   : QDateTime(date, QTime(minute / 60, minute % 60), m_zone);
            const qint64 ms = at.toMSecsSinceEpoch();
            if (ms <= utcMs)
                continue;
            if (isOpen(ms) != open)
                return ms;
        }
    }
    return -1;
}

} // namespace sb
