#include "coordinatorservice.h"

#include "enginejournal.h"
#include "journalclock.h"
#include "ratelimiter.h"
#include "setupcode.h"
#include "storereader.h"
#include "storewriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QThread>

namespace sb {

Q_LOGGING_CATEGORY(lcService, "switchboard.coordinator")

CoordinatorService::CoordinatorService(const Clock &clock, const Options &options, QObject *parent)
    : QObject(parent), m_liveClock(clock), m_options(options), m_clock(std::make_unique<JournalClock>(clock))
{
    m_loginLimiter = std::make_unique<SignInRateLimiter>(clock, 5, 60 * 1000);
    m_addressLimiter = std::make_unique<SignInRateLimiter>(clock, 30, 60 * 1000);
    // Argon2id uses ~19 MiB and a core for ~25 ms per password: one worker short of the cores,
    // so the service thread and the store's writer keep one.
    m_hashPool.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    m_tickTimer.setSingleShot(true);
    connect(&m_tickTimer, &QTimer::timeout, this, &CoordinatorService::tick);
}

CoordinatorService::~CoordinatorService()
{
    stop();
}

QString CoordinatorService::storePath() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("switchboard.db"));
}

quint64 CoordinatorService::storeTransactions() const
{
    return m_writer ? m_writer->stats().transactions : 0;
}

WalCheckpointer::Stats CoordinatorService::storeCheckpoints() const
{
    return m_writer ? m_writer->checkpointStats() : WalCheckpointer::Stats();
}

LatencyWindow::Quantiles CoordinatorService::storeCommitTimes() const
{
    return m_writer ? m_writer->commitTimes() : LatencyWindow::Quantiles();
}

bool CoordinatorService::start(QString *error)
{
    if (!QDir().mkpath(m_options.dataDir)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(m_options.dataDir);
        return false;
    }
    m_writer = std::make_unique<StoreWriter>(storePath());
    if (!m_writer->start(error))
        return false;
    m_reader = std::make_unique<StoreReader>();
    if (!m_reader->open(storePath(), error))
        return false;
    if (!loadDirectory(error) || !rebuild(error))
        return false;
    if (needsSetup())
        m_setupCode = newSetupCode();
    scheduleTick();
    return true;
}

void CoordinatorService::stop()
{
    // Passwords being hashed finish first; their answers are dropped (m_writer is gone by then).
    m_hashPool.waitForDone();
    if (!m_writer)
        return;
    m_tickTimer.stop();
    maybeSnapshot(true); // the next start then replays nothing
    m_writer->close();   // delivers every completion: pending rounds are answered
    flushRounds();
    m_reader.reset();
    m_writer.reset();
}

bool CoordinatorService::loadDirectory(QString *error)
{
    for (const Team &t : m_reader->teams())
        m_teams.insert(t.id, t);
    dropLegacyDeletedTeams();
    // Every account: the directory is small (thousands) and consulted on every request.
    for (const Account &a : m_reader->accounts())
        rememberAccount(a);
    // Open conversations: the rows the service keeps writing back, who their customers are and each
    // one's latest message, in three queries (one read per conversation took 2.2 s at 100,000).
    for (const Conversation &c : m_reader->openConversations()) {
        m_rows.insert(c.id, c);
        m_openConversation.insert(c.customerId, c.id);
    }
    if (!m_reader->lastError().isEmpty()) {
        *error = m_reader->lastError();
        return false;
    }
    m_customerNames = m_reader->customerNamesOfOpenConversations();
    if (!m_reader->lastError().isEmpty()) {
        *error = m_reader->lastError();
        return false;
    }
    for (const Message &m : m_reader->lastMessagesOfOpenConversations())
        rememberLastMessage(m);
    if (!m_reader->lastError().isEmpty()) {
        *error = m_reader->lastError();
        return false;
    }
    return true;
}

