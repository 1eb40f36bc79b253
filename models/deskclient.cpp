#include "deskclient.h"

#include "directorymodel.h"
#include "inboxmodel.h"
#include "messagemodel.h"
#include "quickreplymodel.h"

#include <QDateTime>
#include <QImage>
#include <QJsonArray>

namespace sb {

namespace {
constexpr int kHistoryPage = 50;
constexpr size_t kStoredMineKept = 500;
constexpr int kRefillBelow = 50; // waiting conversations held when the queue's head is refetched

QLatin1String key(const char *k)
{
    return QLatin1String(k);
}
} // namespace

DeskClient::DeskClient(QObject *parent)
    : QObject(parent), m_connection(new CoordinatorConnection(this)), m_inbox(new InboxModel(this)),
      m_messages(new MessageModel(this)), m_directory(new DirectoryModel(this)),
      m_quickReplies(new QuickReplyModel(this))
{
    connect(m_connection, &CoordinatorConnection::signedIn, this, &DeskClient::onSignedIn);
    connect(m_connection, &CoordinatorConnection::resumed, this, &DeskClient::onResumed);
    connect(m_connection, &CoordinatorConnection::eventReceived, this, &DeskClient::onEvent);
    // My load is what the inbox holds as mine, so it cannot drift from what the desk shows.
    connect(m_inbox, &InboxModel::countsChanged, this, [this] { emit loadChanged(load(), m_maxConcurrent); });
    connect(m_connection, &CoordinatorConnection::stateChanged, this, [this](CoordinatorConnection::State s) {
        if (s == CoordinatorConnection::State::Disconnected && m_ready) {
            m_ready = false;
            emit readyChanged(false);
        }
    });
}

DeskClient::~DeskClient() = default;

QString DeskClient::myName() const
{
    const QJsonObject a = m_connection->account();
    const QString name = a.value(key("displayName")).toString();
    return name.isEmpty() ? a.value(key("login")).toString() : name;
}

int DeskClient::load() const
{
    return m_inbox->count(InboxEntry::Place::Mine);
}

QString DeskClient::role() const
{
    return m_connection->account().value(key("role")).toString();
}

QString DeskClient::openConversationId() const
{
    return m_messages->conversationId();
}

void DeskClient::onSignedIn()
{
    takeSnapshot();
}

void DeskClient::onResumed(bool reset)
{
    // A fresh snapshot either way: queue positions moved while we were away. Its answer also comes
    // after every replayed event, so the messages whose answers were lost can be checked then.
    Q_UNUSED(reset)
    takeSnapshot([this] { reconcile(); });
}

void DeskClient::takeSnapshot(std::function<void()> then)
{
    m_connection->request(QStringLiteral("inbox.snapshot"), {},
                          [this, then](const CoordinatorConnection::Reply &r) {
                              if (!r.ok) {
                                  emit actionFailed(failureText(r));
                                  return;
                              }
                              applySnapshot(r.result);
                              if (then)
                                  then();
                          });
}

void DeskClient::applySnapshot(const QJsonObject &snapshot)
{
    const QString me = this->me();
    std::vector<InboxEntry> entries;
    auto keep = [this](InboxEntry e) {
        if (const InboxEntry *old = m_inbox->entry(e.id)) {
            if (old->lastAt > e.lastAt) {
                e.lastText = old->lastText;
                e.lastAt = old->lastAt;
            }
            e.unread = old->unread;
            if (!e.waiting())
                e.waitingSince = old->waitingSince;
        }
        return e;
    };
    for (const QJsonValue &v : snapshot.value(key("conversations")).toArray())
        entries.push_back(keep(InboxEntry::fromJson(v.toObject(), me)));
    const QJsonObject queues = snapshot.value(key("queues")).toObject();
    const QJsonObject totals = snapshot.value(key("queueTotals")).toObject();
    int beyond = 0;
    for (auto it = queues.begin(); it != queues.end(); ++it) {
        const QJsonArray head = it.value().toArray();
        for (const QJsonValue &v : head)
            entries.push_back(keep(InboxEntry::fromJson(v.toObject(), me)));
        beyond += std::max(0, totals.value(it.key()).toInt(static_cast<int>(head.size())) -
                                  static_cast<int>(head.size()));
    }
    if (beyond != m_queuedBeyond) {
        m_queuedBeyond = beyond;
        emit queuedBeyondChanged(beyond);
    }
    for (const QJsonValue &v : snapshot.value(key("unmatched")).toArray())
        entries.push_back(keep(InboxEntry::fromJson(v.toObject(), me)));
    m_inbox->replaceAll(std::move(entries));
    applyMe(snapshot.value(key("me")).toObject());
    const QString open = openConversationId();
    if (!open.isEmpty() && !m_inbox->entry(open))
        leave(open, tr("This conversation is no longer yours."));
    if (!m_ready) {
        m_ready = true;
        emit readyChanged(true);
    }
}

void DeskClient::applyMe(const QJsonObject &me)
{
    if (me.isEmpty())
        return;
    const QString status = me.value(key("status")).toString();
    if (status != m_status) {
        m_status = status;
        emit statusChanged(status);
    }
    m_maxConcurrent = me.value(key("maxConcurrent")).toInt();
    emit loadChanged(load(), m_maxConcurrent);
}

void DeskClient::onEvent(const QString &name, const QJsonObject &data)
{
    const QString me = this->me();
    const QString id =
        data.value(key(name == QLatin1String("message.new") ? "conversation" : "id")).toString();
    if (name == QLatin1String("message.new")) {
        onMessage(data);
    } else if (name == QLatin1String("conversation.assigned")) {
        InboxEntry e = InboxEntry::fromJson(data, me);
        m_inbox->upsert(e);
        emit assigned(id, e.customerName, data.value(key("reason")).toString());
    } else if (name == QLatin1String("conversation.invited")) {
        InboxEntry e = InboxEntry::fromJson(data, me);
        e.place = InboxEntry::Place::Invited;
        m_inbox->upsert(e);
        emit invited(id, e.customerName);
    } else if (name == QLatin1String("conversation.removed")) {
        const QString conv = data.value(key("conversation")).toString();
        const InboxEntry *e = m_inbox->entry(conv);
        if (e && !e->waiting())
            leave(conv,
                  tr("This conversation was handed on (%1).").arg(data.value(key("reason")).toString()));
    } else if (name == QLatin1String("conversation.closed")) {
        leave(data.value(key("conversation")).toString(), tr("This conversation was closed."));
    } else if (name == QLatin1String("queue.added") || name == QLatin1String("queue.unmatched")) {
        InboxEntry e = InboxEntry::fromJson(data, me);
        const InboxEntry *old = m_inbox->entry(id);
        if (!old || old->waiting())
            m_inbox->upsert(e);
    } else if (name == QLatin1String("queue.removed")) {
        const QString conv = data.value(key("conversation")).toString();
        const InboxEntry *e = m_inbox->entry(conv);
        if (e && e->waiting()) {
            m_inbox->remove(conv); // when it came to me, conversation.assigned made it mine first
        } else if (!e && m_queuedBeyond > 0) {
            emit queuedBeyondChanged(--m_queuedBeyond); // one of those beyond the head
        }
        // The head ran low while more wait behind it: fetch the next ones.
        if (m_queuedBeyond > 0 && !m_refilling && m_inbox->count(InboxEntry::Place::Queue) < kRefillBelow) {
            m_refilling = true;
            takeSnapshot([this] { m_refilling = false; });
        }
    } else if (name == QLatin1String("agent.status")) {
        const QString status = data.value(key("status")).toString();
        m_directory->setStatus(data.value(key("agent")).toString(), status);
        if (data.value(key("agent")).toString() == me && status != m_status) {
            m_status = status;
            emit statusChanged(status);
        }
    } else if (name == QLatin1String("survey.rated")) {
        emit surveyRated(data.value(key("conversation")).toString(), data.value(key("score")).toInt());
    }
}

void DeskClient::onMessage(const QJsonObject &data)
{
    const ChatMessage m = ChatMessage::fromJson(data);
    const QString conv = data.value(key("conversation")).toString();
    const bool fromMe = m.sender == ChatMessage::Sender::Agent && m.senderId == me();
    if (fromMe) {
        m_storedMine.push_back({conv, m.text, m.seq});
        if (m_storedMine.size() > kStoredMineKept)
            m_storedMine.pop_front();
    }
    const bool isOpen = conv == openConversationId();
    if (isOpen)
        m_messages->add(m);
    const bool counts = !fromMe && m.sender != ChatMessage::Sender::System && !isOpen;
    m_inbox->messageArrived(conv, m.text.isEmpty() ? m.attachmentName : m.text, m.at,
                            m.sender == ChatMessage::Sender::Customer, counts);
    if (isOpen && m.kind == ChatMessage::Kind::Image && !m.attachmentId.isEmpty()) {
        const QString attachment = m.attachmentId;
        fetchAttachment(attachment, [this, attachment](bool ok, const QString &, const QString &,
                                                       const QByteArray &bytes, const QString &) {
            if (ok)
                m_messages->setImage(attachment, QImage::fromData(bytes));
        });
    }
}

void DeskClient::leave(const QString &conversation, const QString &reason)
{
    m_inbox->remove(conversation);
    if (conversation == openConversationId())
        emit conversationLeft(conversation, reason);
}

void DeskClient::openConversation(const QString &id)
{
    m_messages->open(id, me());
    if (id.isEmpty())
        return;
    m_inbox->markRead(id);
    loadOlder();
    if (const InboxEntry *e = m_inbox->entry(id)) {
        if (e->channel != m_quickReplies->channel())
            loadQuickReplies(e->channel);
    }
}

void DeskClient::loadOlder()
{
    const QString id = openConversationId();
    if (id.isEmpty() || !m_messages->hasOlder())
        return;
    QJsonObject args{{key("conversation"), id}, {key("limit"), kHistoryPage}};
    if (const qint64 oldest = m_messages->oldestSeq())
        args.insert(key("beforeSeq"), oldest);
    m_connection->request(QStringLiteral("conversation.history"), args,
                          [this, id](const CoordinatorConnection::Reply &r) {
                              if (id != openConversationId())
                                  return;
                              if (!r.ok) {
                                  emit actionFailed(failureText(r));
                                  return;
                              }
                              std::vector<ChatMessage> page;
                              QStringList images;
                              for (const QJsonValue &v : r.result.value(key("messages")).toArray()) {
                                  page.push_back(ChatMessage::fromJson(v.toObject()));
                                  if (page.back().kind == ChatMessage::Kind::Image)
                                      images << page.back().attachmentId;
                              }
                              m_messages->setHasOlder(static_cast<int>(page.size()) >= kHistoryPage);
                              m_messages->add(page);
                              for (const QString &a : std::as_const(images)) {
                                  fetchAttachment(a, [this, a](bool ok, const QString &, const QString &,
                                                               const QByteArray &bytes, const QString &) {
                                      if (ok)
                                          m_messages->setImage(a, QImage::fromData(bytes));
                                  });
                              }
                          });
}

void DeskClient::send(const QString &text, bool note)
{
    const QString conv = openConversationId();
    if (conv.isEmpty() || text.trimmed().isEmpty())
        return;
    Outgoing out;
    out.localId = QStringLiteral("local-%1").arg(++m_nextLocal);
    out.conversation = conv;
    out.text = text;
    out.note = note;
    out.sinceSeq = m_messages->newestSeq();
    m_messages->addSending(out.localId, note ? ChatMessage::Kind::Note : ChatMessage::Kind::Text, text);
    transmit(out);
}

void DeskClient::sendFile(const QString &name, const QString &mime, const QByteArray &data)
{
    const QString conv = openConversationId();
    if (conv.isEmpty())
        return;
    Outgoing out;
    out.localId = QStringLiteral("local-%1").arg(++m_nextLocal);
    out.conversation = conv;
    out.sinceSeq = m_messages->newestSeq();
    m_messages->addSending(
        out.localId,
        mime.startsWith(QLatin1String("image/")) ? ChatMessage::Kind::Image : ChatMessage::Kind::File, name);
    m_connection->request(
        QStringLiteral("attachment.upload"),
        {{key("name"), name}, {key("mime"), mime}, {key("data"), QString::fromLatin1(data.toBase64())}},
        [this, out](const CoordinatorConnection::Reply &r) mutable {
            if (!r.ok) {
                m_messages->markFailed(out.localId, failureText(r));
                return;
            }
            out.attachments << r.result.value(key("id")).toString();
            transmit(out);
        });
}

void DeskClient::transmit(const Outgoing &out)
{
    QJsonObject args{{key("conversation"), out.conversation}, {key("text"), out.text}};
    if (out.note)
        args.insert(key("note"), true);
    if (!out.attachments.isEmpty())
        args.insert(key("attachments"), QJsonArray::fromStringList(out.attachments));
    m_connection->request(
        QStringLiteral("message.send"), args, [this, out](const CoordinatorConnection::Reply &r) {
            if (r.ok) {
                m_messages->markStored(out.localId, r.result.value(key("id")).toVariant().toString(),
                                       static_cast<qint64>(r.result.value(key("seq")).toDouble()),
                                       QDateTime::currentMSecsSinceEpoch());
                return;
            }
            if (r.code == QLatin1String("connection-lost") && out.attachments.isEmpty()) {
                m_unconfirmed.push_back(out); // decided after the resume
                return;
            }
            m_messages->markFailed(out.localId, failureText(r));
            emit actionFailed(failureText(r));
        });
}

void DeskClient::reconcile()
{
    auto pending = std::move(m_unconfirmed);
    m_unconfirmed.clear();
    for (const Outgoing &out : pending) {
        const auto stored = std::find_if(m_storedMine.rbegin(), m_storedMine.rend(), [&](const Stored &s) {
            return s.conversation == out.conversation && s.text == out.text && s.seq > out.sinceSeq;
        });
        if (stored != m_storedMine.rend()) {
            // It was stored before the drop; the replayed event already put it in the history.
            m_messages->markStored(out.localId, QString(), stored->seq, 0);
            continue;
        }
        transmit(out);
    }
}

void DeskClient::act(const QString &op, const QJsonObject &args, const QString &doneMessage)
{
    m_connection->request(op, args, [this, doneMessage](const CoordinatorConnection::Reply &r) {
        if (r.ok)
            emit actionDone(doneMessage);
        else
            emit actionFailed(failureText(r));
    });
}

void DeskClient::claim(const QString &conversation)
{
    act(QStringLiteral("conversation.claim"), {{key("conversation"), conversation}},
        tr("Conversation claimed."));
}

void DeskClient::transferToAgent(const QString &conversation, const QString &agent)
{
    act(QStringLiteral("conversation.transfer"),
        {{key("conversation"), conversation}, {key("toAgent"), agent}},
        tr("Conversation transferred to %1.").arg(agent));
}

void DeskClient::transferToGroup(const QString &conversation, const QString &group)
{
    act(QStringLiteral("conversation.transfer"),
        {{key("conversation"), conversation}, {key("toGroup"), group}},
        tr("Conversation transferred to the group %1.").arg(group));
}

void DeskClient::invite(const QString &conversation, const QString &expert)
{
    act(QStringLiteral("conversation.invite"), {{key("conversation"), conversation}, {key("expert"), expert}},
        tr("%1 was invited.").arg(expert));
}

void DeskClient::close(const QString &conversation)
{
    act(QStringLiteral("conversation.close"), {{key("conversation"), conversation}},
        tr("Conversation closed."));
}

void DeskClient::requestSurvey(const QString &conversation)
{
    act(QStringLiteral("survey.send"), {{key("conversation"), conversation}}, tr("The survey was sent."));
}

void DeskClient::openTicket(const QString &customer, const QString &channel)
{
    act(QStringLiteral("ticket.open"), {{key("customer"), customer}, {key("channel"), channel}},
        tr("A new ticket was opened."));
}

void DeskClient::setStatus(const QString &status)
{
    m_connection->request(QStringLiteral("status.set"), {{key("status"), status}},
                          [this, status](const CoordinatorConnection::Reply &r) {
                              if (!r.ok) {
                                  emit actionFailed(failureText(r));
                                  emit statusChanged(m_status); // put the selector back
                                  return;
                              }
                              if (m_status != status) {
                                  m_status = status;
                                  emit statusChanged(status);
                              }
                          });
}

void DeskClient::refreshDirectory()
{
    m_connection->request(QStringLiteral("directory.agents"), {},
                          [this](const CoordinatorConnection::Reply &r) {
                              if (!r.ok) {
                                  emit actionFailed(failureText(r));
                                  return;
                              }
                              m_directory->load(r.result.value(key("agents")).toArray());
                              emit directoryLoaded();
                          });
}

void DeskClient::loadQuickReplies(const QString &channel)
{
    m_quickReplies->setChannel(channel);
    m_connection->request(QStringLiteral("quickreply.list"), {{key("channel"), channel}},
                          [this, channel](const CoordinatorConnection::Reply &r) {
                              if (r.ok && channel == m_quickReplies->channel())
                                  m_quickReplies->load(r.result.value(key("categories")).toObject());
                          });
}

void DeskClient::loadProfile(const QString &customer)
{
    m_connection->request(QStringLiteral("customer.profile"), {{key("customer"), customer}},
                          [this, customer](const CoordinatorConnection::Reply &r) {
                              if (r.ok)
                                  emit profileLoaded(customer, r.result);
                          });
}

void DeskClient::fetchAttachment(const QString &attachmentId, AttachmentDone done)
{
    m_connection->request(
        QStringLiteral("attachment.get"), {{key("id"), attachmentId}},
        [this, done](const CoordinatorConnection::Reply &r) {
            if (!r.ok) {
                done(false, {}, {}, {}, failureText(r));
                return;
            }
            done(true, r.result.value(key("name")).toString(), r.result.value(key("mime")).toString(),
                 QByteArray::fromBase64(r.result.value(key("data")).toString().toLatin1()), {});
        });
}

QString DeskClient::failureText(const CoordinatorConnection::Reply &r) const
{
    if (r.code == QLatin1String("offline"))
        return tr("Not connected: %1").arg(r.message);
    if (r.code == QLatin1String("connection-lost"))
        return tr("The connection dropped; try again when it is back.");
    return r.message;
}

} // namespace sb
