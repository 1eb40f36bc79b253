#pragma once
// How a wss coordinator is known, for the clients that meet it (the desk, switchboard-sim) and the
// daemon that prints it. Trust on first use for a coordinator whose certificate no authority on
// this computer vouches for (a site's self-signed one): the agent compares the certificate's
// SHA-256 fingerprint with the one switchboard-coordinator prints when it starts, and the desk
// remembers it for that address. From then on that certificate, and only that one, is accepted
// there, as an SSH client remembers a host's key.

#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

namespace sb {

// "AB:CD:…": the SHA-256 of the certificate's DER encoding, in pairs of upper-case hex digits.
QString certificateFingerprint(const QSslCertificate &certificate);

// The fingerprint on two lines of sixteen pairs, to compare by eye in a narrow window.
QString fingerprintInLines(const QString &fingerprint);

// True when every error only says that nobody vouches for the certificate (self-signed, an
// unknown issuer, a name that is not the address's): what remembering a fingerprint can stand in
// for. An expired, revoked or otherwise broken certificate is refused even if remembered.
bool pinnableErrors(const QList<QSslError> &errors);

// What the desk was shown when a certificate was not accepted.
struct UntrustedCertificate
{
    QString fingerprint;
    QString subject; // the certificate's common name(s)
    QDateTime expires;
    QString errors;        // the TLS library's reasons, joined
    bool pinnable = false; // the agent may choose to trust it (pinnableErrors)
    QString trustedBefore; // the fingerprint remembered for this address, if another one
    bool isNull() const { return fingerprint.isEmpty(); }
};

UntrustedCertificate describeUntrusted(const QSslCertificate &certificate, const QList<QSslError> &errors,
                                       const QString &trustedBefore);

// A TLS handshake's errors judged against the fingerprint trusted for the address (empty: none):
// null when the certificate is to be accepted (it is the trusted one and every error is
// pinnable), otherwise what was refused. `peer` is the handshake's peer certificate, for errors
// that name none.
UntrustedCertificate judgeCertificate(const QList<QSslError> &errors, const QSslCertificate &peer,
                                      const QString &trustedFingerprint);

} // namespace sb
