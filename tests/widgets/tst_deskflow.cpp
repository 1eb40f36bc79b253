// The desk's windows driven like an agent would (typing, Enter, clicks, shortcuts) against a real
// coordinator hosted in the test: first-run setup and sign-in through the dialog, an assignment
// arriving in the inbox and the tray, replying, a quick reply by "/", transfer and invitation
// through the picker, and closing. In English and in Chinese. With SB_SCREENSHOTS_DIR set it also
// saves the screenshots the README shows.

#include "agentpicker.h"
#include "appearance.h"
#include "composer.h"
#include "conversationpanel.h"
#include "coordinatorhost.h"
#include "customerpanel.h"
#include "deskclient.h"
#include "directorymodel.h"
#include "hostedcoordinator.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "inboxview.h"
#include "mainwindow.h"
#include "messagemodel.h"
#include "preferencesdialog.h"
#include "quickreplymodel.h"
#include "screenshots.h"
#include "signindialog.h"
#include "storewriter.h"
#include "testservice.h"
#include "traynotifier.h"
#include "wsclient.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabBar>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>

using namespace sb;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}, {"id": "wechat", "name": "WeChat"}],
  "groups": [{"id": "sales", "name": "Sales"}, {"id": "support", "name": "Support"}],
  "agents": [{"id": "alice", "name": "Alice Wong", "groups": ["sales"], "skills": ["cantonese"], "maxConcurrent": 4},
             {"id": "bob", "name": "Bob Lee", "groups": ["sales", "support"], "skills": ["billing"], "maxConcurrent": 4}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";
const QString kPassword = QStringLiteral("correct horse battery");
const QString kRefund = QStringLiteral("Your refund is on its way and arrives within 3 working days.");

// Runs `f` on the modal dialog of type T as soon as it is open and ready (`ready` says so).
template<typename T>
void whenModal(std::function<bool(T *)> ready, std::function<void(T *)> f)
{
    auto *poll = new QTimer;
    poll->setInterval(20);
    auto waited = std::make_shared<int>(0);
    QObject::connect(poll, &QTimer::timeout, [poll, ready, f, waited] {
        auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget());
        if (!dialog || !ready(dialog)) {
            if (++*waited > 500) { // 10 s: give up rather than hang the test
                qWarning() << "the dialog never became ready; the modal window is"
                           << (QApplication::activeModalWidget()
                                   ? QApplication::activeModalWidget()->metaObject()->className()
                                   : "none");
                poll->stop();
                poll->deleteLater();
                if (dialog)
                    dialog->reject();
            }
            return;
        }
        poll->stop();
        poll->deleteLater();
        f(dialog);
    });
    poll->start();
}

void pickAgent(AgentPicker *picker, const QString &agent)
{
    QAbstractItemModel *m = picker->agentView()->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, 0).data(DirectoryModel::IdRole).toString() == agent)
            picker->agentView()->setCurrentIndex(m->index(r, 0));
    }
}

} // namespace

class TestDeskFlow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstRunSetup();
    void hostOnThisComputer();
    void dayAtTheDesk_data();
    void dayAtTheDesk();
    void switchLanguageLive();
    void attachAndSaveFiles();

private:
    // alice signed in, her window shown, online, and a customer who wrote `text`, the
    // conversation open in her window.
    struct OpenDesk
    {
        DeskClient desk;
        std::unique_ptr<MainWindow> window;
        std::unique_ptr<WsClient> customer;
        QString conversation;
    };
    void openDesk(OpenDesk &open, const QString &customerName, const QString &text);

    QTemporaryDir m_dir;
    CoordinatorHost m_host;
};

void TestDeskFlow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    {
        // Quick replies are in the store before the coordinator starts.
        StoreWriter writer(m_dir.path() + QStringLiteral("/switchboard.db"));
        QVERIFY(writer.start());
        QuickReply r;
        r.category = QStringLiteral("Billing");
        r.title = QStringLiteral("Refund on its way");
        r.text = kRefund;
        writer.upsertQuickReply(r);
        r.category = QStringLiteral("Greetings");
        r.title = QStringLiteral("Welcome");
        r.text = QStringLiteral("Hello! How can I help you today?");
        writer.upsertQuickReply(r);
        writer.close();
    }
    QString error;
    QVERIFY2(m_host.start(loopbackHost(m_dir.path(), kSite), &error), qPrintable(error));
}

