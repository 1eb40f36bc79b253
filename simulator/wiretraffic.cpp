#include "wiretraffic.h"

#include "certificatetrust.h"
#include "protocol.h"

#include <QJsonArray>
#include <QSslConfiguration>
#include <algorithm>
#include <climits>
#include <cmath>

namespace sb {

using protocol::Incoming;

namespace {

bool isChinese(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() >= 0x3400 && c.unicode() <= 0x9fff)
            return true;
    }
    return false;
}

// What people write. Openings come from the simulator's shared samples (they carry the keywords
// the demo site's rules route on); the rest of a conversation is here.
struct Phrases
{
    QStringList openingsEn, openingsZh;
    QStringList followUpsEn{
        QStringLiteral("The order number is 10482."),
        QStringLiteral("Okay. How long will that take?"),
        QStringLiteral("Could you send me a confirmation by e-mail?"),
        QStringLiteral("I tried that already and it didn't work."),
        QStringLiteral("Sure, my phone number is 9123 4567."),
        QStringLiteral("Is there a fee for that?"),
        QStringLiteral("And could it be delivered on Saturday?"),
    };
    QStringList followUpsZh{
        QStringLiteral("訂單號碼係 10482。"),       QStringLiteral("好的，大概要幾耐？"),
        QStringLiteral("可以發個確認電郵俾我嗎？"), QStringLiteral("我已经试过了，还是不行。"),
        QStringLiteral("我的电话是 9123 4567。"),   QStringLiteral("需要额外收费吗？"),
        QStringLiteral("星期六可以送貨嗎？"),
    };
    QStringList thanksEn{QStringLiteral("Thanks, that's all I needed!"),
                         QStringLiteral("Great, thank you very much."), QStringLiteral("Perfect, thanks 👍")};
    QStringList thanksZh{QStringLiteral("多謝晒！"), QStringLiteral("好的，谢谢你！"),
                         QStringLiteral("明白了，謝謝。")};
    QStringList commentsEn{QStringLiteral("Quick and friendly"), QStringLiteral("Solved my problem"),
                           QString(), QString()};
    QStringList commentsZh{QStringLiteral("好快，多謝"), QStringLiteral("服务很好"), QString(), QString()};
    QStringList greetingsEn{
        QStringLiteral("Hello %1, thank you for contacting us. Let me check that for you."),
        QStringLiteral("Hi %1! I'm looking into it now.")};
    QStringList greetingsZh{QStringLiteral("%1您好，多謝您聯絡我們，我幫您查一下。"),
                            QStringLiteral("%1您好，我现在帮您查询。")};
    QStringList answersEn{QStringLiteral("I can see it in our system now."),
                          QStringLiteral("I've updated that for you."),
                          QStringLiteral("It should arrive within two working days."),
                          QStringLiteral("I've sent you a confirmation e-mail."),
                          QStringLiteral("There's no extra charge for that.")};
    QStringList answersZh{QStringLiteral("我喺系統見到了。"), QStringLiteral("已經幫您更新好。"),
                          QStringLiteral("预计两个工作日内送达。"),
                          QStringLiteral("我已经发了确认邮件给您。"),
                          QStringLiteral("呢個服務唔使額外收費。")};
    QStringList closingsEn{QStringLiteral("Is there anything else I can help you with? Have a nice day!"),
                           QStringLiteral("Glad I could help. Goodbye!")};
    QStringList closingsZh{QStringLiteral("請問仲有其他可以幫到您嗎？祝您有愉快的一天！"),
                           QStringLiteral("很高兴能帮到您，再见！")};
    QStringList namesEn{QStringLiteral("Sarah Tam"),  QStringLiteral("James Wong"),
                        QStringLiteral("Emily Chan"), QStringLiteral("Michael Lau"),
                        QStringLiteral("Grace Ho"),   QStringLiteral("David Cheung"),
                        QStringLiteral("Olivia Ng"),  QStringLiteral("Priya Kapoor")};
    QStringList namesHk{QStringLiteral("陳大文"), QStringLiteral("黃小姐"), QStringLiteral("李先生"),
                        QStringLiteral("張太"),   QStringLiteral("何嘉欣"), QStringLiteral("梁志強")};
    QStringList namesCn{QStringLiteral("王磊"), QStringLiteral("刘洋"), QStringLiteral("陈静"),
                        QStringLiteral("杨帆"), QStringLiteral("赵敏"), QStringLiteral("孙丽")};

