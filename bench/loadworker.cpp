#include "loadworker.h"

#include "loadconnection.h"
#include "loadrun.h"
#include "rawbytestream.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <cstdio>
#include <cstring>

namespace sb {

namespace {

// Frames are classified by substring, not parsed: the load generator shares the machine's cores
// with the server it measures, so every microsecond it spends per frame is taken from the server.
// The bench's own message text contains no quotes, so these markers cannot appear inside it; the
// few frames whose content matters (set-up replies, conversation.assigned) are parsed in full.
template<std::size_t N>
bool has(QByteArrayView text, const char (&marker)[N])
{
    return ::memmem(text.data(), size_t(text.size()), marker, N - 1) != nullptr;
}

const char kEvent[] = "\"event\":\"";
const char kMessageNew[] = "\"event\":\"message.new\"";
const char kAssigned[] = "\"event\":\"conversation.assigned\"";
const char kClosed[] = "\"event\":\"conversation.closed\"";
const char kError[] = "\"error\":{";

QJsonObject parse(QByteArrayView text)
{
    return QJsonDocument::fromJson(text.toByteArray()).object();
}

} // namespace

LoadWorker::LoadWorker(LoadRun *run, int maxHandshakes, QObject *parent)
    : QObject(parent), m_run(run), m_maxHandshakes(maxHandshakes), m_flushes(new FlushQueue(this)),
      m_pacer(this)
{
    m_framePrefix = "{\"id\":";
    m_frameSuffix = QStringLiteral(",\"op\":\"customer.send\",\"args\":{\"text\":\"%1\"}}")
                        .arg(run->messageText)
                        .toUtf8();
    m_pacer.setTimerType(Qt::PreciseTimer);
    connect(&m_pacer, &QTimer::timeout, this, &LoadWorker::pace);
}

LoadWorker::~LoadWorker()
{
    closeAll();
}

void LoadWorker::addCustomers(const std::vector<int> &slotIds)
{
    for (int slot : slotIds) {
        auto c = std::make_unique<Connection>();
        c->role = Role::Customer;
        c->slot = slot;
        add(std::move(c));
    }
    openNext();
}

void LoadWorker::addAgents(const QStringList &logins)
{
    for (const QString &login : logins) {
        auto c = std::make_unique<Connection>();
        c->role = Role::Agent;
        c->login = login;
        add(std::move(c));
    }
    openNext();
}

void LoadWorker::addEchoSenders(int count)
{
    for (int i = 0; i < count; ++i) {
        auto c = std::make_unique<Connection>();
        c->role = Role::Echo;
        add(std::move(c));
    }
    openNext();
}

void LoadWorker::add(std::unique_ptr<Connection> c)
{
    m_toOpen.push_back(c.get());
    m_connections.push_back(std::move(c));
}

void LoadWorker::openNext()
{
    // A few handshakes at a time: a burst of thousands of SYNs overflows the server's accept
    // backlog, and the dropped ones are retried a whole second later.
    while (m_handshaking < m_maxHandshakes && !m_toOpen.empty()) {
        Connection *c = m_toOpen.front();
        m_toOpen.pop_front();
        ++m_handshaking;
        c->step = Step::Connecting;
        c->socket = new LoadConnection(quint16(m_run->url.port()), m_flushes, this);
        LoadConnection *s = c->socket;
        s->onConnected = [this, c] { onConnected(c); };
        s->onText = [this, c](QByteArrayView text) { onText(c, text); };
        s->onClosed = [this, c] {
            if (c->step != Step::Ready)
                setupDone(c, false);
            else
                ++m_run->dropped;
        };
    }
}

void LoadWorker::setupDone(Connection *c, bool ok)
{
    if (c->counted)
        return;
    c->counted = true;
    --m_handshaking;
    if (ok) {
        c->step = Step::Ready;
        if (c->role == Role::Customer) {
            m_idle.push_back(c);
            ++m_run->idleCustomers;
        }
        ++m_run->ready;
    } else {
        ++m_run->failed;
        const LoadRun::SetupStep step = c->step == Step::Hello    ? LoadRun::Hello
                                        : c->step == Step::SignIn ? LoadRun::SignIn
                                        : c->step == Step::Online ? LoadRun::GoingOnline
                                                                  : LoadRun::Connecting;
        ++m_run->failedAt[step];
        if (m_loggedErrors++ < 5)
            std::fprintf(stderr, "bench_load: a connection failed while %s: %s\n",
                         LoadRun::kSetupStepNames[step],
                         c->socket ? qPrintable(c->socket->failure()) : "not started");
    }
    openNext();
}

void LoadWorker::onConnected(Connection *c)
{
    if (c->role == Role::Echo) {
        setupDone(c, true);
        return;
    }
    c->step = Step::Hello;
    request(c, QStringLiteral("hello"),
            {{QStringLiteral("protocol"), 1}, {QStringLiteral("client"), "bench_load"}});
}

void LoadWorker::request(Connection *c, const QString &op, const QJsonObject &args)
{
    const QJsonObject frame{
        {QStringLiteral("id"), ++c->nextId}, {QStringLiteral("op"), op}, {QStringLiteral("args"), args}};
    c->socket->sendText(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

void LoadWorker::sendMessage(Connection *c)
{
    c->waiting = true;
    ++m_run->inFlight;
    char digits[24];
    const int n = std::snprintf(digits, sizeof digits, "%lld", static_cast<long long>(++c->nextId));
    QByteArray frame;
    frame.reserve(m_framePrefix.size() + n + m_frameSuffix.size());
    frame.append(m_framePrefix).append(digits, n).append(m_frameSuffix);
    c->socket->sendText(frame);
}

void LoadWorker::onText(Connection *c, QByteArrayView text)
{
    if (c->role != Role::Echo && has(text, kEvent)) {
        if (has(text, kMessageNew)) {
            if (c->role == Role::Agent)
                ++m_run->deliveredToAgents;
            else
                ++m_run->echoedToCustomers;
        } else if (c->role == Role::Agent && has(text, kAssigned)) {
            onAssigned(c, text);
        } else if (c->role == Role::Customer && has(text, kClosed)) {
            onClosed(c);
        }
        return; // notices, statuses and queue events change nothing here
    }
    // An echo server answers with the frame itself: neither an event nor an error, so a reply.
    onReply(c, text, c->role != Role::Echo && has(text, kError));
}

void LoadWorker::onReply(Connection *c, QByteArrayView text, bool error)
{
    if (error) {
        ++m_run->errors;
        if (m_loggedErrors++ < 5)
            std::fprintf(stderr, "bench_load: error reply: %s\n",
                         text.first(qMin<qsizetype>(text.size(), 300)).toByteArray().constData());
    }
    switch (c->step) {
    case Step::Queued:
    case Step::Connecting:
        return;
    case Step::Hello:
        if (error) {
            setupDone(c, false);
            return;
        }
        c->step = Step::SignIn;
        if (c->role == Role::Customer)
            request(c, QStringLiteral("customer.start"),
                    {{QStringLiteral("channel"), "web"},
                     {QStringLiteral("name"), QStringLiteral("Customer %1").arg(c->slot)}});
        else
            request(c, QStringLiteral("auth.login"),
                    {{QStringLiteral("login"), c->login}, {QStringLiteral("password"), m_run->password}});
        return;
    case Step::SignIn:
        if (error) {
            setupDone(c, false);
            return;
        }
        if (c->role == Role::Customer) {
            const QString id = parse(text)
                                   .value(QLatin1String("result"))
                                   .toObject()
                                   .value(QLatin1String("customer"))
                                   .toString();
            QMutexLocker lock(&m_run->slotsMutex);
            m_run->slotOfCustomer.insert(id, c->slot);
            lock.unlock();
            setupDone(c, !id.isEmpty());
            return;
        }
        c->step = Step::Online;
        request(c, QStringLiteral("status.set"), {{QStringLiteral("status"), "online"}});
        return;
    case Step::Online:
        setupDone(c, !error);
        return;
    case Step::Ready:
        break;
    }
    if (!c->waiting)
        return; // an agent's conversation.close: nothing waits for it
    c->waiting = false;
    --m_run->inFlight;
    if (!error)
        ++m_run->acked;
    if (m_run->sending.load(std::memory_order_relaxed))
        sendMessage(c);
}

void LoadWorker::onAssigned(Connection *c, QByteArrayView text)
{
    const qint64 now = LoadRun::nowNs();
    ++m_run->assigned;
    const QJsonObject data = parse(text).value(QLatin1String("data")).toObject();
    const QString customer = data.value(QLatin1String("customer")).toString();
    QMutexLocker lock(&m_run->slotsMutex);
    const int slot = m_run->slotOfCustomer.value(customer, -1);
    lock.unlock();
    if (slot >= 0) {
        const qint64 sent = m_run->sentAtNs[slot].exchange(0);
        if (sent > 0)
            m_latencies.push_back({sent, now - sent});
    }
    if (m_run->agentsClose)
        request(c, QStringLiteral("conversation.close"),
                {{QStringLiteral("conversation"), data.value(QLatin1String("id"))}});
}

void LoadWorker::onClosed(Connection *c)
{
    if (!c->open)
        return;
    c->open = false;
    m_idle.push_back(c);
    ++m_run->idleCustomers;
}

void LoadWorker::startSending()
{
    for (const auto &c : m_connections) {
        if (c->step == Step::Ready && c->role != Role::Agent && !c->waiting)
            sendMessage(c.get());
    }
}

void LoadWorker::startArrivals(double perSecond)
{
    m_ratePerSecond = perSecond;
    m_pacingStartNs = LoadRun::nowNs();
    m_issued = 0;
    m_pacer.start(1);
}

void LoadWorker::stopArrivals()
{
    m_pacer.stop();
}

void LoadWorker::pace()
{
    // Arrivals follow the wall clock, not the timer's ticks: a late tick sends the ones it owes.
    const qint64 now = LoadRun::nowNs();
    const auto due = static_cast<qint64>(double(now - m_pacingStartNs) * m_ratePerSecond / 1e9);
    while (m_issued < due) {
        ++m_issued;
        if (m_idle.empty()) {
            ++m_run->missedArrivals;
            continue;
        }
        Connection *c = m_idle.front();
        m_idle.pop_front();
        --m_run->idleCustomers;
        c->open = true;
        m_run->sentAtNs[c->slot] = LoadRun::nowNs();
        ++m_run->arrivals;
        sendMessage(c);
    }
}

std::vector<LoadWorker::LatencySample> LoadWorker::takeLatencies()
{
    return std::exchange(m_latencies, {});
}

void LoadWorker::closeAll()
{
    m_pacer.stop();
    m_toOpen.clear();
    m_idle.clear();
    for (const auto &c : m_connections) {
        if (c->socket) {
            c->socket->abort();
            delete c->socket;
        }
    }
    m_connections.clear();
    m_handshaking = 0;
}

} // namespace sb