void TestDeskFlow::cleanupTestCase()
{
    m_host.stop();
}

void TestDeskFlow::firstRunSetup()
{
    DeskClient desk;
    SignInDialog dialog(desk.connection(), nullptr);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addressEdit()->clear();
    QTest::keyClicks(dialog.addressEdit(), m_host.localUrl().toString());
    QTest::keyClicks(dialog.loginEdit(), QStringLiteral("root"));
    QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("short"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    // A new coordinator: the dialog asks for the first administrator.
    QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 5000);
    saveScreenshot(&dialog, QStringLiteral("first-run"));
    QTest::keyClicks(dialog.displayNameEdit(), QStringLiteral("Site Admin"));
    QTest::keyClicks(dialog.confirmEdit(), QStringLiteral("short"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(QStringLiteral("12")));
    dialog.passwordEdit()->clear();
    dialog.confirmEdit()->clear();
    QTest::keyClicks(dialog.passwordEdit(), kPassword);
    QTest::keyClicks(dialog.confirmEdit(), kPassword + QStringLiteral("x"));
    QTest::keyClick(dialog.confirmEdit(), Qt::Key_Return);
    QVERIFY(dialog.errorText().contains(QStringLiteral("differ")));
    QTest::keyClick(dialog.confirmEdit(), Qt::Key_Backspace);
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 5000);
    QCOMPARE(desk.role(), QStringLiteral("admin"));
    QVERIFY(!m_host.needsSetup());

    // The admin gives the seeded agents their passwords.
    WsClient admin(m_host.port());
    admin.ok_("hello", {{"protocol", 1}});
    admin.ok_("auth.login", {{"login", "root"}, {"password", kPassword}});
    for (const char *login : {"alice", "bob"})
        QVERIFY(
            !admin
                 .ok_("account.create",
                      {{"login", login}, {"displayName", login}, {"role", "agent"}, {"password", kPassword}})
                 .contains("failed"));
}

void TestDeskFlow::hostOnThisComputer()
{
    // "Host on this computer": the dialog starts the embedded coordinator, shows where colleagues
    // connect, and this desk creates the first administrator on it.
    QTemporaryDir dir;
    HostedCoordinator host(dir.path());
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const int port = probe.serverPort();
    probe.close();
    DeskClient desk;
    SignInDialog dialog(desk.connection(), &host);
    dialog.show();
    dialog.hostBox()->setChecked(true);
    QVERIFY(!dialog.addressEdit()->isEnabled());
    dialog.portBox()->setValue(port);
    dialog.loginEdit()->setText(QStringLiteral("owner"));
    dialog.passwordEdit()->setText(kPassword);
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QVERIFY(host.running());
    QCOMPARE(host.localUrl().port(), port);
    QVERIFY(dialog.hostInfo().contains(QStringLiteral("coordinator")));
    for (const QString &url : host.lanUrls())
        QVERIFY(dialog.hostInfo().contains(url));
    QTRY_VERIFY_WITH_TIMEOUT(dialog.settingUp(), 5000);
    dialog.displayNameEdit()->setText(QStringLiteral("Shop Owner"));
    dialog.confirmEdit()->setText(kPassword);
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 5000);
    QCOMPARE(desk.role(), QStringLiteral("admin"));
    QCOMPARE(desk.connection()->url(), host.localUrl());
    desk.connection()->signOut();
    host.stop();
    QVERIFY(!host.running());
}

void TestDeskFlow::dayAtTheDesk_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("customerName");
    QTest::newRow("en") << QStringLiteral("en") << QStringLiteral("Ann Chan");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << QStringLiteral("陈小姐");
}

