#include "demosetup.h"

#include <QJsonArray>

namespace sb {

using protocol::ErrorCode;
using protocol::Incoming;

DemoSetup::DemoSetup(const Options &options, QObject *parent) : QObject(parent), m_options(options)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(QStringLiteral("the coordinator at %1 did not finish the set-up within %2 s")
                   .arg(m_options.url.toString())
                   .arg(m_options.timeoutMs / 1000));
    });
}

void DemoSetup::start()
{
    m_finished = false;
    m_next = 0;
    m_prepared.clear();
    m_hadPassword.clear();
    if (m_peer)
        m_peer->deleteLater();
    m_peer = new WireTraffic::Peer(this);
    m_peer->onReady = [this](const QJsonObject &hello) {
        signIn(hello.value(QLatin1String("needsSetup")).toBool());
    };
    m_peer->onClosed = [this](const QString &why) {
        m_certificateUntrusted = m_peer->refusedTrustableCertificate();
        finish(QStringLiteral("cannot reach the coordinator at %1: %2").arg(m_options.url.toString(), why));
    };
    m_timeout.start(m_options.timeoutMs);
    m_peer->open(m_options.url, m_options.trustedFingerprint);
}

void DemoSetup::signIn(bool setup)
{
    const Credentials &admin = m_options.admin;
    QJsonObject args{{QLatin1String("login"), admin.login}, {QLatin1String("password"), admin.password}};
    if (setup) {
        args.insert(QLatin1String("displayName"), m_options.adminName);
        if (!m_options.setupCode.isEmpty())
            args.insert(QLatin1String("setupCode"), m_options.setupCode);
    }
    const QString op = setup ? QStringLiteral("auth.setup") : QStringLiteral("auth.login");
    m_peer->call(op, args, [this, setup, op](const Incoming &r) {
        if (r.kind == Incoming::Error && setup && r.code == ErrorCode::SetupDone) {
            signIn(false); // someone else set it up meanwhile
            return;
        }
        if (r.kind != Incoming::Result) {
            finish(QStringLiteral("%1 as %2 was refused: %3").arg(op, m_options.admin.login, r.message));
            return;
        }
        if (r.payload.value(QLatin1String("account")).toObject().value(QLatin1String("role")).toString() !=
            QLatin1String("admin")) {
            finish(QStringLiteral("%1 is not an administrator").arg(m_options.admin.login));
            return;
        }
        m_createdAdmin = setup;
        // Account creation replaces the display name: keep the one the site gave each agent.
        m_peer->call(QStringLiteral("directory.agents"), {}, [this](const Incoming &d) {
            if (d.kind != Incoming::Result) {
                finish(QStringLiteral("cannot list the agents: %1").arg(d.message));
                return;
            }
            createAccounts(d.payload);
        });
    });
}

void DemoSetup::createAccounts(const QJsonObject &directory)
{
    for (const QJsonValue &v : directory.value(QLatin1String("agents")).toArray()) {
        const QJsonObject a = v.toObject();
        m_names.insert(a.value(QLatin1String("id")).toString().toLower(),
                       a.value(QLatin1String("name")).toString());
    }
    createNext();
}

void DemoSetup::createNext()
{
    if (m_next >= m_options.agents.size()) {
        seedQuickReplies();
        return;
    }
    const Credentials &agent = m_options.agents[m_next++];
    const QString key = agent.login.toLower();
    if (!m_names.contains(key)) {
        finish(QStringLiteral("the coordinator has no agent \"%1\" (is it running the demo site?)")
                   .arg(agent.login));
        return;
    }
    const QString name = m_names.value(key).isEmpty() ? agent.login : m_names.value(key);
    m_peer->call(QStringLiteral("account.create"),
                 {{QLatin1String("login"), agent.login},
                  {QLatin1String("displayName"), name},
                  {QLatin1String("role"), QLatin1String("agent")},
                  {QLatin1String("password"), agent.password}},
                 [this, login = agent.login](const Incoming &r) {
                     if (r.kind == Incoming::Result) {
                         m_prepared << login;
                     } else if (r.code == ErrorCode::Conflict) {
                         // Set up on an earlier run: their password stays whatever it was.
                         m_hadPassword << login;
                     } else {
                         finish(
                             QStringLiteral("account.create for %1 was refused: %2").arg(login, r.message));
                         return;
                     }
                     createNext();
                 });
}

void DemoSetup::seedQuickReplies()
{
    if (m_options.quickReplies.isEmpty()) {
        finish(QString());
        return;
    }
    // Only on a coordinator without any: a second demo run keeps what an admin changed.
    m_peer->call(QStringLiteral("quickreply.list"), {}, [this](const Incoming &r) {
        if (r.kind != Incoming::Result) {
            finish(QStringLiteral("cannot list the quick replies: %1").arg(r.message));
            return;
        }
        if (!r.payload.value(QLatin1String("categories")).toObject().isEmpty()) {
            finish(QString());
            return;
        }
        saveNextReply();
    });
}

void DemoSetup::saveNextReply()
{
    if (m_nextReply >= m_options.quickReplies.size()) {
        finish(QString());
        return;
    }
    const QJsonObject reply = m_options.quickReplies.at(m_nextReply++).toObject();
    QJsonObject args;
    for (const char *field : {"category", "title", "text", "channel"}) {
        const QString value = reply.value(QLatin1String(field)).toString();
        if (!value.isEmpty())
            args.insert(QLatin1String(field), value);
    }
    m_peer->call(QStringLiteral("quickreply.save"), args, [this, args](const Incoming &r) {
        if (r.kind != Incoming::Result) {
            finish(QStringLiteral("quickreply.save \"%1\" was refused: %2")
                       .arg(args.value(QLatin1String("title")).toString(), r.message));
            return;
        }
        saveNextReply();
    });
}

void DemoSetup::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    if (m_peer)
        m_peer->close();
    if (error.isEmpty())
        emit done();
    else
        emit failed(error);
}

} // namespace sb
