#pragma once
// With SB_SCREENSHOTS_DIR set, widget tests save what they show as PNGs there, to look at.

#include <QCoreApplication>
#include <QString>
#include <QWidget>

inline void saveScreenshot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("SB_SCREENSHOTS_DIR");
    if (dir.isEmpty())
        return;
    QCoreApplication::processEvents();
    w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}
