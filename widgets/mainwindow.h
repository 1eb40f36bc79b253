#pragma once
// The desk's main window: the inbox, the open conversation and the customer side by side, the
// everyday actions on the toolbar, menus and keyboard, the status selector, and the connection's
// state in the status bar. It only shows and forwards; DeskClient does the work.

#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QToolBar;

namespace sb {

class ConversationPanel;
class CustomerPanel;
class DeskClient;
class InboxPanel;
class TrayNotifier;

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(DeskClient *desk, QWidget *parent = nullptr);

    InboxPanel *inbox() const { return m_inbox; }
    ConversationPanel *conversation() const { return m_conversation; }
    CustomerPanel *customer() const { return m_customer; }
    QComboBox *statusSelector() const { return m_status; }
    QLabel *connectionLabel() const { return m_connectionLabel; }
    TrayNotifier *tray() const { return m_tray; }
    QAction *action(const QString &name) const;
    // Opens the transfer or invitation picker for the open conversation (tests drive the dialog).
    void transfer();
    void inviteExpert();

signals:
    void signOutRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildActions();
    void retranslate();
    void updateLoad();
    void onCurrentChanged(const QString &conversationId);
    void updateActions();
    void updateConnection();
    void updateStatus(const QString &status);
    void showMessage(const QString &message, bool error);
    void closeConversation();
    void openPreferences();
    QString current() const;

    DeskClient *m_desk;
    InboxPanel *m_inbox;
    ConversationPanel *m_conversation;
    CustomerPanel *m_customer;
    TrayNotifier *m_tray;
    QComboBox *m_status;
    QLabel *m_connectionLabel;
    QLabel *m_loadLabel;
    QLabel *m_statusCaption = nullptr;
    QHash<QString, QAction *> m_actions;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_conversationMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_statusMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_about = nullptr;
    QToolBar *m_toolBar = nullptr;
    int m_load = 0;
    int m_maxLoad = 0;
};

} // namespace sb