    Phrases()
    {
        for (const QString &text : sampleOpeningMessages())
            (isChinese(text) ? openingsZh : openingsEn) << text;
    }
};

const Phrases &phrases()
{
    static const Phrases p;
    return p;
}

bool isThanks(const QString &text)
{
    const Phrases &p = phrases();
    return p.thanksEn.contains(text) || p.thanksZh.contains(text);
}

// Refusals that are races of a live floor, not faults: the conversation moved or closed between
// the event and the answer.
bool isRace(const Incoming &r)
{
    using protocol::ErrorCode;
    return r.code == ErrorCode::Forbidden || r.code == ErrorCode::NotFound || r.code == ErrorCode::Conflict;
}

} // namespace

// ---- Peer ------------------------------------------------------------------------------------

WireTraffic::Peer::Peer(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &Peer::received);
    connect(&m_socket, &QWebSocket::sslErrors, this, &Peer::onSslErrors);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        call(QStringLiteral("hello"),
             {{QLatin1String("protocol"), protocol::kVersion},
              {QLatin1String("client"), QLatin1String("switchboard-sim")}},
             [this](const Incoming &r) {
                 if (r.kind == Incoming::Result) {
                     m_ready = true;
                     if (onReady)
                         onReady(r.payload);
                 } else {
                     const QString why = QStringLiteral("hello refused: %1").arg(r.message);
                     close();
                     if (onClosed)
                         onClosed(why);
                 }
             });
    });
    // A connection that never opens ends with an error and no disconnected(). (Qt 6.4 names the
    // signal error(); 6.5 renamed it errorOccurred().)
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        if (m_ready || m_closing)
            return;
        m_closing = true;
        if (onClosed)
            onClosed(closedWhy());
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_closing)
            return;
        m_closing = true; // once
        m_ready = false;
        const QString why = m_socket.closeReason().isEmpty() ? closedWhy() : m_socket.closeReason();
        if (onClosed)
            onClosed(why);
    });
}

WireTraffic::Peer::~Peer()
{
    // The socket is a member and may emit while it is destroyed; nothing of this object may run then.
    m_closing = true;
    m_socket.disconnect(this);
    m_socket.abort();
}

void WireTraffic::Peer::open(const QUrl &url, const QString &trustedFingerprint)
{
    m_closing = false;
    m_trustedFingerprint = trustedFingerprint;
    m_refusal.clear();
    m_refusedTrustable = false;
    m_socket.open(url);
}

void WireTraffic::Peer::onSslErrors(const QList<QSslError> &errors)
{
    const UntrustedCertificate u =
        judgeCertificate(errors, m_socket.sslConfiguration().peerCertificate(), m_trustedFingerprint);
    if (u.isNull()) {
        m_socket.ignoreSslErrors(errors);
        return;
    }
    m_refusedTrustable = u.pinnable;
    if (!u.pinnable)
        m_refusal = QStringLiteral("the coordinator's certificate cannot be accepted (%1)").arg(u.errors);
    else if (!u.trustedBefore.isEmpty())
        m_refusal =
            QStringLiteral("the coordinator's certificate is not the one trusted: its SHA-256 fingerprint "
                           "is %1, not %2")
                .arg(u.fingerprint, u.trustedBefore);
    else
        m_refusal =
            QStringLiteral("the coordinator's certificate is not trusted (%1); its SHA-256 fingerprint is %2")
                .arg(u.errors, u.fingerprint);
}

QString WireTraffic::Peer::closedWhy() const
{
    return m_refusal.isEmpty() ? m_socket.errorString() : m_refusal;
}

void WireTraffic::Peer::call(const QString &op, const QJsonObject &args, Reply done)
{
    const qint64 id = ++m_nextId;
    if (done)
        m_pending.emplace(id, std::move(done));
    m_socket.sendTextMessage(QString::fromUtf8(protocol::encodeRequest(id, op, args)));
}

void WireTraffic::Peer::close()
{
    m_closing = true;
    m_ready = false;
    m_pending.clear();
    m_socket.close();
}

