#include "appearance.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTranslator>

namespace sb {

QString installLanguage(QApplication &app, const QString &language)
{
    // Ours, and Qt's own (the standard buttons and dialogs) when the system has them.
    static QTranslator *installed = nullptr;
    static QTranslator *installedQt = nullptr;
    for (QTranslator **t : {&installed, &installedQt}) {
        if (*t) {
            app.removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    QString lang = language;
    if (lang.isEmpty()) {
        const QLocale system;
        if (system.language() == QLocale::Chinese)
            lang = system.script() == QLocale::TraditionalChineseScript ||
                           system.territory() == QLocale::Taiwan || system.territory() == QLocale::HongKong
                       ? QStringLiteral("zh_TW")
                       : QStringLiteral("zh_CN");
        else
            lang = QStringLiteral("en");
    }
    if (lang == QLatin1String("en")) {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        return lang; // the source language
    }
    auto *translator = new QTranslator(&app);
    if (!translator->load(QStringLiteral(":/i18n/switchboard_%1.qm").arg(lang))) {
        delete translator;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        return QStringLiteral("en");
    }
    auto *qt = new QTranslator(&app);
    if (qt->load(QStringLiteral("qtbase_%1").arg(lang), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        app.installTranslator(qt);
        installedQt = qt;
    } else {
        delete qt;
    }
    QLocale::setDefault(QLocale(lang));
    app.installTranslator(translator);
    installed = translator;
    return lang;
}

void applyTheme(QApplication &app, const QString &theme)
{
    if (theme.isEmpty())
        return;
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (theme == QLatin1String("light")) {
        app.setPalette(app.style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(45, 47, 51), base(30, 32, 35), text(230, 230, 230), disabled(128, 128, 128);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(58, 61, 66));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(90, 160, 240));
    p.setColor(QPalette::Highlight, QColor(48, 110, 190));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::Mid, QColor(70, 72, 76));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    app.setPalette(p);
}

} // namespace sb
