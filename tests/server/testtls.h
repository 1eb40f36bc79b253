#pragma once
// The wss tests' certificates: self-signed for localhost and 127.0.0.1, valid until 2126, in
// tests/server/data (the test's CMake defines SB_TEST_DATA_DIR). test-cert-2.pem is a second one
// for the same names, to stand for a renewed or substituted certificate.

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

// `openssl x509 -noout -fingerprint -sha256` of test-cert.pem and test-cert-2.pem.
inline const char kTestCertFingerprint[] =
    "0F:21:48:6F:E7:57:6A:95:02:7A:7D:EE:79:75:1E:22:A3:D5:74:72:AA:1A:34:37:EA:C5:27:77:3A:23:D0:95";
inline const char kTestCert2Fingerprint[] =
    "18:C1:3A:C9:9D:F7:1D:2A:AE:43:F7:51:F3:02:77:22:EA:9E:0D:41:24:E3:45:9F:A3:19:51:8B:92:D7:1E:36";

inline QSslCertificate testCertificate(const char *name)
{
    QFile f(QStringLiteral(SB_TEST_DATA_DIR "/") + QLatin1String(name));
    return f.open(QIODevice::ReadOnly) ? QSslCertificate(&f, QSsl::Pem) : QSslCertificate();
}

// A server's configuration with the certificate and key files named (null key if unreadable).
inline QSslConfiguration testServerTls(const char *cert, const char *key)
{
    QFile k(QStringLiteral(SB_TEST_DATA_DIR "/") + QLatin1String(key));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(testCertificate(cert));
    if (k.open(QIODevice::ReadOnly))
        tls.setPrivateKey(QSslKey(&k, QSsl::Rsa, QSsl::Pem));
    return tls;
}
