#pragma once
// The store's single writer: accepts writes from any thread, commits them in batches (group commit)
// on its own thread and connection, and acknowledges each write only after its batch has committed.

#include "latencywindow.h"
#include "records.h"
#include "walcheckpointer.h"

#include <QMutex>
#include <QObject>
#include <QWaitCondition>
#include <atomic>
#include <deque>
#include <functional>
#include <vector>

class QThread;

namespace sb {

class WriteContext;

class StoreWriter final : public QObject
{
    Q_OBJECT
public:
    // Runs on the thread the writer lives in (the one that created it), after the commit.
    using Completion = std::function<void(const WriteResult &)>;

    struct Options
    {
        int batchCap = 1000; // most writes in one transaction
        int busyTimeoutMs = 5000;
        bool migrate = true; // bring the schema up to date on start
        // The WAL copied back by a thread of its own instead of inside commits (walcheckpointer.h).
        bool backgroundCheckpoint = true;
        WalCheckpointer::Options checkpoint;
    };

    struct Stats
    {
        quint64 transactions = 0; // committed (or attempted) batches
        quint64 operations = 0;   // writes that went through a batch, failed ones included
        quint64 failed = 0;
        int largestBatch = 0;
    };

    explicit StoreWriter(const QString &path, QObject *parent = nullptr);
    StoreWriter(const QString &path, const Options &options, QObject *parent = nullptr);
    ~StoreWriter() override;

    // Opens the database on the writer thread (migrating it unless told not to) and starts
    // committing. Writes submitted before start() wait for it and go in the first batches; if it
    // fails they fail with the same error.
    bool start(QString *error = nullptr);
    // Commits everything submitted so far, delivers every completion, then stops. Later writes fail
    // with code "closed". The destructor closes.
    void close();
    // Blocks until everything submitted so far is committed, then delivers the completions at once
    // (call it on the writer's own thread). False if `timeoutMs` passed first or the writer is not
    // running.
    bool flush(int timeoutMs = -1);

    // Runs the completions of writes that have committed, now (call on the writer's own thread).
    // They are also posted to its event loop, but a service reading a burst of frames gets to
    // posted events only after the whole burst: calling this between frames answers sooner.
    void deliverReady()
    {
        if (m_hasFinished.load(std::memory_order_acquire))
            deliver();
    }

    bool isRunning() const;
    Stats stats() const;
    WalCheckpointer::Stats checkpointStats() const { return m_checkpointer.stats(); }
    // How long the latest transactions took, from BEGIN to the end of COMMIT (the sync included).
    LatencyWindow::Quantiles commitTimes() const;
    const QString &path() const { return m_path; }

    // The writes. Every one is safe to call from any thread; results go to `done` (may be empty).
    void upsertTeam(const Team &team, Completion done = {});
    // Fails with "in-use" while an account or a child team names it, "not-found" if there is none.
    void deleteTeam(const QString &id, Completion done = {});
    void upsertAccount(const Account &account, Completion done = {});
    void createSession(const Session &session, Completion done = {});
    void revokeSession(const QString &tokenHash, Completion done = {});
    // Deletes sessions that expired before `before`; WriteResult::id is how many.
    void purgeSessions(qint64 before, Completion done = {});
    // Replaces the customer's row and tag set.
    void upsertCustomer(const Customer &customer, Completion done = {});
    // Replaces the conversation's row and group list; a rating of 0 keeps the stored one.
    void upsertConversation(const Conversation &conversation, Completion done = {});
    // Records that a survey was requested (the first request's time is kept).
    void requestSurvey(const QString &conversationId, qint64 at, Completion done = {});
    // Once per conversation, and only after requestSurvey: otherwise a "conflict" failure.
    void rateConversation(const QString &conversationId, int rating, Completion done = {});
    // The store assigns the message's id and sequence number (WriteResult::id and ::seq).
    void appendMessage(const Message &message, Completion done = {});
    void editMessage(qint64 messageId, const QString &body, qint64 editedAt, Completion done = {});
    void appendDecision(const DecisionRecord &decision, Completion done = {});
    void appendEngineEvent(const EngineEvent &event, Completion done = {});
    // The engine's state as of every engine event submitted before it: the writer gives it the id
    // of the last engine_events row at that point in its order (WriteResult::id; snapshot.journalId
    // is ignored). Keeps the two newest snapshots; never deletes journal rows.
    void saveEngineSnapshot(const EngineSnapshot &snapshot, Completion done = {});
    void putSetting(const QString &key, const QJsonValue &value, Completion done = {});
    void deleteSetting(const QString &key, Completion done = {});
    // An id of 0 creates a reply (WriteResult::id is its id); another id updates that one.
    void upsertQuickReply(const QuickReply &reply, Completion done = {});
    void deleteQuickReply(qint64 id, Completion done = {});

private:
    using Operation = std::function<WriteResult(WriteContext &)>;
    struct Pending
    {
        Operation op;
        Completion done;
        bool savepoint = false; // the write has several statements: undo them together on failure
    };
    struct Finished
    {
        Completion done;
        WriteResult result;
    };
    enum class State { Created, Starting, Running, Failed, Closed };

    void submit(Operation op, Completion done, bool savepoint = false);
    void runThread();
    void runBatch(WriteContext &context, std::vector<Pending> &batch);
    void finish(std::vector<Pending> &batch, std::vector<WriteResult> &results);
    void failAll(std::deque<Pending> &pending, const WriteResult &result);
    // Wakes flush() and start(), and has the completions in m_done delivered (m_mutex held).
    void announceFinished();
    void deliver();

    const QString m_path;
    const Options m_options;
    QThread *m_thread = nullptr;

    mutable QMutex m_mutex;    // guards everything below
    QWaitCondition m_wake;     // the writer thread waits here for work
    QWaitCondition m_progress; // start() and flush() wait here
    State m_state = State::Created;
    bool m_stopping = false;
    QString m_startError;
    std::deque<Pending> m_queue;
    quint64 m_submitted = 0;
    quint64 m_finished = 0;
    std::vector<Finished> m_done; // results waiting for delivery on the writer's thread
    bool m_deliveryPosted = false;
    std::atomic<bool> m_hasFinished{false}; // m_done is not empty
    WalCheckpointer m_checkpointer;
    Stats m_stats;
    LatencyWindow m_commitTimes;
};

} // namespace sb
