// The agent's desk at scale: the inbox models with 100,000 conversations, and the real `switchboard`
// program's start-up to a usable inbox.
//
//   bench_inbox                    full run: 100,000 rows, 10,000 updates; start-up with 0, 1,000,
//                                  10,000 and 100,000 waiting conversations, 3 runs each (about
//                                  5 minutes)
//   bench_inbox --quick            10,000 rows, 1,000 updates; start-up with 0 and 1,000, 1 run
//   --rows N --updates N --runs N  sizes of the model part and start-up runs per count
//   --startup 0,1000,10000         waiting conversations for the start-up part (empty: skip it)
//   --no-startup                   the model part only
//   --seed N                       another fixed seed
//
// Part 1, the models, in this process (QT_QPA_PLATFORM=offscreen unless set), three stacks:
//   "filter": InboxModel under InboxFilterModel, sorted by the waiting column (no view);
//   "view":   the desk's own InboxPanel (DeskClient's InboxModel, InboxFilterModel and the
//             QTableView with the panel's settings), shown offscreen at 900x700;
//   "table":  InboxModel and InboxFilterModel under a QTableView instead, to compare views (it
//             has no panel clock ticking).
// Rows go in one at a time through upsert(); the view stack lets the event loop run after every
// 1,000 (the delayed layout and the paint a burst of frames would get). Updates are 70%
// messageArrived on a random conversation (customer or agent, unread) and 30% upsert moving it
// between my conversations and the queue; they are also reported split by whether the row kept its
// place in the view's order or moved (a rowsMoved, and the view repaints its rows). Each update, tick, search
// and removal is timed twice: the call alone ("call"), and the call plus the event-loop turn that follows it
// ("+loop": the view's delayed layout and repaint), which is what a person waits for. The panel's own clock
// ticks setNow() once a second during all of this, as in the app; a tick that falls in a
// measured interval counts (it shows in the max).
// Memory: each stack is filled with the rows in a child process of its own (this program again,
// --memory-child), VmRSS read from /proc/self/status before and after.
//
// Part 2, start-up: a CoordinatorHost on a temporary folder with a one-group site; over the
// protocol: first administrator, an agent account with a password; customers start and write
// (customer.start + customer.send) while the agent is offline, so every conversation waits in the
// agent's queue. Then `switchboard --connect URL --login agent --report-ready` (the password in
// SWITCHBOARD_PASSWORD) is started as a child process and timed from QProcess::start() to its
// "ready <ms> <rows> <KiB>" line: signed in, snapshot applied, inbox laid out and painted. The
// child's settings live in a temporary XDG_CONFIG_HOME, so a person's preferences do not count.
//
// Prints tables and a met / not-met line per target; never fails on timing.

#include "coordinatorhost.h"
#include "deskclient.h"
#include "envelope.h"
#include "inboxfiltermodel.h"
#include "inboxmodel.h"
#include "inboxpanel.h"
#include "processinfo.h"
#include "protocol.h"
#include "siteconfig.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QWebSocket>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace sb;

