#pragma once
// What the desk remembers between runs (QSettings): where and as whom it signed in, whether it
// hosts the coordinator, and the agent's choices of language, theme and sound.

#include <QString>
#include <QStringList>

class QUrl;

namespace sb {

struct Preferences
{
    QString address = QStringLiteral("ws://127.0.0.1:8765");
    QString login;
    bool remember = false;
    bool host = false;
    int hostPort = 8765;
    QString language; // empty: the system's; "en", "zh_CN", "zh_TW"
    QString theme;    // empty: the system's; "light", "dark"
    bool sound = true;

    static Preferences load();
    void save() const;

    // The SHA-256 fingerprint of the certificate the agent chose to trust for this coordinator's
    // host and port (certificatetrust.h); empty when none was.
    static QString trustedCertificate(const QUrl &coordinator);
    static void setTrustedCertificate(const QUrl &coordinator, const QString &fingerprint);
    // "host:port" of every address with a trusted certificate, sorted.
    static QStringList trustedCertificateAddresses();
    static void forgetTrustedCertificates();
};

} // namespace sb
