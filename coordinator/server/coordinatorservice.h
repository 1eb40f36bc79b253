#pragma once
// The coordinator: the routing engine, the store and the people signed in, behind the protocol of
// docs/PROTOCOL.md. Transport-neutral: a connection is a ClientLink (the WebSocket gateway provides
// them; tests may too). Everything runs on one thread except the store's writer.
//
// Durability: a request that changes anything is answered only after the writes it caused have
// committed, and the events it caused are pushed at the same moment, in order. Work is grouped in
// rounds (one request, or one firing of timers); rounds complete in the order they began.

#include "clientlink.h"
#include "latencywindow.h"
#include "records.h"
#include "routingengine.h"
#include "servicesession.h"
#include "siteconfig.h"
#include "walcheckpointer.h"

#include "envelope.h"
#include "operations.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <QVarLengthArray>
#include <QVariant>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

namespace sb {

class JournalClock;
class SignInRateLimiter;
class StoreReader;
class StoreWriter;

class CoordinatorService final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString dataDir;                    // the store lives in dataDir/switchboard.db
        std::optional<SiteConfig> seedSite; // used when the store has no site yet
        qint64 sessionLifetimeMs = 12LL * 3600 * 1000;
        qint64 customerSessionLifetimeMs = 30LL * 24 * 3600 * 1000;
        // Events kept per session for a client that reconnects: at most this many, and at most this
        // many bytes of frames (the oldest go first; a resume from before them answers `reset`).
        int replayEvents = 5000;
        qint64 replayBytes = 1024 * 1024;
        // A customer's session keeps less: a chat that reconnects past it takes customer.history
        // again, and a site has far more customers than desks (at 1 MiB each, a busy customer's
        // kept events were most of a connection's memory under load). 16 KiB is some 35 message
        // events: a dropped mobile connection's worth, not a conversation's history.
        qint64 customerReplayBytes = 16 * 1024;
        bool driveTimers = true; // schedule tick() with a QTimer (tests on a manual clock call tick())
        // A snapshot of the engine every this many journaled events, and at a clean stop, so that a
        // start replays only the journal after the newest one (servicesnapshot.cpp). 0: only at stop.
        qint64 snapshotEvery = 100000;
        // An agent whose last connected session went away (socket closed, network lost) is set
        // offline after this long unless a session of theirs resumes or signs in first.
        qint64 presenceGraceMs = 90 * 1000;
        // Password work, run on a worker thread (Argon2id takes ~25 ms: on the service thread it
        // stalled every connection). Empty: PasswordHasher. Tests replace them to hold a sign-in
        // while it hashes. verifyPassword gets an empty hash for an unknown login (a dummy check).
        std::function<QString(const QString &password)> hashPassword;
        std::function<bool(const QString &encoded, const QString &password)> verifyPassword;
    };

    struct Stats
    {
        quint64 requests = 0;
        quint64 errors = 0;
        quint64 messagesPersisted = 0;
        quint64 eventsPushed = 0;
        quint64 decisions = 0;
        quint64 storeFailures = 0;
        qint64 replayedEvents = 0;    // engine events replayed at start (after the snapshot, if one was used)
        qint64 replayMs = 0;          // the whole rebuild, snapshot included
        qint64 snapshotJournalId = 0; // the journal row the start's snapshot covered; 0: full replay
        qint64 snapshotLoadMs = 0;    // reading and restoring it
        quint64 snapshotsTaken = 0;
        quint64 snapshotFailures = 0; // not written (the store refused); the next one is tried as usual
        qint64 lastSnapshotBytes = 0;
        qint64 lastSnapshotSaveMs = 0; // the service thread's part: saving the engine's state
    };

    CoordinatorService(const Clock &clock, const Options &options, QObject *parent = nullptr);
    ~CoordinatorService() override;

    // Opens (or creates) the store, rebuilds the engine from its journal, and is ready for links.
    bool start(QString *error);
    // Commits what is pending, answers what can be answered, and closes the store.
    void stop();

    // A frame from a client; the reply and later events go to link->send().
    void handleFrame(ClientLink *link, const QByteArray &frame);
    // The link is gone: its session stays (for a resume) until it expires.
    void linkClosed(ClientLink *link);

    // Fires the engine's due timers as one round. Called by the service's own timer, or by tests.
    void tick();

    const RoutingEngine &engine() const { return *m_engine; }
    Stats stats() const { return m_stats; }
    int linkCount() const { return static_cast<int>(m_links.size()); }
    int sessionCount() const { return static_cast<int>(m_sessions.size()); }
    bool needsSetup() const;
    // While needsSetup(): the one-time code a client on another machine sends with auth.setup
    // (setupcode.h), made at start and kept only in memory; empty once an administrator exists.
    QString setupCode() const { return m_setupCode; }
    QString storePath() const;
    // The store's writer statistics (transactions, batches) for metrics.
    quint64 storeTransactions() const;
    WalCheckpointer::Stats storeCheckpoints() const;
    LatencyWindow::Quantiles storeCommitTimes() const;
    // From a request's frame coming in to its answer going out (its round's commit included), over
    // the latest requests answered in a round of their own.
    LatencyWindow::Quantiles requestTimes() const { return m_requestTimes.quantiles(); }

    // A message as the protocol shows it (message.new, history).
    static QJsonObject messageJson(const Message &m);
    // The head of a message.new frame carrying messageJson(m) (see eventHead), written without a
    // QJsonObject: one goes out per message (see jsonwriter.h).
    static QByteArray messageEventHead(const Message &m);

    struct Call;
    using Handler = void (CoordinatorService::*)(Call &);

