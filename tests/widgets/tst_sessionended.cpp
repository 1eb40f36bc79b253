// What the agent sees when the coordinator ends their session (session.ended: an administrator
// disabled the account or gave it a new password), through the real desktop app (DesktopApp, its
// sign-in and main windows) against a real coordinator: a warning that says why, the main window
// gone and the sign-in window back with the reason on it, no attempt to resume, the unsent draft
// kept (put back after signing in again, or handed over to copy when the conversation went
// elsewhere), and signing in again with the new password in the same run. With SB_SCREENSHOTS_DIR
// set it saves the warning as the agent sees it.

#include "appearance.h"
#include "composer.h"
#include "conversationpanel.h"
#include "coordinatorhost.h"
#include "deskclient.h"
#include "desktopapp.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "mainwindow.h"
#include "signindialog.h"
#include "testservice.h"
#include "wsclient.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace sb;

namespace {

// One agent, so where a conversation goes is certain; going offline puts conversations back in the
// queue (the default, said here because the test depends on it).
const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"], "offlinePolicy": "requeue"},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice Wong", "groups": ["sales"], "maxConcurrent": 4}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";
const QString kPassword = QStringLiteral("correct horse battery");
const QString kNewPassword = QStringLiteral("a brand new passphrase");

// What a message box showed, and what else was on screen while it was up.
struct Shown
{
    bool seen = false;
    QString objectName;
    QString title;
    QString text;
    QString informative;
    QString details;
    QMessageBox::Icon icon = QMessageBox::NoIcon;
    QString parentClass;
};

// Waits for a message box (modal or window-modal, shown by exec() or open()), records it, lets
// `whileUp` look at the screen, and presses its button as the agent would. The watch stops when the
// returned object goes.
std::unique_ptr<QObject> acceptNextMessageBox(std::shared_ptr<Shown> shown,
                                              std::function<void(QMessageBox *)> whileUp = {})
{
    auto watch = std::make_unique<QObject>();
    auto *poll = new QTimer(watch.get());
    poll->setInterval(20);
    auto waited = std::make_shared<int>(0);
    QObject::connect(poll, &QTimer::timeout, [poll, shown, whileUp, waited] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || !box->isVisible()) {
            if (++*waited > 500) { // 10 s: give up rather than hang the test
                poll->stop();
                poll->deleteLater();
            }
            return;
        }
        poll->stop();
        poll->deleteLater();
        shown->seen = true;
        shown->objectName = box->objectName();
        shown->title = box->windowTitle();
        shown->text = box->text();
        shown->informative = box->informativeText();
        shown->details = box->detailedText();
        shown->icon = box->icon();
        shown->parentClass = box->parentWidget() ? box->parentWidget()->metaObject()->className() : "";
        if (whileUp)
            whileUp(box);
        QTest::mouseClick(box->button(QMessageBox::Ok), Qt::LeftButton);
    });
    poll->start();
    return watch;
}

// The sign-in window with the message box over it, as the screen shows them.
void saveScreen(QWidget *window, QMessageBox *box, const QString &name)
{
    const QString dir = qEnvironmentVariable("SB_SCREENSHOTS_DIR");
    if (dir.isEmpty())
        return;
    QCoreApplication::processEvents();
    QPixmap shot = window->grab();
    {
        QPainter p(&shot);
        p.fillRect(shot.rect(), QColor(0, 0, 0, 60)); // the window behind a modal box is not active
        const QPixmap front = box->grab();
        const QPoint at = window->mapFromGlobal(box->mapToGlobal(QPoint(0, 0)));
        const QRect inside = shot.rect();
        // Centred over the window when the platform placed it elsewhere (offscreen has no window manager).
        const QPoint topLeft = inside.contains(QRect(at, front.size()))
                                   ? at
                                   : inside.center() - QPoint(front.width() / 2, front.height() / 2);
        p.drawPixmap(topLeft, front);
    }
    shot.save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

// Longer than the reconnect delays: the desk is still signed out and never tried to connect again.
bool stayedSignedOut(DesktopApp &app, const QSignalSpy &states)
{
    QTest::qWait(500);
    if (app.desk()->connection()->state() != CoordinatorConnection::State::Disconnected)
        return false;
    for (const auto &change : states) {
        const auto state = change.at(0).value<CoordinatorConnection::State>();
        if (state == CoordinatorConnection::State::Connecting ||
            state == CoordinatorConnection::State::Reconnecting)
            return false;
    }
    return true;
}
} // namespace

class TestSessionEnded : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void reasonsInTheAgentsLanguage();
    void disabledAccount_data();
    void disabledAccount();
    void newPassword();

