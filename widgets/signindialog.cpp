#include "signindialog.h"

#include "coordinatorconnection.h"
#include "credentialstore.h"
#include "embeddedhost.h"
#include "preferences.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sb {

namespace {
constexpr int kMinPassword = 12;
}

SignInDialog::SignInDialog(CoordinatorConnection *connection, EmbeddedHost *host, QWidget *parent)
    : QDialog(parent), m_connection(connection), m_host(host), m_credentials(new CredentialStore(this)),
      m_hostBox(new QCheckBox(tr("&Host on this computer"), this)), m_port(new QSpinBox(this)),
      m_hostInfo(new QLabel(this)), m_address(new QLineEdit(this)), m_login(new QLineEdit(this)),
      m_password(new QLineEdit(this)), m_remember(new QCheckBox(tr("&Remember me on this computer"), this)),
      m_setup(new QWidget(this)), m_setupText(new QLabel(this)), m_displayName(new QLineEdit(this)),
      m_confirm(new QLineEdit(this)), m_setupCodeLabel(new QLabel(tr("Setup co&de:"), this)),
      m_setupCode(new QLineEdit(this)), m_setupCodeHint(new QLabel(this)), m_error(new QLabel(this)),
      m_status(new QLabel(this)), m_signIn(new QPushButton(tr("&Sign in"), this)),
      m_trust(new QPushButton(this))
{
    setWindowTitle(tr("Sign in to Switchboard"));
    auto *title = new QLabel(tr("Switchboard"), this);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.8);
    f.setBold(true);
    title->setFont(f);
    auto *subtitle = new QLabel(tr("Customer conversations, routed to the right agent."), this);
    subtitle->setForegroundRole(QPalette::PlaceholderText);

    m_port->setRange(1, 65535);
    m_address->setPlaceholderText(tr("ws://coordinator.example:8765"));
    m_password->setEchoMode(QLineEdit::Password);
    m_confirm->setEchoMode(QLineEdit::Password);
    m_hostInfo->setWordWrap(true);
    m_hostInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d03030;"));
    m_error->setVisible(false);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse); // the fingerprint, to compare
    m_trust->setVisible(false);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_setupText->setWordWrap(true);
    m_setupText->setText(tr("This coordinator is new. Create its first administrator: choose a user name "
                            "and a password of at least %1 characters.")
                             .arg(kMinPassword));
    m_setupCode->setPlaceholderText(tr("XXXX-XXXX-XXXX-XXXX"));
    m_setupCodeHint->setWordWrap(true);
    m_setupCodeHint->setForegroundRole(QPalette::PlaceholderText);
    m_setupCodeHint->setText(tr("The coordinator runs on another computer: enter the setup code it printed "
                                "when it started (\"Setup code: …\" among switchboard-coordinator's first "
                                "lines)."));

    auto *form = new QFormLayout;
    auto *hostRow = new QHBoxLayout;
    hostRow->addWidget(m_hostBox);
    hostRow->addStretch();
    hostRow->addWidget(new QLabel(tr("Port:"), this));
    hostRow->addWidget(m_port);
    form->addRow(hostRow);
    form->addRow(m_hostInfo);
    form->addRow(tr("Coordinator &address:"), m_address);
    form->addRow(tr("&User:"), m_login);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(m_remember);
    auto *setupForm = new QFormLayout(m_setup);
    setupForm->setContentsMargins(0, 0, 0, 0);
    setupForm->addRow(m_setupText);
    setupForm->addRow(tr("Your &name:"), m_displayName);
    setupForm->addRow(tr("&Confirm password:"), m_confirm);
    m_setupCodeLabel->setBuddy(m_setupCode);
    setupForm->addRow(m_setupCodeLabel, m_setupCode);
    setupForm->addRow(QString(), m_setupCodeHint);
    showSetup(false);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_signIn, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel)->setText(tr("&Quit"));
    m_signIn->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(8);
    layout->addLayout(form);
    layout->addWidget(m_setup);
    layout->addWidget(m_error);
    layout->addWidget(m_trust, 0, Qt::AlignLeft);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMinimumWidth(440);

    const Preferences prefs = Preferences::load();
    m_address->setText(prefs.address);
    m_login->setText(prefs.login);
    m_remember->setChecked(prefs.remember);
    m_port->setValue(prefs.hostPort);
    m_hostBox->setEnabled(host != nullptr);
    m_hostBox->setChecked(host && prefs.host);
    onHostToggled(m_hostBox->isChecked());
    if (prefs.remember && !prefs.login.isEmpty()) {
        m_credentials->read(CredentialStore::keyFor(prefs.login, prefs.address),
                            [this](bool ok, const QString &pw) {
                                if (ok && !m_passwordForgotten && m_password->text().isEmpty())
                                    m_password->setText(pw);
                            });
    }
    (m_login->text().isEmpty() ? m_login : m_password)->setFocus();

    connect(m_hostBox, &QCheckBox::toggled, this, &SignInDialog::onHostToggled);
    connect(m_signIn, &QPushButton::clicked, this, &SignInDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &SignInDialog::reject);
    connect(connection, &CoordinatorConnection::probed, this, &SignInDialog::onProbed);
    connect(connection, &CoordinatorConnection::signedIn, this, &SignInDialog::onSignedIn);
    connect(connection, &CoordinatorConnection::signInFailed, this, &SignInDialog::onSignInFailed);
    connect(m_trust, &QPushButton::clicked, this, &SignInDialog::trustCertificate);
    // The code was made after the buttons: it follows the other setup fields, not them.
    setTabOrder(m_confirm, m_setupCode);
}

