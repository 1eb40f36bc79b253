#include "walcheckpointer.h"

#include "sqlstatement.h"
#include "storedatabase.h"

#include <QElapsedTimer>
#include <QMutexLocker>
#include <QSqlDriver>
#include <QThread>
#include <QVariant>
#include <algorithm>

#if defined(SB_HAVE_SQLITE3)
#include <sqlite3.h>
#endif

namespace sb {

namespace {
// One passive checkpoint of the main database: copies back what no reader still needs, never waits.
// SQLITE_BUSY means another checkpoint was running.
// `backfilled`: the frames of the log copied back once it is done.
int passiveCheckpoint(sqlite3 *db, int *backfilled = nullptr)
{
#if defined(SB_HAVE_SQLITE3)
    int log = 0;
    int done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (backfilled)
        *backfilled = done;
    return rc;
#else
    Q_UNUSED(db)
    Q_UNUSED(backfilled)
    return 1;
#endif
}
} // namespace

WalCheckpointer::WalCheckpointer(const QString &path, const Options &options)
    : m_path(path), m_options(options)
{}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

bool WalCheckpointer::start(QSqlDatabase &writer, QString *error)
{
#if defined(SB_HAVE_SQLITE3)
    m_writer = SqlStatement::nativeHandle(writer);
    if (!m_writer) {
        if (error)
            *error = QStringLiteral("the Qt SQLite driver does not hand out its connection");
        return false;
    }
    sqlite3_wal_hook(m_writer, &WalCheckpointer::onCommit, this);
    m_thread = QThread::create([this] { runThread(); });
    m_thread->setObjectName(QStringLiteral("sb-store-checkpoint"));
    m_thread->start();
    return true;
#else
    Q_UNUSED(writer)
    if (error)
        *error = QStringLiteral("built without SQLite's own API");
    return false;
#endif
}

void WalCheckpointer::stop()
{
#if defined(SB_HAVE_SQLITE3)
    if (m_writer) {
        sqlite3_wal_hook(m_writer, nullptr, nullptr);
        // Back to SQLite's own checkpoint for whatever this connection still commits.
        sqlite3_wal_autocheckpoint(m_writer, 1000);
        m_writer = nullptr;
    }
#endif
    if (!m_thread)
        return;
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

int WalCheckpointer::onCommit(void *self, sqlite3 *, const char *, int frames)
{
    auto *c = static_cast<WalCheckpointer *>(self);
    QMutexLocker lock(&c->m_mutex);
    if (frames < c->m_stats.walFrames) {
        // The log started over: what the background pass copied was of the old one.
        ++c->m_generation;
        ++c->m_stats.restarts;
        c->m_backfilled = 0;
        c->resetChase();
    }
    c->m_stats.walFrames = frames;
    c->m_stats.largestWalFrames = std::max<qint64>(c->m_stats.largestWalFrames, frames);
    return 0; // SQLITE_OK
}

void WalCheckpointer::afterBatch()
{
    if (!m_writer)
        return;
    qint64 frames = 0;
    qint64 left = 0;
    bool forced = false;
    bool chased = false;
    {
        QMutexLocker lock(&m_mutex);
        frames = m_stats.walFrames;
        if (frames < m_framesAtLastWake)
            m_framesAtLastWake = 0; // the log started over
        const bool pastReset = frames >= m_options.resetFrames;
        bool writerPass = false;
        if (pastReset) {
            left = frames - std::min(m_backfilled, frames);
            forced = frames >= 2 * qint64(m_options.resetFrames);
            chased = m_chaseOver;
            writerPass = left <= m_options.tailFrames || forced || chased;
        }
        // Not while the writer copies the tail itself: a background pass then would only hold the
        // checkpoint and make the writer's pass wait for the next batch.
        if (!writerPass && (frames - m_framesAtLastWake >= m_options.stepFrames || pastReset)) {
            m_framesAtLastWake = frames;
            m_requested = true;
            m_wake.wakeOne();
        }
        if (!writerPass)
            return; // the background pass gets closer first
    }
    QElapsedTimer timer;
    timer.start();
    int backfilled = 0;
    const int rc = passiveCheckpoint(m_writer, &backfilled);
    QMutexLocker lock(&m_mutex);
    m_stats.longestWriterPassMs = std::max(m_stats.longestWriterPassMs, timer.elapsed());
    m_stats.largestWriterPassFrames = std::max(m_stats.largestWriterPassFrames, left);
    if (rc == 0) {
        ++m_stats.writerPasses;
        // Done, the next commit starts the log over. Should a reader still need old frames, the
        // pass left them, and they are the background's to chase again before the writer's next
        // pass (not a writer pass after every batch meanwhile).
        m_backfilled = std::max<qint64>(m_backfilled, backfilled);
        resetChase();
        if (left > m_options.tailFrames && forced)
            ++m_stats.forcedWriterPasses;
        else if (left > m_options.tailFrames)
            ++m_stats.chasedWriterPasses;
    } else
        ++m_stats.busy; // the background pass holds the checkpoint: try again after the next batch
}

void WalCheckpointer::resetChase()
{
    m_chased = 0;
    m_chaseLeft = 0;
    m_chaseOver = false;
}

WalCheckpointer::Stats WalCheckpointer::stats() const
{
    QMutexLocker lock(&m_mutex);
    return m_stats;
}

void WalCheckpointer::runThread()
{
    QString error;
    QSqlDatabase db = StoreDatabase::open(m_path, QStringLiteral("checkpoint"), &error);
    sqlite3 *handle = db.isValid() ? SqlStatement::nativeHandle(db) : nullptr;
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            while (!m_requested && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_stopping)
                break;
            m_requested = false;
        }
        if (!handle)
            continue; // nothing to checkpoint with: the writer's own passes still bound the log
        quint64 generation = 0;
        bool pastReset = false;
        {
            QMutexLocker lock(&m_mutex);
            generation = m_generation;
            pastReset = m_stats.walFrames >= m_options.resetFrames;
        }
        QElapsedTimer timer;
        timer.start();
        int backfilled = 0;
        const int rc = passiveCheckpoint(handle, &backfilled);
        QMutexLocker lock(&m_mutex);
        if (rc == 0 && generation == m_generation) {
            m_backfilled = std::max<qint64>(m_backfilled, backfilled);
            if (pastReset) {
                const qint64 left = std::max<qint64>(0, m_stats.walFrames - m_backfilled);
                if ((m_chased > 0 && left >= m_chaseLeft) || m_chased + 1 >= m_options.chasePasses)
                    m_chaseOver = true;
                m_chaseLeft = left;
                ++m_chased;
            }
        }
        ++m_stats.backgroundPasses;
        m_stats.lastPassMs = timer.elapsed();
    }
    if (db.isValid())
        StoreDatabase::close(db);
}

} // namespace sb
