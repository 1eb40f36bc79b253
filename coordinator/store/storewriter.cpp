#include "storewriter.h"

#include "schemamigrator.h"
#include "storedatabase.h"
#include "writecontext.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QThread>

namespace sb {

StoreWriter::StoreWriter(const QString &path, QObject *parent) : StoreWriter(path, Options(), parent) {}

StoreWriter::StoreWriter(const QString &path, const Options &options, QObject *parent)
    : QObject(parent), m_path(path), m_options(options), m_checkpointer(path, options.checkpoint)
{}

StoreWriter::~StoreWriter()
{
    close();
}

bool StoreWriter::start(QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (m_state != State::Created || m_stopping) {
        if (error)
            *error = QStringLiteral("the store writer was already started or closed");
        return false;
    }
    m_state = State::Starting;
    m_thread = QThread::create([this] { runThread(); });
    m_thread->setObjectName(QStringLiteral("sb-store-writer"));
    m_thread->start();
    while (m_state == State::Starting)
        m_progress.wait(&m_mutex);
    if (m_state == State::Failed) {
        if (error)
            *error = m_startError;
        return false;
    }
    return true;
}

void StoreWriter::close()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_state == State::Closed)
            return;
        m_stopping = true;
        if (m_state == State::Created)
            failAll(m_queue,
                    WriteResult::failure(QStringLiteral("closed"),
                                         QStringLiteral("the store writer closed before it started")));
        m_wake.wakeAll();
    }
    // The thread drains the queue before it returns: a clean shutdown commits everything accepted.
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_state = State::Closed;
        m_progress.wakeAll();
    }
    deliver();
}

bool StoreWriter::flush(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever)
                                                : QDeadlineTimer(timeoutMs));
    {
        QMutexLocker lock(&m_mutex);
        const quint64 target = m_submitted;
        while (m_finished < target) {
            if (m_state == State::Created || m_state == State::Closed)
                return false;
            if (!m_progress.wait(&m_mutex, deadline))
                return false;
        }
    }
    deliver();
    return true;
}

bool StoreWriter::isRunning() const
{
    QMutexLocker lock(&m_mutex);
    return m_state == State::Running && !m_stopping;
}

StoreWriter::Stats StoreWriter::stats() const
{
    QMutexLocker lock(&m_mutex);
    return m_stats;
}

LatencyWindow::Quantiles StoreWriter::commitTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_commitTimes.quantiles();
}

void StoreWriter::submit(Operation op, Completion done, bool savepoint)
{
    QMutexLocker lock(&m_mutex);
    if (m_stopping || m_state == State::Closed || m_state == State::Failed) {
        const WriteResult refused = WriteResult::failure(
            QStringLiteral("closed"), m_state == State::Failed
                                          ? QStringLiteral("the store is not open: %1").arg(m_startError)
                                          : QStringLiteral("the store writer is closed"));
        std::deque<Pending> one;
        one.push_back({std::move(op), std::move(done), savepoint});
        // Counted as submitted and finished so that flush() stays exact.
        ++m_submitted;
        failAll(one, refused);
        return;
    }
    m_queue.push_back({std::move(op), std::move(done), savepoint});
    ++m_submitted;
    m_wake.wakeOne();
}

void StoreWriter::failAll(std::deque<Pending> &pending, const WriteResult &result)
{
    // Called with m_mutex held.
    for (Pending &p : pending) {
        if (p.done)
            m_done.push_back({std::move(p.done), result});
    }
    m_finished += pending.size();
    pending.clear();
    announceFinished();
}

void StoreWriter::announceFinished()
{
    // Called with m_mutex held, after results went into m_done.
    m_progress.wakeAll();
    if (m_done.empty())
        return;
    m_hasFinished.store(true, std::memory_order_release); // for deliverReady()
    if (!m_deliveryPosted) {
        m_deliveryPosted = true;
        QMetaObject::invokeMethod(
            this, [this] { deliver(); }, Qt::QueuedConnection);
    }
}

