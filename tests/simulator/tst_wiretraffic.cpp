// Simulated people over the wire: a real coordinator (service + WebSocket gateway on loopback, the
// demo site, the system clock) driven by DemoSetup and WireTraffic through the protocol only.
// People run a few hundred times faster than life, so a few conversations take about a second.

#include "clock.h"
#include "coordinatorhost.h"
#include "coordinatorservice.h"
#include "demosetup.h"
#include "demosite.h"
#include "storereader.h"
#include "testtls.h"
#include "websocketgateway.h"
#include "wiretraffic.h"

#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

const QString kPassword = QStringLiteral("correct horse battery");

std::vector<Credentials> demoAgents()
{
    std::vector<Credentials> agents;
    for (const QString &login : demoAgentLogins())
        agents.push_back({login, kPassword});
    return agents;
}

} // namespace

class TestWireTraffic : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void demoSiteIsShipped();
    void demoSetupGivesPasswords();
    void demoSetupFailsReadably();
    void demoSetupSendsTheSetupCode();
    void trafficFlowsOverTheWire();
    void embeddedHostWithLiveTraffic();
    void openingArrivalsComeAtOnce();
    void colleaguesComeOnlineAfterTheOpening();
    void wssWithATrustedFingerprint();

private:
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_gateway->port())); }
    bool runSetup(DemoSetup &setup, QString *error = nullptr);

    QTemporaryDir m_dir;
    SystemClock m_clock;
    std::unique_ptr<CoordinatorService> m_service;
    std::unique_ptr<WebSocketGateway> m_gateway;
};

void TestWireTraffic::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    CoordinatorService::Options options;
    options.dataDir = m_dir.path();
    QString error;
    options.seedSite = demoSite(&error);
    QVERIFY2(options.seedSite, qPrintable(error));
    m_service = std::make_unique<CoordinatorService>(m_clock, options);
    QVERIFY2(m_service->start(&error), qPrintable(error));
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    QVERIFY2(m_gateway->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
}

void TestWireTraffic::cleanup()
{
    m_gateway.reset();
    if (m_service)
        m_service->stop();
    m_service.reset();
}

bool TestWireTraffic::runSetup(DemoSetup &setup, QString *error)
{
    QSignalSpy done(&setup, &DemoSetup::done);
    QSignalSpy failed(&setup, &DemoSetup::failed);
    setup.start();
    for (int i = 0; i < 1000 && done.isEmpty() && failed.isEmpty(); ++i)
        QTest::qWait(10);
    if (error && !failed.isEmpty())
        *error = failed.first().first().toString();
    return !done.isEmpty();
}

void TestWireTraffic::demoSiteIsShipped()
{
    QString error;
    const auto site = demoSite(&error);
    QVERIFY2(site, qPrintable(error));
    QVERIFY(site->channels.size() >= 2);
    QCOMPARE(demoAgentLogins().size(), static_cast<qsizetype>(site->agents.size()));
    QVERIFY(demoAgentLogins().contains(QStringLiteral("meiling")));
}

void TestWireTraffic::demoSetupGivesPasswords()
{
    QVERIFY(m_service->needsSetup());
    DemoSetup::Options options{
        url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()};
    options.quickReplies = demoQuickReplies();
    QVERIFY(options.quickReplies.size() >= 5);
    DemoSetup setup(options);
    QString error;
    QVERIFY2(runSetup(setup, &error), qPrintable(error));
    QVERIFY(setup.createdAdmin());
    QCOMPARE(setup.prepared(), demoAgentLogins());
    QVERIFY(setup.hadPassword().isEmpty());
    QVERIFY(!m_service->needsSetup());
    // The seeded agent kept the site's name, groups and cap, and can sign in now.
    const auto meiling = m_service->engine().agent(QStringLiteral("meiling"));
    QVERIFY(meiling);
    QCOMPARE(meiling->name, QStringLiteral("陳美玲 Mei-ling Chan"));
    QCOMPARE(meiling->groups, QStringList({QStringLiteral("sales"), QStringLiteral("vip")}));
    QCOMPARE(meiling->maxConcurrent, 4);
    StoreReader reader;
    QVERIFY(reader.open(m_service->storePath(), &error));
    QVERIFY(reader.accountByLogin(QStringLiteral("meiling"))
                ->passwordHash.startsWith(QLatin1String("$argon2id$")));
    // The demo's quick replies are in the store, once.
    QCOMPARE(reader.quickReplies().size(), options.quickReplies.size());

    // A second run signs in instead, and leaves the passwords alone.
    DemoSetup again({url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()});
    QVERIFY2(runSetup(again, &error), qPrintable(error));
    QVERIFY(!again.createdAdmin());
    QVERIFY(again.prepared().isEmpty());
    QCOMPARE(again.hadPassword(), demoAgentLogins());
    DemoSetup third(options);
    QVERIFY2(runSetup(third, &error), qPrintable(error));
    QCOMPARE(reader.quickReplies().size(), options.quickReplies.size());
}