private:
    struct LinkState
    {
        quint64 serial = 0; // tells a link from a later one at the same address
        // While a request of this link is on a worker (a sign-in hashing), its later frames wait
        // here, so they are answered after it and with the session it brings.
        bool waiting = false;
        std::deque<QByteArray> held;
        qint64 heldBytes = 0;
        bool hello = false;
        SessionState *session = nullptr;
        std::map<QString, Attachment> uploads; // attachment.upload, until sent with a message
        qint64 uploadBytes = 0;
    };

    struct Round
    {
        int outstanding = 0;
        bool sealed = false;
        bool failed = false;
        qint64 requestNs = 0; // steady clock: when the frame that started it came in (0: no frame)
        // In the round's own allocation for the usual few (an answer and the events of a message);
        // growing a vector from one took two more allocations a message.
        QVarLengthArray<std::function<void(bool failed)>, 4> outputs;
    };

    static const QHash<QString, Handler> &handlerTable();

    // work off the service thread (servicedispatch.cpp)
    // Runs `work` on the worker pool and then `then` back on this thread as a round of its own
    // (dropped if the link went meanwhile). The call counts as answered now; `then` answers it.
    using Continuation = std::function<void(Call &, const QVariant &)>;
    void offThread(Call &call, std::function<QVariant()> work, Continuation then);
    // Whether `link` is still the connection the serial was taken from: links are looked up by
    // address, and a connection that closed while its round waited for a commit can have its
    // address reused by a new one before the answer is sent.
    bool linkAlive(ClientLink *link, quint64 serial) const;
    void offThreadDone(const std::shared_ptr<Call> &call, quint64 serial, const Continuation &then,
                       const QVariant &result);
    // Hashes the request's password off the thread, then continues with the encoded hash (empty
    // if hashing failed: the continuation answers `internal`).
    void hashThen(Call &call, std::function<void(Call &, const QString &hash)> then);

    // rounds and writes (coordinatorservice.cpp)
    void beginRound();
    void endRound();
    void flushRounds();
    std::function<void(const WriteResult &)> track(std::function<void(const WriteResult &)> also = {});
    void later(std::function<void(bool failed)> output);
    // Journal + apply + persist what the engine decided. `apply` gives the engine the same input as
    // the event when the caller has it at hand (journal::apply reads it back from the payload).
    EngineResult feed(EngineEvent event, const std::function<EngineResult()> &apply = {});
    void onDecision(const Decision &decision);
    void persistTouched();
    void scheduleTick();
    bool rebuild(QString *error);
    // snapshots (servicesnapshot.cpp)
    // Restores the newest readable snapshot into the fresh engine and says which journal row it
    // covers; false (the engine still fresh: replay the whole journal) when none can be read.
    bool restoreSnapshot(qint64 *journalId);
    // Between rounds: a snapshot once snapshotEvery events were journaled since the last (`force`:
    // whenever any were, as at a clean stop).
    void maybeSnapshot(bool force = false);
    void reconcileRows();
    bool loadDirectory(QString *error);

    // replies and events (servicereplies.cpp)
    void reply(Call &call, const QJsonObject &result);
    void fail(Call &call, protocol::ErrorCode code, const QString &message);
    void failEngine(Call &call, const EngineResult &result);
    void pushEvent(SessionState *session, const QString &name, const QJsonObject &data);
    // For an event whose content is known only once its round commits (a message's id and number):
    // its number is taken now, in the order of decisions, and the event is filled in and sent later.
    quint64 reserveEvent(SessionState *session);
    // Fills a reserved event in, its frame's head already made (see eventHead) and shared by every
    // recipient, and sends it; nothing if the session is gone by then.
    void fillEvent(const std::weak_ptr<SessionState> &session, quint64 seq, const QByteArray &head);
    // The event's frame up to its sequence number, encoded once for all the sessions it goes to.
    const QByteArray &eventHead(const QString &name, const QJsonObject &data);
    // Drops a session's oldest kept events beyond the replay limits.
    void trimRecent(SessionState *session) const;
    void pushToAccount(const QString &accountId, const QString &name, const QJsonObject &data);
    void pushToCustomer(const QString &customerId, const QString &name, const QJsonObject &data);
    void pushToGroups(const QStringList &groups, const QString &name, const QJsonObject &data);
    void pushToAdmins(const QString &name, const QJsonObject &data);
    // To the supervisors whose team subtree holds any of these agents (not to the agents themselves).
    void pushToOverseers(const QStringList &agents, const QString &name, const QJsonObject &data);
    QStringList overseersOf(const QStringList &agents) const;
    void decisionEvents(const Decision &d);
    QJsonObject conversationJson(const ConversationInfo &info) const;
    // An open conversation as inbox.snapshot lists it: conversationJson plus its lastMessage.
    QJsonObject inboxJson(const ConversationInfo &info) const;
    // Keeps the latest message of each open conversation in memory for inbox.snapshot.
    void rememberLastMessage(const Message &m);
    QJsonObject agentJson(const AgentInfo &info) const;

    // scope (servicescope.cpp)
    bool isStaff(const SessionState *s) const { return s && s->kind == SessionState::Staff; }
    bool canSeeConversation(const SessionState *s, const QString &conversation, bool *exists) const;
    // A customer one of whose conversations they can see, or whom they (or, for a supervisor,
    // someone in their scope) own; admins see all.
    bool canSeeCustomer(const SessionState *s, const Customer &customer) const;
    bool inSupervisorScope(const SessionState *s, const QString &agentId) const;
    // Whether s may act on `agentId`'s conversations by hand: the agent themself, a supervisor above
    // them, or an admin.
    bool actsFor(const SessionState *s, const QString &agentId) const;
    QStringList groupsOf(const QString &agentId) const;

    // sessions (serviceauth.cpp)
    SessionState *openSession(const QString &token, const Session &row);
    void attach(ClientLink *link, SessionState *session);
    SessionState *issueSession(Call &call, Session row, qint64 lifetimeMs, QString *token);
    void hello(Call &call);
    void authSetup(Call &call);
    void authLogin(Call &call);
    void authResume(Call &call);
    void authLogout(Call &call);
    QJsonObject signedIn(SessionState *session, const QString &token) const;
    void forgetSession(const QString &tokenHash);
    // Sends the session's connection a last event, session.ended {reason, message}, then forgets
    // the session: the desk hears why it was signed out instead of finding out at its next request.
    void endSession(const QString &tokenHash, const QString &reason, const QString &message);
    void signIn(Call &call, const Account &account);
    // A new account from the request's login and displayName, with the password's Argon2id hash
    // (made by hashThen); answers `internal` and returns nothing if hashing had failed.
    std::optional<Account> accountFromRequest(Call &call, const QString &id, Role role, const QString &hash);
    // Checks of auth.setup and account.create: before hashing and again after it (the directory
    // may have changed meanwhile). They answer the call when they refuse.
    bool setupAllowed(Call &call);
    // Fails the call with conflict when auth.setup's login is taken (a seeded agent's, say).
    bool setupLoginFree(Call &call);
    // auth.setup from another machine than the coordinator's must bring the setup code; wrong
    // codes count against the address's sign-in limit. Answers the call when it refuses.
    bool setupCodeAccepted(Call &call);
    bool accountCreateAllowed(Call &call, QString *accountId);
    // Writes the account and keeps the in-memory directory (ids, logins, supervisors by team) in step.
    void saveAccount(const Account &account);
    void rememberAccount(const Account &account);

    // presence (servicepresence.cpp)
    bool hasConnectedSession(const QString &accountId) const;
    // After a session of this account gained or lost its connection: starts or cancels the grace.
    void presenceChanged(const QString &accountId);
    // At start nobody is connected: every agent the journal left not offline gets a grace.
    void startPresenceGraces();
    // In a round: agents whose grace ran out go offline as if they had chosen it.
    void expirePresence();
    qint64 nextPresenceDeadline() const;
    void statusEvents(const QString &accountId, AgentStatus status);

    // customers (servicecustomer.cpp)
    void customerStart(Call &call);
    void customerSend(Call &call);
    void customerHistory(Call &call);
    void surveyRate(Call &call);

    // the desk (servicedesk.cpp)
    void statusSet(Call &call);
    void inboxSnapshot(Call &call);
    void conversationHistory(Call &call);
    void messageSend(Call &call);
    void attachmentUpload(Call &call);
    void attachmentGet(Call &call);
    void conversationClaim(Call &call);
    void conversationTransfer(Call &call);
    void conversationInvite(Call &call);
    void conversationClose(Call &call);
    void surveySend(Call &call);
    void ticketOpen(Call &call);
    void quickReplyList(Call &call);
    void directoryAgents(Call &call);
    bool messageReady(Call &call);
    void sendMessages(Call &call, Message base, bool note);
    std::optional<ConversationInfo> handledConversation(Call &call, const char *action);
    void appendMessage(Call *call, const Message &message);

    // administration (serviceadmin.cpp)
    void accountCreate(Call &call);
    void groupCreate(Call &call);
    void groupUpdate(Call &call);
    // Both: `g` with the request's name and hours, through the engine journal; answers the call.
    void saveGroup(Call &call, GroupConfig g);
    void teamCreate(Call &call);
    void accountUpdate(Call &call);
    // account.update once a new password (if any) is hashed; `hash` empty: the password stays.
    void applyAccountUpdate(Call &call, const QString &hash);
    void teamUpdate(Call &call);
    void teamDelete(Call &call);
    // True when, with this account's role and state as given, no enabled admin would be left.
    bool leavesNoAdmin(const QString &accountId, Role role, bool disabled) const;
    // At start: deletes the team rows an older build only listed as deleted (see serviceadmin.cpp).
    void dropLegacyDeletedTeams();
    void quickReplySave(Call &call);
    void quickReplyDelete(Call &call);
    // Runs a quick reply's write (`write` hands it the completion) and answers once it commits:
    // {id}, or not-found when the store's writer has no reply `id` (nothing is read to check first).
    void writeQuickReply(Call &call, qint64 id,
                         const std::function<void(std::function<void(const WriteResult &)>)> &write);

    // the customer panel (serviceprofile.cpp)
    void customerProfile(Call &call);

    const Clock &m_liveClock;
    Options m_options;
    std::unique_ptr<JournalClock> m_clock;
    std::unique_ptr<RoutingEngine> m_engine;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<StoreReader> m_reader;
    std::unique_ptr<SignInRateLimiter> m_loginLimiter;
    std::unique_ptr<SignInRateLimiter> m_addressLimiter;
    QTimer m_tickTimer;
    QThreadPool m_hashPool;
    quint64 m_linkSerial = 0;
    bool m_replaying = false;
    qint64 m_sinceSnapshot = -1; // engine events journaled since the last snapshot; -1 until rebuilt

    std::deque<std::shared_ptr<Round>> m_rounds;
    LatencyWindow m_requestTimes;
    std::shared_ptr<Round> m_round;  // the open round
    std::vector<Decision> m_decided; // during an engine call
    QSet<QString> m_touched;         // conversations to write back after the engine call

    // Hashed, not ordered: looked up on every frame and every event sent, and the session key is a
    // 43-character token hash (an ordered map compared those strings ~10 times per lookup).
    std::unordered_map<ClientLink *, LinkState> m_links;
    std::unordered_map<QString, std::shared_ptr<SessionState>> m_sessions; // by token hash
    QMultiHash<QString, SessionState *> m_staffSessions;                   // by account id
    QMultiHash<QString, SessionState *> m_customerSessions;                // by customer id
    QHash<QString, Account> m_accounts;                                    // by id
    QHash<QString, QString> m_logins;                                      // lower-case login -> account id
    QHash<QString, Team> m_teams;
    QMultiHash<QString, QString> m_supervisorsByTeam; // team -> its supervisors' account ids
    // Enabled admins' account ids, kept by rememberAccount: every agent.status and queue event goes
    // to them, and walking all accounts for each was a cost per status change at thousands of them.
    QSet<QString> m_admins;
    QHash<QString, Conversation> m_rows;        // open conversations, as last written to the store
    QHash<QString, QString> m_openConversation; // customer -> their open conversation
    QHash<QString, QString> m_customerNames;    // customers of open conversations and of this run
    // Surveys requested or rated by writes not yet committed (the reader sees only commits, and a
    // rating may follow survey.send before its commit); dropped when the last write is done.
    struct SurveyState
    {
        bool requested = false;
        bool rated = false;
        int writes = 0; // in flight
    };
    QHash<QString, SurveyState> m_surveys;
    // `row`: the conversation's stored row when the caller has it (saves reading it again).
    SurveyState surveyState(const QString &conversation, const std::optional<Conversation> &row) const;
    // Writes the request (score 0) or the rating over `current` (surveyState()), keeping m_surveys
    // until it is committed.
    void saveSurvey(const QString &conversation, SurveyState current, int score);
    // Agents in their presence grace: account -> when it runs out, and the same ordered by time, so
    // the next deadline (asked on every engine input, through scheduleTick) is the first one.
    QHash<QString, qint64> m_presenceDeadlines;
    std::set<std::pair<qint64, QString>> m_presenceByTime;
    void dropPresenceDeadline(const QString &accountId);
    // The latest message of each open conversation (text cut to a preview, no attachment data), so
    // inbox.snapshot shows it without a store query per conversation.
    QHash<QString, Message> m_lastMessages;
    // The last event encoded (see eventHead): a fan-out passes the same name and data to every
    // recipient, so they share one encoding.
    QString m_headName;
    QJsonObject m_headData;
    QByteArray m_head;
    Stats m_stats;
    QString m_setupCode; // see setupCode()
};

// One request being handled.
struct CoordinatorService::Call
{
    ClientLink *link = nullptr;
    quint64 linkSerial = 0; // with link: see linkAlive()
    protocol::Request request;
    SessionState *session = nullptr;
    bool answered = false;

    // As QJsonValue's toString(), toBool() and toDouble() would read them: empty, false or
    // `fallback` when the field is absent or of another type.
    QString str(const char *key) const
    {
        const auto *f = request.args.find(QLatin1String(key));
        return f && f->type == protocol::RequestArgs::Type::String ? f->string : QString();
    }
    bool flag(const char *key) const
    {
        const auto *f = request.args.find(QLatin1String(key));
        return f && f->type == protocol::RequestArgs::Type::Bool && f->boolean;
    }
    qint64 num(const char *key, qint64 fallback = 0) const
    {
        const auto *f = request.args.find(QLatin1String(key));
        return f && f->type == protocol::RequestArgs::Type::Number ? static_cast<qint64>(f->number)
                                                                   : fallback;
    }
};

} // namespace sb