namespace {

struct Options
{
    int rows = 100000;
    int updates = 10000;
    int removals = 1000;
    int runs = 3;
    QList<int> startup{0, 1000, 10000, 100000};
    quint32 seed = 20240611;
};

void trimHeap()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

// One event-loop turn and the one its own work posts (the delayed layout posts the repaint).
void settle()
{
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
}

struct Stats
{
    double p50 = 0, p99 = 0, max = 0, mean = 0; // milliseconds
};

Stats stats(std::vector<qint64> ns)
{
    Stats s;
    if (ns.empty())
        return s;
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
        return ns[std::min(ns.size() - 1, static_cast<size_t>(q * static_cast<double>(ns.size())))] / 1e6;
    };
    s.p50 = at(0.50);
    s.p99 = at(0.99);
    s.max = ns.back() / 1e6;
    double sum = 0;
    for (qint64 v : ns)
        sum += static_cast<double>(v);
    s.mean = sum / static_cast<double>(ns.size()) / 1e6;
    return s;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ---- the workload ----------------------------------------------------------------------------

const char *const kGiven[] = {"Ann",  "Bo",  "Chen", "Dana", "Eli",  "Fatima", "Gus", "Hana",
                              "Ivan", "Jun", "王芳", "李娜", "張偉", "Kofi",   "Lea", "Mia"};
const char *const kFamily[] = {"Lee", "Smith", "Wang", "García", "Okafor", "Novak", "Tanaka", "Silva"};
const char *const kTexts[] = {
    "Hi, my order is late, can you check?",
    "I was charged twice for the same invoice",
    "请问我的包裹什么时候到？",
    "The app logs me out every time I open it",
    "Can I change the delivery address?",
    "Thanks, that worked!",
    "Still waiting for the refund from last week",
    "退貨流程是什麼？",
};
const char *const kChannels[] = {"web", "wechat", "email"};

// Ids look like the coordinator's (a prefix and base-36 characters) and never repeat.
QString conversationId(int i)
{
    return QStringLiteral("c-%1").arg((quint64(i) * 2654435761ull) % 4294967291ull, 7, 36, QLatin1Char('0'));
}

InboxEntry makeEntry(int i, QRandomGenerator &rng, qint64 now)
{
    InboxEntry e;
    e.id = conversationId(i);
    e.customer =
        QStringLiteral("cu-%1").arg((quint64(i) * 40503ull + 7) % 4294967291ull, 7, 36, QLatin1Char('0'));
    e.customerName =
        QStringLiteral("%1 %2 %3")
            .arg(QString::fromUtf8(kGiven[rng.bounded(16)]), QString::fromUtf8(kFamily[rng.bounded(8)]))
            .arg(i);
    e.channel = QString::fromLatin1(kChannels[rng.bounded(3)]);
    e.groups = {QStringLiteral("sales")};
    e.arrivedAt = now - rng.bounded(3 * 3600 * 1000);
    if (rng.bounded(5) == 0) {
        e.place = InboxEntry::Place::Mine;
        e.agent = QStringLiteral("alice");
        e.waitingSince = rng.bounded(2) ? e.arrivedAt + rng.bounded(60000) : 0;
    } else {
        e.place = InboxEntry::Place::Queue;
        e.position = i;
    }
    e.lastText = QString::fromUtf8(kTexts[rng.bounded(8)]);
    e.lastAt = e.arrivedAt;
    e.unread = rng.bounded(3);
    return e;
}

std::vector<InboxEntry> makeEntries(int count, quint32 seed, qint64 now)
{
    QRandomGenerator rng(seed);
    std::vector<InboxEntry> out;
    out.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        out.push_back(makeEntry(i, rng, now));
    return out;
}

// ---- part 1: the models ------------------------------------------------------------------------

// One stack under test: the model, and a bare filter, the desk's InboxPanel, or (to compare views)
// the filter under a QTableView set up like the panel's (the panel used a QTreeView until this comparison).
enum class Kind { Filter, Panel, Table };

class Stack
{
public:
    explicit Stack(Kind kind)
    {
        if (kind == Kind::Panel) {
            m_desk = std::make_unique<DeskClient>();
            m_panel = std::make_unique<InboxPanel>(m_desk.get());
            m_panel->resize(900, 700);
            m_panel->show();
        } else {
            m_model = std::make_unique<InboxModel>();
            m_filter = std::make_unique<InboxFilterModel>();
            m_filter->setSourceModel(m_model.get());
        }
        if (kind == Kind::Table) {
            m_table = std::make_unique<QTableView>();
            m_table->setModel(m_filter.get());
            m_table->verticalHeader()->hide();
            m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
            m_table->setShowGrid(false);
            m_table->setSortingEnabled(true);
            m_table->sortByColumn(InboxModel::WaitingColumn, Qt::AscendingOrder);
            m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
            m_table->setSelectionMode(QAbstractItemView::SingleSelection);
            m_table->horizontalHeader()->setSectionResizeMode(InboxModel::LastMessageColumn,
                                                              QHeaderView::Stretch);
            m_table->resize(900, 700);
            m_table->show();
        }
        settle();
    }
    ~Stack()
    {
        // The views let go of the models first.
        m_table.reset();
        m_panel.reset();
        m_desk.reset();
        m_filter.reset();
        m_model.reset();
    }
    InboxModel *model() const { return m_desk ? m_desk->inbox() : m_model.get(); }
    InboxFilterModel *filter() const { return m_panel ? m_panel->filter() : m_filter.get(); }
    // The event-loop turn after a change: only a stack with a view has anything to do in it.
    void loop() const
    {
        if (m_panel || m_table)
            settle();
    }

private:
    std::unique_ptr<InboxModel> m_model;
    std::unique_ptr<InboxFilterModel> m_filter;
    std::unique_ptr<DeskClient> m_desk;
    std::unique_ptr<InboxPanel> m_panel;
    std::unique_ptr<QTableView> m_table;
};

struct Timed
{
    std::vector<qint64> call;
    std::vector<qint64> loop; // call plus the loop turn
};

template<typename F>
void timeOne(Timed &t, const Stack &stack, F &&f)
{
    QElapsedTimer timer;
    timer.start();
    f();
    const qint64 call = timer.nsecsElapsed();
    stack.loop();
    t.call.push_back(call);
    t.loop.push_back(timer.nsecsElapsed());
}

struct ModelResult
{
    double insertTotalMs = 0;
    Stats insert;    // per upsert, call only
    Timed updates;   // mixed updates
    Timed arrived;   // messageArrived only
    Timed moved;     // upsert changing place only
    Timed kept;      // updates after which the row kept its place in the view's order
    Timed reordered; // updates that moved the row in the view's order (a rowsMoved and a repaint)
    Timed ticks;     // setNow
    Timed removals;
    struct Filter
    {
        QString what;
        double callMs = 0, loopMs = 0;
        int rows = 0;
    };
    std::vector<Filter> filters;
    int rowsAfter = 0;
};

ModelResult runModel(const Options &o, Kind kind, const std::vector<InboxEntry> &entries, qint64 now)
{
    ModelResult r;
    Stack stack(kind);
    InboxModel *model = stack.model();
    model->setNow(now);

    // Inserts, one at a time.
    {
        std::vector<qint64> each;
        each.reserve(entries.size());
        QElapsedTimer total;
        total.start();
        QElapsedTimer one;
        for (size_t i = 0; i < entries.size(); ++i) {
            one.start();
            model->upsert(entries[i]);
            each.push_back(one.nsecsElapsed());
            if ((i + 1) % 1000 == 0)
                stack.loop();
        }
        stack.loop();
        r.insertTotalMs = total.nsecsElapsed() / 1e6;
        r.insert = stats(std::move(each));
    }

    // Updates on random conversations.
    QRandomGenerator rng(o.seed + 1);
    const int n = static_cast<int>(entries.size());
    qint64 at = now;
    InboxFilterModel *shown = stack.filter();
    auto placeOf = [&](const QString &id) { return shown->mapFromSource(model->indexOf(id)).row(); };
    for (int i = 0; i < o.updates; ++i) {
        const QString &id = entries[static_cast<size_t>(rng.bounded(n))].id;
        at += 50;
        const int placeBefore = placeOf(id);
        if (rng.bounded(10) < 7) {
            const bool fromCustomer = rng.bounded(2) == 0;
            const QString text = QString::fromUtf8(kTexts[rng.bounded(8)]);
            auto f = [&] { model->messageArrived(id, text, at, fromCustomer, true); };
            timeOne(r.arrived, stack, f);
            r.updates.call.push_back(r.arrived.call.back());
            r.updates.loop.push_back(r.arrived.loop.back());
        } else {
            InboxEntry e = *model->entry(id);
            const bool toMine = e.waiting();
            e.place = toMine ? InboxEntry::Place::Mine : InboxEntry::Place::Queue;
            e.agent = toMine ? QStringLiteral("alice") : QString();
            if (!toMine)
                e.arrivedAt = at; // requeued
            auto f = [&] { model->upsert(e); };
            timeOne(r.moved, stack, f);
            r.updates.call.push_back(r.moved.call.back());
            r.updates.loop.push_back(r.moved.loop.back());
        }
        Timed &kind = placeOf(id) == placeBefore ? r.kept : r.reordered;
        kind.call.push_back(r.updates.call.back());
        kind.loop.push_back(r.updates.loop.back());
    }

    // The clock: what the panel does once a second.
    for (int i = 0; i < 10; ++i) {
        const qint64 t = now + 1000 * (i + 1);
        timeOne(r.ticks, stack, [&] { model->setNow(t); });
    }

    // Searches and sections.
    InboxFilterModel *filter = stack.filter();
    auto step = [&](const QString &what, const std::function<void()> &f) {
        Timed t;
        // With the rows counted: a rebuilt mapping is made on the first look.
        timeOne(t, stack, [&] {
            f();
            filter->rowCount();
        });
        r.filters.push_back({what, t.call[0] / 1e6, t.loop[0] / 1e6, filter->rowCount()});
    };
    const QString many = QStringLiteral("lee");
    const QString one = QStringLiteral("Okafor %1").arg(n / 2);
    step(QStringLiteral("search \"%1\"").arg(many), [&] { filter->setSearch(many); });
    step(QStringLiteral("search \"%1\"").arg(one), [&] { filter->setSearch(one); });
    step(QStringLiteral("search \"退貨\""), [&] { filter->setSearch(QStringLiteral("退貨")); });
    step(QStringLiteral("search \"#none#\""), [&] { filter->setSearch(QStringLiteral("#none#")); });
    step(QStringLiteral("search cleared"), [&] { filter->setSearch(QString()); });
    step(QStringLiteral("section Mine"), [&] { filter->setSection(InboxFilterModel::Section::Mine); });
    step(QStringLiteral("section Queue"), [&] { filter->setSection(InboxFilterModel::Section::Queue); });
    step(QStringLiteral("section Queue + search \"%1\"").arg(many), [&] { filter->setSearch(many); });
    step(QStringLiteral("search cleared"), [&] { filter->setSearch(QString()); });
    step(QStringLiteral("section All"), [&] { filter->setSection(InboxFilterModel::Section::All); });

    // Removals of random conversations.
    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        order[static_cast<size_t>(i)] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (int i = 0; i < std::min(o.removals, n); ++i) {
        const QString &id = entries[static_cast<size_t>(order[static_cast<size_t>(i)])].id;
        timeOne(r.removals, stack, [&] { model->remove(id); });
    }
    r.rowsAfter = model->rowCount();
    return r;
}

// The child process of the memory table: fills one stack and prints "<before KiB> <after KiB>". Rows
// are made one at a time and handed over, so nothing but the inbox holds them.
int memoryChild(const QString &kind, int rows, quint32 seed)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::unique_ptr<InboxModel> bare;
    std::unique_ptr<Stack> stack;
    InboxModel *model = nullptr;
    if (kind == QLatin1String("model")) {
        bare = std::make_unique<InboxModel>();
        model = bare.get();
    } else {
        stack = std::make_unique<Stack>(kind == QLatin1String("view") ? Kind::Panel : Kind::Filter);
        model = stack->model();
    }
    model->setNow(now);
    settle();
    trimHeap();
    const qint64 before = residentKiB();
    QRandomGenerator rng(seed);
    for (int i = 0; i < rows; ++i) {
        model->upsert(makeEntry(i, rng, now));
        if (stack && (i + 1) % 1000 == 0)
            stack->loop();
    }
    if (stack)
        stack->loop();
    trimHeap();
    std::printf("%lld %lld\n", before, residentKiB());
    return 0;
}