QString SignInDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QString SignInDialog::hostInfo() const
{
    return m_hostInfo->isVisible() ? m_hostInfo->text() : QString();
}

bool SignInDialog::settingUp() const
{
    return !m_setup->isHidden();
}

void SignInDialog::onHostToggled(bool host)
{
    m_address->setEnabled(!host);
    m_port->setEnabled(host && !(m_host && m_host->running()));
    m_hostInfo->setVisible(host);
    if (!host)
        return;
    if (m_host && m_host->running()) {
        const QStringList urls = m_host->lanUrls();
        m_hostInfo->setText(urls.isEmpty()
                                ? tr("This computer is the coordinator, but it has no network address "
                                     "colleagues can reach: only this desk can connect.")
                                : tr("This computer is the coordinator. Colleagues enter: %1")
                                      .arg(urls.join(QLatin1String("  "))));
    } else
        m_hostInfo->setText(tr("The coordinator will run inside this app, keep its data on this computer, "
                               "and accept colleagues' desks on the local network."));
}

QUrl SignInDialog::targetUrl() const
{
    if (m_hostBox->isChecked() && m_host)
        return m_host->localUrl();
    QString text = m_address->text().trimmed();
    if (!text.contains(QLatin1String("://")))
        text.prepend(QLatin1String("ws://"));
    return QUrl(text);
}

void SignInDialog::onSignInFailed(const QString &code, const QString &message)
{
    setBusy(false);
    if (code == QLatin1String("setup-code-required") || code == QLatin1String("bad-setup-code")) {
        showSetup(true, true); // the coordinator's word, whatever the probe said
        m_setupCode->setFocus();
        m_setupCode->selectAll();
    }
    showError(message);
    if (code == QLatin1String("untrusted-certificate"))
        offerTrust();
}

void SignInDialog::offerTrust()
{
    const UntrustedCertificate u = m_connection->untrustedCertificate();
    if (u.isNull() || !u.pinnable)
        return;
    m_trust->setText(u.trustedBefore.isEmpty() ? tr("&Trust this certificate")
                                               : tr("&Trust the new certificate"));
    m_trust->setVisible(true);
    growToFit();
}

void SignInDialog::trustCertificate()
{
    const UntrustedCertificate u = m_connection->untrustedCertificate();
    if (u.isNull())
        return;
    Preferences::setTrustedCertificate(m_connection->url(), u.fingerprint);
    submit();
}

