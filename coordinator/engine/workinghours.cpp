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
    // Each day's schedule comes from the most specific key naming it: a single day beats a range,
    // a range beats "daily" — so {"daily": "09:00-18:00", "sun": "closed"} closes Sundays.
    std::array<QString, 7> specFor;
    std::array<int, 7> specificity{};
    specificity.fill(-1);
    bool anyDay = false;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("timeZone"))
            continue;
        int first = -1, last = -1, level = 0;
        if (key.compare(QLatin1String("daily"), Qt::CaseInsensitive) == 0) {
            first = 0;
            last = 6;
        } else if (key.contains(u'-')) {
            const auto ends = QStringView(key).split(u'-');
            first = ends.size() == 2 ? dayIndex(ends[0]) : -1;
            last = ends.size() == 2 ? dayIndex(ends[1]) : -1;
            level = 1;
        } else {
            first = last = dayIndex(key);
            level = 2;
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
        for (int day = first;; day = (day + 1) % 7) {
            if (level >= specificity[day]) {
                specificity[day] = level;
                specFor[day] = it.value().toString().trimmed();
            }
            if (day == last)
                break;
        }
    }
    for (int day = 0; day < 7; ++day) {
        const QString &spec = specFor[day];
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
            if (end > start) {
                hours.m_days[day].push_back({start, end});
            } else {
                hours.m_days[day].push_back({start, 24 * 60});
                hours.m_days[(day + 1) % 7].push_back({0, end});
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
    constexpr qint64 kDayMs = 86400000;
    const auto floorDiv = [](qint64 a, qint64 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); };
    const bool open = isOpen(utcMs);
    // isOpen() can change only at an interval boundary or where the zone's offset changes. Cut
    // the next nine days at the zone's transitions; within each stretch the offset is constant,
    // so every boundary of every local day falls at (local wall time - offset). A wall time
    // repeated when clocks go back is thus found in both stretches, one skipped when they spring
    // forward in neither, and the transitions themselves are candidates too (the state changes
    // there when a boundary was skipped, or when the repeated hour reopens an interval). The
    // first candidate after utcMs where the state differs is the answer.
    const qint64 horizon = utcMs + 9 * kDayMs;
    std::vector<qint64> cuts{utcMs};
    if (m_zone.hasTransitions()) {
        const auto transitions = m_zone.transitions(QDateTime::fromMSecsSinceEpoch(utcMs + 1, Qt::UTC),
                                                    QDateTime::fromMSecsSinceEpoch(horizon, Qt::UTC));
        for (const auto &t : transitions) {
            const qint64 at = t.atUtc.toMSecsSinceEpoch();
            if (at > utcMs && at < horizon)
                cuts.push_back(at);
        }
    }
    cuts.push_back(horizon);
    std::vector<qint64> day;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        const qint64 from = cuts[i], to = cuts[i + 1];
        if (i > 0 && isOpen(from) != open)
            return from;
        const qint64 offsetMs = m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(from, Qt::UTC)) * 1000LL;
        // Local days as days since 1970-01-01 (a Thursday), in order, so candidates come sorted.
        for (qint64 d = floorDiv(from + offsetMs, kDayMs), last = floorDiv(to + offsetMs, kDayMs); d <= last; ++d) {
            const qint64 midnight = d * kDayMs - offsetMs;
            const int weekday = static_cast<int>(((d + 3) % 7 + 7) % 7); // 0 = Monday
            day.clear();
            for (const auto &iv : m_days[weekday]) {
                for (const int minute : {iv.first, iv.second}) {
                    const qint64 ms = midnight + minute * 60000LL;
                    if (ms > utcMs && ms >= from && ms < to)
                        day.push_back(ms);
                }
            }
            std::sort(day.begin(), day.end());
            for (const qint64 ms : day) {
                if (isOpen(ms) != open)
                    return ms;
            }
        }
    }
    return -1;
}

} // namespace sb
