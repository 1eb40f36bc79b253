#pragma once
// The latest durations of something (requests, commits) in a ring, and their quantiles on demand:
// how long things take now, not averaged since start. Not thread-safe: the owner guards it.
// In the store library because it is the lowest layer that measures (the writer's commits).

#include <QtGlobal>
#include <chrono>
#include <vector>

namespace sb {

class LatencyWindow final
{
public:
    struct Quantiles
    {
        double p50Ms = 0, p90Ms = 0, p99Ms = 0, maxMs = 0;
        int count = 0; // durations in the window
    };

    explicit LatencyWindow(int capacity = 8192);

    // A steady clock reading in nanoseconds, for the durations given to add().
    static qint64 nowNs()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    void add(qint64 nanoseconds);
    // Nearest-rank quantiles of the durations in the window; all zero when it is empty.
    Quantiles quantiles() const;
    int capacity() const { return int(m_us.size()); }

private:
    std::vector<quint32> m_us; // microseconds, saturating at ~71 minutes
    int m_next = 0;
    bool m_full = false;
};

} // namespace sb
