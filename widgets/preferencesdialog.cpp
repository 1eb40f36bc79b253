#include "preferencesdialog.h"

#include "appearance.h"
#include "preferences.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMessageBox>

namespace sb {

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent), m_language(new QComboBox(this)), m_theme(new QComboBox(this)),
      m_sound(new QCheckBox(tr("Play a &sound when a conversation is assigned to me"), this))
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
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PreferencesDialog::reject);
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
