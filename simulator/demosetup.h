#pragma once
// Prepares a coordinator for a demo purely over the protocol: signs in as the administrator
// (creating it with auth.setup on a fresh coordinator), then gives each seeded agent a password
// with account.create, so simulated or real colleagues can sign in as them. Lives on the thread
// that creates it; finishes with done() or failed().

#include "wiretraffic.h"

#include <QJsonArray>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <vector>

namespace sb {

class DemoSetup final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl url;
        Credentials admin; // created by auth.setup when the coordinator has no administrator yet
        QString adminName = QStringLiteral("Administrator");
        std::vector<Credentials> agents; // seeded agents' logins and the passwords to give them
        int timeoutMs = 20000;           // for the whole set-up
        // Created with quickreply.save when the coordinator has none yet (demoQuickReplies()).
        QJsonArray quickReplies = {};
        QString trustedFingerprint = {}; // as WireTraffic::Options::trustedFingerprint
        QString setupCode = {};          // sent with auth.setup (a coordinator on another computer)
    };

    explicit DemoSetup(const Options &options, QObject *parent = nullptr);

    void start();

    bool createdAdmin() const { return m_createdAdmin; }
    // Agents given their password now, and those who had one already (left as they were).
    QStringList prepared() const { return m_prepared; }
    QStringList hadPassword() const { return m_hadPassword; }
    // After failed(): the coordinator's certificate was refused, and its fingerprint (in the error)
    // is one the user may choose to trust with Options::trustedFingerprint.
    bool certificateUntrusted() const { return m_certificateUntrusted; }

signals:
    void done();
    void failed(const QString &error);

private:
    void signIn(bool setup);
    void createAccounts(const QJsonObject &directory);
    void createNext();
    void seedQuickReplies();
    void saveNextReply();
    void finish(const QString &error);

    Options m_options;
    WireTraffic::Peer *m_peer = nullptr;
    QTimer m_timeout;
    QHash<QString, QString> m_names; // agent id -> display name, from directory.agents
    bool m_certificateUntrusted = false;
    std::size_t m_next = 0;
    int m_nextReply = 0;
    bool m_createdAdmin = false;
    bool m_finished = false;
    QStringList m_prepared;
    QStringList m_hadPassword;
};

} // namespace sb