void WireTraffic::Peer::received(const QString &text)
{
    const auto parsed = protocol::parseIncoming(text.toUtf8());
    const auto *in = std::get_if<Incoming>(&parsed);
    if (!in || m_closing)
        return;
    if (in->kind == Incoming::Event) {
        if (onEvent)
            onEvent(*in);
        return;
    }
    const auto it = m_pending.find(in->id.toInteger(-1));
    if (it == m_pending.end())
        return;
    const Reply done = std::move(it->second);
    m_pending.erase(it);
    done(*in);
}

// ---- Customer --------------------------------------------------------------------------------

class WireTraffic::Customer final : public QObject
{
public:
    Customer(WireTraffic *traffic, Visitor visitor, bool returning);

    void start();
    void stop(); // quietly, without reporting anything

private:
    void opened();
    void say(const QString &text);
    void onEvent(const Incoming &e);
    void answerLater();
    void rate(const QString &conversation); // the one the survey.requested named
    void leave(bool gaveUp);
    void later(double simulatedSeconds, std::function<void()> f);

    WireTraffic *m_traffic;
    Peer *m_peer;
    Visitor m_visitor;
    bool m_returning;
    bool m_chinese;
    int m_followUps;
    bool m_givesUp;
    bool m_thanked = false;
    bool m_answerPending = false;
    bool m_agentSpoke = false;
    bool m_closed = false;
    bool m_surveyAsked = false;
    bool m_rated = false;
    bool m_gone = false;
    QTimer m_patience;
};

WireTraffic::Customer::Customer(WireTraffic *traffic, Visitor visitor, bool returning)
    : QObject(traffic), m_traffic(traffic), m_peer(new Peer(this)), m_visitor(std::move(visitor)),
      m_returning(returning), m_chinese(m_visitor.language.startsWith(QLatin1String("zh"))),
      m_followUps(traffic->uniformInt(traffic->m_options.behaviour.exchangesMin,
                                      traffic->m_options.behaviour.exchangesMax) -
                  1),
      m_givesUp(traffic->chance(traffic->m_options.behaviour.abandonShare))
{
    m_patience.setSingleShot(true);
    connect(&m_patience, &QTimer::timeout, this, [this] {
        m_traffic->report(QStringLiteral("%1 gives up waiting").arg(m_visitor.name));
        leave(true);
    });
}

void WireTraffic::Customer::start()
{
    m_peer->onReady = [this](const QJsonObject &) { opened(); };
    m_peer->onEvent = [this](const Incoming &e) { onEvent(e); };
    m_peer->onClosed = [this](const QString &why) {
        if (m_gone)
            return;
        m_traffic->complain(QStringLiteral("%1 lost the connection: %2").arg(m_visitor.name, why));
        leave(true);
    };
    m_peer->open(m_traffic->m_options.url, m_traffic->m_options.trustedFingerprint);
}

void WireTraffic::Customer::stop()
{
    m_gone = true;
    m_patience.stop();
    m_peer->close();
}

void WireTraffic::Customer::opened()
{
    QJsonObject args{{QLatin1String("channel"), m_visitor.channel}};
    if (m_returning) {
        args.insert(QLatin1String("token"), m_visitor.token);
    } else {
        args.insert(QLatin1String("name"), m_visitor.name);
        args.insert(QLatin1String("language"), m_visitor.language);
    }
    m_peer->call(QStringLiteral("customer.start"), args, [this](const Incoming &r) {
        if (r.kind != Incoming::Result) {
            m_traffic->complain(QStringLiteral("%1 cannot open the chat: %2").arg(m_visitor.name, r.message));
            leave(true);
            return;
        }
        m_visitor.token = r.payload.value(QLatin1String("token")).toString();
        // People take a moment to type their question.
        later(m_traffic->uniform(2, 10), [this] {
            const Phrases &p = phrases();
            say(m_traffic->pick(m_chinese ? p.openingsZh : p.openingsEn));
        });
    });
}

