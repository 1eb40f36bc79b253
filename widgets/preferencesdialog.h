#pragma once
// The agent's preferences: language, theme and the sound on a new assignment.

#include <QDialog>

class QCheckBox;
class QComboBox;

namespace sb {

class PreferencesDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    bool soundEnabled() const;
    void accept() override;

private:
    QComboBox *m_language;
    QComboBox *m_theme;
    QCheckBox *m_sound;
};

} // namespace sb
