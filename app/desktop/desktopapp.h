#pragma once
// The desktop program from start to end: language and theme, sign-in (or hosting the coordinator
// on this computer), the main window, sign-out back to sign-in, and with --demo a live demo site
// hosted here with simulated customers and colleagues.

#include "conversationpanel.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>
#include <optional>

class QApplication;
class QTemporaryDir;

namespace sb {

class DeskClient;
class HostedCoordinator;
class MainWindow;
class SignInDialog;

struct DesktopOptions
{
    bool demo = false;
    double speed = 1.0; // demo traffic speed
    QString language;   // overrides the preference
    QString theme;      // overrides the preference
    QString screenshot; // save the main window here, then quit
    int screenshotAfterMs = 8000;
    // Sign in here at once, without the dialog, as `login` with the password from the environment
    // variable SWITCHBOARD_PASSWORD (never a command-line argument: others can read those).
    QUrl connectUrl;
    QString login;
    // Print "ready <ms since the process started> <inbox rows> <resident KiB>" on stdout once the
    // first inbox snapshot is shown (for bench_inbox).
    bool reportReady = false;
};

// Before the QApplication exists: names used by settings and the keychain.
void prepareDesktopEnvironment();
int runDesktop(QApplication &app);

class DesktopApp final : public QObject
{
    Q_OBJECT

public:
    DesktopApp(QApplication &app, const DesktopOptions &options);
    ~DesktopApp() override;

    // Shows the sign-in (or starts the demo); false when the user quit instead.
    bool start();
    DeskClient *desk() const { return m_desk.get(); }
    MainWindow *window() const { return m_window.get(); }
    SignInDialog *signIn() const { return m_signIn.get(); }
    HostedCoordinator *host() const { return m_host.get(); }

    // What the agent reads when the coordinator ended their session: the reason in their language
    // when it is one the desk knows (session.ended's `reason`), else the coordinator's own words.
    static QString sessionEndedText(const QString &reason, const QString &message);

private:
    // A draft kept from a session that ended, for the same account on the same coordinator.
    struct KeptDraft
    {
        QString account;
        QUrl coordinator;
        QString customerName;
        ConversationPanel::Draft draft;
    };

    void showSignIn();
    void showMain();
    void signOut();
    void onSessionLost(const QString &reason, const QString &message);
    void restoreKeptDraft();
    void signInDirectly();
    void reportWhenReady();
    bool startDemo(QString *error);

    QApplication &m_app;
    DesktopOptions m_options;
    std::unique_ptr<HostedCoordinator> m_host;
    std::unique_ptr<DeskClient> m_desk;
    std::unique_ptr<SignInDialog> m_signIn;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QTemporaryDir> m_demoDir;
    std::unique_ptr<QObject> m_demo; // the demo's traffic, when running
    std::optional<KeptDraft> m_keptDraft;
};

} // namespace sb
