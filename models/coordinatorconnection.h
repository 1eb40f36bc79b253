#pragma once
// A desk's connection to a coordinator: one WebSocket speaking docs/PROTOCOL.md. It matches replies
// to requests, drops events it has already seen, and after a drop reconnects and resumes by itself.

#include "certificatetrust.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <functional>
#include <map>
#include <memory>

class QWebSocket;

namespace sb {

class CoordinatorConnection final : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Disconnected, // not signed in
        Connecting,   // first connection and sign-in under way
        Online,
        Reconnecting, // signed in, the link dropped; retrying and resuming
    };
    Q_ENUM(State)

    struct Reply
    {
        bool ok = false;
        QJsonObject result;
        QString code; // protocol error code, or "offline" / "connection-lost" from this side
        QString message;
    };
    using Callback = std::function<void(const Reply &)>;

    explicit CoordinatorConnection(QObject *parent = nullptr);
    ~CoordinatorConnection() override;

    // Connects, says hello, and signs in. With a display name it runs first-run setup instead,
    // creating the first administrator; a desk on another computer than the coordinator's sends
    // the setup code the coordinator printed when it started (probed() says when it must).
    // Ends in signedIn() or signInFailed().
    void signIn(const QUrl &url, const QString &login, const QString &password);
    void setUp(const QUrl &url, const QString &login, const QString &password, const QString &displayName,
               const QString &setupCode = QString());
    // Asks a coordinator whether it still needs first-run setup, and whether this desk must bring
    // the setup code for it; ends in probed() or signInFailed().
    void probe(const QUrl &url);
    // Revokes the session (when online) and disconnects.
    void signOut();

    // Sends a request. While reconnecting it waits and goes out after the resume; when signed out
    // it fails at once with "offline". A request on the wire when the link drops fails with
    // "connection-lost": it may or may not have been carried out.
    void request(const QString &op, const QJsonObject &args = {}, Callback done = {});

    State state() const { return m_state; }
    QJsonObject account() const { return m_account; }
    QString accountId() const { return m_account.value(QLatin1String("id")).toString(); }
    QUrl url() const { return m_url; }
    quint64 lastSeq() const { return m_lastSeq; }
    // Delays between reconnection attempts (they double up to the maximum).
    void setReconnectDelays(int firstMs, int maxMs);
    // A wss certificate no authority on this computer vouches for is accepted only when its
    // SHA-256 fingerprint is this one (certificatetrust.h); empty: none is. Applies to the next
    // connection and every reconnection after it.
    void setTrustedFingerprint(const QString &fingerprint) { m_trustedFingerprint = fingerprint; }
    // The certificate the last attempt refused (signInFailed with "untrusted-certificate"); null
    // when it refused none.
    UntrustedCertificate untrustedCertificate() const { return m_untrusted; }

signals:
    void stateChanged(sb::CoordinatorConnection::State state);
    void signedIn(const QJsonObject &account);
    // After a reconnect. With reset, events were missed: take a fresh snapshot.
    void resumed(bool reset);
    void signInFailed(const QString &code, const QString &message);
    void probed(bool needsSetup, bool setupCodeRequired);
    // The session ended on the server's side: expired or revoked while reconnecting, or ended
    // by the coordinator (session.ended: the account was disabled or given a new password).
    // `reason` is session.ended's stable code ("disabled", "password-changed"),
    // "untrusted-certificate" when a reconnection met a certificate it may not accept, empty
    // otherwise.
    void sessionLost(const QString &message, const QString &reason);
    void eventReceived(const QString &name, const QJsonObject &data);

private:
    enum class Goal { SignIn, SetUp, Probe, Resume };
    struct Pending
    {
        QString op;
        Callback done;
    };

    void open();
    void onConnected();
    void onSslErrors(const QList<QSslError> &errors);
    QString untrustedMessage() const;
    void onDisconnected();
    void onText(const QString &text);
    void onHello(const Reply &reply);
    void onSignedIn(const Reply &reply);
    void onResumed(const Reply &reply);
    void send(const QString &op, const QJsonObject &args, Callback done);
    void setState(State state);
    void failPending(const QString &code, const QString &message);
    void scheduleReconnect();
    void dropSocket();
    // The server ended the session (a refused resume, or session.ended): signed out for good.
    void loseSession(const QString &message, const QString &reason = QString());

    std::unique_ptr<QWebSocket> m_socket;
    State m_state = State::Disconnected;
    Goal m_goal = Goal::SignIn;
    QUrl m_url;
    QString m_login;
    QString m_password;
    QString m_displayName;
    QString m_setupCode;
    QString m_token;
    QString m_trustedFingerprint;
    UntrustedCertificate m_untrusted;
    QJsonObject m_account;
    quint64 m_lastSeq = 0;
    qint64 m_nextId = 0;
    bool m_helloDone = false;
    std::map<qint64, Pending> m_pending;
    std::deque<std::pair<QString, std::pair<QJsonObject, Callback>>> m_waiting; // while reconnecting
    QTimer m_retry;
    int m_firstDelayMs = 500;
    int m_maxDelayMs = 10000;
    int m_delayMs = 500;
};

} // namespace sb
