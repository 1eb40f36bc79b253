#include "desktopapp.h"

#include "appearance.h"
#include "demosetup.h"
#include "demosite.h"
#include "deskclient.h"
#include "hostedcoordinator.h"
#include "inboxentry.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "inboxview.h"
#include "mainwindow.h"
#include "preferences.h"
#include "processinfo.h"
#include "signindialog.h"
#include "traynotifier.h"
#include "wiretraffic.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

#ifdef Q_OS_LINUX
#include <ctime>
#include <unistd.h>
#endif

namespace sb {

namespace {

QElapsedTimer &sinceMain()
{
    static QElapsedTimer timer;
    return timer;
}

// Milliseconds since the process started. On Linux from the kernel's start time (10 ms ticks), so
// loading the program and its libraries counts too; elsewhere since prepareDesktopEnvironment().
qint64 msSinceProcessStart()
{
#ifdef Q_OS_LINUX
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        // The command name may hold spaces; the fields after its closing parenthesis start at 3.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        timespec now{};
        const long ticks = sysconf(_SC_CLK_TCK);
        if (fields.size() > 19 && ticks > 0 && clock_gettime(CLOCK_BOOTTIME, &now) == 0) {
            const qint64 startMs = fields.at(19).toLongLong() * 1000 / ticks;
            return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000 - startMs;
        }
    }
#endif
    return sinceMain().elapsed();
}

} // namespace

void prepareDesktopEnvironment()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Switchboard"));
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SB_VERSION_STRING));
    sinceMain().start();
}

int runDesktop(QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Switchboard: the customer-service desk."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"),
                            QApplication::translate("main",
                                                    "Host a demo site here with simulated customers and "
                                                    "colleagues, and sign in as one of its agents."));
    QCommandLineOption speed(QStringLiteral("speed"),
                             QApplication::translate("main", "Demo traffic speed factor."),
                             QStringLiteral("factor"), QStringLiteral("1"));
    QCommandLineOption lang(QStringLiteral("lang"),
                            QApplication::translate("main",
                                                    "Language: en, zh_CN or zh_TW (default: preferences, "
                                                    "then the system's)."),
                            QStringLiteral("language"));
    QCommandLineOption theme(QStringLiteral("theme"),
                             QApplication::translate("main", "Theme: light or dark."),
                             QStringLiteral("theme"));
    QCommandLineOption shot(QStringLiteral("screenshot"),
                            QApplication::translate("main",
                                                    "Save a picture of the main window to this file "
                                                    "some seconds after it opens, then quit (for the docs)."),
                            QStringLiteral("file"));
    QCommandLineOption shotDelay(QStringLiteral("screenshot-after"),
                                 QApplication::translate("main", "Seconds to wait before --screenshot."),
                                 QStringLiteral("seconds"), QStringLiteral("8"));
    // For scripts and benchmarks, so kept out of --help (and out of the translations); README.md
    // describes them.
    QCommandLineOption connectTo(QStringLiteral("connect"), QStringLiteral("Sign in to this coordinator."),
                                 QStringLiteral("url"));
    QCommandLineOption login(QStringLiteral("login"), QStringLiteral("Login for --connect."),
                             QStringLiteral("login"));
    QCommandLineOption reportReady(QStringLiteral("report-ready"),
                                   QStringLiteral("Print the start-up time once the inbox shows."));
    for (QCommandLineOption *o : {&connectTo, &login, &reportReady})
        o->setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({demo, speed, lang, theme, shot, shotDelay, connectTo, login, reportReady});
    parser.process(app);

    DesktopOptions options;
    options.demo = parser.isSet(demo);
    options.speed = std::max(0.1, parser.value(speed).toDouble());
    options.language = parser.value(lang);
    options.theme = parser.value(theme);
    options.screenshot = parser.value(shot);
    options.screenshotAfterMs = static_cast<int>(parser.value(shotDelay).toDouble() * 1000);
    options.connectUrl = QUrl(parser.value(connectTo));
    options.login = parser.value(login);
    options.reportReady = parser.isSet(reportReady);
    DesktopApp desktop(app, options);
    if (!desktop.start())
        return 0;
    return app.exec();
}

