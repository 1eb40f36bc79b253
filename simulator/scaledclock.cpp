#include "scaledclock.h"

#include <cmath>

namespace sb {

ScaledClock::ScaledClock(qint64 startMs, double speed) : m_start(startMs), m_speed(speed > 0 ? speed : 1.0)
{
    m_elapsed.start();
}

qint64 ScaledClock::nowMs() const
{
    return m_start + static_cast<qint64>(static_cast<double>(m_elapsed.elapsed()) * m_speed);
}

qint64 ScaledClock::wallMsUntil(qint64 ms) const
{
    const qint64 ahead = ms - nowMs();
    return ahead <= 0 ? 0 : static_cast<qint64>(std::ceil(static_cast<double>(ahead) / m_speed));
}

} // namespace sb