void TestDeskFlow::dayAtTheDesk()
{
    QFETCH(QString, language);
    QFETCH(QString, customerName);
    QCOMPARE(installLanguage(*qApp, language), language);
    const QString suffix = language == QLatin1String("en") ? QString() : QLatin1Char('-') + language;

    // Sign in as alice through the dialog.
    DeskClient desk;
    {
        SignInDialog dialog(desk.connection(), nullptr);
        dialog.show();
        dialog.addressEdit()->setText(m_host.localUrl().toString());
        dialog.loginEdit()->setText(QStringLiteral("alice"));
        dialog.passwordEdit()->clear();
        QTest::keyClicks(dialog.passwordEdit(), kPassword);
        saveScreenshot(&dialog, QStringLiteral("sign-in") + suffix);
        QTest::keyClick(dialog.passwordEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 5000);
    }
    MainWindow window(&desk);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(desk.ready());
    // Online from the status selector (the desk may have stayed online from the last run).
    window.statusSelector()->setCurrentIndex(window.statusSelector()->findData(QStringLiteral("online")));
    window.action(QStringLiteral("status-online"))->trigger();
    QTRY_COMPARE(desk.status(), QStringLiteral("online"));

    // bob stays away until the first customer has reached alice.
    WsClient bob(m_host.port());
    bob.ok_("hello", {{"protocol", 1}});
    bob.ok_("auth.login", {{"login", "bob"}, {"password", kPassword}});
    bob.ok_("status.set", {{"status", "away"}});

    // A customer writes: the conversation shows in the inbox and the tray tells.
    WsClient customer(m_host.port());
    customer.ok_("hello", {{"protocol", 1}});
    customer.ok_("customer.start", {{"channel", "wechat"}, {"name", customerName}});
    const QString conv = customer.ok_("customer.send", {{"text", "我的订单还没到 — my order hasn't arrived"}})
                             .value("conversation")
                             .toString();
    QTRY_VERIFY_WITH_TIMEOUT(desk.inbox()->entry(conv) != nullptr, 5000);
    QTRY_VERIFY(window.tray()->lastNotification().contains(customerName));
    QTableView *inboxView = window.inbox()->view();
    QTRY_VERIFY(inboxView->model()->rowCount() >= 1);
    bool listed = false;
    for (int r = 0; r < inboxView->model()->rowCount(); ++r)
        listed |= inboxView->model()->index(r, InboxModel::CustomerColumn).data().toString() == customerName;
    QVERIFY(listed);
    // Ctrl+F and typing narrow the inbox; clearing the search brings the rows back.
    const int rows = inboxView->model()->rowCount();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    auto *search = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("no such customer"));
    QTRY_COMPARE(inboxView->model()->rowCount(), 0);
    search->clear();
    QTRY_COMPARE(inboxView->model()->rowCount(), rows);

    // Open it from the inbox and reply with the keyboard.
    window.inbox()->select(conv);
    QTRY_COMPARE(desk.openConversationId(), conv);
    QTRY_COMPARE(window.conversation()->history()->model()->rowCount(), 1);
    // The customer panel asked for the profile: a first contact, no previous tickets.
    QTreeWidget *tickets = window.customer()->tickets();
    QTRY_COMPARE(tickets->topLevelItemCount(), 1);
    QVERIFY(tickets->topLevelItem(0)->isDisabled());
    Composer *composer = window.conversation()->composer();
    composer->setFocus();
    int seen = static_cast<int>(customer.events.size());
    composer->insertPlainText(
        QStringLiteral("Sorry about that — 我帮您查一下"));       // keyClicks types Latin-1 only
    QTest::keyClick(composer, Qt::Key_Return, Qt::ShiftModifier); // a new line, not sent
    QCOMPARE(customer.waitEvent("message.new", seen, 200), -1);
    QTest::keyClicks(composer, QStringLiteral("One moment please."));
    QTest::keyClick(composer, Qt::Key_Return);
    int at = customer.waitEvent("message.new", seen);
    QVERIFY(at >= 0);
    QCOMPARE(customer.events[at].payload.value("text").toString(),
             QStringLiteral("Sorry about that — 我帮您查一下\nOne moment please."));
    QVERIFY(composer->toPlainText().isEmpty());

    // A quick reply: "/" and a few letters, Enter picks, Enter sends.
    QTRY_VERIFY(desk.quickReplies()->rowCount() == 2);
    QTest::keyClicks(composer, QStringLiteral("/refund"));
    QTest::keyClick(composer, Qt::Key_Return);
    QCOMPARE(composer->toPlainText(), kRefund);
    seen = static_cast<int>(customer.events.size());
    QTest::keyClick(composer, Qt::Key_Return);
    at = customer.waitEvent("message.new", seen);
    QVERIFY(at >= 0);
    QCOMPARE(customer.events[at].payload.value("text").toString(), kRefund);
    // An internal note: agents only.
    window.action(QStringLiteral("note"))->trigger();
    QTest::keyClicks(composer, QStringLiteral("Customer called twice yesterday"));
    seen = static_cast<int>(customer.events.size());
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_COMPARE(window.conversation()->history()->model()->rowCount(), 4);
    QCOMPARE(window.conversation()->history()->model()->index(3, 0).data(MessageModel::KindRole).toInt(),
             int(ChatMessage::Kind::Note));
    QCOMPARE(customer.waitEvent("message.new", seen, 300), -1);
    window.action(QStringLiteral("note"))->trigger();
    saveScreenshot(&window, QStringLiteral("inbox") + suffix);

    // Transfer to bob through the picker.
    bob.ok_("status.set", {{"status", "online"}});
    bool pickerShown = false;
    whenModal<AgentPicker>([](AgentPicker *p) { return p->agentView()->model()->rowCount() >= 2; },
                           [&](AgentPicker *p) {
                               pickerShown = true;
                               pickAgent(p, QStringLiteral("bob"));
                               saveScreenshot(p, QStringLiteral("transfer") + suffix);
                               p->accept();
                           });
    const int bobEvents = static_cast<int>(bob.events.size());
    window.transfer();
    QVERIFY(pickerShown);
    QVERIFY(bob.waitEvent("conversation.assigned", bobEvents) >= 0);
    QTRY_VERIFY(desk.inbox()->entry(conv) == nullptr);
    QTRY_VERIFY(desk.openConversationId() != conv); // the view moved on to another row, or to none

    // Another customer; invite bob as an expert, then close.
    WsClient second(m_host.port());
    second.ok_("hello", {{"protocol", 1}});
    second.ok_("customer.start", {{"channel", "web"}, {"name", "Second"}});
    const QString conv2 = second.ok_("customer.send", {{"text", "hello?"}}).value("conversation").toString();
    QTRY_VERIFY_WITH_TIMEOUT(desk.inbox()->entry(conv2) != nullptr, 5000);
    if (desk.inbox()->entry(conv2)->place != InboxEntry::Place::Mine)
        QSKIP("routing sent the second customer elsewhere");
    window.inbox()->select(conv2);
    QTRY_COMPARE(desk.openConversationId(), conv2);
    whenModal<AgentPicker>([](AgentPicker *p) { return p->agentView()->model()->rowCount() >= 2; },
                           [](AgentPicker *p) {
                               pickAgent(p, QStringLiteral("bob"));
                               p->accept();
                           });
    const int invitedAt = static_cast<int>(bob.events.size());
    window.inviteExpert();
    QVERIFY(bob.waitEvent("conversation.invited", invitedAt) >= 0);

    seen = static_cast<int>(second.events.size());
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.action(QStringLiteral("close"))->isEnabled());
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, Qt::Key_W,
                    Qt::ControlModifier);
    QVERIFY(second.waitEvent("conversation.closed", seen) >= 0);
    QTRY_VERIFY(desk.inbox()->entry(conv2) == nullptr);
    installLanguage(*qApp, QStringLiteral("en"));
}

