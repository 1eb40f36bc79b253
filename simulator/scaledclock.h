#pragma once
// A clock that runs `speed` times faster than the wall clock from a starting instant, so a demo
// can show an hour of traffic in minutes while the engine still sees consistent time.

#include "clock.h"

#include <QElapsedTimer>

namespace sb {

class ScaledClock final : public Clock
{
public:
    ScaledClock(qint64 startMs, double speed);
    qint64 nowMs() const override;
    // Wall-clock milliseconds until this clock reads `ms` (0 if it already does).
    qint64 wallMsUntil(qint64 ms) const;

private:
    qint64 m_start;
    double m_speed;
    QElapsedTimer m_elapsed;
};

} // namespace sb