void TestWireTraffic::demoSetupSendsTheSetupCode()
{
    // From another computer (this machine's own LAN address stands in for one), a new coordinator
    // takes its administrator only with the setup code it printed.
    QHostAddress lan;
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
            lan = a;
    }
    if (lan.isNull())
        QSKIP("this machine has no IPv4 address but loopback");
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    QString error;
    QVERIFY2(m_gateway->listen(lan, 0, &error), qPrintable(error));
    const QUrl there(QStringLiteral("ws://%1:%2").arg(lan.toString()).arg(m_gateway->port()));
    DemoSetup::Options options{
        there, {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()};
    DemoSetup without(options);
    QVERIFY(!runSetup(without, &error));
    QVERIFY2(error.contains(QLatin1String("setup code")), qPrintable(error));
    QVERIFY(m_service->needsSetup());

    options.setupCode = m_service->setupCode();
    QVERIFY(!options.setupCode.isEmpty());
    DemoSetup with(options);
    QVERIFY2(runSetup(with, &error), qPrintable(error));
    QVERIFY(with.createdAdmin());
    QVERIFY(!m_service->needsSetup());
}

void TestWireTraffic::demoSetupFailsReadably()
{
    DemoSetup first({url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), {}});
    QString error;
    QVERIFY2(runSetup(first, &error), qPrintable(error));

    DemoSetup wrongPassword({url(), {QStringLiteral("root"), QStringLiteral("not the password")}, {}, {}});
    QVERIFY(!runSetup(wrongPassword, &error));
    QVERIFY2(error.contains(QLatin1String("auth.login as root was refused")), qPrintable(error));

    DemoSetup unknownAgent(
        {url(), {QStringLiteral("root"), kPassword}, {}, {{QStringLiteral("nobody"), kPassword}}});
    QVERIFY(!runSetup(unknownAgent, &error));
    QVERIFY2(error.contains(QLatin1String("no agent \"nobody\"")), qPrintable(error));

    // Nobody listening: said so, promptly.
    QUrl closed = url();
    m_gateway->close();
    DemoSetup nobody({closed, {QStringLiteral("root"), kPassword}, {}, {}});
    QVERIFY(!runSetup(nobody, &error));
    QVERIFY2(error.startsWith(QLatin1String("cannot reach the coordinator at ws://127.0.0.1:")),
             qPrintable(error));
    QVERIFY(!nobody.certificateUntrusted()); // no hint about certificates for that
}