namespace {

// Types a path into a file dialog's name field, as a person would, and accepts it.
void typeFileName(QFileDialog *dialog, const QString &path)
{
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
    QVERIFY(name);
    name->setText(path);
}

// Chooses `language` in the preferences dialog, opened from the window's menu, and accepts it.
void choosePreferredLanguage(MainWindow &window, const QString &language)
{
    whenModal<PreferencesDialog>([](PreferencesDialog *) { return true; },
                                 [language](PreferencesDialog *d) {
                                     auto *combo = d->findChild<QComboBox *>();
                                     combo->setCurrentIndex(combo->findData(language));
                                     d->accept();
                                 });
    window.action(QStringLiteral("preferences"))->trigger();
}

// What the open window shows in the places a language change must reach.
QStringList shownTexts(MainWindow &window)
{
    QStringList texts;
    for (QAction *a : window.menuBar()->actions())
        texts << a->text();
    texts << window.action(QStringLiteral("claim"))->text()
          << window.action(QStringLiteral("status-busy"))->text();
    texts
        << window.inbox()->view()->model()->headerData(InboxModel::WaitingColumn, Qt::Horizontal).toString();
    texts << window.inbox()->findChild<QTabBar *>()->tabText(1);
    texts << window.inbox()->findChild<QLineEdit *>()->placeholderText();
    for (QGroupBox *box : window.customer()->findChildren<QGroupBox *>())
        texts << box->title();
    texts << window.customer()->tickets()->headerItem()->text(2);
    for (QPushButton *b : window.conversation()->findChildren<QPushButton *>())
        texts << b->text();
    texts << window.conversation()->findChild<Composer *>()->placeholderText();
    return texts;
}

} // namespace

