#include "preferences.h"

#include <QSettings>
#include <QUrl>

namespace sb {

Preferences Preferences::load()
{
    QSettings s;
    Preferences p;
    p.address = s.value(QStringLiteral("signIn/address"), p.address).toString();
    p.login = s.value(QStringLiteral("signIn/login")).toString();
    p.remember = s.value(QStringLiteral("signIn/remember"), false).toBool();
    p.host = s.value(QStringLiteral("host/enabled"), false).toBool();
    p.hostPort = s.value(QStringLiteral("host/port"), p.hostPort).toInt();
    p.language = s.value(QStringLiteral("ui/language")).toString();
    p.theme = s.value(QStringLiteral("ui/theme")).toString();
    p.sound = s.value(QStringLiteral("ui/sound"), true).toBool();
    return p;
}

void Preferences::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("signIn/address"), address);
    s.setValue(QStringLiteral("signIn/login"), remember ? login : QString());
    s.setValue(QStringLiteral("signIn/remember"), remember);
    s.setValue(QStringLiteral("host/enabled"), host);
    s.setValue(QStringLiteral("host/port"), hostPort);
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("ui/theme"), theme);
    s.setValue(QStringLiteral("ui/sound"), sound);
}

namespace {
const QString kTrustGroup = QStringLiteral("trustedCertificates");

QString trustKey(const QUrl &coordinator)
{
    // One per host and port ("host port"): a certificate belongs to the server at that address,
    // whatever the path.
    return kTrustGroup + QStringLiteral("/%1 %2")
                             .arg(coordinator.host().toLower())
                             .arg(coordinator.port(coordinator.scheme() == QLatin1String("wss") ? 443 : 80));
}
} // namespace

QString Preferences::trustedCertificate(const QUrl &coordinator)
{
    return QSettings().value(trustKey(coordinator)).toString();
}

QStringList Preferences::trustedCertificateAddresses()
{
    QSettings s;
    s.beginGroup(kTrustGroup);
    QStringList addresses;
    for (const QString &key : s.childKeys()) {
        const qsizetype space = key.lastIndexOf(QLatin1Char(' '));
        addresses << (space < 0 ? key : key.left(space) + QLatin1Char(':') + key.mid(space + 1));
    }
    addresses.sort();
    return addresses;
}

void Preferences::forgetTrustedCertificates()
{
    QSettings().remove(kTrustGroup);
}

void Preferences::setTrustedCertificate(const QUrl &coordinator, const QString &fingerprint)
{
    QSettings s;
    if (fingerprint.isEmpty())
        s.remove(trustKey(coordinator));
    else
        s.setValue(trustKey(coordinator), fingerprint);
}

} // namespace sb
