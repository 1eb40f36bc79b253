#include "preferencesdialog.h"

#include "appearance.h"
#include "preferences.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>

namespace sb {

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent), m_language(new QComboBox(this)), m_theme(new QComboBox(this)),
      m_sound(new QCheckBox(tr("Play a &sound when a conversation is assigned to me"), this)),
      m_trusted(new QLabel(this)), m_forget(new QPushButton(tr("&Forget them"), this))
{
    setWindowTitle(tr("Preferences"));
    m_language->addItem(tr("System language"), QString());
    // Each language is named in itself, so anyone can find their own.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->addItem(QStringLiteral("繁體中文"), QStringLiteral("zh_TW"));
    m_theme->addItem(tr("System theme"), QString());
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    const Preferences p = Preferences::load();
    m_language->setCurrentIndex(std::max(0, m_language->findData(p.language)));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(p.theme)));
    m_sound->setChecked(p.sound);

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Language:"), m_language);
    form->addRow(tr("&Theme:"), m_theme);
    form->addRow(m_sound);
    // At once, not at OK: a certificate trusted by mistake should stop being trusted now.
    m_trusted->setWordWrap(true);
    auto *trustRow = new QHBoxLayout;
    trustRow->addWidget(m_trusted, 1);
    trustRow->addWidget(m_forget);
    form->addRow(tr("Trusted certificates:"), trustRow);
    showTrusted();
    connect(m_forget, &QPushButton::clicked, this, [this] {
        Preferences::forgetTrustedCertificates();
        showTrusted();
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PreferencesDialog::reject);
}

void PreferencesDialog::showTrusted()
{
    const QStringList addresses = Preferences::trustedCertificateAddresses();
    m_trusted->setText(addresses.isEmpty() ? tr("None") : addresses.join(QLatin1String(", ")));
    m_forget->setEnabled(!addresses.isEmpty());
}

bool PreferencesDialog::soundEnabled() const
{
    return m_sound->isChecked();
}

void PreferencesDialog::accept()
{
    Preferences p = Preferences::load();
    const QString language = m_language->currentData().toString();
    // Every open window retranslates itself on the LanguageChange this sends.
    if (language != p.language && qApp)
        installLanguage(*qApp, language);
    p.language = language;
    const QString theme = m_theme->currentData().toString();
    if (theme != p.theme && qApp)
        applyTheme(*qApp, theme.isEmpty() ? QStringLiteral("light") : theme);
    p.theme = theme;
    p.sound = m_sound->isChecked();
    p.save();
    QDialog::accept();
}

} // namespace sb