void TestDeskFlow::openDesk(OpenDesk &open, const QString &customerName, const QString &text)
{
    DeskClient &desk = open.desk;
    desk.connection()->signIn(m_host.localUrl(), QStringLiteral("alice"), kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(desk.ready(), 5000);
    open.window = std::make_unique<MainWindow>(&desk);
    open.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(open.window.get()));
    desk.setStatus(QStringLiteral("online"));
    QTRY_COMPARE(desk.status(), QStringLiteral("online"));
    open.customer = std::make_unique<WsClient>(m_host.port());
    open.customer->ok_("hello", {{"protocol", 1}});
    open.customer->ok_("customer.start", {{"channel", "web"}, {"name", customerName}});
    open.conversation =
        open.customer->ok_("customer.send", {{"text", text}}).value("conversation").toString();
    QTRY_VERIFY_WITH_TIMEOUT(desk.inbox()->entry(open.conversation) != nullptr, 5000);
    open.window->inbox()->select(open.conversation);
    QTRY_COMPARE(desk.openConversationId(), open.conversation);
}

// Switching the language in the preferences changes every open window at once, without a restart,
// and keeps what the agent was doing (the open conversation, the draft).
void TestDeskFlow::switchLanguageLive()
{
    QCOMPARE(installLanguage(*qApp, QStringLiteral("en")), QStringLiteral("en"));
    OpenDesk open;
    openDesk(open, QStringLiteral("Language Test"), QStringLiteral("hello"));
    if (QTest::currentTestFailed())
        return;
    DeskClient &desk = open.desk;
    MainWindow &window = *open.window;
    const QString conv = open.conversation;
    auto *composer = window.conversation()->findChild<Composer *>();
    composer->setPlainText(QStringLiteral("a draft in progress"));

    const QStringList english = shownTexts(window);
    QVERIFY(english.contains(QStringLiteral("&Conversation")));
    QVERIFY(english.contains(QStringLiteral("Waiting")));
    QVERIFY(english.contains(QStringLiteral("Previous tickets")));

    choosePreferredLanguage(window, QStringLiteral("zh_CN"));
    // The windows hear of it through posted LanguageChange events: every text changes.
    auto allChanged = [&] {
        const QStringList now = shownTexts(window);
        for (qsizetype i = 0; i < english.size(); ++i) {
            if (now.value(i) == english[i])
                return false;
        }
        return now.size() == english.size();
    };
    QTRY_VERIFY(allChanged());
    const QStringList chinese = shownTexts(window);
    QVERIFY(chinese.contains(QCoreApplication::translate("sb::MainWindow", "&Conversation")));
    QVERIFY(chinese.contains(QCoreApplication::translate("sb::InboxModel", "Waiting")));
    QVERIFY(chinese.contains(QCoreApplication::translate("sb::CustomerPanel", "Previous tickets")));
    QCOMPARE(desk.openConversationId(), conv);
    QCOMPARE(composer->toPlainText(), QStringLiteral("a draft in progress"));
    saveScreenshot(&window, QStringLiteral("language-switched-zh_CN"));

    choosePreferredLanguage(window, QStringLiteral("en"));
    QTRY_COMPARE(shownTexts(window), english);
    QCOMPARE(composer->toPlainText(), QStringLiteral("a draft in progress"));
    installLanguage(*qApp, QStringLiteral("en"));
}

