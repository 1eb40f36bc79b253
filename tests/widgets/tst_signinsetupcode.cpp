// The sign-in window's first-run form and the coordinator's setup code: on the coordinator's own
// machine the form has no code field; from another computer it shows one with a hint, refuses to
// go on without it, shows the coordinator's refusal of a wrong code, and creates the administrator
// with the right one. Offscreen, against a real coordinator; "another computer" is this machine's
// own non-loopback address (skipped without one). SB_SCREENSHOTS_DIR saves pictures.

#include "clock.h"
#include "deskclient.h"
#include "screenshots.h"
#include "signindialog.h"
#include "testservice.h"

#include <QLabel>
#include <QLineEdit>
#include <QNetworkInterface>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

QHostAddress otherAddress()
{
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
            return a;
    }
    return {};
}

} // namespace

class TestSignInSetupCode : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameMachineHasNoCodeField();
    void otherComputerEntersTheCode();

private:
    // A coordinator with no administrator, listening on `address`; its URL.
    QUrl serve(const QString &name, const QHostAddress &address);
    void stop();
    // Fills the address, login and password and clicks sign-in; waits for the setup form.
    void reachSetupForm(SignInDialog &dialog, const QUrl &url);

    QTemporaryDir m_dir;
    ManualClock m_clock{1764000000000};
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestSignInSetupCode::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
}

QUrl TestSignInSetupCode::serve(const QString &name, const QHostAddress &address)
{
    QString error;
    m_service = startBareService(m_clock, m_dir.filePath(name), &error);
    if (!m_service) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    if (!m_gateway->listen(address, 0, &error)) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return QUrl(QStringLiteral("ws://%1:%2").arg(address.toString()).arg(m_gateway->port()));
}

void TestSignInSetupCode::stop()
{
    m_gateway.reset();
    if (m_service)
        m_service->stop();
    m_service.reset();
}

void TestSignInSetupCode::reachSetupForm(SignInDialog &dialog, const QUrl &url)
{
    dialog.addressEdit()->setText(url.toString());
    dialog.loginEdit()->setText(QStringLiteral("root"));
    dialog.passwordEdit()->setText(QStringLiteral("a long enough password"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 10000);
    dialog.displayNameEdit()->setText(QStringLiteral("Root"));
    dialog.confirmEdit()->setText(QStringLiteral("a long enough password"));
}

void TestSignInSetupCode::sameMachineHasNoCodeField()
{
    const QUrl url = serve(QStringLiteral("local"), QHostAddress::LocalHost);
    QVERIFY(url.isValid());
    DeskClient desk;
    SignInDialog dialog(desk.connection(), nullptr);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    reachSetupForm(dialog, url);
    QVERIFY(!dialog.setupCodeEdit()->isVisible());
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
    QVERIFY(!m_service->needsSetup());
    stop();
}

void TestSignInSetupCode::otherComputerEntersTheCode()
{
    const QHostAddress address = otherAddress();
    if (address.isNull())
        QSKIP("this machine has no non-loopback IPv4 address to play another computer");
    const QUrl url = serve(QStringLiteral("remote"), address);
    QVERIFY(url.isValid());
    const QString code = m_service->setupCode();
    DeskClient desk;
    SignInDialog dialog(desk.connection(), nullptr);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    reachSetupForm(dialog, url);
    QVERIFY(dialog.setupCodeEdit()->isVisible());
    QVERIFY(dialog.setupCodeEdit()->isEnabled());
    // The field follows the other setup fields in keyboard order.
    dialog.confirmEdit()->setFocus();
    QTest::keyClick(dialog.confirmEdit(), Qt::Key_Tab);
    QCOMPARE(dialog.focusWidget(), static_cast<QWidget *>(dialog.setupCodeEdit()));
    QTest::keyClick(dialog.setupCodeEdit(), Qt::Key_Tab);
    QCOMPARE(dialog.focusWidget(), static_cast<QWidget *>(dialog.signInButton()));
    saveScreenshot(&dialog, QStringLiteral("sign-in-setup-code"));

    // Not sent without it.
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QVERIFY2(dialog.errorText().contains(QLatin1String("setup code")), qPrintable(dialog.errorText()));
    QVERIFY(dialog.signInButton()->isEnabled());

    // A wrong one: the coordinator's refusal, and the form stays with the field to correct.
    dialog.setupCodeEdit()->setText(QStringLiteral("AAAA-AAAA-AAAA-AAAA") == code
                                        ? QStringLiteral("BBBB-BBBB-BBBB-BBBB")
                                        : QStringLiteral("AAAA-AAAA-AAAA-AAAA"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), 10000);
    QVERIFY2(dialog.errorText().contains(QLatin1String("wrong setup code")), qPrintable(dialog.errorText()));
    QVERIFY(dialog.settingUp());
    QVERIFY(dialog.setupCodeEdit()->isVisible());
    QVERIFY(m_service->needsSetup());
    saveScreenshot(&dialog, QStringLiteral("sign-in-setup-code-wrong"));

    // The right one, typed loosely, creates the administrator.
    dialog.setupCodeEdit()->setText(code.toLower());
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
    QVERIFY(!m_service->needsSetup());
    QCOMPARE(desk.connection()->account().value(QLatin1String("role")).toString(), QStringLiteral("admin"));
    stop();
}

QTEST_MAIN(TestSignInSetupCode)
#include "tst_signinsetupcode.moc"
