#pragma once
// Keeps the store's write-ahead log short without stalling commits.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: that
// commit copies the pages into the database file and syncs it, on the writer's thread, and every
// acknowledgement waiting for the batch waits for the copy too (bench_load at 1,000 arrivals/s:
// arrival-to-agent p99 62 ms with it, 14 ms without). Here the writer's connection reports the
// WAL's length after each commit instead (sqlite3_wal_hook, which also turns the automatic
// checkpoint off), and a thread of its own, on its own connection, copies pages back with passive
// checkpoints, which never block the writer or readers.
//
// A passive checkpoint under a steady stream of commits never catches up with the newest frame,
// and SQLite only starts the WAL over once every frame is copied back, so on its own the log would
// grow for as long as the stream lasts. Past `resetFrames` the writer runs one passive checkpoint
// itself between two batches, so that the next transaction writes the WAL from its start again.
// Every commit waits while it runs, so it runs only once the background passes have copied most
// of the log: past the reset length the background pass is woken after every batch, and the writer
// runs its pass once no more than `tailFrames` are left (a pass that copied a whole step and synced
// it held requests for up to 30 ms and more at 1,000 arrivals/s). Under a heavy stream that tail
// may be out of reach: each pass takes long enough (copying, then syncing the database file) for
// the commits meanwhile to leave about as much again, and a pass of a few hundred frames copies
// nearly every one (few repeat a page), so chasing until the tail cost ten to twenty passes per
// round of the log and doubled the checkpoint thread's cost per message. So the writer also runs
// its pass once a background pass that began past the reset length left no less than the one
// before it (the chase stopped gaining), or after `chasePasses` of them. Should none of that
// happen, the writer runs its pass anyway at twice the reset length, which keeps the log bounded.
// A writer's pass that could not copy everything (a reader still on old frames) starts the chase
// afresh, so the writer does not then run a pass after every batch.
//
// Only where the build has SQLite's own API (SB_HAVE_SQLITE3) and Qt's driver hands out its
// handle; otherwise start() says so and SQLite's automatic checkpoint stays in charge.

#include <QMutex>
#include <QSqlDatabase>
#include <QString>
#include <QWaitCondition>

class QThread;
struct sqlite3;

namespace sb {

class WalCheckpointer final
{
public:
    struct Options
    {
        // Wake the background pass each time the log grew by this much. A pass copies each page
        // once however many frames of it the log holds since the last one, so a longer step
        // copies a page that many commits changed (an active conversation's index page) once.
        int stepFrames = 8000;
        int resetFrames = 32000; // past this the writer completes a pass itself (4 KiB pages: 128 MB)
        int tailFrames = 256;    // ...once no more than this is left to copy,
        int chasePasses = 6;     // or after this many background passes past the reset (or fewer)
    };

    struct Stats
    {
        quint64 backgroundPasses = 0;
        quint64 writerPasses = 0; // the writer's own passes that let the log start over
        quint64 busy = 0;         // writer passes that found the background one running
        quint64 restarts = 0;     // times the log started over from its beginning
        qint64 walFrames = 0;     // the log's length after the latest commit
        qint64 largestWalFrames = 0;
        qint64 lastPassMs = 0;
        qint64 longestWriterPassMs = 0;     // the writer's own passes hold every commit back meanwhile
        qint64 largestWriterPassFrames = 0; // frames left to copy when the writer ran its pass
        quint64 forcedWriterPasses = 0;     // run at twice the reset length, with more than the tail
        quint64 chasedWriterPasses = 0;     // run after the chase, with more than the tail
    };

    WalCheckpointer(const QString &path, const Options &options);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    // Attaches to the writer's connection (call on the writer's thread) and starts the background
    // thread. False, with the reason, when it cannot: the caller keeps SQLite's own checkpoint.
    bool start(QSqlDatabase &writer, QString *error);
    // Detaches from the writer's connection and ends the background pass. Call on the writer's
    // thread before it closes its connection.
    void stop();
    // Call on the writer's thread after each batch, outside a transaction.
    void afterBatch();
    Stats stats() const;

private:
    static int onCommit(void *self, sqlite3 *db, const char *schema, int frames);
    void runThread();

    const QString m_path;
    const Options m_options;
    sqlite3 *m_writer = nullptr;
    QThread *m_thread = nullptr;
    qint64 m_framesAtLastWake = 0;

    mutable QMutex m_mutex; // guards everything below
    QWaitCondition m_wake;
    bool m_requested = false;
    // What the latest background pass left copied: frames of the log, as of the log's generation
    // (it starts over at each reset, which the commit hook sees as a shorter log).
    qint64 m_backfilled = 0;
    quint64 m_generation = 0;
    // The chase: background passes that began past the reset length since the log started over
    // or the writer's last pass, what the latest of them left to copy, and whether the chase is
    // over (a pass left no less than the one before, or `chasePasses` ran): the writer's turn.
    int m_chased = 0;
    qint64 m_chaseLeft = 0;
    bool m_chaseOver = false;
    void resetChase(); // under m_mutex
    bool m_stopping = false;
    Stats m_stats;
};

} // namespace sb