void StoreWriter::runThread()
{
    QString error;
    QSqlDatabase db = StoreDatabase::open(m_path, QStringLiteral("writer"), &error, m_options.busyTimeoutMs);
    bool ok = db.isValid();
    if (ok) {
        const SchemaMigrator migrator;
        ok = m_options.migrate ? migrator.migrate(db, &error) : migrator.isCurrent(db, &error);
    }
    if (!ok) {
        if (db.isValid())
            StoreDatabase::close(db);
        QMutexLocker lock(&m_mutex);
        m_startError = error;
        m_state = State::Failed;
        failAll(m_queue, WriteResult::failure(QStringLiteral("io"),
                                              QStringLiteral("the store is not open: %1").arg(error)));
        return;
    }
    // Where it cannot start (a build without SQLite's API) SQLite checkpoints inside commits, as it
    // does by default, and afterBatch() does nothing.
    if (m_options.backgroundCheckpoint)
        m_checkpointer.start(db, nullptr);
    {
        WriteContext context(db);
        {
            QMutexLocker lock(&m_mutex);
            m_state = State::Running;
            m_progress.wakeAll();
        }
        std::vector<Pending> batch;
        for (;;) {
            {
                QMutexLocker lock(&m_mutex);
                while (m_queue.empty() && !m_stopping)
                    m_wake.wait(&m_mutex);
                if (m_queue.empty())
                    break;
                // Group commit: whatever queued up while the last commit was reaching the disk goes
                // into this one, up to the cap.
                const std::size_t n = std::min<std::size_t>(m_queue.size(), std::max(1, m_options.batchCap));
                batch.reserve(n);
                for (std::size_t i = 0; i < n; ++i) {
                    batch.push_back(std::move(m_queue.front()));
                    m_queue.pop_front();
                }
            }
            QElapsedTimer took;
            took.start();
            runBatch(context, batch);
            batch.clear();
            {
                QMutexLocker lock(&m_mutex);
                m_commitTimes.add(took.nsecsElapsed());
            }
            m_checkpointer.afterBatch();
        }
    }
    m_checkpointer.stop();
    StoreDatabase::close(db);
}

void StoreWriter::runBatch(WriteContext &context, std::vector<Pending> &batch)
{
    std::vector<WriteResult> results;
    results.reserve(batch.size());
    QString error;
    if (!context.begin(&error)) {
        results.assign(batch.size(),
                       WriteResult::failure(QStringLiteral("io"),
                                            QStringLiteral("cannot start a transaction: %1").arg(error)));
        finish(batch, results);
        return;
    }
    // One failing write (an unknown conversation, a duplicate) must not take the rest of the batch
    // with it. A write of one statement needs nothing for that: SQLite undoes a statement that fails
    // a constraint and keeps the transaction. A write of several statements runs in a savepoint, so
    // that it is undone whole (some writes open one themselves, only when they need it). Other errors (I/O, a
    // full disk) may end the transaction itself, and then nothing of the batch can be acknowledged.
    QString lost;
    for (Pending &p : batch) {
        if (!lost.isEmpty()) {
            results.push_back(WriteResult::failure(QStringLiteral("io"), lost));
            continue;
        }
        if (p.savepoint && !context.savepoint(&error)) {
            lost = error;
            results.push_back(WriteResult::failure(QStringLiteral("io"), lost));
            continue;
        }
        context.beginWrite();
        WriteResult r = p.op(context);
        if (p.savepoint) {
            if (r.ok ? !context.release(&error) : !context.rollbackToSavepoint(&error))
                lost = error;
        } else if (!r.ok && r.code == QLatin1String("io") && !context.writeUndone()) {
            lost = r.error;
        }
        results.push_back(std::move(r));
    }
    if (lost.isEmpty() && !context.commit(&error))
        lost = error;
    if (!lost.isEmpty()) {
        context.rollback();
        // Nothing of this batch is on disk: no write may be acknowledged as done.
        for (WriteResult &r : results) {
            if (r.ok)
                r = WriteResult::failure(QStringLiteral("io"),
                                         QStringLiteral("the batch could not be committed: %1").arg(lost));
        }
    }
    finish(batch, results);
}

void StoreWriter::finish(std::vector<Pending> &batch, std::vector<WriteResult> &results)
{
    QMutexLocker lock(&m_mutex);
    ++m_stats.transactions;
    m_stats.operations += batch.size();
    m_stats.largestBatch = std::max(m_stats.largestBatch, int(batch.size()));
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!results[i].ok)
            ++m_stats.failed;
        if (batch[i].done)
            m_done.push_back({std::move(batch[i].done), std::move(results[i])});
    }
    m_finished += batch.size();
    announceFinished();
}

