#include "mainwindow.h"

#include "agentpicker.h"
#include "conversationpanel.h"
#include "customerpanel.h"
#include "deskclient.h"
#include "directorymodel.h"
#include "inboxentry.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "preferencesdialog.h"
#include "traynotifier.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

namespace sb {

MainWindow::MainWindow(DeskClient *desk, QWidget *parent)
    : QMainWindow(parent), m_desk(desk), m_inbox(new InboxPanel(desk, this)),
      m_conversation(new ConversationPanel(desk, this)), m_customer(new CustomerPanel(desk, this)),
      m_tray(new TrayNotifier(desk, this, this)), m_status(new QComboBox(this)),
      m_connectionLabel(new QLabel(this)), m_loadLabel(new QLabel(this))
{
    auto *split = new QSplitter(this);
    split->addWidget(m_inbox);
    split->addWidget(m_conversation);
    split->addWidget(m_customer);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 1);
    split->setSizes({420, 620, 240});
    setCentralWidget(split);

    for (const char *status : {"online", "busy", "away", "offline"})
        m_status->addItem(QString(), QLatin1String(status));
    buildActions();
    retranslate();

    statusBar()->addPermanentWidget(m_loadLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    resize(1280, 780);

    connect(m_inbox, &InboxPanel::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_inbox, &InboxPanel::claimRequested, desk, &DeskClient::claim);
    connect(m_conversation, &ConversationPanel::claimRequested, desk, &DeskClient::claim);
    connect(m_status, QOverload<int>::of(&QComboBox::activated), this,
            [this](int i) { m_desk->setStatus(m_status->itemData(i).toString()); });
    connect(desk, &DeskClient::statusChanged, this, &MainWindow::updateStatus);
    connect(desk, &DeskClient::loadChanged, this, [this](int load, int max) {
        m_load = load;
        m_maxLoad = max;
        updateLoad();
    });
    connect(desk, &DeskClient::actionDone, this, [this](const QString &m) { showMessage(m, false); });
    connect(desk, &DeskClient::actionFailed, this, [this](const QString &m) { showMessage(m, true); });
    connect(desk, &DeskClient::conversationLeft, this, [this](const QString &, const QString &reason) {
        showMessage(reason, false);
        m_conversation->show(QString());
        m_customer->show(QString());
        updateActions();
    });
    connect(desk, &DeskClient::surveyRated, this, [this](const QString &conversation, int score) {
        showMessage(tr("The customer of %1 rated the conversation %2 of 5.").arg(conversation).arg(score),
                    false);
    });
    connect(desk, &DeskClient::directoryLoaded, this, [this] {
        QHash<QString, QString> names;
        for (int r = 0; r < m_desk->directory()->rowCount(); ++r) {
            const QModelIndex i = m_desk->directory()->index(r, DirectoryModel::NameColumn);
            names.insert(i.data(DirectoryModel::IdRole).toString(), i.data().toString());
        }
        m_conversation->setAgentNames(names);
    });
    connect(desk->connection(), &CoordinatorConnection::stateChanged, this, &MainWindow::updateConnection);
    connect(desk->inbox(), &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    updateConnection();
    updateStatus(desk->status());
    updateActions();
    desk->refreshDirectory();
}

void MainWindow::buildActions()
{
    auto add = [this](const QString &name, const QKeySequence &key, auto slot) {
        auto *a = new QAction(this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
        addAction(a);
        return a;
    };
    add(QStringLiteral("claim"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { m_desk->claim(current()); });
    add(QStringLiteral("transfer"), QKeySequence(Qt::CTRL | Qt::Key_T), [this] { transfer(); });
    add(QStringLiteral("invite"), QKeySequence(Qt::CTRL | Qt::Key_I), [this] { inviteExpert(); });
    add(QStringLiteral("survey"), QKeySequence(Qt::CTRL | Qt::Key_R),
        [this] { m_desk->requestSurvey(current()); });
    add(QStringLiteral("close"), QKeySequence(Qt::CTRL | Qt::Key_W), [this] { closeConversation(); });
    add(QStringLiteral("ticket"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), [this] {
        if (const InboxEntry *e = m_desk->inbox()->entry(current()))
            m_desk->openTicket(e->customer, e->channel);
    });
    add(QStringLiteral("note"), QKeySequence(Qt::CTRL | Qt::Key_N), [this] { m_conversation->toggleNote(); });
    add(QStringLiteral("quickReplies"), QKeySequence(Qt::CTRL | Qt::Key_Slash),
        [this] { m_conversation->showQuickReplies(); });
    add(QStringLiteral("attach"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
        [this] { m_conversation->attachFile(); });
    add(QStringLiteral("search"), QKeySequence::Find, [this] { m_inbox->focusSearch(); });
    add(QStringLiteral("next"), QKeySequence(Qt::CTRL | Qt::Key_Down), [this] { m_inbox->step(1); });
    add(QStringLiteral("previous"), QKeySequence(Qt::CTRL | Qt::Key_Up), [this] { m_inbox->step(-1); });
    add(QStringLiteral("preferences"), QKeySequence::Preferences, [this] { openPreferences(); });
    add(QStringLiteral("signOut"), QKeySequence(), [this] { emit signOutRequested(); });
    add(QStringLiteral("quit"), QKeySequence::Quit, [] { QApplication::quit(); });
    for (const char *s : {"online", "busy", "away"}) {
        const QString status = QLatin1String(s);
        auto *a = add(QStringLiteral("status-") + status, QKeySequence(),
                      [this, status] { m_desk->setStatus(status); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT |
                                    (status == QLatin1String("online") ? Qt::Key_1
                                     : status == QLatin1String("busy") ? Qt::Key_2
                                                                       : Qt::Key_3)));
    }

    QMenu *file = m_fileMenu = menuBar()->addMenu(QString());
    file->addAction(action(QStringLiteral("preferences")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("signOut")));
    file->addAction(action(QStringLiteral("quit")));
    QMenu *conv = m_conversationMenu = menuBar()->addMenu(QString());
    for (const char *n : {"claim", "transfer", "invite", "survey", "close", "ticket"})
        conv->addAction(action(QLatin1String(n)));
    conv->addSeparator();
    for (const char *n : {"note", "quickReplies", "attach"})
        conv->addAction(action(QLatin1String(n)));
    QMenu *view = m_viewMenu = menuBar()->addMenu(QString());
    for (const char *n : {"search", "next", "previous"})
        view->addAction(action(QLatin1String(n)));
    QMenu *status = m_statusMenu = menuBar()->addMenu(QString());
    for (const char *n : {"status-online", "status-busy", "status-away"})
        status->addAction(action(QLatin1String(n)));
    m_helpMenu = menuBar()->addMenu(QString());
    m_about = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About Switchboard"),
                           tr("<b>Switchboard</b> %1<br>The customer-service desk and routing coordinator.")
                               .arg(QApplication::applicationVersion()));
    });

    QToolBar *bar = m_toolBar = addToolBar(QString());
    bar->setObjectName(QStringLiteral("actions"));
    bar->setMovable(false);
    m_statusCaption = new QLabel(bar);
    bar->addWidget(m_statusCaption);
    bar->addWidget(m_status);
    bar->addSeparator();
    for (const char *n : {"claim", "transfer", "invite", "survey", "close", "ticket"})
        bar->addAction(action(QLatin1String(n)));
}

// Every text the window sets itself, again when the language changes (the panels do their own).
void MainWindow::retranslate()
{
    setWindowTitle(tr("Switchboard — %1").arg(m_desk->myName()));
    for (int i = 0; i < m_status->count(); ++i)
        m_status->setItemText(i, DirectoryModel::statusText(m_status->itemData(i).toString()));
    m_status->setToolTip(tr("My status: new conversations come only while online"));
    m_status->setAccessibleName(tr("My status"));
    const std::pair<const char *, QString> texts[] = {
        {"claim", tr("&Claim")},
        {"transfer", tr("&Transfer…")},
        {"invite", tr("&Invite an expert…")},
        {"survey", tr("Send the &survey")},
        {"close", tr("C&lose conversation")},
        {"ticket", tr("New &ticket for this customer")},
        {"note", tr("Internal &note")},
        {"quickReplies", tr("&Quick replies")},
        {"attach", tr("&Attach file…")},
        {"search", tr("&Search the inbox")},
        {"next", tr("&Next conversation")},
        {"previous", tr("&Previous conversation")},
        {"preferences", tr("&Preferences…")},
        {"signOut", tr("Sign &out")},
        {"quit", tr("&Quit")},
        {"status-online", DirectoryModel::statusText(QStringLiteral("online"))},
        {"status-busy", DirectoryModel::statusText(QStringLiteral("busy"))},
        {"status-away", DirectoryModel::statusText(QStringLiteral("away"))},
    };
    for (const auto &[name, text] : texts)
        action(QLatin1String(name))->setText(text);
    m_fileMenu->setTitle(tr("&File"));
    m_conversationMenu->setTitle(tr("&Conversation"));
    m_viewMenu->setTitle(tr("&View"));
    m_statusMenu->setTitle(tr("&Status"));
    m_helpMenu->setTitle(tr("&Help"));
    m_about->setText(tr("&About Switchboard"));
    m_toolBar->setWindowTitle(tr("Actions"));
    m_statusCaption->setText(tr("Status: "));
    m_tray->retranslate();
    updateLoad();
    updateConnection();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::updateLoad()
{
    if (m_maxLoad > 0)
        m_loadLabel->setText(tr("Load: %1 of %2").arg(m_load).arg(m_maxLoad));
}

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

QString MainWindow::current() const
{
    return m_inbox->currentConversation();
}

void MainWindow::onCurrentChanged(const QString &conversationId)
{
    m_conversation->show(conversationId);
    m_customer->show(conversationId);
    updateActions();
}

void MainWindow::updateActions()
{
    const InboxEntry *e = m_desk->inbox()->entry(current());
    const bool online = m_desk->connection()->state() == CoordinatorConnection::State::Online;
    const bool mine = e && e->place == InboxEntry::Place::Mine;
    action(QStringLiteral("claim"))->setEnabled(online && e && e->place == InboxEntry::Place::Queue);
    for (const char *n : {"transfer", "invite", "survey", "close", "ticket"})
        action(QLatin1String(n))->setEnabled(online && mine);
    for (const char *n : {"note", "quickReplies", "attach"})
        action(QLatin1String(n))->setEnabled(e && !e->waiting());
}

void MainWindow::updateConnection()
{
    switch (m_desk->connection()->state()) {
    case CoordinatorConnection::State::Online:
        m_connectionLabel->setText(
            tr("● Connected to %1").arg(m_desk->connection()->url().toDisplayString()));
        m_connectionLabel->setStyleSheet(QStringLiteral("color: #2a9d4b;"));
        break;
    case CoordinatorConnection::State::Reconnecting:
        m_connectionLabel->setText(tr("● Offline — reconnecting…"));
        m_connectionLabel->setStyleSheet(QStringLiteral("color: #d08a00; font-weight: bold;"));
        break;
    case CoordinatorConnection::State::Connecting:
        m_connectionLabel->setText(tr("● Connecting…"));
        m_connectionLabel->setStyleSheet(QString());
        break;
    case CoordinatorConnection::State::Disconnected:
        m_connectionLabel->setText(tr("● Signed out"));
        m_connectionLabel->setStyleSheet(QStringLiteral("color: #d03030;"));
        break;
    }
    updateActions();
}

void MainWindow::updateStatus(const QString &status)
{
    const int i = m_status->findData(status);
    if (i >= 0)
        m_status->setCurrentIndex(i);
}

void MainWindow::showMessage(const QString &message, bool error)
{
    statusBar()->showMessage(error ? tr("⚠ %1").arg(message) : message, error ? 10000 : 5000);
}

void MainWindow::transfer()
{
    const QString conv = current();
    if (conv.isEmpty())
        return;
    AgentPicker picker(m_desk, AgentPicker::Purpose::Transfer, this);
    if (picker.exec() != QDialog::Accepted)
        return;
    if (!picker.agent().isEmpty())
        m_desk->transferToAgent(conv, picker.agent());
    else if (!picker.group().isEmpty())
        m_desk->transferToGroup(conv, picker.group());
}

void MainWindow::inviteExpert()
{
    const QString conv = current();
    if (conv.isEmpty())
        return;
    AgentPicker picker(m_desk, AgentPicker::Purpose::Invite, this);
    if (picker.exec() == QDialog::Accepted && !picker.agent().isEmpty())
        m_desk->invite(conv, picker.agent());
}

void MainWindow::closeConversation()
{
    const QString conv = current();
    if (conv.isEmpty())
        return;
    m_desk->close(conv);
}

void MainWindow::openPreferences()
{
    PreferencesDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        m_tray->setSoundEnabled(dialog.soundEnabled());
}

} // namespace sb