void WireTraffic::Customer::say(const QString &text)
{
    m_peer->call(
        QStringLiteral("customer.send"), {{QLatin1String("text"), text}}, [this, text](const Incoming &r) {
            if (r.kind != Incoming::Result) {
                m_traffic->complain(QStringLiteral("%1 could not write: %2").arg(m_visitor.name, r.message));
                return;
            }
            ++m_traffic->m_stats.customerMessages;
            m_traffic->report(QStringLiteral("%1 (%2): %3").arg(m_visitor.name, m_visitor.channel, text));
            m_traffic->changed();
            // Until someone answers, patience runs out (in a queue, or with an agent who is silent).
            if (!m_agentSpoke && !m_patience.isActive())
                m_patience.start(m_traffic->wallMs(m_traffic->m_options.behaviour.abandonQueueSeconds));
        });
}

void WireTraffic::Customer::onEvent(const Incoming &e)
{
    const QJsonObject &d = e.payload;
    if (e.event == QLatin1String("message.new")) {
        if (d.value(QLatin1String("sender")).toString() != QLatin1String("agent"))
            return;
        m_agentSpoke = true;
        m_patience.stop();
        if (m_givesUp) {
            // Some people read the first answer and simply go away.
            later(m_traffic->uniform(5, 30), [this] {
                m_traffic->report(QStringLiteral("%1 leaves without a word").arg(m_visitor.name));
                leave(true);
            });
            return;
        }
        answerLater();
    } else if (e.event == QLatin1String("notice")) {
        const QString kind = d.value(QLatin1String("kind")).toString();
        if (kind == QLatin1String("off-hours")) {
            m_patience.start(m_traffic->wallMs(m_traffic->uniform(30, 120)));
        } else if (kind == QLatin1String("queued")) {
            m_traffic->report(QStringLiteral("%1 waits in the queue at position %2")
                                  .arg(m_visitor.name)
                                  .arg(d.value(QLatin1String("queuePosition")).toInt()));
        }
    } else if (e.event == QLatin1String("survey.requested")) {
        m_surveyAsked = true;
        const QString conversation = e.payload.value(QLatin1String("conversation")).toString();
        later(m_traffic->uniform(5, 30), [this, conversation] { rate(conversation); });
    } else if (e.event == QLatin1String("conversation.closed")) {
        m_closed = true;
        m_patience.stop();
        // A survey may still be on its way or being answered; otherwise the window is closed soon.
        later(m_traffic->uniform(5, 20), [this] {
            if (!m_surveyAsked || m_rated)
                leave(false);
        });
    }
}

void WireTraffic::Customer::answerLater()
{
    if (m_answerPending || m_closed || m_thanked)
        return;
    m_answerPending = true;
    const TrafficProfile &b = m_traffic->m_options.behaviour;
    later(m_traffic->uniform(b.customerThinkMinSeconds, b.customerThinkMaxSeconds), [this] {
        m_answerPending = false;
        if (m_closed)
            return;
        const Phrases &p = phrases();
        if (m_followUps > 0) {
            --m_followUps;
            say(m_traffic->pick(m_chinese ? p.followUpsZh : p.followUpsEn));
        } else if (!m_thanked) {
            m_thanked = true;
            say(m_traffic->pick(m_chinese ? p.thanksZh : p.thanksEn));
        }
    });
}

void WireTraffic::Customer::rate(const QString &conversation)
{
    static const int scores[] = {5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1};
    const int score = scores[m_traffic->uniformInt(0, int(std::size(scores)) - 1)];
    const Phrases &p = phrases();
    QJsonObject args{{QLatin1String("score"), score}};
    if (!conversation.isEmpty())
        args.insert(QLatin1String("conversation"), conversation);
    const QString comment = score >= 4 ? m_traffic->pick(m_chinese ? p.commentsZh : p.commentsEn) : QString();
    if (!comment.isEmpty())
        args.insert(QLatin1String("comment"), comment);
    m_peer->call(QStringLiteral("survey.rate"), args, [this, score](const Incoming &r) {
        m_rated = true;
        if (r.kind == Incoming::Result) {
            ++m_traffic->m_stats.surveysRated;
            m_traffic->report(QStringLiteral("%1 rates %2/5").arg(m_visitor.name).arg(score));
            m_traffic->changed();
        } else if (!isRace(r)) {
            m_traffic->complain(QStringLiteral("%1 could not rate: %2").arg(m_visitor.name, r.message));
        }
        if (m_closed)
            leave(false);
    });
}