struct MemoryRow
{
    QString kind;
    qint64 before = 0, after = 0;
    bool ok = false;
};

MemoryRow measureMemory(const QString &kind, const Options &o)
{
    MemoryRow m;
    m.kind = kind;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--memory-child"), kind, QString::number(o.rows), QStringLiteral("--seed"),
                 QString::number(o.seed)});
    if (!child.waitForFinished(10 * 60 * 1000))
        return m;
    const QList<QByteArray> f = child.readAllStandardOutput().trimmed().split(' ');
    if (f.size() < 2)
        return m;
    m.before = f[0].toLongLong();
    m.after = f[1].toLongLong();
    m.ok = m.after > 0;
    return m;
}

// ---- part 2: start-up of the real program ----------------------------------------------------

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"], "maxConcurrent": 3}],
  "rules": [{"id": "all", "groups": ["sales"], "strategy": "least-load"}]
})";
const QString kPassword = QStringLiteral("bench inbox password 42");

// A protocol client over one WebSocket that keeps many requests in flight.
class Client
{
public:
    explicit Client(const QUrl &url)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            auto parsed = protocol::parseIncoming(text.toUtf8());
            auto *in = std::get_if<protocol::Incoming>(&parsed);
            if (!in || in->kind == protocol::Incoming::Event)
                return;
            ++m_replies;
            if (in->kind == protocol::Incoming::Error) {
                ++m_errors;
                m_lastError = in->message;
            }
            m_last = in->payload;
            m_lastBytes = text.toUtf8().size();
        });
        m_socket.setMaxAllowedIncomingFrameSize(4 * protocol::Limits::maxFrameBytes);
        m_socket.setMaxAllowedIncomingMessageSize(4 * protocol::Limits::maxFrameBytes);
        m_socket.open(url);
        waitUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

    void post(const QString &op, const QJsonObject &args = {})
    {
        m_socket.sendTextMessage(QString::fromUtf8(protocol::encodeRequest(++m_sent, op, args)));
    }
    // Sends and waits for its reply; the result (empty on error or time-out).
    QJsonObject call(const QString &op, const QJsonObject &args = {})
    {
        const qint64 errors = m_errors;
        post(op, args);
        if (!drain(30000) || m_errors != errors)
            return {};
        return m_last;
    }
    // Waits until at most `inFlight` requests are unanswered.
    bool drain(int timeoutMs, qint64 inFlight = 0)
    {
        return waitUntil([&] { return m_sent - m_replies <= inFlight; }, timeoutMs);
    }
    qint64 errors() const { return m_errors; }
    QString lastError() const { return m_lastError; }
    qint64 lastBytes() const { return m_lastBytes; }