// Files through the real dialogs: one chosen in "Send a file" reaches the customer, one too large
// is refused with a message naming it, and a file in the history is saved where the agent says,
// byte for byte.
void TestDeskFlow::attachAndSaveFiles()
{
    QTemporaryDir files;
    QVERIFY(files.isValid());
    QByteArray content;
    for (int i = 0; i < 3000; ++i)
        content += QByteArray::number(i) + " 發票 invoice line\n";
    const QString invoice = files.filePath(QStringLiteral("invoice-2026.txt"));
    {
        QFile f(invoice);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    const QString huge = files.filePath(QStringLiteral("scan.bin"));
    {
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(6 * 1024 * 1024));
    }

    OpenDesk open;
    openDesk(open, QStringLiteral("File Test"), QStringLiteral("please send the invoice"));
    if (QTest::currentTestFailed())
        return;
    DeskClient &desk = open.desk;
    MainWindow &window = *open.window;
    WsClient &customer = *open.customer;
    QTRY_COMPARE(desk.messages()->rowCount(), 1);

    // Send a file chosen in the dialog.
    const int before = static_cast<int>(customer.events.size());
    whenModal<QFileDialog>([](QFileDialog *) { return true; },
                           [invoice](QFileDialog *d) {
                               typeFileName(d, invoice);
                               static_cast<QDialog *>(d)->accept(); // QFileDialog::accept is protected
                           });
    window.conversation()->attachFile();
    const int sent = customer.waitEvent("message.new", before);
    QVERIFY(sent >= 0);
    QCOMPARE(customer.events[sent].payload.value("kind").toString(), QStringLiteral("file"));
    QCOMPARE(customer.events[sent].payload.value("attachment").toObject().value("name").toString(),
             QStringLiteral("invoice-2026.txt"));

    // Too large: refused before anything is sent, and the message says which file and the limit.
    const int beforeHuge = static_cast<int>(customer.events.size());
    auto refusal = std::make_shared<QString>();
    whenModal<QFileDialog>([](QFileDialog *) { return true; },
                           [huge](QFileDialog *d) {
                               typeFileName(d, huge);
                               static_cast<QDialog *>(d)->accept(); // QFileDialog::accept is protected
                           });
    whenModal<QMessageBox>([](QMessageBox *) { return true; },
                           [refusal](QMessageBox *box) {
                               *refusal = box->text();
                               box->accept();
                           });
    window.conversation()->attachFile();
    QVERIFY2(refusal->contains(QStringLiteral("scan.bin")), qPrintable(*refusal));
    QTest::qWait(300);
    QCOMPARE(customer.waitEvent("message.new", beforeHuge, 200), -1);

    // Save the sent file from the history by double-clicking it.
    QModelIndex fileRow;
    QTRY_VERIFY([&] {
        for (int r = 0; r < desk.messages()->rowCount(); ++r) {
            const QModelIndex i = desk.messages()->index(r);
            if (!i.data(MessageModel::AttachmentIdRole).toString().isEmpty())
                fileRow = i;
        }
        return fileRow.isValid();
    }());
    const QString saved = files.filePath(QStringLiteral("saved-copy.txt"));
    whenModal<QFileDialog>([](QFileDialog *) { return true; },
                           [saved](QFileDialog *d) {
                               typeFileName(d, saved);
                               static_cast<QDialog *>(d)->accept(); // QFileDialog::accept is protected
                           });
    emit window.conversation()->history()->doubleClicked(fileRow);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(saved).size() == content.size(), 5000);
    QFile copy(saved);
    QVERIFY(copy.open(QIODevice::ReadOnly));
    QCOMPARE(copy.readAll(), content);
}

QTEST_MAIN(TestDeskFlow)
#include "tst_deskflow.moc"