bool CoordinatorService::rebuild(QString *error)
{
    // A fresh engine replays the journal at the recorded times: the state it had when it stopped.
    m_engine = std::make_unique<RoutingEngine>(*m_clock);
    m_engine->setSink([this](const Decision &d) { onDecision(d); });
    QElapsedTimer timer;
    timer.start();
    m_replaying = true;
    // From the newest snapshot that can be read, replaying only the journal after it; without one,
    // the whole journal. A snapshot holds the site: the site's load is the journal's first row.
    qint64 after = 0;
    const bool fromSnapshot = restoreSnapshot(&after);
    bool siteLoaded = fromSnapshot;
    for (;;) {
        const QList<EngineEvent> batch = m_reader->engineEventsSince(after, 10000);
        if (batch.isEmpty())
            break;
        for (const EngineEvent &e : batch) {
            m_clock->replayAt(e.at);
            const EngineResult r = journal::apply(*m_engine, e);
            // A refused event was refused live too (the service only journals accepted ones, but
            // an older build may differ); it changes nothing, so replay goes on.
            if (!r.ok && r.code == QLatin1String("journal"))
                qCWarning(lcService) << r.message;
            siteLoaded = siteLoaded || e.type == QLatin1String("site.load");
            after = e.id;
            ++m_stats.replayedEvents;
        }
    }
    if (!m_reader->lastError().isEmpty()) {
        *error = QStringLiteral("reading the journal: %1").arg(m_reader->lastError());
        return false;
    }
    m_clock->live();
    m_replaying = false;
    m_decided.clear();
    m_touched.clear();
    m_stats.replayMs = timer.elapsed();
    m_sinceSnapshot = m_stats.replayedEvents;
    reconcileRows();

    if (!siteLoaded) {
        beginRound();
        SiteConfig site = m_options.seedSite.value_or(SiteConfig());
        // A site file's statuses describe a simulated floor. Here an agent is online only once
        // their desk says so: routing to someone nobody is sitting at leaves customers waiting
        // until the reply timeout.
        for (AgentConfig &a : site.agents)
            a.status = AgentStatus::Offline;
        feed(journal::siteLoad(site));
        // Seeded agents get an account row (so conversations can name them) without a password:
        // an admin sets one before they can sign in. No default passwords.
        for (const AgentConfig &a : site.agents) {
            Account account;
            account.id = a.id;
            account.login = a.id;
            account.displayName = a.name.isEmpty() ? a.id : a.name;
            account.passwordHash = QStringLiteral("!");
            account.createdAt = m_liveClock.nowMs();
            saveAccount(account);
        }
        endRound();
        if (!m_writer->flush(30000)) {
            *error = QStringLiteral("the store did not commit the site in time");
            return false;
        }
        flushRounds();
    }
    // Timers that came due while the coordinator was down fire now, as a round of their own (those
    // that fired before it stopped and decided anything are in the journal: replay fired them).
    tick();
    startPresenceGraces();
    const QString from =
        fromSnapshot
            ? QStringLiteral(
                  "the snapshot at journal row %1 (restored in %2 ms) and %3 journal events after it")
                  .arg(m_stats.snapshotJournalId)
                  .arg(m_stats.snapshotLoadMs)
                  .arg(m_stats.replayedEvents)
            : QStringLiteral("%1 journal events").arg(m_stats.replayedEvents);
    qCInfo(lcService).noquote() << QStringLiteral(
                                       "engine rebuilt from %1 in %2 ms: %3 open conversations, %4 waiting")
                                       .arg(from)
                                       .arg(m_stats.replayMs)
                                       .arg(m_engine->liveConversations())
                                       .arg(m_engine->waitingConversations());
    return true;
}