DesktopApp::DesktopApp(QApplication &app, const DesktopOptions &options) : m_app(app), m_options(options)
{
    const Preferences prefs = Preferences::load();
    installLanguage(app, options.language.isEmpty() ? prefs.language : options.language);
    applyTheme(app, options.theme.isEmpty() ? prefs.theme : options.theme);
    app.setQuitOnLastWindowClosed(true);
}

DesktopApp::~DesktopApp()
{
    m_window.reset();
    m_signIn.reset();
    m_demo.reset();
    m_desk.reset();
    if (m_host)
        m_host->stop(); // after the desk let go, so the coordinator commits and closes in order
}

bool DesktopApp::start()
{
    m_desk = std::make_unique<DeskClient>();
    if (m_options.reportReady)
        reportWhenReady();
    if (m_options.demo) {
        QString error;
        if (!startDemo(&error)) {
            QMessageBox::critical(nullptr, tr("Switchboard demo"),
                                  tr("The demo could not start: %1").arg(error));
            return false;
        }
        return true;
    }
    if (!m_host)
        m_host = std::make_unique<HostedCoordinator>();
    if (m_options.connectUrl.isValid()) {
        signInDirectly();
        return true;
    }
    showSignIn();
    return m_signIn != nullptr;
}

void DesktopApp::signInDirectly()
{
    const QString password = qEnvironmentVariable("SWITCHBOARD_PASSWORD");
    qunsetenv("SWITCHBOARD_PASSWORD"); // nothing this program starts inherits it
    // Only this first attempt ends the program when it fails; after a sign-out the dialog takes over.
    auto *attempt = new QObject(this);
    connect(m_desk->connection(), &CoordinatorConnection::signedIn, attempt, [this, attempt] {
        attempt->deleteLater();
        showMain();
    });
    connect(m_desk->connection(), &CoordinatorConnection::signInFailed, attempt,
            [this, attempt](const QString &code, const QString &message) {
                attempt->deleteLater();
                std::fprintf(stderr, "switchboard: sign-in failed (%s): %s\n", qPrintable(code),
                             qPrintable(message));
                m_app.exit(2);
            });
    if (password.isEmpty() || m_options.login.isEmpty()) {
        QTimer::singleShot(0, attempt, [this] {
            std::fputs("switchboard: --connect needs --login and the password in SWITCHBOARD_PASSWORD\n",
                       stderr);
            m_app.exit(2);
        });
        return;
    }
    // A self-signed certificate the agent trusted in the sign-in dialog is trusted here too.
    m_desk->connection()->setTrustedFingerprint(Preferences::trustedCertificate(m_options.connectUrl));
    m_desk->connection()->signIn(m_options.connectUrl, m_options.login, password);
}

void DesktopApp::reportWhenReady()
{
    connect(
        m_desk.get(), &DeskClient::readyChanged, this,
        [this] {
            // After everything else the snapshot set off; then the inbox is laid out and painted
            // at once, so the time covers what a person waits for.
            QTimer::singleShot(0, this, [this] {
                if (!m_window)
                    return;
                m_window->inbox()->view()->viewport()->repaint();
                std::printf("ready %lld %d %lld\n", msSinceProcessStart(), m_desk->inbox()->rowCount(),
                            residentKiB());
                std::fflush(stdout);
            });
        },
        Qt::SingleShotConnection);
}

void DesktopApp::showSignIn()
{
    m_signIn = std::make_unique<SignInDialog>(m_desk->connection(), m_host.get());
    connect(m_signIn.get(), &QDialog::accepted, this, &DesktopApp::showMain);
    connect(m_signIn.get(), &QDialog::rejected, &m_app, &QApplication::quit, Qt::QueuedConnection);
    m_signIn->show();
}