void TestWireTraffic::trafficFlowsOverTheWire()
{
    DemoSetup setup({url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()});
    QString error;
    QVERIFY2(runSetup(setup, &error), qPrintable(error));

    WireTraffic::Options options;
    options.url = url();
    options.speed = 300;
    options.arrivalsPerMinute = 2; // 10 arrivals per real second at this speed
    options.maxCustomers = 12;
    options.seed = 7;
    const SiteConfig site = *demoSite();
    for (const ChannelConfig &c : site.channels)
        options.channels << c.id;
    options.agents = demoAgents();
    WireTraffic traffic(options);
    QStringList lines, problems;
    connect(&traffic, &WireTraffic::activity, this, [&](const QString &line) { lines << line; });
    connect(&traffic, &WireTraffic::problem, this, [&](const QString &line) { problems << line; });

    QElapsedTimer elapsed;
    elapsed.start();
    traffic.start();
    // Until customers came, were routed, got answers and some conversations were closed.
    const auto flowing = [&] {
        const WireTraffic::Stats s = traffic.stats();
        return s.agentsOnline == int(options.agents.size()) && s.customerMessages >= 10 &&
               s.agentReplies >= 10 && s.conversationsClosed >= 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(flowing(), 10000);
    const qint64 ms = elapsed.elapsed();
    const WireTraffic::Stats s = traffic.stats();
    qInfo("after %lld ms: %d customers arrived, %d messages from customers, %d replies, %d closed, %d rated, "
          "%d gave up, %d routing decisions, %llu messages stored",
          ms, s.customersArrived, s.customerMessages, s.agentReplies, s.conversationsClosed, s.surveysRated,
          s.customersGaveUp, int(m_service->stats().decisions),
          static_cast<unsigned long long>(m_service->stats().messagesPersisted));
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    QVERIFY(s.customersArrived >= 3);
    QVERIFY(m_service->stats().decisions >= 3);
    // Every message acknowledged to a simulated person is in the store.
    QVERIFY(m_service->stats().messagesPersisted >= quint64(s.customerMessages + s.agentReplies));

    // A closed conversation, as the store has it: routed to the agent who closed it, with the
    // customer's words and the agent's answers.
    static const QRegularExpression closes(QStringLiteral("^agent (\\S+) closes (\\S+)$"));
    QString agent, conversation;
    for (const QString &line : std::as_const(lines)) {
        const auto m = closes.match(line);
        if (m.hasMatch()) {
            agent = m.captured(1);
            conversation = m.captured(2);
            break;
        }
    }
    QVERIFY(!conversation.isEmpty());
    StoreReader reader;
    QVERIFY2(reader.open(m_service->storePath(), &error), qPrintable(error));
    QTRY_VERIFY(reader.conversation(conversation) &&
                reader.conversation(conversation)->state == ConversationState::Closed);
    QCOMPARE(reader.conversation(conversation)->agentId, agent);
    const QList<Message> history = reader.history(conversation, 0, 200);
    QVERIFY(history.size() >= 3);
    QVERIFY(history.first().senderKind == SenderKind::Customer);
    QVERIFY(std::any_of(history.begin(), history.end(), [&](const Message &m) {
        return m.senderKind == SenderKind::Agent && m.senderId == agent;
    }));
    const QList<DecisionRecord> decisions = reader.decisionsFor(conversation);
    QVERIFY(!decisions.isEmpty());
    QCOMPARE(decisions.last().kind, QStringLiteral("closed"));

    // Stopping lets go of every connection.
    traffic.stop();
    QTRY_COMPARE(m_gateway->connectionCount(), 0);
    QCOMPARE(traffic.stats().customersConnected, 0);
    QCOMPARE(traffic.stats().agentsOnline, 0);
}

void TestWireTraffic::embeddedHostWithLiveTraffic()
{
    // The desktop's demo: the coordinator on its own thread, people on this one. Stopping the host
    // under live traffic closes every connection; the simulated agents notice and say so.
    QTemporaryDir dir;
    CoordinatorHost host;
    CoordinatorHost::Options hostOptions;
    hostOptions.dataDir = dir.path();
    hostOptions.address = QHostAddress::LocalHost;
    hostOptions.seedSite = demoSite();
    QString error;
    QVERIFY2(host.start(hostOptions, &error), qPrintable(error));
    DemoSetup setup(
        {host.localUrl(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()});
    QVERIFY2(runSetup(setup, &error), qPrintable(error));
    QVERIFY(!host.needsSetup());

    WireTraffic::Options options;
    options.url = host.localUrl();
    options.speed = 300;
    options.arrivalsPerMinute = 2;
    options.maxCustomers = 12;
    options.agents = demoAgents();
    WireTraffic traffic(options);
    QStringList problems;
    connect(&traffic, &WireTraffic::problem, this, [&](const QString &line) { problems << line; });
    traffic.start();
    QTRY_VERIFY_WITH_TIMEOUT(traffic.stats().agentReplies >= 5, 10000);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    int assigned = 0;
    host.inspect([&](const CoordinatorService &service) { assigned = int(service.stats().decisions); });
    QVERIFY(assigned >= 1);

    host.stop();
    QTRY_COMPARE_WITH_TIMEOUT(traffic.stats().agentsOnline, 0, 3000);
    QVERIFY(std::any_of(problems.begin(), problems.end(),
                        [](const QString &p) { return p.contains(QLatin1String("lost the connection")); }));
    traffic.stop();
}

// Customers at the door when traffic starts arrive within seconds even with no arrivals after.
void TestWireTraffic::openingArrivalsComeAtOnce()
{
    DemoSetup setup({url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()});
    QString error;
    QVERIFY2(runSetup(setup, &error), qPrintable(error));
    WireTraffic::Options options;
    options.url = url();
    options.speed = 4;
    options.arrivalsPerMinute = 0;
    options.openingArrivals = 3;
    options.seed = 11;
    const SiteConfig site = *demoSite();
    for (const ChannelConfig &c : site.channels)
        options.channels << c.id;
    WireTraffic traffic(options);
    traffic.start();
    QTRY_COMPARE_WITH_TIMEOUT(traffic.stats().customersArrived, 3, 5000);
    QTest::qWait(600);
    QCOMPARE(traffic.stats().customersArrived, 3); // and no more
    traffic.stop();
}

// The demo's desk gets the opening customers: the simulated colleagues come online only after
// them (three customers a second apart: the colleagues at 3 s).
void TestWireTraffic::colleaguesComeOnlineAfterTheOpening()
{
    DemoSetup setup({url(), {QStringLiteral("root"), kPassword}, QStringLiteral("Root"), demoAgents()});
    QString error;
    QVERIFY2(runSetup(setup, &error), qPrintable(error));
    WireTraffic::Options options;
    options.url = url();
    options.arrivalsPerMinute = 0;
    options.openingArrivals = 3;
    options.colleaguesAfterOpening = true;
    options.agents = demoAgents();
    options.seed = 12;
    WireTraffic traffic(options);
    traffic.start();
    QTest::qWait(1500); // agents sign in within a second when they start at once
    QVERIFY(traffic.stats().customersArrived >= 1);
    QCOMPARE(traffic.stats().agentsOnline, 0);
    QTRY_COMPARE_WITH_TIMEOUT(traffic.stats().agentsOnline, int(options.agents.size()), 15000);
    QCOMPARE(traffic.stats().customersArrived, 3);
    traffic.stop();
}

void TestWireTraffic::wssWithATrustedFingerprint()
{
    // The coordinator speaks wss with a self-signed certificate.
    m_gateway = std::make_unique<WebSocketGateway>(m_service.get());
    QString error;
    QVERIFY2(
        m_gateway->listen(QHostAddress::LocalHost, 0, &error, testServerTls("test-cert.pem", "test-key.pem")),
        qPrintable(error));
    const QUrl wss(QStringLiteral("wss://127.0.0.1:%1").arg(m_gateway->port()));
    DemoSetup::Options o;
    o.url = wss;
    o.admin = {QStringLiteral("root"), kPassword};
    o.agents = demoAgents();

    // Nobody vouches for it: refused, with the fingerprint to compare.
    {
        DemoSetup setup(o);
        QVERIFY(!runSetup(setup, &error));
        QVERIFY2(error.contains(QStringLiteral("SHA-256 fingerprint is %1").arg(kTestCertFingerprint)),
                 qPrintable(error));
        QVERIFY(setup.certificateUntrusted()); // switchboard-sim then hints at --trust-fingerprint
    }
    // Another fingerprint given: refused, saying which is which.
    o.trustedFingerprint = QString::fromLatin1(kTestCert2Fingerprint);
    {
        DemoSetup setup(o);
        QVERIFY(!runSetup(setup, &error));
        QVERIFY2(
            error.contains(QStringLiteral("is %1, not %2").arg(kTestCertFingerprint, kTestCert2Fingerprint)),
            qPrintable(error));
        QVERIFY(setup.certificateUntrusted());
    }
    // Its own fingerprint: set up, and traffic flows.
    o.trustedFingerprint = QString::fromLatin1(kTestCertFingerprint);
    {
        DemoSetup setup(o);
        QVERIFY2(runSetup(setup, &error), qPrintable(error));
        QVERIFY(!setup.certificateUntrusted());
    }
    WireTraffic::Options options;
    options.url = wss;
    options.trustedFingerprint = QString::fromLatin1(kTestCertFingerprint);
    options.speed = 300;
    options.openingArrivals = 3;
    options.agents = demoAgents();
    WireTraffic traffic(options);
    QStringList problems;
    connect(&traffic, &WireTraffic::problem, this, [&](const QString &line) { problems << line; });
    traffic.start();
    QTRY_VERIFY_WITH_TIMEOUT(traffic.stats().customerMessages >= 3 && traffic.stats().agentReplies >= 1,
                             10000);
    traffic.stop();
    for (const QString &p : std::as_const(problems))
        QVERIFY2(!p.contains(QLatin1String("certificate")), qPrintable(p));
}

QTEST_GUILESS_MAIN(TestWireTraffic)
#include "tst_wiretraffic.moc"
