#include "latencywindow.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sb {

LatencyWindow::LatencyWindow(int capacity) : m_us(std::size_t(std::max(1, capacity)), 0) {}

void LatencyWindow::add(qint64 nanoseconds)
{
    const qint64 us = std::max<qint64>(0, nanoseconds / 1000);
    m_us[std::size_t(m_next)] = quint32(std::min<qint64>(us, std::numeric_limits<quint32>::max()));
    if (++m_next == int(m_us.size())) {
        m_next = 0;
        m_full = true;
    }
}

LatencyWindow::Quantiles LatencyWindow::quantiles() const
{
    Quantiles q;
    const std::size_t n = m_full ? m_us.size() : std::size_t(m_next);
    if (n == 0)
        return q;
    std::vector<quint32> v(m_us.begin(), m_us.begin() + std::ptrdiff_t(n));
    const auto at = [&](double p) {
        // Nearest rank: the smallest value with at least p of the durations at or below it.
        const std::size_t rank = std::clamp<std::size_t>(std::size_t(std::ceil(p * double(n))), 1, n) - 1;
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(rank), v.end());
        return double(v[rank]) / 1000.0;
    };
    q.count = int(n);
    q.p50Ms = at(0.50);
    q.p90Ms = at(0.90);
    q.p99Ms = at(0.99);
    q.maxMs = double(*std::max_element(v.begin(), v.end())) / 1000.0;
    return q;
}

} // namespace sb
