#pragma once
// The language and theme the desk shows: the translation chosen in the preferences (or the
// system's), and a light or dark palette (or the system's).

#include <QString>

class QApplication;

namespace sb {

// Installs the translation for `language` ("en", "zh_CN", "zh_TW"; empty: the system locale's).
// Returns the language in use.
QString installLanguage(QApplication &app, const QString &language);
// "light", "dark", or empty for the platform's own.
void applyTheme(QApplication &app, const QString &theme);

} // namespace sb
