#pragma once
// The desk in the system tray: an icon carrying the unread count, and a notification with a sound
// when a conversation is assigned or I am invited, so an agent working in another window notices.

#include <QObject>

class QAction;
class QSystemTrayIcon;
class QMenu;

namespace sb {

class DeskClient;

class TrayNotifier final : public QObject
{
    Q_OBJECT

public:
    TrayNotifier(DeskClient *desk, QWidget *window, QObject *parent = nullptr);
    ~TrayNotifier() override;

    void setSoundEnabled(bool enabled) { m_sound = enabled; }
    // The icon for a number of unread messages (drawn, so it needs no image files).
    static QIcon badgeIcon(int unread);
    QString lastNotification() const { return m_last; }
    // The menu and tooltip in the current language.
    void retranslate();

private:
    void notify(const QString &title, const QString &text);
    void updateToolTip();

    DeskClient *m_desk;
    QWidget *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_showAction = nullptr;
    QAction *m_quitAction = nullptr;
    bool m_sound = true;
    QString m_last;
};

} // namespace sb