void StoreWriter::deliver()
{
    std::vector<Finished> done;
    {
        QMutexLocker lock(&m_mutex);
        done.swap(m_done);
        m_hasFinished.store(false, std::memory_order_relaxed);
        m_deliveryPosted = false;
    }
    for (Finished &f : done)
        f.done(f.result);
}

// ---- the writes ----

void StoreWriter::upsertTeam(const Team &team, Completion done)
{
    submit([team](WriteContext &c) { return c.upsertTeam(team); }, std::move(done));
}

void StoreWriter::deleteTeam(const QString &id, Completion done)
{
    submit([id](WriteContext &c) { return c.deleteTeam(id); }, std::move(done));
}

void StoreWriter::upsertAccount(const Account &account, Completion done)
{
    submit([account](WriteContext &c) { return c.upsertAccount(account); }, std::move(done));
}

void StoreWriter::createSession(const Session &session, Completion done)
{
    submit([session](WriteContext &c) { return c.createSession(session); }, std::move(done));
}

void StoreWriter::revokeSession(const QString &tokenHash, Completion done)
{
    submit([tokenHash](WriteContext &c) { return c.revokeSession(tokenHash); }, std::move(done));
}

void StoreWriter::purgeSessions(qint64 before, Completion done)
{
    submit([before](WriteContext &c) { return c.purgeSessions(before); }, std::move(done));
}

void StoreWriter::upsertCustomer(const Customer &customer, Completion done)
{
    submit([customer](WriteContext &c) { return c.upsertCustomer(customer); }, std::move(done), true);
}

void StoreWriter::upsertConversation(const Conversation &conversation, Completion done)
{
    // No savepoint here: WriteContext opens one itself when the write takes several statements.
    submit([conversation](WriteContext &c) { return c.upsertConversation(conversation); }, std::move(done));
}

void StoreWriter::requestSurvey(const QString &conversationId, qint64 at, Completion done)
{
    submit([conversationId, at](WriteContext &c) { return c.requestSurvey(conversationId, at); },
           std::move(done));
}

void StoreWriter::rateConversation(const QString &conversationId, int rating, Completion done)
{
    submit([conversationId, rating](WriteContext &c) { return c.rateConversation(conversationId, rating); },
           std::move(done));
}

void StoreWriter::appendMessage(const Message &message, Completion done)
{
    submit([message](WriteContext &c) { return c.appendMessage(message); }, std::move(done),
           message.attachment.has_value());
}

void StoreWriter::editMessage(qint64 messageId, const QString &body, qint64 editedAt, Completion done)
{
    submit([messageId, body, editedAt](WriteContext &c) { return c.editMessage(messageId, body, editedAt); },
           std::move(done));
}

void StoreWriter::appendDecision(const DecisionRecord &decision, Completion done)
{
    submit([decision](WriteContext &c) { return c.appendDecision(decision); }, std::move(done));
}

void StoreWriter::appendEngineEvent(const EngineEvent &event, Completion done)
{
    submit([event](WriteContext &c) { return c.appendEngineEvent(event); }, std::move(done));
}

void StoreWriter::saveEngineSnapshot(const EngineSnapshot &snapshot, Completion done)
{
    // Three statements (find the journal's end, insert, prune): undone together if one fails.
    submit([snapshot](WriteContext &c) { return c.saveEngineSnapshot(snapshot); }, std::move(done), true);
}

void StoreWriter::putSetting(const QString &key, const QJsonValue &value, Completion done)
{
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    submit([key, value, at](WriteContext &c) { return c.putSetting(key, value, at); }, std::move(done));
}

void StoreWriter::deleteSetting(const QString &key, Completion done)
{
    submit([key](WriteContext &c) { return c.deleteSetting(key); }, std::move(done));
}

void StoreWriter::upsertQuickReply(const QuickReply &reply, Completion done)
{
    submit([reply](WriteContext &c) { return c.upsertQuickReply(reply); }, std::move(done));
}

void StoreWriter::deleteQuickReply(qint64 id, Completion done)
{
    submit([id](WriteContext &c) { return c.deleteQuickReply(id); }, std::move(done));
}

} // namespace sb