private:
    bool waitUntil(const std::function<bool()> &done, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!done() && t.elapsed() < timeoutMs)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        return done();
    }

    QWebSocket m_socket;
    qint64 m_sent = 0, m_replies = 0, m_errors = 0, m_lastBytes = 0;
    QString m_lastError;
    QJsonObject m_last;
};

struct StartupRow
{
    int waiting = 0; // conversations in the agent's queue
    int rows = 0;    // rows the program reported
    qint64 snapshotBytes = 0;
    double wallMs = 0; // median: QProcess::start() to the ready line
    double selfMs = 0; // median: the program's own time since its process started
    double rssMB = 0;  // median, at ready
    std::vector<double> walls;
    QString error;
};

QString switchboardPath()
{
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString &p :
         {here + QStringLiteral("/../app/desktop/switchboard"), here + QStringLiteral("/switchboard")}) {
        if (QFile::exists(p))
            return p;
    }
    return QStringLiteral(SB_SWITCHBOARD_PATH);
}

// What the program said on stderr, without Qt's notes about the environment.
QString stderrTail(const QByteArray &err)
{
    QStringList lines;
    for (const QByteArray &line : err.split('\n')) {
        if (!line.trimmed().isEmpty() && !line.startsWith("QStandardPaths:") &&
            !line.startsWith("This plugin"))
            lines << QString::fromUtf8(line.trimmed());
    }
    return lines.join(QLatin1String(" / ")).right(300);
}

