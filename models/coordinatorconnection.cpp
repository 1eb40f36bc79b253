#include "coordinatorconnection.h"

#include "envelope.h"
#include "errorcode.h"
#include "protocol.h"

#include <QSslConfiguration>
#include <QWebSocket>

namespace sb {

namespace {
const char *kClientName = "switchboard-desktop/" SB_VERSION_STRING;
}

CoordinatorConnection::CoordinatorConnection(QObject *parent) : QObject(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &CoordinatorConnection::open);
}

CoordinatorConnection::~CoordinatorConnection()
{
    dropSocket();
}

void CoordinatorConnection::setReconnectDelays(int firstMs, int maxMs)
{
    m_firstDelayMs = firstMs;
    m_maxDelayMs = maxMs;
    m_delayMs = firstMs;
}

void CoordinatorConnection::signIn(const QUrl &url, const QString &login, const QString &password)
{
    m_goal = Goal::SignIn;
    m_url = url;
    m_login = login;
    m_password = password;
    m_displayName.clear();
    m_setupCode.clear();
    m_token.clear();
    m_lastSeq = 0;
    setState(State::Connecting);
    open();
}

void CoordinatorConnection::setUp(const QUrl &url, const QString &login, const QString &password,
                                  const QString &displayName, const QString &setupCode)
{
    signIn(url, login, password);
    m_goal = Goal::SetUp;
    m_displayName = displayName;
    m_setupCode = setupCode;
}

void CoordinatorConnection::probe(const QUrl &url)
{
    m_goal = Goal::Probe;
    m_url = url;
    setState(State::Connecting);
    open();
}

void CoordinatorConnection::signOut()
{
    m_retry.stop();
    m_waiting.clear();
    if (m_state == State::Online && m_socket) {
        // Revoke the token, then let go; nothing waits for the answer.
        send(QStringLiteral("auth.logout"), {}, [](const Reply &) {});
        m_socket->flush();
    }
    m_token.clear();
    m_password.clear();
    m_account = {};
    dropSocket();
    failPending(QStringLiteral("offline"), tr("Signed out."));
    setState(State::Disconnected);
}

void CoordinatorConnection::request(const QString &op, const QJsonObject &args, Callback done)
{
    if (m_state == State::Online) {
        send(op, args, std::move(done));
        return;
    }
    if (m_state == State::Reconnecting) {
        m_waiting.push_back({op, {args, std::move(done)}});
        return;
    }
    if (done)
        done({false, {}, QStringLiteral("offline"), tr("Not connected to a coordinator.")});
}

void CoordinatorConnection::open()
{
    dropSocket();
    m_helloDone = false;
    m_untrusted = {};
    m_socket = std::make_unique<QWebSocket>(QString(), QWebSocketProtocol::VersionLatest);
    m_socket->setMaxAllowedIncomingFrameSize(2 * protocol::Limits::maxFrameBytes);
    m_socket->setMaxAllowedIncomingMessageSize(2 * protocol::Limits::maxFrameBytes);
    connect(m_socket.get(), &QWebSocket::connected, this, &CoordinatorConnection::onConnected);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &CoordinatorConnection::onDisconnected);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &CoordinatorConnection::onText);
    connect(m_socket.get(), &QWebSocket::sslErrors, this, &CoordinatorConnection::onSslErrors);
    // A failed connection attempt reports an error without a disconnect on some Qt versions.
    connect(m_socket.get(), QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                if (m_socket && m_socket->state() != QAbstractSocket::ConnectedState)
                    onDisconnected();
            });
    m_socket->open(m_url);
}

void CoordinatorConnection::dropSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket.release()->deleteLater();
}

void CoordinatorConnection::onSslErrors(const QList<QSslError> &errors)
{
    m_untrusted =
        judgeCertificate(errors, m_socket->sslConfiguration().peerCertificate(), m_trustedFingerprint);
    // Refused unless accepted here: the handshake then fails and onDisconnected() says why.
    if (m_untrusted.isNull())
        m_socket->ignoreSslErrors(errors);
}