void DesktopApp::showMain()
{
    m_window = std::make_unique<MainWindow>(m_desk.get());
    m_window->tray()->setSoundEnabled(Preferences::load().sound);
    connect(m_window.get(), &MainWindow::signOutRequested, this, &DesktopApp::signOut, Qt::QueuedConnection);
    connect(m_desk->connection(), &CoordinatorConnection::sessionLost, m_window.get(),
            [this](const QString &message, const QString &reason) { onSessionLost(reason, message); });
    if (m_keptDraft) {
        if (m_keptDraft->account != m_desk->me() || m_keptDraft->coordinator != m_desk->connection()->url())
            m_keptDraft.reset(); // someone else signed in here: the draft was shown when it was kept
        else if (m_desk->ready())
            restoreKeptDraft();
        else
            connect(m_desk.get(), &DeskClient::readyChanged, m_window.get(), [this](bool ready) {
                if (ready)
                    restoreKeptDraft();
            });
    }
    m_window->show();
    if (!m_options.screenshot.isEmpty()) {
        QTimer::singleShot(m_options.screenshotAfterMs, this, [this] {
            if (m_window && !m_window->grab().save(m_options.screenshot))
                qWarning("switchboard: cannot write %s", qPrintable(m_options.screenshot));
            m_app.quit();
        });
    }
    if (m_signIn)
        m_signIn->hide();
}

QString DesktopApp::sessionEndedText(const QString &reason, const QString &message)
{
    if (reason == QLatin1String("disabled"))
        return tr("An administrator disabled your account, so you were signed out. Ask them to enable it "
                  "again before you sign in.");
    if (reason == QLatin1String("password-changed"))
        return tr("An administrator gave your account a new password, so you were signed out. Sign in "
                  "with the new password.");
    if (reason == QLatin1String("untrusted-certificate"))
        return message; // what the certificate is and what to check, from the connection
    if (message.isEmpty())
        return tr("The coordinator ended this session. Please sign in again.");
    return tr("The coordinator ended this session: %1").arg(message);
}

// The coordinator ended the session (account disabled, new password, or a resume it refused): the
// connection has stopped for good, so the desk goes back to the sign-in window at once, says why
// there, and keeps what the agent was writing instead of dropping it with the main window.
void DesktopApp::onSessionLost(const QString &reason, const QString &message)
{
    const QString text = sessionEndedText(reason, message);
    QString kept;
    if (m_window) {
        const ConversationPanel::Draft draft = m_window->conversation()->draft();
        if (!draft.text.isEmpty()) {
            const InboxEntry *entry = m_desk->inbox()->entry(draft.conversation);
            const QString customer =
                entry && !entry->customerName.isEmpty() ? entry->customerName : draft.conversation;
            m_keptDraft = KeptDraft{m_desk->me(), m_desk->connection()->url(), customer, draft};
            kept = draft.note ? tr("Your unsent internal note on the conversation with %1 is kept: it comes "
                                   "back when you sign in again, and you can copy it from the details.")
                                    .arg(customer)
                              : tr("Your unsent reply to %1 is kept: it comes back when you sign in again, "
                                   "and you can copy it from the details.")
                                    .arg(customer);
        }
    }
    const QString login = m_desk->connection()->account().value(QLatin1String("login")).toString();
    signOut();
    m_signIn->showError(text);
    if (reason == QLatin1String("password-changed"))
        m_signIn->forgetRememberedPassword();
    // A reconnection met a certificate this desk does not trust (renewed, or someone in between):
    // the trust button is there at once, under the certificate's fingerprint.
    if (reason == QLatin1String("untrusted-certificate"))
        m_signIn->offerTrust();
    // The same person is at the desk and will sign in again (unlike a sign-out, which may hand the
    // desk to a colleague): their login is there even when "remember me" was off.
    if (m_signIn->loginEdit()->text().isEmpty()) {
        m_signIn->loginEdit()->setText(login);
        m_signIn->passwordEdit()->setFocus();
    }
    // Window-modal on the sign-in window rather than exec(): this runs inside the connection's
    // signal, and a nested event loop there would hold the sign-in back until it was dismissed.
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Signed out"), text, QMessageBox::Ok, m_signIn.get());
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("sessionEnded"));
    if (!kept.isEmpty()) {
        box->setInformativeText(kept);
        box->setDetailedText(m_keptDraft->draft.text);
    }
    box->open();
}

