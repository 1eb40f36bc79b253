// Journal snapshots: the engine's saved state in the store, so that a start restores the newest one
// and replays only the journal rows after it, instead of the whole journal (which grows without
// bound: a year of a busy site is millions of events).
//
// A snapshot is taken between rounds, once Options::snapshotEvery events were journaled since the
// last, and at a clean stop. Every engine input is journaled in the same call that gives it to the
// engine (feed), so at that point the engine holds exactly the inputs submitted to the writer; the
// snapshot is submitted after them, and the writer records it as covering the last journal row
// before it in its own order. A round of timers that decided something is journaled too (a
// clock.tick row, see enginejournal.h), so it counts toward the next snapshot and a clean stop
// after it takes one; a snapshot taken after such a round holds the timers fired and covers their
// row. Timer rounds that decided nothing have no row: a replay fires those timers at the next
// input, or the start's tick does, with nothing recorded either way.
#include "coordinatorservice.h"

#include "storereader.h"
#include "storewriter.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

namespace sb {

Q_DECLARE_LOGGING_CATEGORY(lcService)

bool CoordinatorService::restoreSnapshot(qint64 *journalId)
{
    QElapsedTimer timer;
    timer.start();
    // The newest first. One that cannot be restored (another build's format, damage) gives way to
    // the one before it (the writer keeps two); with none, the whole journal is replayed: slower,
    // never wrong.
    qint64 before = -1;
    for (;;) {
        const std::optional<EngineSnapshot> snapshot = m_reader->latestEngineSnapshot(before);
        if (!m_reader->lastError().isEmpty()) {
            qCWarning(lcService).noquote()
                << QStringLiteral("reading the engine snapshots failed (%1): replaying the journal instead")
                       .arg(m_reader->lastError());
            return false;
        }
        if (!snapshot)
            return false;
        before = snapshot->journalId;
        if (snapshot->format != static_cast<int>(RoutingEngine::kStateFormat)) {
            qCWarning(lcService).noquote()
                << QStringLiteral("the engine snapshot at journal row %1 has format %2; this build reads %3: "
                                  "not used")
                       .arg(snapshot->journalId)
                       .arg(snapshot->format)
                       .arg(RoutingEngine::kStateFormat);
            continue;
        }
        const EngineResult r = m_engine->restoreState(snapshot->state);
        if (!r.ok) {
            qCWarning(lcService).noquote()
                << QStringLiteral("the engine snapshot at journal row %1: %2: not used")
                       .arg(snapshot->journalId)
                       .arg(r.message);
            continue;
        }
        *journalId = snapshot->journalId;
        m_stats.snapshotJournalId = snapshot->journalId;
        m_stats.snapshotLoadMs = timer.elapsed();
        return true;
    }
}

void CoordinatorService::maybeSnapshot(bool force)
{
    if (!m_engine || !m_writer || m_replaying || m_sinceSnapshot <= 0)
        return;
    if (!force && (m_options.snapshotEvery <= 0 || m_sinceSnapshot < m_options.snapshotEvery))
        return;
    QElapsedTimer timer;
    timer.start();
    EngineSnapshot snapshot;
    snapshot.at = m_liveClock.nowMs();
    snapshot.format = static_cast<int>(RoutingEngine::kStateFormat);
    snapshot.state = m_engine->saveState();
    m_stats.lastSnapshotSaveMs = timer.elapsed();
    m_stats.lastSnapshotBytes = snapshot.state.size();
    m_sinceSnapshot = 0;
    const qint64 bytes = snapshot.state.size();
    const qint64 saveMs = m_stats.lastSnapshotSaveMs;
    // Not part of any round: nobody waits for it, and a failure only means the next start replays
    // more of the journal.
    m_writer->saveEngineSnapshot(snapshot, [this, bytes, saveMs](const WriteResult &r) {
        if (!r.ok) {
            ++m_stats.snapshotFailures;
            qCWarning(lcService).noquote()
                << QStringLiteral("the engine snapshot was not stored: %1").arg(r.error);
            return;
        }
        ++m_stats.snapshotsTaken;
        qCInfo(lcService).noquote() << QStringLiteral(
                                           "engine snapshot at journal row %1: %2 KB, saved in %3 ms")
                                           .arg(r.id)
                                           .arg(bytes / 1024)
                                           .arg(saveMs);
    });
}

} // namespace sb
