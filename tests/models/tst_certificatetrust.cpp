// Trust on first use for a coordinator's self-signed certificate: which TLS errors a remembered
// fingerprint may stand in for, and a desk's connection against a real wss coordinator on loopback
// (refused with the fingerprint to compare, accepted once trusted, refused again when the
// certificate changes, on sign-in and on a reconnection).

#include "certificatetrust.h"
#include "clock.h"
#include "coordinatorconnection.h"
#include "testservice.h"
#include "testtls.h"

#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

const char *const kFirst = kTestCertFingerprint;
const char *const kSecond = kTestCert2Fingerprint;

} // namespace

class TestCertificateTrust : public QObject
{
    Q_OBJECT

private slots:
    void fingerprintIsSha256OfTheCertificate();
    void pinnableErrors_data();
    void pinnableErrors();
    void trustedOnFirstUse();
    void changedCertificateEndsTheSession();

private:
    bool serve(const char *cert, const char *key, quint16 port = 0);

    QTemporaryDir m_dir;
    ManualClock m_clock{1764000000000};
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

bool TestCertificateTrust::serve(const char *cert, const char *key, quint16 port)
{
    QString error;
    if (!m_service)
        m_service = startBareService(m_clock, m_dir.path(), &error);
    if (!m_service) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    if (!m_gateway->listen(QHostAddress::LocalHost, port, &error, testServerTls(cert, key))) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

void TestCertificateTrust::fingerprintIsSha256OfTheCertificate()
{
    QCOMPARE(certificateFingerprint(testCertificate("test-cert.pem")), QString::fromLatin1(kFirst));
    QCOMPARE(certificateFingerprint(testCertificate("test-cert-2.pem")), QString::fromLatin1(kSecond));
    QCOMPARE(certificateFingerprint(QSslCertificate()), QString());
    QCOMPARE(fingerprintInLines(QString::fromLatin1(kFirst)),
             QStringLiteral("0F:21:48:6F:E7:57:6A:95:02:7A:7D:EE:79:75:1E:22\n"
                            "A3:D5:74:72:AA:1A:34:37:EA:C5:27:77:3A:23:D0:95"));
}

void TestCertificateTrust::pinnableErrors_data()
{
    QTest::addColumn<QList<QSslError::SslError>>("errors");
    QTest::addColumn<bool>("pinnable");
    using E = QSslError;
    QTest::newRow("self-signed") << QList<E::SslError>{E::SelfSignedCertificate} << true;
    QTest::newRow("self-signed, other name")
        << QList<E::SslError>{E::SelfSignedCertificate, E::HostNameMismatch} << true;
    QTest::newRow("private authority")
        << QList<E::SslError>{E::UnableToGetLocalIssuerCertificate, E::UnableToVerifyFirstCertificate}
        << true;
    QTest::newRow("self-signed and expired")
        << QList<E::SslError>{E::SelfSignedCertificate, E::CertificateExpired} << false;
    QTest::newRow("not yet valid") << QList<E::SslError>{E::CertificateNotYetValid} << false;
    QTest::newRow("revoked") << QList<E::SslError>{E::CertificateRevoked} << false;
    QTest::newRow("bad signature") << QList<E::SslError>{E::CertificateSignatureFailed} << false;
    QTest::newRow("no errors") << QList<E::SslError>{} << false;
}

void TestCertificateTrust::pinnableErrors()
{
    QFETCH(QList<QSslError::SslError>, errors);
    QFETCH(bool, pinnable);
    QList<QSslError> list;
    for (QSslError::SslError e : errors)
        list << QSslError(e, testCertificate("test-cert.pem"));
    QCOMPARE(sb::pinnableErrors(list), pinnable);
}

void TestCertificateTrust::trustedOnFirstUse()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(serve("test-cert.pem", "test-key.pem"));
    const QUrl url(QStringLiteral("wss://127.0.0.1:%1").arg(m_gateway->port()));
    CoordinatorConnection connection;
    QSignalSpy failed(&connection, &CoordinatorConnection::signInFailed);
    QSignalSpy probed(&connection, &CoordinatorConnection::probed);

    // First contact: refused, with what the agent needs to compare.
    connection.probe(url);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("untrusted-certificate"));
    // On two lines, to compare by eye.
    QVERIFY2(failed.at(0).at(1).toString().contains(fingerprintInLines(QString::fromLatin1(kFirst))),
             qPrintable(failed.at(0).at(1).toString()));
    UntrustedCertificate u = connection.untrustedCertificate();
    QCOMPARE(u.fingerprint, QString::fromLatin1(kFirst));
    QCOMPARE(u.subject, QStringLiteral("localhost"));
    QVERIFY(u.pinnable);
    QVERIFY(u.trustedBefore.isEmpty());
    QCOMPARE(u.expires.date().year(), 2126);
    QCOMPARE(connection.state(), CoordinatorConnection::State::Disconnected);