void DesktopApp::restoreKeptDraft()
{
    if (!m_keptDraft || !m_window)
        return;
    const KeptDraft kept = *std::exchange(m_keptDraft, std::nullopt);
    m_window->inbox()->select(kept.draft.conversation);
    if (m_window->conversation()->restoreDraft(kept.draft))
        return;
    // The conversation went elsewhere while the agent was away: give them the text to copy.
    auto *box = new QMessageBox(QMessageBox::Information, tr("Unsent draft"),
                                tr("The conversation with %1 is no longer in your inbox, so your unsent "
                                   "text could not be put back. You can copy it from the details.")
                                    .arg(kept.customerName),
                                QMessageBox::Ok, m_window.get());
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("draftNotRestored"));
    box->setDetailedText(kept.draft.text);
    box->open();
}

void DesktopApp::signOut()
{
    m_desk->connection()->signOut();
    if (m_window) {
        m_window->hide();
        m_window.release()->deleteLater();
    }
    m_signIn.reset();
    showSignIn();
}

} // namespace sb

namespace sb {

bool DesktopApp::startDemo(QString *error)
{
    // A fresh site each time, in a folder that goes away with the app.
    m_demoDir = std::make_unique<QTemporaryDir>();
    const auto site = demoSite(error);
    if (!m_demoDir->isValid() || !site) {
        if (error->isEmpty())
            *error = tr("no temporary folder for the demo's data");
        return false;
    }
    m_host = std::make_unique<HostedCoordinator>(m_demoDir->path(), site);
    if (!m_host->start(0, error))
        return false;

    const QStringList logins = demoAgentLogins();
    const QString password = QStringLiteral("demo-password-%1").arg(QRandomGenerator::global()->generate());
    DemoSetup::Options setup;
    setup.url = m_host->localUrl();
    setup.admin = {QStringLiteral("admin"), password};
    setup.adminName = tr("Demo administrator");
    for (const QString &login : logins)
        setup.agents.push_back({login, password});
    setup.quickReplies = demoQuickReplies();
    auto *prepare = new DemoSetup(setup, this);
    connect(prepare, &DemoSetup::failed, this, [this, prepare](const QString &why) {
        prepare->deleteLater();
        QMessageBox::critical(nullptr, tr("Switchboard demo"), tr("The demo could not start: %1").arg(why));
        m_app.quit();
    });
    connect(prepare, &DemoSetup::done, this, [this, prepare, logins, password] {
        prepare->deleteLater();
        // This desk is the first agent; simulated colleagues are the others, customers arrive.
        WireTraffic::Options traffic;
        traffic.url = m_host->localUrl();
        traffic.speed = m_options.speed;
        traffic.arrivalsPerMinute = 8;
        traffic.openingArrivals = 5;           // customers waiting as the desk opens: work shows at once,
        traffic.colleaguesAfterOpening = true; // on this desk, before the colleagues come online
        traffic.seed = QRandomGenerator::global()->generate();
        if (const auto site = demoSite()) {
            traffic.channels.clear();
            for (const auto &channel : site->channels)
                traffic.channels << channel.id;
        }
        for (const QString &login : logins.mid(1))
            traffic.agents.push_back({login, password});
        auto *simulated = new WireTraffic(traffic);
        m_demo.reset(simulated);
        connect(
            m_desk->connection(), &CoordinatorConnection::signedIn, this,
            [this, simulated] {
                showMain();
                m_desk->setStatus(QStringLiteral("online"));
                simulated->start();
            },
            Qt::SingleShotConnection);
        m_desk->connection()->signIn(m_host->localUrl(), logins.value(0), password);
    });
    prepare->start();
    return true;
}

} // namespace sb