void WireTraffic::Customer::leave(bool gaveUp)
{
    if (m_gone)
        return;
    m_gone = true;
    m_patience.stop();
    m_peer->close();
    if (!gaveUp && !m_visitor.token.isEmpty() && m_traffic->m_returning.size() < 100)
        m_traffic->m_returning.push_back(m_visitor);
    m_traffic->customerGone(this, gaveUp);
}

void WireTraffic::Customer::later(double simulatedSeconds, std::function<void()> f)
{
    QTimer::singleShot(m_traffic->wallMs(simulatedSeconds), this, [this, f = std::move(f)] {
        if (!m_gone)
            f();
    });
}

// ---- Agent -----------------------------------------------------------------------------------

class WireTraffic::Agent final : public QObject
{
public:
    Agent(WireTraffic *traffic, Credentials credentials);

    void start();
    void stop();

private:
    struct Conversation
    {
        QString customerName;
        int replies = 0;
        int target = 2;       // replies before closing
        bool chinese = false; // answer in the customer's language
        bool customerDone = false;
        bool replyPending = false;
        bool closing = false;
    };

    void connectPeer();
    void signedIn(const QJsonObject &result);
    void onEvent(const Incoming &e);
    void adopt(const QJsonObject &conversation);
    void replyLater(const QString &id, bool first);
    void reply(const QString &id);
    void wrapUp(const QString &id);
    void scheduleBreak();
    void setStatus(const QString &status, std::function<void()> then = {});
    void later(double simulatedSeconds, std::function<void()> f);

    WireTraffic *m_traffic;
    Credentials m_credentials;
    Peer *m_peer = nullptr;
    QString m_id; // account id (the routing engine's agent id)
    bool m_online = false;
    bool m_away = false;
    bool m_stopped = false;
    QHash<QString, Conversation> m_conversations;
    QTimer m_break;
};

WireTraffic::Agent::Agent(WireTraffic *traffic, Credentials credentials)
    : QObject(traffic), m_traffic(traffic), m_credentials(std::move(credentials))
{
    m_break.setSingleShot(true);
    connect(&m_break, &QTimer::timeout, this, [this] {
        if (m_stopped || !m_online)
            return;
        setStatus(QStringLiteral("away"), [this] {
            m_away = true;
            m_traffic->report(QStringLiteral("agent %1 takes a break").arg(m_credentials.login));
            const TrafficProfile &b = m_traffic->m_options.behaviour;
            later(m_traffic->uniform(b.awayMinSeconds, b.awayMaxSeconds), [this] {
                setStatus(QStringLiteral("online"), [this] {
                    m_away = false;
                    m_traffic->report(QStringLiteral("agent %1 is back").arg(m_credentials.login));
                    scheduleBreak();
                });
            });
        });
    });
}

void WireTraffic::Agent::start()
{
    m_stopped = false;
    connectPeer();
}

void WireTraffic::Agent::stop()
{
    m_stopped = true;
    m_break.stop();
    if (m_peer)
        m_peer->close();
    if (m_online)
        --m_traffic->m_stats.agentsOnline;
    m_online = false;
}

void WireTraffic::Agent::connectPeer()
{
    if (m_peer)
        m_peer->deleteLater();
    m_peer = new Peer(this);
    m_peer->onReady = [this](const QJsonObject &) {
        m_peer->call(
            QStringLiteral("auth.login"),
            {{QLatin1String("login"), m_credentials.login},
             {QLatin1String("password"), m_credentials.password}},
            [this](const Incoming &r) {
                if (r.kind != Incoming::Result) {
                    // Wrong credentials do not get better by retrying.
                    m_traffic->complain(
                        QStringLiteral("agent %1 cannot sign in: %2").arg(m_credentials.login, r.message));
                    m_stopped = true;
                    m_peer->close();
                    return;
                }
                signedIn(r.payload);
            });
    };
    m_peer->onEvent = [this](const Incoming &e) { onEvent(e); };
    m_peer->onClosed = [this](const QString &why) {
        if (m_online)
            --m_traffic->m_stats.agentsOnline;
        m_online = false;
        m_conversations.clear();
        m_break.stop();
        m_traffic->complain(QStringLiteral("agent %1 lost the connection: %2").arg(m_credentials.login, why));
        // Like a desk: try again a little later (in real time: the coordinator may be restarting).
        QTimer::singleShot(3000, this, [this] {
            if (!m_stopped && m_traffic->m_running)
                connectPeer();
        });
    };
    m_peer->open(m_traffic->m_options.url, m_traffic->m_options.trustedFingerprint);
}

