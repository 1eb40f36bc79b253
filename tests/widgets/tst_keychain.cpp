// "Remember me" against a real keychain (GNOME keyring over a private D-Bus session; CTest runs
// this test through with-keyring.sh): CredentialStore writes, reads, overwrites and removes a
// password per login and address, and the sign-in window stores the password on a successful
// sign-in, fills it in next time, and forgets it when "remember me" is unticked.

#include "coordinatorconnection.h"
#include "credentialstore.h"
#include "preferences.h"
#include "signindialog.h"

#include <QCheckBox>
#include <QJsonObject>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace sb;

namespace {

struct Outcome
{
    bool done = false;
    bool ok = false;
    QString text;
};

Outcome readKey(CredentialStore &store, const QString &key)
{
    auto out = std::make_shared<Outcome>();
    store.read(key, [out](bool ok, const QString &text) { *out = {true, ok, text}; });
    if (!QTest::qWaitFor([out] { return out->done; }, 10000))
        return {};
    return *out;
}

Outcome writeKey(CredentialStore &store, const QString &key, const QString &password)
{
    auto out = std::make_shared<Outcome>();
    store.write(key, password, [out](bool ok, const QString &text) { *out = {true, ok, text}; });
    if (!QTest::qWaitFor([out] { return out->done; }, 10000))
        return {};
    return *out;
}

} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void storeWriteReadRemove();
    void signInRemembersAndForgets();
    void forgetsAPasswordThatChanged();
};

void TestKeychain::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through with-keyring.sh under dbus-run-session");
}

void TestKeychain::storeWriteReadRemove()
{
    CredentialStore store;
    const QString alice =
        CredentialStore::keyFor(QStringLiteral("alice"), QStringLiteral("ws://10.0.0.5:8765"));
    const QString aliceElsewhere =
        CredentialStore::keyFor(QStringLiteral("alice"), QStringLiteral("ws://10.0.0.6:8765"));
    QVERIFY(alice != aliceElsewhere);

    Outcome r = readKey(store, alice);
    QVERIFY(r.done);
    QVERIFY(!r.ok); // nothing stored yet, and the reason is given
    QVERIFY(!r.text.isEmpty());

    QVERIFY(writeKey(store, alice, QStringLiteral("密码 correct horse")).ok);
    r = readKey(store, alice);
    QVERIFY2(r.ok, qPrintable(r.text));
    QCOMPARE(r.text, QStringLiteral("密码 correct horse"));
    QVERIFY(!readKey(store, aliceElsewhere).ok); // another coordinator, another entry

    QVERIFY(writeKey(store, alice, QStringLiteral("a new password")).ok);
    QCOMPARE(readKey(store, alice).text, QStringLiteral("a new password"));

    store.remove(alice);
    QTRY_VERIFY_WITH_TIMEOUT(!readKey(store, alice).ok, 10000);
}

void TestKeychain::signInRemembersAndForgets()
{
    const QString address = QStringLiteral("ws://127.0.0.1:9");
    CoordinatorConnection connection;
    {
        SignInDialog dialog(&connection, nullptr);
        dialog.addressEdit()->setText(address);
        dialog.loginEdit()->setText(QStringLiteral("bob"));
        dialog.passwordEdit()->setText(QStringLiteral("bob's secret"));
        dialog.rememberBox()->setChecked(true);
        // The coordinator accepted the sign-in; the window closes at once.
        emit connection.signedIn(QJsonObject{{"id", "bob"}});
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    CredentialStore store;
    QTRY_COMPARE_WITH_TIMEOUT(readKey(store, CredentialStore::keyFor(QStringLiteral("bob"), address)).text,
                              QStringLiteral("bob's secret"), 10000);
    QCOMPARE(Preferences::load().login, QStringLiteral("bob"));
    QVERIFY(Preferences::load().remember);

    // Next time the window fills the password in from the keychain, and unticking forgets it.
    {
        SignInDialog dialog(&connection, nullptr);
        QCOMPARE(dialog.loginEdit()->text(), QStringLiteral("bob"));
        QVERIFY(dialog.rememberBox()->isChecked());
        QTRY_COMPARE_WITH_TIMEOUT(dialog.passwordEdit()->text(), QStringLiteral("bob's secret"), 10000);
        dialog.rememberBox()->setChecked(false);
        emit connection.signedIn(QJsonObject{{"id", "bob"}});
    }
    QTRY_VERIFY_WITH_TIMEOUT(!readKey(store, CredentialStore::keyFor(QStringLiteral("bob"), address)).ok,
                             10000);
    QVERIFY(!Preferences::load().remember);
    SignInDialog again(&connection, nullptr);
    QTest::qWait(200); // a read would have come back by now; none is made
    QVERIFY(again.passwordEdit()->text().isEmpty());
}

// An administrator gave bob a new password: the remembered one is taken out of the keychain and not
// filled in, even when the keychain's answer comes after the window was told.
void TestKeychain::forgetsAPasswordThatChanged()
{
    const QString address = QStringLiteral("ws://127.0.0.1:9");
    const QString key = CredentialStore::keyFor(QStringLiteral("carol"), address);
    CoordinatorConnection connection;
    {
        SignInDialog dialog(&connection, nullptr);
        dialog.addressEdit()->setText(address);
        dialog.loginEdit()->setText(QStringLiteral("carol"));
        dialog.passwordEdit()->setText(QStringLiteral("carol's old secret"));
        dialog.rememberBox()->setChecked(true);
        emit connection.signedIn(QJsonObject{{"id", "carol"}});
    }
    CredentialStore store;
    QTRY_COMPARE_WITH_TIMEOUT(readKey(store, key).text, QStringLiteral("carol's old secret"), 10000);

    SignInDialog dialog(&connection, nullptr);
    dialog.forgetRememberedPassword(); // before the keychain's answer to the window's own read
    QTest::qWait(300);
    QVERIFY(dialog.passwordEdit()->text().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!readKey(store, key).ok, 10000);
    QCOMPARE(dialog.loginEdit()->text(), QStringLiteral("carol"));
}

QTEST_MAIN(TestKeychain)
#include "tst_keychain.moc"
