#pragma once
// The engine's clock in the coordinator: the live clock, except while the journal is replayed at
// start, when it reads each replayed event's recorded time.

#include "clock.h"

namespace sb {

class JournalClock final : public Clock
{
public:
    explicit JournalClock(const Clock &live) : m_live(live) {}
    qint64 nowMs() const override { return m_replayAt >= 0 ? m_replayAt : m_live.nowMs(); }
    void replayAt(qint64 at) { m_replayAt = at; }
    void live() { m_replayAt = -1; }

private:
    const Clock &m_live;
    qint64 m_replayAt = -1;
};

} // namespace sb
