#pragma once
// The agent's preferences: language, theme and the sound on a new assignment; and the self-signed
// certificates trusted at sign-in, which can be forgotten here.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace sb {

class PreferencesDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    bool soundEnabled() const;
    void accept() override;
    QLabel *trustedLabel() const { return m_trusted; }
    QPushButton *forgetButton() const { return m_forget; }

private:
    void showTrusted();

    QComboBox *m_language;
    QComboBox *m_theme;
    QCheckBox *m_sound;
    QLabel *m_trusted;
    QPushButton *m_forget;
};

} // namespace sb
