// The sign-in dialog against a wss coordinator whose certificate is self-signed: it shows the
// certificate's fingerprint with a button to trust it, remembers the choice for that address and
// signs in; a different certificate later at the same address is shown as a change, never trusted
// silently (and offered again in the sign-in window a lost session opens), and the preferences
// forget it again. Offscreen, against a real coordinator on loopback.
// SB_SCREENSHOTS_DIR saves pictures.

#include "certificatetrust.h"
#include "clock.h"
#include "deskclient.h"
#include "preferences.h"
#include "preferencesdialog.h"
#include "screenshots.h"
#include "signindialog.h"
#include "testservice.h"
#include "testtls.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

const QString kFirst = QString::fromLatin1(kTestCertFingerprint);
const QString kSecond = QString::fromLatin1(kTestCert2Fingerprint);

} // namespace

class TestSignInTrust : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void trustOnFirstUseThenAChange();
    void forgottenInPreferences();

private:
    bool serve(const char *cert, const char *key, quint16 port);
    // A dialog with the address and a login filled in, sign-in clicked.
    void submit(SignInDialog &dialog, const QUrl &url);

    QTemporaryDir m_dir;
    ManualClock m_clock{1764000000000};
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
    QUrl m_url; // the coordinator's, once serving
};

void TestSignInTrust::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    QString error;
    m_service = startBareService(m_clock, m_dir.path(), &error);
    QVERIFY2(m_service, qPrintable(error));
}

void TestSignInTrust::cleanupTestCase()
{
    m_gateway.reset();
    if (m_service)
        m_service->stop();
}

bool TestSignInTrust::serve(const char *cert, const char *key, quint16 port)
{
    QString error;
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    if (!m_gateway->listen(QHostAddress::LocalHost, port, &error, testServerTls(cert, key))) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

void TestSignInTrust::submit(SignInDialog &dialog, const QUrl &url)
{
    dialog.addressEdit()->setText(url.toString());
    dialog.loginEdit()->setText(QStringLiteral("root"));
    dialog.passwordEdit()->setText(QStringLiteral("a long enough password"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
}

void TestSignInTrust::trustOnFirstUseThenAChange()
{
    QVERIFY(serve("test-cert.pem", "test-key.pem", 0));
    const quint16 port = m_gateway->port();
    const QUrl url(QStringLiteral("wss://127.0.0.1:%1").arg(port));
    m_url = url;
    {
        DeskClient desk;
        SignInDialog dialog(desk.connection(), nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        submit(dialog, url);
        // Refused, with the fingerprint to compare and the button to trust it.
        QTRY_VERIFY_WITH_TIMEOUT(dialog.trustButton()->isVisible(), 10000);
        QVERIFY2(dialog.errorText().contains(fingerprintInLines(kFirst)), qPrintable(dialog.errorText()));
        QCOMPARE(dialog.trustButton()->text(), QStringLiteral("&Trust this certificate"));
        QVERIFY(Preferences::trustedCertificate(url).isEmpty()); // nothing remembered yet
        saveScreenshot(&dialog, QStringLiteral("sign-in-untrusted-certificate"));

        // Trusted: remembered for this address, and the sign-in goes on (a new coordinator asks
        // for its first administrator).
        QTest::mouseClick(dialog.trustButton(), Qt::LeftButton);
        QCOMPARE(Preferences::trustedCertificate(url), kFirst);
        QVERIFY(!dialog.trustButton()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 10000);
        QVERIFY(dialog.errorText().isEmpty());
    }
    {
        // Next time, at the same address: trusted without asking.
        DeskClient desk;
        SignInDialog dialog(desk.connection(), nullptr);
        dialog.show();
        submit(dialog, url);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 10000);
        QVERIFY(!dialog.trustButton()->isVisible());
    }

    // The coordinator comes back with another certificate: shown as a change, not trusted.
    m_gateway.reset();
    QVERIFY(serve("test-cert-2.pem", "test-key-2.pem", port));
    DeskClient desk;
    SignInDialog dialog(desk.connection(), nullptr);
    dialog.show();
    submit(dialog, url);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.trustButton()->isVisible(), 10000);
    QVERIFY2(dialog.errorText().contains(QStringLiteral("different certificate")) &&
                 dialog.errorText().contains(fingerprintInLines(kSecond)),
             qPrintable(dialog.errorText()));
    QCOMPARE(dialog.trustButton()->text(), QStringLiteral("&Trust the new certificate"));
    QCOMPARE(Preferences::trustedCertificate(url), kFirst);
    QVERIFY(!dialog.settingUp());
    saveScreenshot(&dialog, QStringLiteral("sign-in-changed-certificate"));
    {
        // The same connection in a new sign-in window, as the desk opens one when a reconnection
        // met the new certificate and ended the session: the button is offered at once.
        SignInDialog again(desk.connection(), nullptr);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(!again.trustButton()->isVisible());
        again.offerTrust();
        QVERIFY(again.trustButton()->isVisible());
        QCOMPARE(again.trustButton()->text(), QStringLiteral("&Trust the new certificate"));
        // A connection that met no certificate offers nothing.
        DeskClient fresh;
        SignInDialog nothing(fresh.connection(), nullptr);
        nothing.show();
        nothing.offerTrust();
        QVERIFY(!nothing.trustButton()->isVisible());
    }
    QTest::mouseClick(dialog.trustButton(), Qt::LeftButton);
    QCOMPARE(Preferences::trustedCertificate(url), kSecond);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 10000);
}

void TestSignInTrust::forgottenInPreferences()
{
    // A certificate trusted by mistake is forgotten from the preferences, at once.
    QVERIFY(!Preferences::trustedCertificate(m_url).isEmpty());
    {
        PreferencesDialog prefs;
        prefs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&prefs));
        QCOMPARE(prefs.trustedLabel()->text(), QStringLiteral("127.0.0.1:%1").arg(m_url.port()));
        QVERIFY(prefs.forgetButton()->isEnabled());
        saveScreenshot(&prefs, QStringLiteral("preferences-trusted-certificates"));
        QTest::mouseClick(prefs.forgetButton(), Qt::LeftButton);
        QVERIFY(Preferences::trustedCertificate(m_url).isEmpty());
        QVERIFY(Preferences::trustedCertificateAddresses().isEmpty());
        QCOMPARE(prefs.trustedLabel()->text(), QStringLiteral("None"));
        QVERIFY(!prefs.forgetButton()->isEnabled());
        prefs.reject(); // forgotten all the same
    }
    QVERIFY(Preferences::trustedCertificate(m_url).isEmpty());
    // The next sign-in asks again.
    DeskClient desk;
    SignInDialog dialog(desk.connection(), nullptr);
    dialog.show();
    submit(dialog, m_url);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.trustButton()->isVisible(), 10000);
    QCOMPARE(dialog.trustButton()->text(), QStringLiteral("&Trust this certificate"));
}

QTEST_MAIN(TestSignInTrust)
#include "tst_signintrust.moc"
