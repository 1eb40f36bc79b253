#include "traynotifier.h"

#include "deskclient.h"
#include "inboxmodel.h"

#include <QApplication>
#include <QMenu>
#include <QPainter>
#include <QSystemTrayIcon>
#include <QWidget>

namespace sb {

TrayNotifier::TrayNotifier(DeskClient *desk, QWidget *window, QObject *parent)
    : QObject(parent), m_desk(desk), m_window(window)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(badgeIcon(0), this);
        m_menu = new QMenu;
        m_showAction = m_menu->addAction(QString(), window, [window] {
            window->showNormal();
            window->raise();
            window->activateWindow();
        });
        m_quitAction = m_menu->addAction(QString(), qApp, &QApplication::quit);
        m_tray->setContextMenu(m_menu);
        connect(m_tray, &QSystemTrayIcon::activated, window, [window](QSystemTrayIcon::ActivationReason r) {
            if (r == QSystemTrayIcon::Trigger) {
                window->showNormal();
                window->activateWindow();
            }
        });
        m_tray->show();
    }
    connect(desk->inbox(), &InboxModel::totalUnreadChanged, this, [this](int unread) {
        const QIcon icon = badgeIcon(unread);
        m_window->setWindowIcon(icon);
        if (m_tray)
            m_tray->setIcon(icon);
        updateToolTip();
    });
    connect(desk, &DeskClient::assigned, this,
            [this](const QString &, const QString &customer, const QString &) {
                notify(tr("New conversation"), tr("%1 was assigned to you.").arg(customer));
            });
    connect(desk, &DeskClient::invited, this, [this](const QString &, const QString &customer) {
        notify(tr("You were invited"), tr("A colleague asks for your help with %1.").arg(customer));
    });
    window->setWindowIcon(badgeIcon(0));
    retranslate();
}

void TrayNotifier::retranslate()
{
    if (!m_tray)
        return;
    m_showAction->setText(tr("Show Switchboard"));
    m_quitAction->setText(tr("Quit"));
    updateToolTip();
}

void TrayNotifier::updateToolTip()
{
    if (!m_tray)
        return;
    const int unread = m_desk->inbox()->totalUnread();
    m_tray->setToolTip(unread > 0 ? tr("Switchboard: %n unread", nullptr, unread) : tr("Switchboard"));
}

TrayNotifier::~TrayNotifier()
{
    delete m_menu;
}

void TrayNotifier::notify(const QString &title, const QString &text)
{
    m_last = text;
    if (m_tray && !m_window->isActiveWindow())
        m_tray->showMessage(title, text, QSystemTrayIcon::Information, 5000);
    if (m_sound)
        QApplication::beep();
    QApplication::alert(m_window);
}

QIcon TrayNotifier::badgeIcon(int unread)
{
    QPixmap pix(64, 64);
    pix.fill(Qt::transparent);
    QPainter p(&pix);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(QColor(32, 110, 200));
    p.setPen(Qt::NoPen);
    p.drawRoundedRect(QRectF(4, 8, 52, 40), 10, 10);
    QPolygonF tail;
    tail << QPointF(16, 46) << QPointF(14, 60) << QPointF(30, 46);
    p.drawPolygon(tail);
    p.setBrush(Qt::white);
    for (int i = 0; i < 3; ++i)
        p.drawEllipse(QPointF(18 + i * 12, 28), 4, 4);
    if (unread > 0) {
        p.setBrush(QColor(220, 40, 40));
        p.drawEllipse(QRectF(34, 0, 30, 30));
        p.setPen(Qt::white);
        QFont f;
        f.setPixelSize(unread > 99 ? 12 : 18);
        f.setBold(true);
        p.setFont(f);
        p.drawText(QRectF(34, 0, 30, 30), Qt::AlignCenter,
                   unread > 99 ? QStringLiteral("99+") : QString::number(unread));
    }
    return QIcon(pix);
}

} // namespace sb