private:
    // Signs in through the app's sign-in window as alice; true once her inbox is shown.
    bool signInThroughWindow(DesktopApp &app, const QString &password);
    // A customer writes; the conversation reaches alice (online) and is open in her window.
    QString conversationOpen(DesktopApp &app, const QString &customerName);

    QTemporaryDir m_dir;
    CoordinatorHost m_host;
    std::unique_ptr<WsClient> m_admin;
    std::vector<std::unique_ptr<WsClient>> m_customers;
};

void TestSessionEnded::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // As the app's own names do (prepareDesktopEnvironment): without an organisation QSettings keeps
    // nothing, and the sign-in window could not offer the last login. This test's own file.
    QCoreApplication::setOrganizationName(QStringLiteral("Switchboard"));
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_host.start(loopbackHost(m_dir.path(), kSite), &error), qPrintable(error));
    m_admin = std::make_unique<WsClient>(m_host.port());
    m_admin->ok_("hello", {{"protocol", 1}});
    m_admin->ok_("auth.setup", {{"login", "root"}, {"password", kPassword}, {"displayName", "Site Admin"}});
    QVERIFY(!m_admin
                 ->ok_("account.create", {{"login", "alice"},
                                          {"displayName", "Alice Wong"},
                                          {"role", "agent"},
                                          {"password", kPassword}})
                 .contains("failed"));
}

void TestSessionEnded::cleanupTestCase()
{
    m_customers.clear();
    m_admin.reset();
    m_host.stop();
}

// Each case starts with alice enabled and on her first password, whatever the last one left.
void TestSessionEnded::init()
{
    QVERIFY(!m_admin->ok_("account.update", {{"id", "alice"}, {"disabled", false}, {"password", kPassword}})
                 .contains("failed"));
}

bool TestSessionEnded::signInThroughWindow(DesktopApp &app, const QString &password)
{
    SignInDialog *dialog = app.signIn();
    if (!dialog || !dialog->isVisible())
        return false;
    dialog->addressEdit()->setText(m_host.localUrl().toString());
    dialog->loginEdit()->setText(QStringLiteral("alice"));
    dialog->passwordEdit()->clear();
    QTest::keyClicks(dialog->passwordEdit(), password);
    QTest::keyClick(dialog->passwordEdit(), Qt::Key_Return);
    return QTest::qWaitFor([&] { return app.window() && app.window()->isVisible() && app.desk()->ready(); },
                           5000);
}

QString TestSessionEnded::conversationOpen(DesktopApp &app, const QString &customerName)
{
    app.desk()->setStatus(QStringLiteral("online"));
    if (!QTest::qWaitFor([&] { return app.desk()->status() == QLatin1String("online"); }, 5000))
        return {};
    m_customers.push_back(std::make_unique<WsClient>(m_host.port()));
    WsClient &customer = *m_customers.back();
    customer.ok_("hello", {{"protocol", 1}});
    customer.ok_("customer.start", {{"channel", "web"}, {"name", customerName}});
    const QString conv =
        customer.ok_("customer.send", {{"text", "where is my parcel?"}}).value("conversation").toString();
    auto mine = [&] {
        const InboxEntry *e = app.desk()->inbox()->entry(conv);
        return e && e->place == InboxEntry::Place::Mine;
    };
    if (!QTest::qWaitFor(mine, 5000))
        return {};
    app.window()->inbox()->select(conv);
    if (!QTest::qWaitFor([&] { return app.desk()->openConversationId() == conv; }, 5000))
        return {};
    return conv;
}