void WireTraffic::Agent::signedIn(const QJsonObject &result)
{
    m_id = result.value(QLatin1String("account")).toObject().value(QLatin1String("id")).toString();
    setStatus(QStringLiteral("online"), [this] {
        m_online = true;
        m_away = false;
        ++m_traffic->m_stats.agentsOnline;
        m_traffic->report(QStringLiteral("agent %1 signs in").arg(m_credentials.login));
        m_traffic->changed();
        scheduleBreak();
        // Conversations already ours (after a reconnect, or routed before we came online).
        m_peer->call(QStringLiteral("inbox.snapshot"), {}, [this](const Incoming &r) {
            for (const QJsonValue &c : r.payload.value(QLatin1String("conversations")).toArray()) {
                if (c.toObject().value(QLatin1String("agent")).toString() == m_id)
                    adopt(c.toObject());
            }
        });
    });
}

void WireTraffic::Agent::onEvent(const Incoming &e)
{
    const QJsonObject &d = e.payload;
    const QString id = d.value(QLatin1String("conversation")).toString();
    if (e.event == QLatin1String("conversation.assigned")) {
        adopt(d);
    } else if (e.event == QLatin1String("message.new")) {
        auto it = m_conversations.find(id);
        if (it == m_conversations.end() ||
            d.value(QLatin1String("sender")).toString() != QLatin1String("customer"))
            return;
        const QString text = d.value(QLatin1String("text")).toString();
        it->chinese = isChinese(text);
        it->customerDone = it->customerDone || isThanks(text);
        replyLater(id, false);
    } else if (e.event == QLatin1String("conversation.removed") ||
               e.event == QLatin1String("conversation.closed")) {
        m_conversations.remove(id);
    }
}

void WireTraffic::Agent::adopt(const QJsonObject &conversation)
{
    const QString id = conversation.value(QLatin1String("id")).toString();
    if (id.isEmpty() || m_conversations.contains(id))
        return;
    Conversation c;
    c.customerName = conversation.value(QLatin1String("customerName")).toString();
    c.chinese = isChinese(c.customerName);
    const TrafficProfile &b = m_traffic->m_options.behaviour;
    c.target = m_traffic->uniformInt(b.exchangesMin, b.exchangesMax) + 1;
    m_conversations.insert(id, c);
    replyLater(id, true);
}

void WireTraffic::Agent::replyLater(const QString &id, bool first)
{
    auto it = m_conversations.find(id);
    if (it == m_conversations.end() || it->replyPending || it->closing)
        return;
    it->replyPending = true;
    const TrafficProfile &b = m_traffic->m_options.behaviour;
    double delay = m_traffic->uniform(b.replyMinSeconds, std::max(b.replyMinSeconds, b.replyMaxSeconds / 2));
    if (first) {
        // The first answer takes longer (reading up), and now and then very long: that is what
        // the coordinator's reply timeout is for.
        delay = m_traffic->chance(b.slowReplyShare)
                    ? m_traffic->uniform(b.replyMaxSeconds, 4.0 * b.replyMaxSeconds)
                    : m_traffic->uniform(b.replyMinSeconds, b.replyMaxSeconds);
    }
    later(delay, [this, id] { reply(id); });
}

void WireTraffic::Agent::reply(const QString &id)
{
    auto it = m_conversations.find(id);
    if (it == m_conversations.end())
        return;
    if (m_away) {
        later(15, [this, id] { reply(id); });
        return;
    }
    it->replyPending = false;
    const Phrases &p = phrases();
    QString text;
    if (it->replies == 0) {
        const QString name = it->customerName.isEmpty() ? QString() : it->customerName;
        text = m_traffic->pick(it->chinese ? p.greetingsZh : p.greetingsEn).arg(name);
        text.replace(QLatin1String(" ,"), QLatin1String(","));
    } else if (it->customerDone || it->replies + 1 >= it->target) {
        text = m_traffic->pick(it->chinese ? p.closingsZh : p.closingsEn);
        it->closing = true;
    } else {
        text = m_traffic->pick(it->chinese ? p.answersZh : p.answersEn);
    }
    ++it->replies;
    const bool closing = it->closing;
    m_peer->call(
        QStringLiteral("message.send"), {{QLatin1String("conversation"), id}, {QLatin1String("text"), text}},
        [this, id, text, closing](const Incoming &r) {
            if (r.kind != Incoming::Result) {
                if (!isRace(r))
                    m_traffic->complain(
                        QStringLiteral("agent %1 could not reply: %2").arg(m_credentials.login, r.message));
                m_conversations.remove(id);
                return;
            }
            ++m_traffic->m_stats.agentReplies;
            m_traffic->report(QStringLiteral("agent %1: %2").arg(m_credentials.login, text));
            m_traffic->changed();
            if (closing)
                wrapUp(id);
        });
}