QString CoordinatorConnection::untrustedMessage() const
{
    const QString at = m_url.toDisplayString();
    if (!m_untrusted.pinnable)
        return tr("The coordinator at %1 presents a certificate that cannot be accepted (%2).")
            .arg(at, m_untrusted.errors);
    if (!m_untrusted.trustedBefore.isEmpty())
        return tr("The coordinator at %1 presents a different certificate from the one this computer "
                  "trusted before. It may have been renewed, or someone may be intercepting the "
                  "connection: trust the new one only if its SHA-256 fingerprint is the one your "
                  "administrator gives you.\n%2")
            .arg(at, fingerprintInLines(m_untrusted.fingerprint));
    return tr("No authority this computer trusts vouches for the certificate of the coordinator at %1 "
              "(%2). Trust it only if its SHA-256 fingerprint is the one your administrator gives you "
              "(switchboard-coordinator prints it when it starts).\n%3")
        .arg(at, m_untrusted.errors, fingerprintInLines(m_untrusted.fingerprint));
}

void CoordinatorConnection::onConnected()
{
    m_delayMs = m_firstDelayMs;
    send(QStringLiteral("hello"),
         {{QLatin1String("protocol"), protocol::kVersion},
          {QLatin1String("client"), QLatin1String(kClientName)}},
         [this](const Reply &r) { onHello(r); });
}

void CoordinatorConnection::onHello(const Reply &r)
{
    if (!r.ok) {
        const Goal goal = m_goal;
        dropSocket();
        failPending(r.code, r.message);
        setState(State::Disconnected);
        if (goal == Goal::Resume)
            emit sessionLost(r.message, QString());
        else
            emit signInFailed(r.code, r.code == QLatin1String("version-mismatch")
                                          ? tr("This coordinator speaks another protocol version (%1). "
                                               "Update Switchboard on this desk or on the coordinator.")
                                                .arg(r.message)
                                          : r.message);
        return;
    }
    m_helloDone = true;
    switch (m_goal) {
    case Goal::Probe: {
        const bool needsSetup = r.result.value(QLatin1String("needsSetup")).toBool();
        const bool codeRequired = r.result.value(QLatin1String("setupCodeRequired")).toBool();
        dropSocket();
        setState(State::Disconnected);
        emit probed(needsSetup, codeRequired);
        return;
    }
    case Goal::SignIn:
        send(QStringLiteral("auth.login"),
             {{QLatin1String("login"), m_login}, {QLatin1String("password"), m_password}},
             [this](const Reply &reply) { onSignedIn(reply); });
        return;
    case Goal::SetUp: {
        QJsonObject args{{QLatin1String("login"), m_login},
                         {QLatin1String("password"), m_password},
                         {QLatin1String("displayName"), m_displayName}};
        if (!m_setupCode.isEmpty())
            args.insert(QLatin1String("setupCode"), m_setupCode);
        send(QStringLiteral("auth.setup"), args, [this](const Reply &reply) { onSignedIn(reply); });
        return;
    }
    case Goal::Resume:
        send(QStringLiteral("auth.resume"),
             {{QLatin1String("token"), m_token}, {QLatin1String("lastSeq"), static_cast<qint64>(m_lastSeq)}},
             [this](const Reply &reply) { onResumed(reply); });
        return;
    }
}

void CoordinatorConnection::onSignedIn(const Reply &r)
{
    m_password.clear(); // the token replaces it
    m_setupCode.clear();
    if (!r.ok) {
        dropSocket();
        setState(State::Disconnected);
        emit signInFailed(r.code, r.code == QLatin1String("bad-credentials")
                                      ? tr("Wrong user name or password.")
                                      : r.message);
        return;
    }
    m_token = r.result.value(QLatin1String("token")).toString();
    m_account = r.result.value(QLatin1String("account")).toObject();
    m_lastSeq = static_cast<quint64>(r.result.value(QLatin1String("seq")).toDouble());
    m_goal = Goal::Resume; // from now on a reconnect resumes this session
    setState(State::Online);
    emit signedIn(m_account);
}