// The texts for the reasons session.ended names are the agent's language; another reason shows the
// coordinator's own words.
void TestSessionEnded::reasonsInTheAgentsLanguage()
{
    const QString server = QStringLiteral("an administrator disabled this account");
    QCOMPARE(installLanguage(*qApp, QStringLiteral("en")), QStringLiteral("en"));
    const QString disabled = DesktopApp::sessionEndedText(QStringLiteral("disabled"), server);
    const QString changed = DesktopApp::sessionEndedText(QStringLiteral("password-changed"), server);
    QVERIFY(disabled.contains(QStringLiteral("disabled your account")));
    QVERIFY(changed.contains(QStringLiteral("new password")));
    QVERIFY(DesktopApp::sessionEndedText(QStringLiteral("something-new"), server).contains(server));
    QVERIFY(!DesktopApp::sessionEndedText(QString(), QString()).isEmpty());

    QCOMPARE(installLanguage(*qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QVERIFY(
        DesktopApp::sessionEndedText(QStringLiteral("disabled"), server).contains(QStringLiteral("停用")));
    QVERIFY(DesktopApp::sessionEndedText(QStringLiteral("password-changed"), server)
                .contains(QStringLiteral("新密码")));
    QCOMPARE(installLanguage(*qApp, QStringLiteral("zh_TW")), QStringLiteral("zh_TW"));
    QVERIFY(
        DesktopApp::sessionEndedText(QStringLiteral("disabled"), server).contains(QStringLiteral("停用")));
    QVERIFY(DesktopApp::sessionEndedText(QStringLiteral("password-changed"), server)
                .contains(QStringLiteral("新密碼")));
    QVERIFY(DesktopApp::sessionEndedText(QStringLiteral("something-new"), server).contains(server));
    installLanguage(*qApp, QStringLiteral("en"));
}

void TestSessionEnded::disabledAccount_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << QStringLiteral("en");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
}

// An administrator disables alice while she is writing a reply: she is told why, lands on the
// sign-in window, the desk does not try to resume, and her reply is kept. Enabled again, she signs
// in; her conversation went back to the queue meanwhile, so the reply is handed to her to copy.
void TestSessionEnded::disabledAccount()
{
    QFETCH(QString, language);
    QCOMPARE(installLanguage(*qApp, language), language);
    DesktopApp app(*qApp, {});
    QVERIFY(app.start());
    QVERIFY(signInThroughWindow(app, kPassword));
    app.desk()->connection()->setReconnectDelays(50, 200); // a retry would show within the wait below
    const QString customerName = QStringLiteral("Disabled Case %1").arg(language);
    const QString conv = conversationOpen(app, customerName);
    QVERIFY(!conv.isEmpty());
    const QString draft = QStringLiteral("Your parcel left our warehouse — 包裹已发出");
    Composer *composer = app.window()->conversation()->composer();
    composer->setFocus();
    composer->insertPlainText(draft); // keyClicks types Latin-1 only
    QPointer<MainWindow> window = app.window();

    QSignalSpy states(app.desk()->connection(), &CoordinatorConnection::stateChanged);
    auto shown = std::make_shared<Shown>();
    bool windowShownWithBox = true;
    bool signInShownWithBox = false;
    const QString shot = QStringLiteral("session-ended") +
                         (language == QLatin1String("en") ? QString() : QLatin1Char('-') + language);
    const auto watch = acceptNextMessageBox(shown, [&](QMessageBox *box) {
        windowShownWithBox = window && window->isVisible() && window->isEnabled();
        signInShownWithBox = app.signIn() && app.signIn()->isVisible();
        if (app.signIn())
            saveScreen(app.signIn(), box, shot);
    });
    m_admin->ok_("account.update", {{"id", "alice"}, {"disabled", true}});
    QTRY_VERIFY_WITH_TIMEOUT(shown->seen, 5000);

    // The warning says why, over the sign-in window; the main window is no longer there.
    QCOMPARE(shown->icon, QMessageBox::Warning);
    QCOMPARE(shown->title, QCoreApplication::translate("sb::DesktopApp", "Signed out"));
    // Worded from session.ended's reason in the agent's language, not the coordinator's English.
    QCOMPARE(shown->text, DesktopApp::sessionEndedText(QStringLiteral("disabled"), QString()));
    QVERIFY2(!windowShownWithBox, "the main window was still up behind the warning");
    QVERIFY2(signInShownWithBox, "the sign-in window was not back behind the warning");
    QCOMPARE(shown->parentClass, QStringLiteral("sb::SignInDialog"));
    QVERIFY(app.window() == nullptr);
    QTRY_VERIFY(window.isNull());
    // The unsent reply is named and there to copy.
    QVERIFY2(shown->informative.contains(customerName), qPrintable(shown->informative));
    QCOMPARE(shown->details, draft);
    // The sign-in window keeps the reason after the warning is gone, ready for alice.
    SignInDialog *signIn = app.signIn();
    QVERIFY(signIn && signIn->isVisible());
    QCOMPARE(signIn->errorText(), shown->text);
    QCOMPARE(signIn->loginEdit()->text(), QStringLiteral("alice"));
    QVERIFY(signIn->passwordEdit()->text().isEmpty());
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    QCOMPARE(signIn->focusWidget(), signIn->passwordEdit()); // only the password to type
    if (!qEnvironmentVariableIsEmpty("SB_SCREENSHOTS_DIR")) {
        QCoreApplication::processEvents();
        signIn->grab().save(qEnvironmentVariable("SB_SCREENSHOTS_DIR") + QLatin1Char('/') + shot +
                            QStringLiteral("-sign-in.png"));
    }

    // No attempt to resume.
    QVERIFY(stayedSignedOut(app, states));

    // While disabled, signing in is refused in the window.
    SignInDialog *before = app.signIn();
    before->passwordEdit()->setText(kPassword);
    QTest::keyClick(before->passwordEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(
        before->errorText() ==
            QCoreApplication::translate("sb::CoordinatorConnection", "Wrong user name or password."),
        5000);
    QVERIFY(app.window() == nullptr);

    // Enabled again: alice signs in. Going offline put the conversation back in the queue, so the
    // reply cannot go back into a composer; she gets it to copy instead of losing it.
    m_admin->ok_("account.update", {{"id", "alice"}, {"disabled", false}});
    auto notRestored = std::make_shared<Shown>();
    const auto watchRestore = acceptNextMessageBox(notRestored);
    QVERIFY(signInThroughWindow(app, kPassword));
    QTRY_VERIFY_WITH_TIMEOUT(notRestored->seen, 5000);
    QCOMPARE(notRestored->objectName, QStringLiteral("draftNotRestored"));
    QVERIFY2(notRestored->text.contains(customerName), qPrintable(notRestored->text));
    QCOMPARE(notRestored->details, draft);
    QVERIFY(app.desk()->inbox()->entry(conv) && app.desk()->inbox()->entry(conv)->waiting());
    app.desk()->connection()->signOut();
    installLanguage(*qApp, QStringLiteral("en"));
}

// An administrator gives alice a new password while she writes an internal note: she is told, the
// old password no longer works, the new one does in the same run, her inbox comes back with the
// conversation, and the note is back in its composer, still a note.
void TestSessionEnded::newPassword()
{
    QCOMPARE(installLanguage(*qApp, QStringLiteral("en")), QStringLiteral("en"));
    DesktopApp app(*qApp, {});
    QVERIFY(app.start());
    QVERIFY(signInThroughWindow(app, kPassword));
    app.desk()->connection()->setReconnectDelays(50, 200);
    const QString conv = conversationOpen(app, QStringLiteral("Password Case"));
    QVERIFY(!conv.isEmpty());
    const QString draft = QStringLiteral("Customer asked twice; check the courier");
    app.window()->action(QStringLiteral("note"))->trigger();
    Composer *composer = app.window()->conversation()->composer();
    QTest::keyClicks(composer, draft);
    QVERIFY(app.window()->conversation()->draft().note);

    QSignalSpy states(app.desk()->connection(), &CoordinatorConnection::stateChanged);
    auto shown = std::make_shared<Shown>();
    const auto watch = acceptNextMessageBox(shown);
    m_admin->ok_("account.update", {{"id", "alice"}, {"password", kNewPassword}});
    QTRY_VERIFY_WITH_TIMEOUT(shown->seen, 5000);
    QCOMPARE(shown->icon, QMessageBox::Warning);
    QCOMPARE(shown->text, DesktopApp::sessionEndedText(QStringLiteral("password-changed"), QString()));
    QVERIFY2(shown->informative.contains(QStringLiteral("Password Case")) &&
                 shown->informative.contains(QStringLiteral("note")),
             qPrintable(shown->informative));
    QCOMPARE(shown->details, draft);
    QVERIFY(app.window() == nullptr);
    QVERIFY(app.signIn() && app.signIn()->isVisible());
    QVERIFY(stayedSignedOut(app, states));

    // The old password is refused; the new one opens the desk again, in this run.
    SignInDialog *signIn = app.signIn();
    signIn->passwordEdit()->setText(kPassword);
    QTest::keyClick(signIn->passwordEdit(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(signIn->errorText(), QStringLiteral("Wrong user name or password."), 5000);
    QVERIFY(app.window() == nullptr);
    auto unexpected = std::make_shared<Shown>();
    const auto watchUnexpected = acceptNextMessageBox(unexpected);
    QVERIFY(signInThroughWindow(app, kNewPassword));
    QVERIFY(!app.signIn() || !app.signIn()->isVisible());
    // Within the presence grace: the conversation stayed hers; the note is back where it was.
    const InboxEntry *entry = app.desk()->inbox()->entry(conv);
    QVERIFY(entry && entry->place == InboxEntry::Place::Mine);
    QTRY_COMPARE(app.desk()->openConversationId(), conv);
    QCOMPARE(app.window()->inbox()->currentConversation(), conv);
    QCOMPARE(app.window()->conversation()->composer()->toPlainText(), draft);
    QVERIFY(app.window()->conversation()->draft().note);
    QTest::qWait(100);
    QVERIFY2(!unexpected->seen, qPrintable(unexpected->text));
    app.desk()->connection()->signOut();
}

QTEST_MAIN(TestSessionEnded)
#include "tst_sessionended.moc"
