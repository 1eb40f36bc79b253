#include "conversationpanel.h"

#include "composer.h"
#include "deskclient.h"
#include "inboxmodel.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "quickreplypicker.h"

#include <QCheckBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QMimeDatabase>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace sb {

namespace {
constexpr qint64 kMaxAttachmentBytes = 5 * 1024 * 1024;
}

ConversationPanel::ConversationPanel(DeskClient *desk, QWidget *parent)
    : QWidget(parent), m_desk(desk), m_title(new QLabel(this)), m_subtitle(new QLabel(this)),
      m_history(new QListView(this)), m_delegate(new MessageDelegate(this)),
      m_bottom(new QStackedWidget(this)), m_picker(new QuickReplyPicker(desk->quickReplies(), this)),
      m_composer(new Composer(this)), m_note(new QCheckBox(this)), m_send(new QPushButton(this)),
      m_claim(new QPushButton(this)), m_quick(new QPushButton(this)), m_attach(new QPushButton(this)),
      m_queueText(new QLabel(this)), m_empty(new QLabel(this))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    m_history->setModel(desk->messages());
    m_history->setItemDelegate(m_delegate);
    m_history->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->setWordWrap(true);
    m_history->setUniformItemSizes(false);
    m_history->setResizeMode(QListView::Adjust);

    // The composer page: picker (when searching), composer, and the row of controls.
    auto *composePage = new QWidget(this);
    auto *compose = new QVBoxLayout(composePage);
    compose->setContentsMargins(0, 0, 0, 0);
    m_picker->setVisible(false);
    m_picker->setMaximumHeight(180);
    m_composer->setMaximumHeight(110);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_note);
    controls->addWidget(m_quick);
    controls->addWidget(m_attach);
    controls->addStretch();
    controls->addWidget(m_send);
    m_send->setDefault(true);
    compose->addWidget(m_picker);
    compose->addWidget(m_composer);
    compose->addLayout(controls);

    auto *queuePage = new QWidget(this);
    auto *queue = new QHBoxLayout(queuePage);
    queue->setContentsMargins(0, 0, 0, 0);
    m_queueText->setWordWrap(true);
    queue->addWidget(m_queueText, 1);
    queue->addWidget(m_claim);

    m_bottom->addWidget(composePage);
    m_bottom->addWidget(queuePage);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_subtitle);
    layout->addWidget(m_history, 1);
    layout->addWidget(m_bottom);
    layout->addWidget(m_empty, 1);

    connect(m_send, &QPushButton::clicked, this, &ConversationPanel::send);
    connect(m_composer, &Composer::sendRequested, this, &ConversationPanel::send);
    connect(m_composer, &Composer::quickReplySearch, this, [this](const QString &search) {
        m_picker->setSearch(search);
        m_picker->setVisible(true);
    });
    connect(m_composer, &Composer::quickReplyDismissed, this, [this] { m_picker->setVisible(false); });
    connect(m_composer, &Composer::quickReplyMove, m_picker, &QuickReplyPicker::moveHighlight);
    connect(m_composer, &Composer::quickReplyAccept, m_picker, &QuickReplyPicker::pickHighlighted);
    connect(m_picker, &QuickReplyPicker::picked, this, [this](const QString &text) {
        m_composer->insertQuickReply(text);
        m_composer->setFocus();
    });
    connect(m_quick, &QPushButton::clicked, this, &ConversationPanel::showQuickReplies);
    connect(m_attach, &QPushButton::clicked, this, &ConversationPanel::attachFile);
    connect(m_note, &QCheckBox::toggled, this, &ConversationPanel::updateComposerTexts);
    connect(m_claim, &QPushButton::clicked, this, [this] { emit claimRequested(m_conversation); });
    connect(m_history, &QListView::doubleClicked, this, &ConversationPanel::saveAttachment);
    connect(m_history->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == 0 && m_desk->messages()->hasOlder() && m_desk->messages()->rowCount() > 0)
            m_desk->loadOlder();
    });
    // New messages keep the view at the bottom when it was there.
    connect(desk->messages(), &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar *bar = m_history->verticalScrollBar();
        m_history->setProperty("atBottom", bar->value() >= bar->maximum() - 4);
    });
    connect(
        desk->messages(), &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
            if (first == 0 && m_desk->messages()->rowCount() > 1 && !m_history->property("atBottom").toBool())
                return;
            scrollIfAtBottom(m_history->property("atBottom").toBool() || first == 0);
        });
    connect(desk->inbox(), &QAbstractItemModel::dataChanged, this, [this] { refreshHeader(); });
    retranslate();
    show(QString());
}

void ConversationPanel::retranslate()
{
    m_note->setText(tr("Internal &note"));
    m_claim->setText(tr("&Claim"));
    m_quick->setText(tr("&Quick replies"));
    m_attach->setText(tr("&Attach file…"));
    m_empty->setText(tr("Choose a conversation in the inbox."));
    m_queueText->setText(tr("This customer is waiting in the queue. Claim the conversation to answer."));
    m_history->setAccessibleName(tr("Conversation history"));
    m_composer->setAccessibleName(tr("Reply"));
    updateComposerTexts();
    refreshHeader();
    m_history->viewport()->update(); // the delegate's texts
}