void CoordinatorConnection::loseSession(const QString &message, const QString &reason)
{
    dropSocket();
    m_token.clear();
    m_waiting.clear();
    failPending(QStringLiteral("offline"), message);
    setState(State::Disconnected);
    emit sessionLost(message, reason);
}

void CoordinatorConnection::onResumed(const Reply &r)
{
    if (!r.ok) {
        loseSession(r.message);
        return;
    }
    const bool reset = r.result.value(QLatin1String("reset")).toBool();
    if (reset)
        m_lastSeq = static_cast<quint64>(r.result.value(QLatin1String("seq")).toDouble());
    setState(State::Online);
    emit resumed(reset);
    while (!m_waiting.empty() && m_state == State::Online) {
        auto next = std::move(m_waiting.front());
        m_waiting.pop_front();
        send(next.first, next.second.first, std::move(next.second.second));
    }
}

void CoordinatorConnection::onDisconnected()
{
    const QString why = m_socket ? m_socket->errorString() : QString();
    dropSocket();
    if (!m_untrusted.isNull() && (m_state == State::Connecting || m_state == State::Reconnecting)) {
        // Not a network failure: retrying would meet the same certificate.
        m_retry.stop();
        const QString message = untrustedMessage();
        if (m_state == State::Reconnecting) {
            loseSession(message, QStringLiteral("untrusted-certificate"));
            return;
        }
        failPending(QStringLiteral("offline"), message);
        setState(State::Disconnected);
        emit signInFailed(QStringLiteral("untrusted-certificate"), message);
        return;
    }
    if (m_state == State::Connecting) {
        failPending(QStringLiteral("offline"), why);
        setState(State::Disconnected);
        emit signInFailed(QStringLiteral("unreachable"),
                          tr("Cannot reach the coordinator at %1 (%2).").arg(m_url.toDisplayString(), why));
        return;
    }
    if (m_state == State::Disconnected)
        return;
    failPending(QStringLiteral("connection-lost"), tr("The connection dropped before the answer came."));
    setState(State::Reconnecting);
    scheduleReconnect();
}

void CoordinatorConnection::scheduleReconnect()
{
    m_retry.start(m_delayMs);
    m_delayMs = std::min(m_delayMs * 2, m_maxDelayMs);
}

void CoordinatorConnection::onText(const QString &text)
{
    auto parsed = protocol::parseIncoming(text.toUtf8());
    auto *in = std::get_if<protocol::Incoming>(&parsed);
    if (!in)
        return; // a newer or broken peer; nothing to match it to
    if (in->kind == protocol::Incoming::Event) {
        if (in->seq <= m_lastSeq)
            return; // seen before the reconnect
        m_lastSeq = in->seq;
        if (in->event == QLatin1String("session.ended")) {
            // Signed out by the coordinator (account disabled, new password): no resume.
            loseSession(in->payload.value(QLatin1String("message")).toString(),
                        in->payload.value(QLatin1String("reason")).toString());
            return;
        }
        emit eventReceived(in->event, in->payload);
        return;
    }
    const qint64 id = in->id.toInteger(-1);
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    Reply reply;
    reply.ok = in->kind == protocol::Incoming::Result;
    reply.result = in->payload;
    if (!reply.ok) {
        reply.code = protocol::toString(in->code);
        reply.message = in->message;
    }
    if (pending.done)
        pending.done(reply);
}

void CoordinatorConnection::send(const QString &op, const QJsonObject &args, Callback done)
{
    const qint64 id = ++m_nextId;
    m_pending[id] = {op, std::move(done)};
    m_socket->sendTextMessage(QString::fromUtf8(protocol::encodeRequest(id, op, args)));
}

void CoordinatorConnection::failPending(const QString &code, const QString &message)
{
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto &entry : pending) {
        if (entry.second.done)
            entry.second.done({false, {}, code, message});
    }
}

void CoordinatorConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace sb