void SignInDialog::submit()
{
    m_error->setVisible(false);
    m_trust->setVisible(false);
    if (m_login->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        showError(tr("Enter your user name and password."));
        return;
    }
    if (m_hostBox->isChecked() && m_host && !m_host->running()) {
        QString error;
        setBusy(true, tr("Starting the coordinator on this computer…"));
        if (!m_host->start(static_cast<quint16>(m_port->value()), &error)) {
            setBusy(false);
            showError(tr("The coordinator could not start: %1").arg(error));
            return;
        }
        onHostToggled(true);
    }
    const QUrl url = targetUrl();
    if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss")) ||
        url.host().isEmpty()) {
        showError(
            tr("\"%1\" is not a coordinator address; it looks like ws://host:8765.").arg(m_address->text()));
        return;
    }
    // A self-signed certificate trusted for this address before (certificatetrust.h).
    m_connection->setTrustedFingerprint(Preferences::trustedCertificate(url));
    if (settingUp()) {
        // Characters as the coordinator counts them: an emoji is one.
        if (m_password->text().toUcs4().size() < kMinPassword) {
            showError(tr("The password needs at least %1 characters.").arg(kMinPassword));
            return;
        }
        if (m_password->text() != m_confirm->text()) {
            showError(tr("The two passwords differ."));
            return;
        }
        if (m_displayName->text().trimmed().isEmpty()) {
            showError(tr("Enter your name as customers and colleagues should see it."));
            return;
        }
        const QString code = m_setupCode->isHidden() ? QString() : m_setupCode->text().trimmed();
        if (!m_setupCode->isHidden() && code.isEmpty()) {
            showError(tr("Enter the setup code the coordinator printed when it started."));
            m_setupCode->setFocus();
            return;
        }
        setBusy(true, tr("Creating the administrator…"));
        m_connection->setUp(url, m_login->text().trimmed(), m_password->text(),
                            m_displayName->text().trimmed(), code);
        return;
    }
    setBusy(true, tr("Connecting to %1…").arg(url.toDisplayString()));
    m_connection->probe(url);
}

void SignInDialog::onProbed(bool needsSetup, bool setupCodeRequired)
{
    if (needsSetup) {
        setBusy(false);
        showSetup(true, setupCodeRequired);
        return;
    }
    setBusy(true, tr("Signing in…"));
    m_connection->signIn(targetUrl(), m_login->text().trimmed(), m_password->text());
}

void SignInDialog::forgetRememberedPassword()
{
    m_passwordForgotten = true;
    m_password->clear();
    const Preferences prefs = Preferences::load();
    if (!m_login->text().trimmed().isEmpty())
        m_credentials->remove(CredentialStore::keyFor(m_login->text().trimmed(), prefs.address));
}

void SignInDialog::onSignedIn()
{
    Preferences prefs = Preferences::load();
    prefs.address = m_hostBox->isChecked() ? prefs.address : m_address->text().trimmed();
    prefs.login = m_login->text().trimmed();
    prefs.remember = m_remember->isChecked();
    prefs.host = m_hostBox->isChecked();
    prefs.hostPort = m_port->value();
    prefs.save();
    const QString key = CredentialStore::keyFor(prefs.login, prefs.address);
    if (prefs.remember) {
        m_credentials->write(key, m_password->text(), [](bool, const QString &) {
            // Without a keychain the login is still remembered; the password is asked next time.
        });
    } else {
        m_credentials->remove(key);
    }
    setBusy(false);
    accept();
}

void SignInDialog::setBusy(bool busy, const QString &status)
{
    m_signIn->setEnabled(!busy);
    m_status->setText(status);
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_login, m_password, m_displayName, m_confirm, m_setupCode})
        w->setEnabled(!busy);
    m_address->setEnabled(!busy && !m_hostBox->isChecked());
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
}

void SignInDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(true);
    growToFit();
}

void SignInDialog::growToFit()
{
    // A long message (a certificate's fingerprint) wraps onto more lines than the dialog has room
    // for: it grows downwards at its present width rather than cutting the last lines off.
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    if (needed > height())
        resize(width(), needed);
}

void SignInDialog::showSetup(bool show, bool codeRequired)
{
    const bool growing = show && (m_setup->isHidden() || (codeRequired && m_setupCode->isHidden()));
    m_setupCodeLabel->setVisible(codeRequired);
    m_setupCode->setVisible(codeRequired);
    m_setupCodeHint->setVisible(codeRequired);
    m_setup->setVisible(show);
    m_signIn->setText(show ? tr("&Create administrator") : tr("&Sign in"));
    if (show)
        m_displayName->setFocus();
    if (growing)
        growToFit();
}

} // namespace sb
