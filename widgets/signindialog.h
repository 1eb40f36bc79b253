#pragma once
// Signing in: the coordinator's address, user and password, "remember me" (the password goes to
// the system keychain), or "Host on this computer", which starts the embedded coordinator and shows
// the address colleagues should enter. A new coordinator asks for its first administrator here.

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QWidget;

namespace sb {

class CoordinatorConnection;
class CredentialStore;
class EmbeddedHost;

class SignInDialog final : public QDialog
{
    Q_OBJECT

public:
    // `host` may be null when this desk cannot host a coordinator.
    SignInDialog(CoordinatorConnection *connection, EmbeddedHost *host, QWidget *parent = nullptr);

    QLineEdit *addressEdit() const { return m_address; }
    QLineEdit *loginEdit() const { return m_login; }
    QLineEdit *passwordEdit() const { return m_password; }
    QLineEdit *displayNameEdit() const { return m_displayName; }
    QLineEdit *confirmEdit() const { return m_confirm; }
    // Shown in the setup form when the coordinator asks this desk for its setup code.
    QLineEdit *setupCodeEdit() const { return m_setupCode; }
    QCheckBox *hostBox() const { return m_hostBox; }
    QCheckBox *rememberBox() const { return m_remember; }
    QSpinBox *portBox() const { return m_port; }
    QString hostInfo() const;
    QPushButton *signInButton() const { return m_signIn; }
    // Shown when the coordinator's certificate was refused and the agent may trust it.
    QPushButton *trustButton() const { return m_trust; }
    QString errorText() const;
    bool settingUp() const;

    void submit();
    // Shows why the agent is here (a failed sign-in, or a session the coordinator ended) above the
    // buttons until the next attempt.
    void showError(const QString &message);
    // Offers to trust the certificate the connection last refused, when the agent may (a
    // self-signed one, say): the sign-in's own failure, or a reconnection that met a different
    // certificate and ended the session.
    void offerTrust();
    // The remembered password no longer works (an administrator set a new one): it is taken out of
    // the keychain and not filled in, even if the keychain answers after this.
    void forgetRememberedPassword();

private:
    void setBusy(bool busy, const QString &status = QString());
    void showSetup(bool show, bool codeRequired = false);
    void onHostToggled(bool host);
    void onProbed(bool needsSetup, bool setupCodeRequired);
    void onSignedIn();
    void growToFit();
    void onSignInFailed(const QString &code, const QString &message);
    void trustCertificate();
    QUrl targetUrl() const;

    CoordinatorConnection *m_connection;
    EmbeddedHost *m_host;
    CredentialStore *m_credentials;
    bool m_passwordForgotten = false;
    QCheckBox *m_hostBox;
    QSpinBox *m_port;
    QLabel *m_hostInfo;
    QLineEdit *m_address;
    QLineEdit *m_login;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QWidget *m_setup;
    QLabel *m_setupText;
    QLineEdit *m_displayName;
    QLineEdit *m_confirm;
    QLabel *m_setupCodeLabel;
    QLineEdit *m_setupCode;
    QLabel *m_setupCodeHint;
    QLabel *m_error;
    QLabel *m_status;
    QPushButton *m_signIn;
    QPushButton *m_trust;
};

} // namespace sb