void WireTraffic::Agent::wrapUp(const QString &id)
{
    const auto close = [this, id] {
        later(m_traffic->uniform(3, 10), [this, id] {
            if (!m_conversations.contains(id))
                return;
            m_peer->call(QStringLiteral("conversation.close"), {{QLatin1String("conversation"), id}},
                         [this, id](const Incoming &r) {
                             m_conversations.remove(id);
                             if (r.kind == Incoming::Result) {
                                 ++m_traffic->m_stats.conversationsClosed;
                                 m_traffic->report(
                                     QStringLiteral("agent %1 closes %2").arg(m_credentials.login, id));
                                 m_traffic->changed();
                             } else if (!isRace(r)) {
                                 m_traffic->complain(QStringLiteral("agent %1 could not close %2: %3")
                                                         .arg(m_credentials.login, id, r.message));
                             }
                         });
        });
    };
    later(m_traffic->uniform(5, 15), [this, id, close] {
        if (!m_conversations.contains(id))
            return;
        // Most conversations end with the satisfaction survey.
        if (m_traffic->chance(0.7))
            m_peer->call(QStringLiteral("survey.send"), {{QLatin1String("conversation"), id}},
                         [close](const Incoming &) { close(); });
        else
            close();
    });
}

void WireTraffic::Agent::scheduleBreak()
{
    const double perHour = m_traffic->m_options.behaviour.awayPerAgentHour;
    if (perHour <= 0)
        return;
    std::exponential_distribution<double> gap(perHour / 3600.0);
    m_break.start(m_traffic->wallMs(gap(m_traffic->m_rng)));
}

void WireTraffic::Agent::setStatus(const QString &status, std::function<void()> then)
{
    m_peer->call(
        QStringLiteral("status.set"), {{QLatin1String("status"), status}},
        [this, status, then = std::move(then)](const Incoming &r) {
            if (r.kind != Incoming::Result) {
                m_traffic->complain(
                    QStringLiteral("agent %1 cannot be %2: %3").arg(m_credentials.login, status, r.message));
                return;
            }
            if (then)
                then();
        });
}

void WireTraffic::Agent::later(double simulatedSeconds, std::function<void()> f)
{
    // Bound to the current connection: after a reconnect, old plans are void.
    QTimer::singleShot(m_traffic->wallMs(simulatedSeconds), m_peer, [this, f = std::move(f)] {
        if (!m_stopped && m_online)
            f();
    });
}

// ---- WireTraffic -----------------------------------------------------------------------------

WireTraffic::WireTraffic(const Options &options, QObject *parent)
    : QObject(parent), m_options(options), m_rng(options.seed)
{
    m_arrivals.setSingleShot(true);
    connect(&m_arrivals, &QTimer::timeout, this, &WireTraffic::arrive);
}

WireTraffic::~WireTraffic()
{
    stop();
}

void WireTraffic::start()
{
    if (m_running)
        return;
    m_running = true;
    const double speed = std::max(1.0, m_options.speed);
    // People already waiting when the doors open: the demo's desk sees work at once.
    for (int i = 0; i < m_options.openingArrivals; ++i) {
        QTimer::singleShot(static_cast<int>(i * 1000 / speed), this, [this] {
            if (m_running)
                arrive();
        });
    }
    if (m_options.colleaguesAfterOpening && m_options.openingArrivals > 0) {
        // A second after the last of them: time to connect and write in.
        const quint64 run = ++m_runs;
        QTimer::singleShot(static_cast<int>(m_options.openingArrivals * 1000 / speed), this, [this, run] {
            if (!m_running || run != m_runs)
                return; // stopped (and perhaps started again) meanwhile
            for (const Credentials &c : m_options.agents)
                startAgent(c);
        });
    } else {
        for (const Credentials &c : m_options.agents)
            startAgent(c);
    }
    scheduleArrival();
}

