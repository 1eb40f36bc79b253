#include "certificatetrust.h"

#include <QCryptographicHash>
#include <QStringList>

namespace sb {

QString certificateFingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray digest = certificate.digest(QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

namespace {
// The certificate the errors are about (the first one they name), else `peer`.
QSslCertificate certificateOf(const QList<QSslError> &errors, const QSslCertificate &peer)
{
    for (const QSslError &e : errors) {
        if (!e.certificate().isNull())
            return e.certificate();
    }
    return peer;
}
} // namespace

QString fingerprintInLines(const QString &fingerprint)
{
    // 32 pairs of "XX:" less the last colon: the first line ends after the sixteenth pair.
    if (fingerprint.size() != 32 * 3 - 1)
        return fingerprint;
    return fingerprint.left(16 * 3 - 1) + QLatin1Char('\n') + fingerprint.mid(16 * 3);
}

bool pinnableErrors(const QList<QSslError> &errors)
{
    if (errors.isEmpty())
        return false;
    for (const QSslError &e : errors) {
        switch (e.error()) {
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::HostNameMismatch:
            break;
        default:
            return false;
        }
    }
    return true;
}

UntrustedCertificate describeUntrusted(const QSslCertificate &certificate, const QList<QSslError> &errors,
                                       const QString &trustedBefore)
{
    UntrustedCertificate u;
    u.fingerprint = certificateFingerprint(certificate);
    u.subject = certificate.subjectInfo(QSslCertificate::CommonName).join(QLatin1String(", "));
    u.expires = certificate.expiryDate();
    QStringList reasons;
    for (const QSslError &e : errors) {
        if (!reasons.contains(e.errorString()))
            reasons << e.errorString();
    }
    u.errors = reasons.join(QLatin1String("; "));
    u.pinnable = pinnableErrors(errors);
    if (trustedBefore != u.fingerprint)
        u.trustedBefore = trustedBefore;
    return u;
}

UntrustedCertificate judgeCertificate(const QList<QSslError> &errors, const QSslCertificate &peer,
                                      const QString &trustedFingerprint)
{
    const UntrustedCertificate u = describeUntrusted(certificateOf(errors, peer), errors, trustedFingerprint);
    if (!trustedFingerprint.isEmpty() && u.trustedBefore.isEmpty() && u.pinnable)
        return {};
    return u;
}

} // namespace sb