// One start of the program; false with *error when it did not report.
bool startOnce(const QUrl &url, const QString &configDir, StartupRow &row, double *wall, double *self,
               double *rssMB, QString *error)
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configDir);
    env.insert(QStringLiteral("SWITCHBOARD_PASSWORD"), kPassword);
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::SeparateChannels);
    QByteArray out;
    QElapsedTimer timer;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    double wallMs = -1;
    QObject::connect(&app, &QProcess::readyReadStandardOutput, &loop, [&] {
        out += app.readAllStandardOutput();
        if (wallMs < 0 && out.contains("ready ") && out.contains('\n')) {
            wallMs = timer.nsecsElapsed() / 1e6;
            loop.quit();
        }
    });
    QObject::connect(&app, &QProcess::finished, &loop, &QEventLoop::quit);
    timer.start();
    app.start(switchboardPath(), {QStringLiteral("--connect"), url.toString(), QStringLiteral("--login"),
                                  QStringLiteral("alice"), QStringLiteral("--report-ready")});
    deadline.start(30000);
    loop.exec();
    bool ok = false;
    for (const QByteArray &line : out.split('\n')) {
        const QList<QByteArray> f = line.trimmed().split(' ');
        if (f.size() >= 4 && f[0] == "ready" && wallMs >= 0) {
            *wall = wallMs;
            *self = f[1].toDouble();
            row.rows = f[2].toInt();
            *rssMB = f[3].toDouble() / 1024.0;
            ok = true;
        }
    }
    if (!ok)
        *error = QStringLiteral("no ready line within 30 s (%1, exit %2): %3")
                     .arg(app.state() == QProcess::Running ? QStringLiteral("still running")
                                                           : QStringLiteral("ended"))
                     .arg(app.exitCode())
                     .arg(stderrTail(app.readAllStandardError()));
    app.terminate();
    if (!app.waitForFinished(5000)) {
        app.kill();
        app.waitForFinished(5000);
    }
    return ok;
}