void WireTraffic::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_arrivals.stop();
    for (Customer *c : m_customers) {
        c->stop();
        c->deleteLater();
    }
    for (Agent *a : m_agents) {
        a->stop();
        a->deleteLater();
    }
    m_customers.clear();
    m_agents.clear();
    m_stats.customersConnected = 0;
    m_stats.agentsOnline = 0;
    changed();
}

void WireTraffic::setArrivalsPerMinute(double perMinute)
{
    m_options.arrivalsPerMinute = perMinute;
    if (m_running)
        scheduleArrival();
}

void WireTraffic::setSpeed(double speed)
{
    m_options.speed = speed;
    if (m_running)
        scheduleArrival();
}

void WireTraffic::scheduleArrival()
{
    if (m_options.arrivalsPerMinute <= 0 || m_options.speed <= 0) {
        m_arrivals.stop();
        return;
    }
    // Arrivals of independent people: a Poisson process, so the gaps are exponential.
    std::exponential_distribution<double> gap(m_options.arrivalsPerMinute / 60.0);
    m_arrivals.start(wallMs(gap(m_rng)));
}

void WireTraffic::arrive()
{
    scheduleArrival();
    if (static_cast<int>(m_customers.size()) >= m_options.maxCustomers || m_options.channels.isEmpty())
        return;
    const bool returning = !m_returning.empty() && chance(m_options.behaviour.returningShare);
    Visitor v;
    if (returning) {
        const std::size_t i = static_cast<std::size_t>(uniformInt(0, int(m_returning.size()) - 1));
        v = m_returning[i];
        m_returning.erase(m_returning.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
        const Phrases &p = phrases();
        const int language = uniformInt(0, 2);
        v.language = language == 0   ? QStringLiteral("en")
                     : language == 1 ? QStringLiteral("zh-HK")
                                     : QStringLiteral("zh-CN");
        v.name = pick(language == 0 ? p.namesEn : language == 1 ? p.namesHk : p.namesCn);
        v.channel = pick(m_options.channels);
    }
    ++m_customerNumber;
    ++m_stats.customersArrived;
    ++m_stats.customersConnected;
    auto *c = new Customer(this, v, returning);
    m_customers.push_back(c);
    changed();
    c->start();
}

void WireTraffic::startAgent(const Credentials &credentials)
{
    auto *a = new Agent(this, credentials);
    m_agents.push_back(a);
    a->start();
}

void WireTraffic::customerGone(Customer *customer, bool gaveUp)
{
    const auto it = std::find(m_customers.begin(), m_customers.end(), customer);
    if (it == m_customers.end())
        return;
    m_customers.erase(it);
    --m_stats.customersConnected;
    if (gaveUp)
        ++m_stats.customersGaveUp;
    // It may be inside one of its own callbacks.
    customer->deleteLater();
    changed();
}

void WireTraffic::report(const QString &line)
{
    emit activity(line);
}

void WireTraffic::complain(const QString &message)
{
    ++m_stats.errors;
    emit problem(message);
    changed();
}

void WireTraffic::changed()
{
    emit statsChanged();
}

double WireTraffic::uniform(double low, double high)
{
    if (high <= low)
        return low;
    return std::uniform_real_distribution<double>(low, high)(m_rng);
}

int WireTraffic::uniformInt(int low, int high)
{
    if (high <= low)
        return low;
    return std::uniform_int_distribution<int>(low, high)(m_rng);
}

bool WireTraffic::chance(double p)
{
    return uniform(0, 1) < p;
}

const QString &WireTraffic::pick(const QStringList &items)
{
    return items.at(uniformInt(0, int(items.size()) - 1));
}

int WireTraffic::wallMs(double simulatedSeconds) const
{
    const double ms = simulatedSeconds * 1000.0 / m_options.speed;
    return static_cast<int>(std::clamp(std::llround(ms), 1LL, static_cast<long long>(INT_MAX)));
}

} // namespace sb