void ConversationPanel::updateComposerTexts()
{
    const bool note = m_note->isChecked();
    m_composer->setPlaceholderText(
        note ? tr("Write an internal note (only agents see it)…")
             : tr("Write a reply… (Enter sends, Shift+Enter for a new line, / for quick replies)"));
    m_send->setText(note ? tr("Add &note") : tr("&Send"));
}

void ConversationPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void ConversationPanel::setAgentNames(const QHash<QString, QString> &names)
{
    m_delegate->setNames(names);
    m_history->viewport()->update();
}

void ConversationPanel::show(const QString &conversationId)
{
    m_conversation = conversationId;
    const bool open = !conversationId.isEmpty();
    m_title->setVisible(open);
    m_subtitle->setVisible(open);
    m_history->setVisible(open);
    m_bottom->setVisible(open);
    m_empty->setVisible(!open);
    if (m_desk->openConversationId() != conversationId)
        m_desk->openConversation(conversationId);
    m_composer->clear();
    m_note->setChecked(false);
    refreshHeader();
    if (open && m_bottom->currentIndex() == 0)
        m_composer->setFocus();
}

ConversationPanel::Draft ConversationPanel::draft() const
{
    if (m_conversation.isEmpty() || m_composer->toPlainText().trimmed().isEmpty())
        return {};
    return {m_conversation, m_composer->toPlainText(), m_note->isChecked()};
}

bool ConversationPanel::restoreDraft(const Draft &draft)
{
    // A conversation back in the queue shows the claim button, not the composer.
    const InboxEntry *e = m_desk->inbox()->entry(m_conversation);
    if (draft.conversation.isEmpty() || draft.conversation != m_conversation || !e || e->waiting())
        return false;
    m_composer->setPlainText(draft.text);
    m_composer->moveCursor(QTextCursor::End);
    // An invited expert's panel forces notes (refreshHeader); otherwise the draft's own choice.
    if (m_note->isEnabled())
        m_note->setChecked(draft.note);
    return true;
}

void ConversationPanel::refreshHeader()
{
    const InboxEntry *e = m_desk->inbox()->entry(m_conversation);
    if (!e) {
        if (!m_conversation.isEmpty())
            m_subtitle->setText(tr("This conversation is no longer in your inbox."));
        return;
    }
    m_title->setText(e->customerName.isEmpty() ? e->customer : e->customerName);
    QString where;
    switch (e->place) {
    case InboxEntry::Place::Mine:
        where = tr("assigned to you");
        break;
    case InboxEntry::Place::Invited:
        where = tr("you were invited by %1; your messages are internal notes").arg(e->agent);
        break;
    case InboxEntry::Place::Queue:
        where =
            tr("waiting in %1, position %2").arg(QLocale().createSeparatedList(e->groups)).arg(e->position);
        break;
    case InboxEntry::Place::Unmatched:
        where = tr("no rule matched; waiting for an administrator");
        break;
    }
    m_subtitle->setText(tr("%1 · %2 · conversation %3").arg(e->channel, where, e->id));
    const bool waiting = e->waiting();
    m_bottom->setCurrentIndex(waiting ? 1 : 0);
    const bool invited = e->place == InboxEntry::Place::Invited;
    if (invited)
        m_note->setChecked(true);
    m_note->setEnabled(!invited);
}

void ConversationPanel::send()
{
    const QString text = m_composer->toPlainText().trimmed();
    if (text.isEmpty() || m_conversation.isEmpty())
        return;
    m_desk->send(text, m_note->isChecked());
    m_composer->clear();
    scrollIfAtBottom(true);
}

void ConversationPanel::showQuickReplies()
{
    m_picker->setSearch(QString());
    m_picker->setVisible(!m_picker->isVisible());
    if (m_picker->isVisible())
        m_picker->setFocus();
}

void ConversationPanel::toggleNote()
{
    if (m_note->isEnabled())
        m_note->toggle();
}

void ConversationPanel::attachFile()
{
    if (m_conversation.isEmpty())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Send a file"), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (file.size() > kMaxAttachmentBytes) {
        QMessageBox::warning(this, tr("File too large"),
                             tr("%1 is %2; files up to %3 can be sent.")
                                 .arg(QFileInfo(path).fileName(), QLocale().formattedDataSize(file.size()),
                                      QLocale().formattedDataSize(kMaxAttachmentBytes)));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("Cannot read the file"), tr("%1: %2").arg(path, file.errorString()));
        return;
    }
    const QString mime = QMimeDatabase().mimeTypeForFile(path).name();
    m_desk->sendFile(QFileInfo(path).fileName(), mime, file.readAll());
}

void ConversationPanel::saveAttachment(const QModelIndex &index)
{
    const QString id = index.data(MessageModel::AttachmentIdRole).toString();
    if (id.isEmpty())
        return;
    const QString suggested = index.data(MessageModel::AttachmentNameRole).toString();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save the file"),
        QStandardPaths::writableLocation(QStandardPaths::DownloadLocation) + QLatin1Char('/') + suggested);
    if (path.isEmpty())
        return;
    m_desk->fetchAttachment(id, [this, path](bool ok, const QString &, const QString &,
                                             const QByteArray &data, const QString &error) {
        QSaveFile file(path);
        if (!ok || !file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
            QMessageBox::warning(this, tr("Cannot save the file"),
                                 tr("%1: %2").arg(path, ok ? file.errorString() : error));
    });
}

void ConversationPanel::scrollIfAtBottom(bool wasAtBottom)
{
    if (wasAtBottom)
        m_history->scrollToBottom();
}

} // namespace sb
