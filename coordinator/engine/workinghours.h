#pragma once
// A weekly schedule of opening intervals in a time zone: whether a skill group is open at an
// instant, and when that next changes (so the engine can set a timer instead of polling).

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QTimeZone>
#include <array>
#include <utility>
#include <vector>

namespace sb {

class WorkingHours
{
public:
    // Always open, in UTC.
    WorkingHours();

    // Parses {"timeZone": "Asia/Hong_Kong", "mon-fri": "09:00-18:00", "sat": "10:00-12:00,13:00-17:00"}.
    // Day keys: mon tue wed thu fri sat sun, ranges such as "mon-fri", or "daily". An interval
    // that ends before it starts runs past midnight ("22:00-06:00"). A missing day is closed; an
    // object with no day keys at all is always open. On error returns false and sets *error.
    static bool fromJson(const QJsonObject &json, WorkingHours *out, QString *error);
    QJsonObject toJson() const;

    bool alwaysOpen() const { return m_always; }
    QTimeZone timeZone() const { return m_zone; }
    bool isOpen(qint64 utcMs) const;
    // The first instant after utcMs at which isOpen() changes; -1 when it never does.
    qint64 nextChange(qint64 utcMs) const;

private:
    // Minutes of the day [start, end) per ISO weekday (index 0 = Monday).
    using Intervals = std::vector<std::pair<int, int>>;
    bool openAtLocal(int weekdayIndex, int minuteOfDay) const;

    bool m_always = true;
    QTimeZone m_zone;
    std::array<Intervals, 7> m_days;
};

} // namespace sb
