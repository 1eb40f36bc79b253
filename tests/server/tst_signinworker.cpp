// Password hashing off the service thread, over real sockets: while one client's sign-in is held
// on the worker (a password check the test blocks), other clients are answered; the signing-in
// client's later requests wait and are answered after it, in order; a client that leaves while
// its password is checked breaks nothing. Also measured with the real Argon2id.

#include "clock.h"
#include "coordinatorservice.h"
#include "passwordhasher.h"
#include "protocol.h"
#include "testservice.h"
#include "websocketgateway.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QWaitCondition>
#include <atomic>

using namespace sb;
using protocol::ErrorCode;
using protocol::Incoming;

namespace {

const char kSite[] = R"({
  "routing": {"timeZone": "UTC", "allowedStatuses": ["online"]},
  "channels": [{"id": "web", "name": "Web"}],
  "groups": [{"id": "sales", "name": "Sales"}],
  "agents": [{"id": "alice", "name": "Alice", "groups": ["sales"]}],
  "rules": [{"id": "web", "when": {"channels": ["web"]}, "groups": ["sales"]}]
})";

const QString kPassword = QStringLiteral("correct horse battery");

// A door on the worker thread: password checks wait at it while it is shut.
struct Gate
{
    QMutex mutex;
    QWaitCondition opened;
    bool open = true;
    std::atomic<int> waiting{0};
    std::atomic<int> finished{0}; // password checks and hashes done

    void pass()
    {
        QMutexLocker lock(&mutex);
        ++waiting;
        while (!open)
            opened.wait(&mutex);
        --waiting;
    }
    void setOpen(bool value)
    {
        QMutexLocker lock(&mutex);
        open = value;
        opened.wakeAll();
    }
};

} // namespace

class TestSignInWorker : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void othersAnsweredWhileHashing();
    void laterRequestsWaitForTheSignIn();
    void tooMuchBehindASignInIsRefusedByItsId();
    void clientLeavesWhileHashing();
    void setupRaceMakesOneAdmin();
    void measuredWithArgon2id();

private:
    void startService(bool gated);
    std::unique_ptr<WsClient> client();
    // The reply to the request with this id, once it came.
    static const Incoming *replyTo(const WsClient &c, qint64 id);

    QTemporaryDir m_dir;
    ManualClock m_clock;
    Gate m_gate;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestSignInWorker::startService(bool gated)
{
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    if (gated) {
        options.verifyPassword = [this](const QString &encoded, const QString &password) {
            m_gate.pass();
            const bool ok = !encoded.isEmpty() && PasswordHasher::verify(encoded, password);
            ++m_gate.finished;
            return ok;
        };
        options.hashPassword = [this](const QString &password) {
            m_gate.pass();
            const QString hash = PasswordHasher::hash(password);
            ++m_gate.finished;
            return hash;
        };
    }
    QString error;
    QVERIFY2(startTestService(m_clock, options, kSite, m_service, m_gateway, &error), qPrintable(error));
}

void TestSignInWorker::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    m_clock.setMs(1764000000000);
    m_gate.setOpen(true);
    startService(true);
}

void TestSignInWorker::cleanup()
{
    m_gate.setOpen(true); // stop() waits for the workers
    stopTestService(m_service, m_gateway);
}

std::unique_ptr<WsClient> TestSignInWorker::client()
{
    auto c = std::make_unique<WsClient>(m_gateway->port());
    if (c->ok)
        c->ok = c->call(QStringLiteral("hello"), {{"protocol", 1}}).kind == Incoming::Result;
    return c;
}

const Incoming *TestSignInWorker::replyTo(const WsClient &c, qint64 id)
{
    for (const Incoming &r : c.replies) {
        if (r.id.toInteger() == id)
            return &r;
    }
    return nullptr;
}