    // Trusted: the same certificate is accepted.
    connection.setTrustedFingerprint(QString::fromLatin1(kFirst));
    connection.probe(url);
    QVERIFY(probed.wait(10000));
    QCOMPARE(probed.at(0).at(0).toBool(), true); // a new coordinator: it needs its administrator
    QVERIFY(connection.untrustedCertificate().isNull());

    // Another fingerprint remembered for this address: refused, and said to be a change.
    failed.clear();
    connection.setTrustedFingerprint(QString::fromLatin1(kSecond));
    connection.probe(url);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("untrusted-certificate"));
    u = connection.untrustedCertificate();
    QCOMPARE(u.fingerprint, QString::fromLatin1(kFirst));
    QCOMPARE(u.trustedBefore, QString::fromLatin1(kSecond));
    QVERIFY(u.pinnable);
    QCOMPARE(probed.size(), 1);
    m_gateway.reset();
}

void TestCertificateTrust::changedCertificateEndsTheSession()
{
    QVERIFY(serve("test-cert.pem", "test-key.pem"));
    const quint16 port = m_gateway->port();
    const QUrl url(QStringLiteral("wss://127.0.0.1:%1").arg(port));
    CoordinatorConnection connection;
    connection.setReconnectDelays(50, 200);
    connection.setTrustedFingerprint(QString::fromLatin1(kFirst));
    QSignalSpy signedIn(&connection, &CoordinatorConnection::signedIn);
    QSignalSpy lost(&connection, &CoordinatorConnection::sessionLost);
    QSignalSpy failed(&connection, &CoordinatorConnection::signInFailed);
    connection.setUp(url, QStringLiteral("root"), QStringLiteral("a long enough password"),
                     QStringLiteral("Root"));
    QVERIFY2(signedIn.wait(10000), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(connection.state(), CoordinatorConnection::State::Online);

    // The coordinator comes back on the same port with another certificate: the reconnection
    // meets it, and the session ends instead of retrying forever.
    m_gateway.reset();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), CoordinatorConnection::State::Reconnecting, 5000);
    QVERIFY(serve("test-cert-2.pem", "test-key-2.pem", port));
    QVERIFY(lost.wait(10000));
    QCOMPARE(lost.at(0).at(1).toString(), QStringLiteral("untrusted-certificate"));
    QVERIFY2(lost.at(0).at(0).toString().contains(fingerprintInLines(QString::fromLatin1(kSecond))),
             qPrintable(lost.at(0).at(0).toString()));
    QCOMPARE(connection.state(), CoordinatorConnection::State::Disconnected);
    QCOMPARE(connection.untrustedCertificate().trustedBefore, QString::fromLatin1(kFirst));
    m_gateway.reset();
    m_service->stop();
}

QTEST_GUILESS_MAIN(TestCertificateTrust)
#include "tst_certificatetrust.moc"