std::vector<StartupRow> runStartup(const Options &o)
{
    std::vector<StartupRow> rows;
    QTemporaryDir dir;
    QTemporaryDir config;
    CoordinatorHost host;
    CoordinatorHost::Options ho;
    ho.dataDir = dir.path();
    ho.address = QHostAddress::LocalHost;
    QString error;
    ho.seedSite = SiteConfig::fromJson(kSite, &error);
    if (!ho.seedSite || !host.start(ho, &error)) {
        StartupRow r;
        r.error = QStringLiteral("coordinator: %1").arg(error);
        rows.push_back(r);
        return rows;
    }
    const QUrl url = host.localUrl();
    {
        Client admin(url);
        admin.call(QStringLiteral("hello"), {{QStringLiteral("protocol"), protocol::kVersion}});
        admin.call(QStringLiteral("auth.setup"), {{QStringLiteral("login"), QStringLiteral("root")},
                                                  {QStringLiteral("password"), kPassword},
                                                  {QStringLiteral("displayName"), QStringLiteral("Root")}});
        admin.call(QStringLiteral("account.create"),
                   {{QStringLiteral("login"), QStringLiteral("alice")},
                    {QStringLiteral("displayName"), QStringLiteral("Alice")},
                    {QStringLiteral("role"), QStringLiteral("agent")},
                    {QStringLiteral("password"), kPassword}});
        if (admin.errors() > 0) {
            StartupRow r;
            r.error = QStringLiteral("setup: %1").arg(admin.lastError());
            rows.push_back(r);
            return rows;
        }
    }

    // Customers arrive over two connections, each starting one customer after another (a new
    // customer.start takes the connection over), many requests in flight.
    Client customers(url);
    customers.call(QStringLiteral("hello"), {{QStringLiteral("protocol"), protocol::kVersion}});
    QRandomGenerator rng(o.seed + 2);
    int made = 0;
    QList<int> counts = o.startup;
    std::sort(counts.begin(), counts.end());
    for (int target : std::as_const(counts)) {
        StartupRow row;
        row.waiting = target;
        QElapsedTimer filling;
        filling.start();
        for (; made < target; ++made) {
            customers.post(QStringLiteral("customer.start"),
                           {{QStringLiteral("channel"), QStringLiteral("web")},
                            {QStringLiteral("name"), QStringLiteral("%1 %2 %3")
                                                         .arg(QString::fromUtf8(kGiven[rng.bounded(16)]),
                                                              QString::fromUtf8(kFamily[rng.bounded(8)]))
                                                         .arg(made)}});
            customers.post(QStringLiteral("customer.send"),
                           {{QStringLiteral("text"), QString::fromUtf8(kTexts[rng.bounded(8)])}});
            customers.drain(60000, 400);
        }
        customers.drain(120000);
        if (customers.errors() > 0) {
            row.error = QStringLiteral("customers: %1 errors, the last: %2")
                            .arg(customers.errors())
                            .arg(customers.lastError());
            rows.push_back(row);
            break;
        }
        if (target > 0)
            std::fprintf(stderr, "bench_inbox: %d waiting conversations (%.1f s to make)\n", target,
                         filling.elapsed() / 1000.0);
        {
            // What the program will be sent: the agent's snapshot, and its size on the wire.
            Client agent(url);
            agent.call(QStringLiteral("hello"), {{QStringLiteral("protocol"), protocol::kVersion}});
            agent.call(QStringLiteral("auth.login"), {{QStringLiteral("login"), QStringLiteral("alice")},
                                                      {QStringLiteral("password"), kPassword}});
            agent.call(QStringLiteral("inbox.snapshot"));
            row.snapshotBytes = agent.lastBytes();
            agent.call(QStringLiteral("auth.logout"));
        }
        std::vector<double> walls, selfs, rss;
        for (int run = 0; run < o.runs; ++run) {
            double wall = 0, self = 0, mb = 0;
            QString why;
            if (!startOnce(url, config.path(), row, &wall, &self, &mb, &why)) {
                row.error = why;
                break;
            }
            walls.push_back(wall);
            selfs.push_back(self);
            rss.push_back(mb);
        }
        row.walls = walls;
        row.wallMs = median(walls);
        row.selfMs = median(selfs);
        row.rssMB = median(rss);
        rows.push_back(row);
    }
    host.stop();
    return rows;
}