void CoordinatorService::reconcileRows()
{
    // The journal is the truth. A round's writes can straddle two commits of the writer, so a crash
    // between them leaves the journal ahead of the rows: a conversation the engine opened with no
    // row (its customer's next message would open another), or one it closed still reading open
    // (the next message would reuse its id). Such rows are written again from the engine, as one
    // round, committed before any request is served (the writer may split a round's writes over two
    // commits, and a reader must not see half the repair).
    QSet<QString> live;
    for (const QString &agent : m_engine->agentIds()) {
        for (const QString &id : m_engine->conversationsOf(agent))
            live.insert(id);
    }
    for (const QString &group : m_engine->groupIds()) {
        for (const QString &id : m_engine->queueOrder(group))
            live.insert(id);
    }
    for (const QString &id : m_engine->unmatchedOrder())
        live.insert(id);
    for (const QString &id : std::as_const(live)) {
        const auto info = m_engine->conversation(id);
        const auto row = m_rows.constFind(id);
        const ConversationState state =
            info->state == ConversationInfo::Assigned    ? ConversationState::Assigned
            : info->state == ConversationInfo::Unmatched ? ConversationState::Unmatched
                                                         : ConversationState::Queued;
        if (row == m_rows.constEnd() || row->agentId != info->agent || row->state != state) {
            m_touched.insert(id);
            if (!m_customerNames.contains(info->customer))
                m_customerNames.insert(info->customer,
                                       m_reader->customer(info->customer).value_or(Customer()).name);
        }
    }
    for (auto it = m_rows.constBegin(); it != m_rows.constEnd(); ++it) {
        if (!m_engine->conversation(it.key())) // gone from the engine: closed, whatever the row says
            m_touched.insert(it.key());
    }
    if (m_touched.isEmpty())
        return;
    qCWarning(lcService).noquote()
        << QStringLiteral("%1 conversation rows behind the journal (a crash mid-commit): written again")
               .arg(m_touched.size());
    beginRound();
    persistTouched();
    endRound();
    if (!m_writer->flush(30000))
        qCWarning(lcService) << "the repaired conversation rows were not committed within 30 s";
}

bool CoordinatorService::needsSetup() const
{
    for (const Account &a : m_accounts) {
        if (a.role == Role::Admin)
            return false;
    }
    return true;
}

// ---- rounds ----------------------------------------------------------------------------------

void CoordinatorService::beginRound()
{
    Q_ASSERT(!m_round);
    m_round = std::make_shared<Round>();
    m_rounds.push_back(m_round);
}

void CoordinatorService::endRound()
{
    m_round->sealed = true;
    m_round.reset();
    // Between rounds: the engine has taken every input journaled so far, and nothing more.
    maybeSnapshot();
    flushRounds();
}

void CoordinatorService::flushRounds()
{
    while (!m_rounds.empty()) {
        const std::shared_ptr<Round> r = m_rounds.front();
        if (!r->sealed || r->outstanding > 0)
            return;
        m_rounds.pop_front();
        if (r->requestNs)
            m_requestTimes.add(LatencyWindow::nowNs() - r->requestNs);
        for (auto &out : r->outputs)
            out(r->failed);
    }
}

std::function<void(const WriteResult &)>
CoordinatorService::track(std::function<void(const WriteResult &)> also)
{
    std::shared_ptr<Round> round = m_round;
    Q_ASSERT(round);
    ++round->outstanding;
    return [this, round, also](const WriteResult &r) {
        if (!r.ok) {
            ++m_stats.storeFailures;
            qCWarning(lcService).noquote() << "store write failed:" << r.code << r.error;
            round->failed = true;
        }
        if (also)
            also(r);
        --round->outstanding;
        flushRounds();
    };
}

void CoordinatorService::later(std::function<void(bool failed)> output)
{
    Q_ASSERT(m_round);
    m_round->outputs.push_back(std::move(output));
}

EngineResult CoordinatorService::feed(EngineEvent event, const std::function<EngineResult()> &apply)
{
    event.at = m_liveClock.nowMs();
    const EngineResult r = apply ? apply() : journal::apply(*m_engine, event);
    if (r.ok || !m_decided.empty()) {
        // Accepted (or refused after timers fired on the way): journal it so replay matches.
        m_writer->appendEngineEvent(event, track());
        if (m_sinceSnapshot >= 0)
            ++m_sinceSnapshot;
    }
    persistTouched();
    scheduleTick();
    return r;
}

void CoordinatorService::onDecision(const Decision &d)
{
    if (m_replaying)
        return;
    ++m_stats.decisions;
    m_decided.push_back(d);
    m_touched.insert(d.conversation);
}

