#include "demosite.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

QByteArray demoSiteJson()
{
    QFile file(QStringLiteral(":/sb-simulator/site.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::optional<SiteConfig> demoSite(QString *error)
{
    const QByteArray json = demoSiteJson();
    QString why;
    auto site = json.isEmpty() ? std::nullopt : SiteConfig::fromJson(json, &why);
    if (json.isEmpty())
        why = QStringLiteral("the demo site is missing from the build (resource :/sb-simulator/site.json)");
    if (!site && error)
        *error = why;
    return site;
}

QStringList demoAgentLogins()
{
    QStringList logins;
    if (const auto site = demoSite()) {
        for (const AgentConfig &a : site->agents)
            logins << a.id;
    }
    return logins;
}

QJsonArray demoQuickReplies()
{
    return QJsonDocument::fromJson(demoSiteJson()).object().value(QLatin1String("quickReplies")).toArray();
}

} // namespace sb