void TestSignInWorker::othersAnsweredWhileHashing()
{
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    QVERIFY(
        root->ok_(QStringLiteral("account.create"),
                  {{"login", "alice"}, {"displayName", "Alice"}, {"role", "agent"}, {"password", kPassword}})
            .contains("id"));

    m_gate.setOpen(false);
    auto alice = client();
    const qint64 login =
        alice->post(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
    QTRY_COMPARE(m_gate.waiting.load(), 1); // her password is being checked, and stays so
    // Meanwhile the coordinator answers everyone else, sign-ins aside.
    for (int i = 0; i < 5; ++i)
        QVERIFY(root->ok_(QStringLiteral("directory.agents")).contains("agents"));
    auto guest = client();
    QVERIFY(guest->ok_(QStringLiteral("customer.start"), {{"channel", "web"}, {"name", "Carl"}})
                .contains("token"));
    QVERIFY(guest->ok_(QStringLiteral("customer.send"), {{"text", "hello?"}}).contains("id"));
    QVERIFY(!replyTo(*alice, login));
    // Let it through: she is signed in.
    m_gate.setOpen(true);
    QVERIFY(alice->waitFor([&] { return replyTo(*alice, login) != nullptr; }, 5000));
    QCOMPARE(replyTo(*alice, login)->kind, Incoming::Result);
    QVERIFY(replyTo(*alice, login)->payload.contains("token"));
}

void TestSignInWorker::laterRequestsWaitForTheSignIn()
{
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    QVERIFY(
        root->ok_(QStringLiteral("account.create"),
                  {{"login", "alice"}, {"displayName", "Alice"}, {"role", "agent"}, {"password", kPassword}})
            .contains("id"));
    m_gate.setOpen(false);
    auto alice = client();
    // Sent back to back, as a desk does: without holding them, the status and snapshot would be
    // refused as unauthenticated (they would overtake the sign-in).
    const qint64 login =
        alice->post(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", kPassword}});
    const qint64 status = alice->post(QStringLiteral("status.set"), {{"status", "online"}});
    const qint64 inbox = alice->post(QStringLiteral("inbox.snapshot"));
    QTRY_COMPARE(m_gate.waiting.load(), 1);
    QVERIFY(!alice->waitFor([&] { return alice->replies.size() > 1; }, 100)); // hello's only
    m_gate.setOpen(true);
    QVERIFY(alice->waitFor([&] { return alice->replies.size() >= 4; }, 5000));
    QCOMPARE(alice->replies[1].id.toInteger(), login);
    QCOMPARE(alice->replies[2].id.toInteger(), status);
    QCOMPARE(alice->replies[3].id.toInteger(), inbox);
    for (const Incoming &r : alice->replies)
        QCOMPARE(r.kind, Incoming::Result);
    QCOMPARE(alice->replies[3].payload.value("me").toObject().value("status").toString(),
             QStringLiteral("online"));

    // A wrong password: the requests behind it are refused as they would be without a session.
    auto mallory = client();
    const qint64 bad =
        mallory->post(QStringLiteral("auth.login"), {{"login", "alice"}, {"password", "not it at all"}});
    const qint64 after = mallory->post(QStringLiteral("inbox.snapshot"));
    QVERIFY(mallory->waitFor([&] { return mallory->replies.size() >= 3; }, 5000));
    QCOMPARE(mallory->replies[1].id.toInteger(), bad);
    QCOMPARE(protocol::toString(mallory->replies[1].code), protocol::toString(ErrorCode::BadCredentials));
    QCOMPARE(mallory->replies[2].id.toInteger(), after);
    QCOMPARE(protocol::toString(mallory->replies[2].code), protocol::toString(ErrorCode::Unauthenticated));
}

void TestSignInWorker::tooMuchBehindASignInIsRefusedByItsId()
{
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    m_gate.setOpen(false);
    auto c = client();
    const qint64 login = c->post(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
    QTRY_COMPARE(m_gate.waiting.load(), 1);
    // Requests of 6 MiB each behind it: two are held (12 MiB), the third would pass 16 MiB.
    const QString padding(6 * 1024 * 1024, QLatin1Char('x'));
    std::vector<qint64> held;
    for (int i = 0; i < 3; ++i)
        held.push_back(c->post(QStringLiteral("directory.agents"), {{"padding", padding}}));
    QVERIFY(c->waitFor([&] { return replyTo(*c, held[2]) != nullptr; }, 10000));
    const Incoming *refused = replyTo(*c, held[2]);
    QCOMPARE(protocol::toString(refused->code), protocol::toString(ErrorCode::RateLimited));
    QVERIFY2(refused->message.contains(QLatin1String("behind a sign-in")), qPrintable(refused->message));
    QVERIFY(!replyTo(*c, login));
    // The sign-in and the two held requests are answered once it is through, in order.
    m_gate.setOpen(true);
    QVERIFY(c->waitFor([&] { return replyTo(*c, held[1]) != nullptr; }, 10000));
    QCOMPARE(replyTo(*c, login)->kind, Incoming::Result);
    QCOMPARE(replyTo(*c, held[0])->kind, Incoming::Result);
    QCOMPARE(replyTo(*c, held[1])->kind, Incoming::Result);
}

void TestSignInWorker::clientLeavesWhileHashing()
{
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    const int sessions = m_service->sessionCount();
    m_gate.setOpen(false);
    // A sign-in and an account being created, each by a client that then goes away.
    auto leaving = client();
    leaving->post(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
    leaving->post(QStringLiteral("inbox.snapshot"));
    QTRY_COMPARE(m_gate.waiting.load(), 1);
    const int links = m_service->linkCount();
    const int finished = m_gate.finished.load();
    leaving.reset();
    QTRY_COMPARE(m_service->linkCount(), links - 1);
    m_gate.setOpen(true);
    // Whatever comes back finds no link: no session made, nothing sent, the service carries on.
    QTRY_COMPARE(m_gate.finished.load(), finished + 1);
    QVERIFY(root->ok_(QStringLiteral("directory.agents")).contains("agents"));
    QCOMPARE(m_service->sessionCount(), sessions);
    // A new connection (perhaps at the same address in memory) is not answered for the old one.
    auto next = client();
    QVERIFY(next->ok);
    QVERIFY(!next->waitFor([&] { return next->replies.size() > 1; }, 100));
    QCOMPARE(next->replies.size(), std::size_t(1)); // hello's
}

void TestSignInWorker::setupRaceMakesOneAdmin()
{
    m_gate.setOpen(false);
    auto first = client();
    auto second = client();
    const qint64 a = first->post(QStringLiteral("auth.setup"),
                                 {{"login", "one"}, {"password", kPassword}, {"displayName", "One"}});
    const qint64 b = second->post(QStringLiteral("auth.setup"),
                                  {{"login", "two"}, {"password", kPassword}, {"displayName", "Two"}});
    // Both pass the first check and hash (one at a time or side by side, as the pool allows).
    QTRY_VERIFY(m_gate.waiting.load() >= 1);
    m_gate.setOpen(true);
    QVERIFY(first->waitFor([&] { return replyTo(*first, a) != nullptr; }, 5000));
    QVERIFY(second->waitFor([&] { return replyTo(*second, b) != nullptr; }, 5000));
    const bool firstWon = replyTo(*first, a)->kind == Incoming::Result;
    const Incoming *loser = firstWon ? replyTo(*second, b) : replyTo(*first, a);
    QCOMPARE(firstWon ? replyTo(*second, b)->kind : replyTo(*first, a)->kind, Incoming::Error);
    QCOMPARE(protocol::toString(loser->code), protocol::toString(ErrorCode::SetupDone));
    QVERIFY(!m_service->needsSetup());
}

void TestSignInWorker::measuredWithArgon2id()
{
    // The real hasher: while one client signs in 10 times in a row, another asks for the agent
    // directory as fast as it is answered. Before, each sign-in stalled it for the whole hash.
    m_gate.setOpen(true);
    stopTestService(m_service, m_gateway);
    QDir(m_dir.path()).removeRecursively();
    startService(false);
    auto root = client();
    QVERIFY(root->ok_(QStringLiteral("auth.setup"),
                      {{"login", "root"}, {"password", kPassword}, {"displayName", "Root"}})
                .contains("token"));
    auto busy = client();
    constexpr int kSignIns = 10;
    for (int i = 0; i < kSignIns; ++i)
        busy->post(QStringLiteral("auth.login"), {{"login", "root"}, {"password", kPassword}});
    QElapsedTimer total;
    total.start();
    std::vector<qint64> latencies;                      // microseconds
    const std::size_t done = std::size_t(kSignIns) + 1; // and hello's
    while (busy->replies.size() < done && total.elapsed() < 20000) {
        QElapsedTimer one;
        one.start();
        QVERIFY(root->ok_(QStringLiteral("directory.agents")).contains("agents"));
        latencies.push_back(one.nsecsElapsed() / 1000);
    }
    const qint64 elapsed = total.elapsed();
    QVERIFY(busy->waitFor([&] { return busy->replies.size() == done; }, 20000));
    for (const Incoming &r : busy->replies)
        QCOMPARE(r.kind, Incoming::Result);
    const int answered = static_cast<int>(latencies.size());
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) {
        return static_cast<long long>(latencies.empty() ? 0
                                                        : latencies[std::size_t(q * (latencies.size() - 1))]);
    };
    qInfo("%d sign-ins (Argon2id) took %lld ms; meanwhile %d other requests answered: p50 %lld us, p99 %lld "
          "us, max %lld us",
          kSignIns, static_cast<long long>(elapsed), answered, at(0.5), at(0.99), at(1.0));
    // With hashing on the service thread the other client waited for whole hashes (~25 ms each).
    QVERIFY(answered > kSignIns);
}

QTEST_GUILESS_MAIN(TestSignInWorker)
#include "tst_signinworker.moc"