void CoordinatorService::persistTouched()
{
    // Decisions first: their events may need a closed conversation's row, which goes below.
    for (const Decision &d : m_decided) {
        DecisionRecord rec; // seq 0: the audit log numbers its own (the engine restarts from 1)
        rec.at = d.at;
        rec.kind = toString(d.kind);
        rec.conversationId = d.conversation;
        rec.agentId = d.agent;
        rec.fromAgentId = d.fromAgent;
        rec.reason = toString(d.reason);
        rec.detail = d.detail;
        QJsonArray candidates;
        for (const CandidateNote &n : d.candidates)
            candidates.append(QJsonObject{{QLatin1String("agent"), n.agent},
                                          {QLatin1String("verdict"), toString(n.verdict)},
                                          {QLatin1String("detail"), n.detail}});
        rec.explanation = {{QLatin1String("rule"), d.rule},
                           {QLatin1String("groups"), QJsonArray::fromStringList(d.groups)},
                           {QLatin1String("candidates"), candidates},
                           {QLatin1String("omitted"), QJsonArray::fromStringList(d.omitted)}};
        m_writer->appendDecision(rec, track());
        decisionEvents(d);
    }
    // Then each conversation the decisions touched, in its final state. Rows come from memory, not
    // the store: a row submitted but not yet committed would read as missing or stale.
    for (const QString &id : std::as_const(m_touched)) {
        const auto info = m_engine->conversation(id);
        auto it = m_rows.find(id);
        if (!info) {
            // Closed: the engine forgets it; the row keeps its last agent.
            if (it == m_rows.end())
                continue; // never stored: nothing to close
            Conversation row = *it;
            m_rows.erase(it);
            m_lastMessages.remove(id);
            row.state = ConversationState::Closed;
            row.closedAt = m_liveClock.nowMs();
            if (m_openConversation.value(row.customerId) == id)
                m_openConversation.remove(row.customerId);
            m_writer->upsertConversation(row, track());
            continue;
        }
        if (it == m_rows.end()) {
            it = m_rows.insert(id, Conversation());
            it->id = id;
            it->createdAt = info->arrivedAt;
        }
        it->customerId = info->customer;
        it->channel = info->channel;
        it->rule = info->rule;
        it->groups = info->groups;
        it->agentId = info->agent;
        it->state = info->state == ConversationInfo::Assigned    ? ConversationState::Assigned
                    : info->state == ConversationInfo::Unmatched ? ConversationState::Unmatched
                                                                 : ConversationState::Queued;
        m_openConversation.insert(info->customer, id);
        m_writer->upsertConversation(*it, track());
    }
    m_decided.clear();
    m_touched.clear();
}

void CoordinatorService::scheduleTick()
{
    if (!m_options.driveTimers || !m_writer)
        return;
    qint64 due = m_engine ? m_engine->nextTimerMs() : -1;
    const qint64 grace = nextPresenceDeadline();
    if (grace >= 0 && (due < 0 || grace < due))
        due = grace;
    if (due < 0) {
        m_tickTimer.stop();
        return;
    }
    const qint64 wait = std::clamp<qint64>(due - m_liveClock.nowMs(), 0, 60 * 60 * 1000);
    m_tickTimer.start(static_cast<int>(wait));
}

void CoordinatorService::tick()
{
    // Not once stopped: the daemon stops the service before the gateway is gone, and a link
    // closing then may ask for a presence deadline; nothing may be written any more.
    if (!m_engine || !m_writer)
        return;
    beginRound();
    expirePresence(); // journaled as status inputs: timers due before them fire inside them
    m_engine->tick();
    if (!m_decided.empty()) {
        // Recorded decisions that no journaled input caused: the round goes into the journal as a
        // clock reading, so a restart's replay fires these timers here instead of its own tick
        // firing (and recording) them a second time. The engine has already taken it.
        feed(journal::clockTick(), [] { return EngineResult::success(); });
    }
    persistTouched();
    endRound();
    scheduleTick();
}

// ---- frames ----------------------------------------------------------------------------------

void CoordinatorService::linkClosed(ClientLink *link)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
        return;
    SessionState *session = it->second.session;
    const bool dropped = session && session->link == link;
    if (dropped)
        session->link = nullptr;
    m_links.erase(it);
    if (dropped && session->kind == SessionState::Staff)
        presenceChanged(session->accountId);
    // Outputs of open rounds may still name this link: they look it up before sending.
}

} // namespace sb
