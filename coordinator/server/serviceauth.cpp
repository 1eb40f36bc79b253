// Signing in: hello, first-run setup, login, resume and logout.

#include "coordinatorservice.h"

#include "enginejournal.h"
#include "passwordhasher.h"
#include "protocol.h"
#include "ratelimiter.h"
#include "sessiontoken.h"
#include "setupcode.h"
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>

namespace sb {

namespace {

// The address limiter's key for a peer (the login limiter's are "login:<login>").
QString addressKey(const QString &peerAddress)
{
    return QStringLiteral("ip:") + peerAddress;
}

QString lockedMessage(qint64 retryMs)
{
    return QStringLiteral("too many failed sign-ins; try again in %1 s").arg((retryMs + 999) / 1000);
}

} // namespace

using protocol::ErrorCode;

void CoordinatorService::hello(Call &call)
{
    const int version = static_cast<int>(call.num("protocol"));
    if (version != protocol::kVersion) {
        fail(call, ErrorCode::VersionMismatch,
             QStringLiteral("this coordinator speaks protocol %1; the client speaks %2")
                 .arg(protocol::kVersion)
                 .arg(version));
        return;
    }
    m_links[call.link].hello = true;
    const bool setup = needsSetup();
    reply(call, {{QLatin1String("protocol"), protocol::kVersion},
                 {QLatin1String("server"), QStringLiteral("switchboard-coordinator")},
                 {QLatin1String("needsSetup"), setup},
                 {QLatin1String("setupCodeRequired"), setup && !isLoopbackPeer(call.link->peerAddress())},
                 {QLatin1String("limits"),
                  QJsonObject{{QLatin1String("maxFrameBytes"), protocol::Limits::maxFrameBytes},
                              {QLatin1String("maxTextChars"), protocol::Limits::maxTextChars},
                              {QLatin1String("maxAttachmentBytes"), protocol::Limits::maxAttachmentBytes},
                              {QLatin1String("maxPageSize"), protocol::Limits::maxPageSize}}}});
}

SessionState *CoordinatorService::openSession(const QString &hash, const Session &row)
{
    auto &slot = m_sessions[hash];
    if (slot)
        return slot.get();
    slot = std::make_shared<SessionState>();
    SessionState *s = slot.get();
    s->tokenHash = hash;
    s->expiresAt = row.expiresAt;
    if (!row.customerId.isEmpty()) {
        s->kind = SessionState::Customer;
        s->customerId = row.customerId;
        m_customerSessions.insert(s->customerId, s);
    } else {
        s->kind = SessionState::Staff;
        s->accountId = row.accountId;
        s->role = m_accounts.value(row.accountId).role;
        m_staffSessions.insert(s->accountId, s);
    }
    // Now and then, sessions that expired with no connection are let go (the store keeps the rows
    // until purged; an expired token is refused either way).
    if (m_sessions.size() % 256 == 0) {
        const qint64 now = m_liveClock.nowMs();
        QStringList expired;
        for (const auto &entry : m_sessions) {
            if (entry.second->expiresAt <= now && !entry.second->link)
                expired << entry.first;
        }
        for (const QString &key : expired)
            forgetSession(key);
    }
    return s;
}

void CoordinatorService::forgetSession(const QString &hash)
{
    auto it = m_sessions.find(hash);
    if (it == m_sessions.end())
        return;
    SessionState *s = it->second.get();
    for (auto &link : m_links) {
        if (link.second.session == s)
            link.second.session = nullptr; // every connection that used it is signed out
    }
    const QString accountId = s->kind == SessionState::Staff ? s->accountId : QString();
    if (s->kind == SessionState::Staff)
        m_staffSessions.remove(s->accountId, s);
    else
        m_customerSessions.remove(s->customerId, s);
    m_sessions.erase(it);
    presenceChanged(accountId); // signing out of the last desk is leaving it, too
}

SessionState *CoordinatorService::issueSession(Call &call, Session row, qint64 lifetimeMs, QString *token)
{
    *token = newSessionToken();
    row.tokenHash = tokenHash(*token);
    row.createdAt = m_liveClock.nowMs();
    row.expiresAt = row.createdAt + lifetimeMs;
    m_writer->createSession(row, track());
    SessionState *s = openSession(row.tokenHash, row);
    attach(call.link, s);
    return s;
}

void CoordinatorService::attach(ClientLink *link, SessionState *session)
{
    LinkState &ls = m_links[link];
    SessionState *previous =
        ls.session != session && ls.session && ls.session->link == link ? ls.session : nullptr;
    if (previous)
        previous->link = nullptr;
    ls.session = session;
    session->link = link;                     // a newer connection takes over from an older one
    session->sentUpTo = session->nextSeq - 1; // what came before is the snapshot's or a resume's
    if (session->kind == SessionState::Staff)
        presenceChanged(session->accountId); // back within the grace: it is cancelled
    if (previous && previous->kind == SessionState::Staff)
        presenceChanged(previous->accountId);
}

QJsonObject CoordinatorService::signedIn(SessionState *s, const QString &token) const
{
    QJsonObject o{{QLatin1String("token"), token},
                  {QLatin1String("expiresAt"), s->expiresAt},
                  {QLatin1String("seq"), static_cast<qint64>(s->nextSeq - 1)}};
    if (s->kind == SessionState::Staff) {
        const Account a = m_accounts.value(s->accountId);
        o.insert(QLatin1String("account"), QJsonObject{{QLatin1String("id"), a.id},
                                                       {QLatin1String("login"), a.login},
                                                       {QLatin1String("displayName"), a.displayName},
                                                       {QLatin1String("role"), toString(a.role)},
                                                       {QLatin1String("team"), a.teamId}});
    } else {
        o.insert(QLatin1String("customer"), s->customerId);
    }
    return o;
}

void CoordinatorService::signIn(Call &call, const Account &account)
{
    Session row;
    row.accountId = account.id;
    QString token;
    SessionState *s = issueSession(call, row, m_options.sessionLifetimeMs, &token);
    reply(call, signedIn(s, token));
}

bool CoordinatorService::setupAllowed(Call &call)
{
    if (!needsSetup()) {
        fail(call, ErrorCode::SetupDone,
             QStringLiteral("this coordinator already has an administrator; sign in instead"));
        return false;
    }
    return true;
}

bool CoordinatorService::setupLoginFree(Call &call)
{
    const QString login = call.str("login").trimmed();
    if (m_logins.contains(login.toLower())) {
        fail(call, ErrorCode::Conflict, QStringLiteral("the login \"%1\" is taken").arg(login));
        return false;
    }
    return true;
}

bool CoordinatorService::setupCodeAccepted(Call &call)
{
    // Whoever is at the coordinator's machine may set it up (the desktop's "host on this
    // computer" does so at once); anyone else must have read the code it printed at start.
    const QString address = call.link->peerAddress();
    if (isLoopbackPeer(address))
        return true;
    const QString typed = call.str("setupCode");
    if (typed.isEmpty()) {
        fail(call, ErrorCode::SetupCodeRequired,
             QStringLiteral("this coordinator has no administrator yet; from another computer, creating "
                            "one takes the setup code switchboard-coordinator printed when it started"));
        return false;
    }
    const QString key = addressKey(address);
    qint64 retry = 0;
    if (!m_addressLimiter->allowed(key, &retry)) {
        fail(call, ErrorCode::RateLimited, lockedMessage(retry));
        return false;
    }
    if (!setupCodeMatches(m_setupCode, typed)) {
        m_addressLimiter->recordFailure(key);
        fail(call, ErrorCode::BadSetupCode,
             QStringLiteral("wrong setup code; use the one switchboard-coordinator printed when it last "
                            "started (each start makes a new one)"));
        return false;
    }
    return true;
}

void CoordinatorService::authSetup(Call &call)
{
    // The code is checked once, before hashing: it changes only when setup is done, which the
    // second setupAllowed() catches. The login after the code: without it, nobody learns from a
    // refusal which logins exist.
    if (!setupAllowed(call) || !setupCodeAccepted(call) || !setupLoginFree(call))
        return;
    hashThen(call, [this](Call &call, const QString &hash) {
        // Checked again: another client's setup may have finished while this one hashed.
        if (!setupAllowed(call) || !setupLoginFree(call))
            return;
        const auto a = accountFromRequest(call, call.str("login").trimmed().toLower(), Role::Admin, hash);
        if (!a)
            return;
        // The first admin is a routing agent too (in no group until an admin adds them). The
        // engine's input goes first: a crash between the two commits leaves setup to be done
        // again, not an admin the engine does not know.
        AgentConfig agent;
        agent.id = a->id;
        agent.name = a->displayName;
        feed(journal::agentUpsert(agent));
        saveAccount(*a);
        m_setupCode.clear(); // its work is done
        signIn(call, *a);
    });
}

std::optional<Account> CoordinatorService::accountFromRequest(Call &call, const QString &id, Role role,
                                                              const QString &hash)
{
    Account a;
    a.id = id;
    a.login = call.str("login").trimmed();
    a.displayName = call.str("displayName");
    a.role = role;
    a.passwordHash = hash;
    a.createdAt = m_liveClock.nowMs();
    if (a.passwordHash.isEmpty()) {
        fail(call, ErrorCode::Internal, QStringLiteral("the password could not be hashed (out of memory?)"));
        return std::nullopt;
    }
    return a;
}

void CoordinatorService::saveAccount(const Account &account)
{
    m_writer->upsertAccount(account, track());
    rememberAccount(account);
}

void CoordinatorService::rememberAccount(const Account &a)
{
    // An update may move a supervisor to another team or change their role: the old entry goes.
    if (const auto old = m_accounts.constFind(a.id); old != m_accounts.constEnd())
        m_supervisorsByTeam.remove(old->teamId, old->id);
    m_accounts.insert(a.id, a);
    m_logins.insert(a.login.toLower(), a.id);
    if (a.role == Role::Supervisor && !a.teamId.isEmpty())
        m_supervisorsByTeam.insert(a.teamId, a.id);
    if (a.role == Role::Admin && !a.disabled)
        m_admins.insert(a.id);
    else
        m_admins.remove(a.id);
}

void CoordinatorService::authLogin(Call &call)
{
    const QString login = call.str("login").trimmed();
    const QString loginKey = QStringLiteral("login:") + login.toLower();
    // Looked up here, not for every frame: only sign-ins need the peer's address.
    const QString peerKey = addressKey(call.link->peerAddress());
    qint64 retry = 0;
    if (!m_loginLimiter->allowed(loginKey, &retry) || !m_addressLimiter->allowed(peerKey, &retry)) {
        fail(call, ErrorCode::RateLimited, lockedMessage(retry));
        return;
    }
    const QString id = m_logins.value(login.toLower());
    const auto it = m_accounts.constFind(id);
    const bool known = !id.isEmpty() && it != m_accounts.constEnd() && !it->disabled;
    // Unknown logins cost a hash too (an empty hash: a dummy check): the answer's timing does not
    // tell which logins exist.
    const QString encoded = known ? it->passwordHash : QString();
    const QString password = call.str("password");
    const auto verify = m_options.verifyPassword;
    SignInRateLimiter *loginLimiter = m_loginLimiter.get();
    SignInRateLimiter *addressLimiter = m_addressLimiter.get();
    enum Outcome { Locked, Wrong, Right };
    // The limiters are thread-safe and consulted again on the worker: attempts for one login queued
    // on many connections would otherwise all be checked before the first failure counted.
    offThread(
        call,
        [=]() -> QVariant {
            if (!loginLimiter->allowed(loginKey) || !addressLimiter->allowed(peerKey))
                return Locked;
            const bool ok = verify              ? verify(encoded, password)
                            : encoded.isEmpty() ? PasswordHasher::dummyVerify(password)
                                                : PasswordHasher::verify(encoded, password);
            if (!ok) {
                loginLimiter->recordFailure(loginKey);
                addressLimiter->recordFailure(peerKey);
                return Wrong;
            }
            loginLimiter->recordSuccess(loginKey);
            return Right;
        },
        [this, id, loginKey, peerKey](Call &call, const QVariant &outcome) {
            const auto it = m_accounts.constFind(id);
            if (outcome.toInt() == Locked) {
                qint64 retry = 0;
                if (m_loginLimiter->allowed(loginKey, &retry))
                    m_addressLimiter->allowed(peerKey, &retry);
                fail(call, ErrorCode::RateLimited, lockedMessage(retry));
                return;
            }
            // Disabled (or gone) while the password was being checked: refused all the same.
            if (outcome.toInt() != Right || it == m_accounts.constEnd() || it->disabled) {
                fail(call, ErrorCode::BadCredentials, QStringLiteral("wrong login or password"));
                return;
            }
            signIn(call, *it);
        });
}

void CoordinatorService::authResume(Call &call)
{
    const QString token = call.str("token");
    const QString hash = looksLikeToken(token) ? tokenHash(token) : QString();
    SessionState *s = nullptr;
    if (!hash.isEmpty()) {
        auto it = m_sessions.find(hash);
        if (it != m_sessions.end()) {
            s = it->second.get();
        } else if (auto row = m_reader->sessionByTokenHash(hash); row && !row->revoked) {
            s = openSession(hash, *row); // known to the store: the coordinator restarted since
        }
    }
    if (!s || s->expiresAt <= m_liveClock.nowMs() ||
        (s->kind == SessionState::Staff &&
         (!m_accounts.contains(s->accountId) || m_accounts.value(s->accountId).disabled))) {
        fail(call, ErrorCode::BadCredentials,
             QStringLiteral("the session token is unknown, expired or revoked; sign in again"));
        return;
    }
    const quint64 lastSeq = static_cast<quint64>(call.num("lastSeq"));
    attach(call.link, s);
    // Events after lastSeq go again, in order, before anything new; if some of them are no longer
    // kept (or the coordinator restarted), the client is told to take a fresh snapshot.
    bool reset = false;
    if (lastSeq + 1 < s->nextSeq) {
        reset = s->recent.empty() || s->recent.front().seq > lastSeq + 1;
    } else if (lastSeq >= s->nextSeq) {
        // The client saw numbers this process never gave: numbering continues after them.
        reset = lastSeq > 0;
        s->nextSeq = lastSeq + 1;
    }
    QJsonObject result = signedIn(s, token);
    result.insert(QLatin1String("reset"), reset);
    reply(call, result);
    const quint64 from = reset ? s->nextSeq : lastSeq + 1;
    const quint64 upTo = s->nextSeq - 1;
    s->sentUpTo = upTo; // the numbering may have moved on above
    // The events are collected when the round completes, not now: events of earlier rounds that
    // are numbered but not yet filled in (messages waiting for their commit) are complete by then.
    ClientLink *link = call.link;
    const quint64 serial = call.linkSerial;
    const QString key = s->tokenHash;
    later([this, link, serial, key, from, upTo](bool failed) {
        auto it = m_sessions.find(key);
        if (failed || !linkAlive(link, serial) || it == m_sessions.end())
            return;
        for (const SessionState::Kept &e : it->second->recent) {
            if (e.seq >= from && e.seq <= upTo && !e.head.isEmpty())
                link->sendEvent(e.head, e.seq);
        }
    });
}

void CoordinatorService::authLogout(Call &call)
{
    m_writer->revokeSession(call.session->tokenHash, track());
    reply(call, {});
    forgetSession(call.session->tokenHash);
}

} // namespace sb