void printStats(const char *what, const Timed &filter, const Timed &view, bool loopColumns)
{
    const Stats fc = stats(filter.call), vc = stats(view.call), vl = stats(view.loop);
    std::printf("%-26s %7zu %8.3f %8.3f %8.2f | %8.3f %8.3f %8.2f", what, view.call.size(), fc.p50, fc.p99,
                fc.max, vc.p50, vc.p99, vc.max);
    if (loopColumns)
        std::printf(" | %8.3f %8.3f %8.2f", vl.p50, vl.p99, vl.max);
    std::printf("\n");
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options o;
    const QStringList args = app.arguments();
    bool startup = true;
    QString memoryKind;
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        const QString next = args.value(i + 1);
        if (a == QLatin1String("--quick")) {
            o.rows = 10000;
            o.updates = 1000;
            o.removals = 200;
            o.runs = 1;
            o.startup = {0, 1000};
        } else if (a == QLatin1String("--rows")) {
            o.rows = std::max(1000, next.toInt());
            ++i;
        } else if (a == QLatin1String("--updates")) {
            o.updates = std::max(1, next.toInt());
            ++i;
        } else if (a == QLatin1String("--runs")) {
            o.runs = std::max(1, next.toInt());
            ++i;
        } else if (a == QLatin1String("--startup")) {
            o.startup.clear();
            for (const QString &n : next.split(QLatin1Char(','), Qt::SkipEmptyParts))
                o.startup << n.toInt();
            ++i;
        } else if (a == QLatin1String("--no-startup")) {
            startup = false;
        } else if (a == QLatin1String("--seed")) {
            o.seed = next.toUInt();
            ++i;
        } else if (a == QLatin1String("--memory-child")) {
            memoryKind = next;
            o.rows = args.value(i + 2).toInt();
            i += 2;
        } else {
            std::fprintf(stderr, "bench_inbox: unknown argument %s (see the top of bench/bench_inbox.cpp)\n",
                         qPrintable(a));
            return 2;
        }
    }
    if (!memoryKind.isEmpty())
        return memoryChild(memoryKind, o.rows, o.seed);

    std::printf("bench_inbox: %d conversations, %d updates, %d removals; Qt %s, platform %s\n\n", o.rows,
                o.updates, o.removals, qVersion(), qPrintable(QGuiApplication::platformName()));

    // ---- part 1 ----
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const std::vector<InboxEntry> entries = makeEntries(o.rows, o.seed, now);
    const ModelResult filter = runModel(o, Kind::Filter, entries, now);
    trimHeap();
    const ModelResult view = runModel(o, Kind::Panel, entries, now);
    trimHeap();
    const ModelResult table = runModel(o, Kind::Table, entries, now);
    trimHeap();

    std::printf("Inserting %d rows one by one through upsert() (ms)\n", o.rows);
    std::printf("%-8s %10s %12s %10s %10s\n", "stack", "total", "mean/insert", "p99", "max");
    for (const auto *r : {&filter, &view, &table})
        std::printf("%-8s %10.0f %12.4f %10.4f %10.2f\n",
                    r == &filter ? "filter"
                    : r == &view ? "view"
                                 : "table",
                    r->insertTotalMs, r->insert.mean, r->insert.p99, r->insert.max);
    std::printf("(view, table: the event loop ran after every 1,000 inserts, included in the total)\n\n");

    std::printf("Per operation with %d rows (ms): filter = model + InboxFilterModel; view = the desk's "
                "InboxPanel;\ncall = the model call alone, +loop = the call and the event-loop turn after "
                "it (delayed layout, repaint)\n",
                o.rows);
    std::printf("%-26s %7s %8s %8s %8s | %8s %8s %8s | %8s %8s %8s\n", "", "count", "filter", "", "", "view",
                "call", "", "view", "+loop", "");
    std::printf("%-26s %7s %8s %8s %8s | %8s %8s %8s | %8s %8s %8s\n", "operation", "", "p50", "p99", "max",
                "p50", "p99", "max", "p50", "p99", "max");
    printStats("update (mixed)", filter.updates, view.updates, true);
    printStats("  messageArrived", filter.arrived, view.arrived, true);
    printStats("  upsert changing place", filter.moved, view.moved, true);
    printStats("  row kept its place", filter.kept, view.kept, true);
    printStats("  row moved in the order", filter.reordered, view.reordered, true);
    printStats("setNow (clock tick)", filter.ticks, view.ticks, true);
    printStats("remove", filter.removals, view.removals, true);
    std::printf("\n");

    std::printf("The same with a QTableView over the filter beside the panel's own (ms, +loop)\n");
    std::printf("%-26s %8s %8s %8s | %8s %8s %8s\n", "operation", "panel p50", "p99", "max", "table p50",
                "p99", "max");
    auto compare = [](const char *what, const Timed &tree, const Timed &t) {
        const Stats a = stats(tree.loop), b = stats(t.loop);
        std::printf("%-26s %8.3f %8.3f %8.2f | %9.3f %8.3f %8.2f\n", what, a.p50, a.p99, a.max, b.p50, b.p99,
                    b.max);
    };
    compare("update (mixed)", view.updates, table.updates);
    compare("setNow (clock tick)", view.ticks, table.ticks);
    compare("remove", view.removals, table.removals);
    std::printf("\n");

    std::printf("Filtering %d rows (ms per change; rows shown after it)\n", o.rows);
    std::printf("%-34s %9s %9s %9s %11s %9s\n", "change", "filter", "view call", "view+loop", "table+loop",
                "rows");
    for (size_t i = 0; i < view.filters.size(); ++i)
        std::printf("%-34s %9.1f %9.1f %9.1f %11.1f %9d\n", qPrintable(view.filters[i].what),
                    filter.filters[i].callMs, view.filters[i].callMs, view.filters[i].loopMs,
                    table.filters[i].loopMs, view.filters[i].rows);
    std::printf("\n");

    std::printf("Resident memory (VmRSS) with %d rows, each stack in a fresh process\n", o.rows);
    std::printf("%-28s %11s %11s %11s %12s\n", "stack", "before MB", "after MB", "delta MB", "bytes/row");
    qint64 viewDeltaKiB = -1;
    for (const QString &kind : {QStringLiteral("model"), QStringLiteral("filter"), QStringLiteral("view")}) {
        const MemoryRow m = measureMemory(kind, o);
        const char *label = kind == QLatin1String("model")    ? "InboxModel"
                            : kind == QLatin1String("filter") ? "+ InboxFilterModel"
                                                              : "InboxPanel (model+filter+view)";
        if (!m.ok) {
            std::printf("%-28s (the child process failed)\n", label);
            continue;
        }
        std::printf("%-28s %11.1f %11.1f %11.1f %12.0f\n", label, m.before / 1024.0, m.after / 1024.0,
                    (m.after - m.before) / 1024.0, (m.after - m.before) * 1024.0 / o.rows);
        if (kind == QLatin1String("view"))
            viewDeltaKiB = m.after - m.before;
    }
    std::printf("\n");

    // ---- part 2 ----
    std::vector<StartupRow> starts;
    if (startup && !o.startup.isEmpty()) {
        starts = runStartup(o);
        std::printf(
            "Start-up of `switchboard --connect ... --report-ready` to a usable inbox (median of %d)\n",
            o.runs);
        std::printf("%9s %11s %7s %12s %12s %9s   %s\n", "waiting", "snapshot KB", "rows", "wall ms",
                    "self ms", "RSS MB", "runs (wall ms)");
        for (const StartupRow &r : starts) {
            if (!r.error.isEmpty() && r.walls.empty()) {
                std::printf("%9d %11.1f  failed: %s\n", r.waiting, r.snapshotBytes / 1024.0,
                            qPrintable(r.error));
                continue;
            }
            QStringList runs;
            for (double w : r.walls)
                runs << QString::number(w, 'f', 0);
            std::printf("%9d %11.1f %7d %12.0f %12.0f %9.1f   %s\n", r.waiting, r.snapshotBytes / 1024.0,
                        r.rows, r.wallMs, r.selfMs, r.rssMB, qPrintable(runs.join(QLatin1String(", "))));
            if (!r.error.isEmpty())
                std::printf("%9s  then failed: %s\n", "", qPrintable(r.error));
        }
        std::printf("wall: from QProcess::start() to the ready line; self: the program's own count from its "
                    "process start (10 ms ticks)\n\n");
    }

    // ---- verdicts ----
    std::printf("Targets\n");
    const Stats upd = stats(view.updates.loop);
    std::printf("  row update under 1 ms with %d rows (p99, view + loop): %.3f ms -> %s\n", o.rows, upd.p99,
                upd.p99 < 1.0 ? "met" : "NOT met");
    if (!starts.empty()) {
        // Every measured count must start in time; a count that never showed its inbox fails it.
        QStringList each;
        bool allMet = true;
        const StartupRow *full = nullptr; // the run with as many waiting as the model part's rows
        const StartupRow *empty = nullptr;
        for (const StartupRow &r : starts) {
            if (r.walls.empty()) {
                each << QStringLiteral("%1 waiting: no usable inbox").arg(r.waiting);
                allMet = false;
                continue;
            }
            each << QStringLiteral("%1 waiting: %2 ms").arg(r.waiting).arg(r.wallMs, 0, 'f', 0);
            allMet = allMet && r.wallMs < 1000;
            if (r.waiting == o.rows)
                full = &r;
            if (r.waiting == 0)
                empty = &r;
        }
        std::printf("  start-up under 1 s (median wall; %s) -> %s\n",
                    qPrintable(each.join(QLatin1String(", "))), allMet ? "met" : "NOT met");
        if (full) {
            std::printf(
                "  under 150 MB resident with %d conversations (the program at ready): %.1f MB -> %s\n",
                o.rows, full->rssMB, full->rssMB < 150 ? "met" : "NOT met");
        } else if (empty && viewDeltaKiB >= 0) {
            const double estimate = empty->rssMB + viewDeltaKiB / 1024.0;
            std::printf(
                "  under 150 MB resident with %d conversations: the program could not be measured "
                "with them; estimate (its RSS with an empty inbox + the InboxPanel stack's growth for "
                "%d rows): %.1f MB -> %s (estimate)\n",
                o.rows, o.rows, estimate, estimate < 150 ? "met" : "NOT met");
        } else {
            std::printf("  under 150 MB resident: not measured\n");
        }
    } else if (viewDeltaKiB >= 0) {
        std::printf("  memory: the InboxPanel stack grows by %.1f MB for %d rows (start-up part skipped)\n",
                    viewDeltaKiB / 1024.0, o.rows);
    }
    return 0;
}
