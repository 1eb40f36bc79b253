#include "coordinatorcommand.h"
#include "daemon.h"
#include "demosite.h"

#include "eventscript.h"
#include "livedemo.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTimer>
#include <atomic>
#include <csignal>

namespace sb {

namespace {
std::atomic<bool> g_stopRequested{false};
void onSignal(int)
{
    g_stopRequested = true;
}
} // namespace

namespace {
// Every option of the command, so that the daemon's can be parsed from a plain argument list too.
struct CommandOptions
{
    QCommandLineOption demo{QStringLiteral("demo"),
                            QStringLiteral("Run the site live with simulated customers and agents.")};
    QCommandLineOption site{
        QStringLiteral("site"),
        QStringLiteral("Site configuration: seeds an empty store (with --demo: the site to run; default the "
                       "built-in demo site)."),
        QStringLiteral("site.json")};
    QCommandLineOption speed{
        QStringLiteral("speed"),
        QStringLiteral("Run the demo clock this many times faster than real time (default 1)."),
        QStringLiteral("factor"), QStringLiteral("1")};
    QCommandLineOption rate{QStringLiteral("rate"),
                            QStringLiteral("Simulated arrivals per hour (default 240)."), QStringLiteral("n"),
                            QStringLiteral("240")};
    QCommandLineOption seed{QStringLiteral("seed"),
                            QStringLiteral("Random seed of the simulation (default 1)."), QStringLiteral("n"),
                            QStringLiteral("1")};
    QCommandLineOption explain{QStringLiteral("explain"),
                               QStringLiteral("Print every candidate of every decision.")};
    QCommandLineOption forSeconds{QStringLiteral("for"),
                                  QStringLiteral("Stop after this many wall-clock seconds."),
                                  QStringLiteral("seconds")};
    QCommandLineOption listen{QStringLiteral("listen"),
                              QStringLiteral("Address to listen on (default 0.0.0.0)."),
                              QStringLiteral("address"), QStringLiteral("0.0.0.0")};
    QCommandLineOption port{QStringLiteral("port"), QStringLiteral("WebSocket port (default 8765)."),
                            QStringLiteral("port"), QStringLiteral("8765")};
    QCommandLineOption httpPort{QStringLiteral("http-port"),
                                QStringLiteral("Health and metrics port; 0 turns it off (default 8766)."),
                                QStringLiteral("port"), QStringLiteral("8766")};
    QCommandLineOption data{QStringLiteral("data"),
                            QStringLiteral("Directory of the store (default ./switchboard-data)."),
                            QStringLiteral("dir"), QStringLiteral("switchboard-data")};
    QCommandLineOption tlsCert{QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve wss only."),
                               QStringLiteral("file")};
    QCommandLineOption tlsKey{QStringLiteral("tls-key"), QStringLiteral("PEM private key of --tls-cert."),
                              QStringLiteral("file")};
    QCommandLineOption presenceGrace{
        QStringLiteral("presence-grace"),
        QStringLiteral("Seconds an agent stays online after their last desk disconnects, so a desk that "
                       "reconnects keeps its conversations (default 90)."),
        QStringLiteral("seconds"), QStringLiteral("90")};
    QCommandLineOption snapshotEvery{
        QStringLiteral("snapshot-every"),
        QStringLiteral("Save the routing engine's state every this many journaled events, so that a restart "
                       "replays only the journal after it; 0: only at a clean stop (default 100000)."),
        QStringLiteral("events"), QStringLiteral("100000")};

    explicit CommandOptions(QCommandLineParser &parser)
    {
        parser.setApplicationDescription(QStringLiteral("The Switchboard routing coordinator."));
        parser.addHelpOption();
        parser.addOptions({listen, port, httpPort, data, tlsCert, tlsKey, presenceGrace, snapshotEvery});
        parser.addOptions({demo, site, speed, rate, seed, explain, forSeconds});
    }
};

bool daemonOptions(const QCommandLineParser &parser, const CommandOptions &o, DaemonOptions *daemon,
                   QString *error)
{
    bool okPort = false, okHttp = false, okGrace = false, okSnapshot = false;
    daemon->address = QHostAddress(parser.value(o.listen));
    daemon->port = static_cast<quint16>(parser.value(o.port).toUInt(&okPort));
    daemon->httpPort = static_cast<quint16>(parser.value(o.httpPort).toUInt(&okHttp));
    daemon->dataDir = parser.value(o.data);
    daemon->sitePath = parser.value(o.site);
    daemon->tlsCertificate = parser.value(o.tlsCert);
    daemon->tlsKey = parser.value(o.tlsKey);
    // A day at most: longer would keep a desk that is gone for good online for routing.
    const uint grace = parser.value(o.presenceGrace).toUInt(&okGrace);
    daemon->presenceGraceSeconds = static_cast<int>(grace);
    const qulonglong snapshotEvery = parser.value(o.snapshotEvery).toULongLong(&okSnapshot);
    daemon->snapshotEvery = static_cast<qint64>(snapshotEvery);
    if (daemon->address.isNull() || !okPort || parser.value(o.port).toUInt() > 65535 || !okHttp ||
        parser.value(o.httpPort).toUInt() > 65535) {
        *error = QStringLiteral("--listen must be an IP address, --port and --http-port numbers up to 65535");
        return false;
    }
    if (!okGrace || grace > 24 * 3600) {
        *error = QStringLiteral("--presence-grace must be a whole number of seconds from 0 to 86400");
        return false;
    }
    if (!okSnapshot || snapshotEvery > 1000000000ULL) {
        *error = QStringLiteral("--snapshot-every must be a whole number of events from 0 to 1000000000");
        return false;
    }
    return true;
}
} // namespace

bool daemonOptionsFromArguments(const QStringList &arguments, DaemonOptions *daemon, QString *error)
{
    QCommandLineParser parser;
    const CommandOptions options(parser);
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    return daemonOptions(parser, options, daemon, error);
}

int runCoordinatorCommand(QCoreApplication &app)
{
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    const CommandOptions o(parser);
    parser.process(app);

    if (!parser.isSet(o.demo)) {
        DaemonOptions daemon;
        QString error;
        if (!daemonOptions(parser, o, &daemon, &error)) {
            err << "switchboard-coordinator: " << error << '\n';
            return 2;
        }
        return runDaemon(daemon, out, err);
    }
    QString error;
    const auto site =
        parser.isSet(o.site) ? EventScript::loadSite(parser.value(o.site), &error) : demoSite(&error);
    if (!site) {
        err << "switchboard-coordinator: " << error << '\n';
        return 2;
    }
    bool okSpeed = false, okRate = false, okSeed = false;
    const double speed = parser.value(o.speed).toDouble(&okSpeed);
    TrafficProfile profile;
    profile.arrivalsPerHour = parser.value(o.rate).toDouble(&okRate);
    profile.seed = parser.value(o.seed).toUInt(&okSeed);
    if (!okSpeed || speed <= 0 || !okRate || profile.arrivalsPerHour <= 0 || !okSeed) {
        err << "switchboard-coordinator: --speed and --rate must be positive numbers, --seed a whole "
               "number\n";
        return 2;
    }

    LiveDemo demo(*site, profile, speed, parser.isSet(o.explain), out);
    if (!demo.start(&error)) {
        err << "switchboard-coordinator: " << error << '\n';
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer signalWatch;
    QObject::connect(&signalWatch, &QTimer::timeout, &app, [&] {
        if (g_stopRequested)
            app.quit();
    });
    signalWatch.start(100);
    if (parser.isSet(o.forSeconds))
        QTimer::singleShot(static_cast<int>(parser.value(o.forSeconds).toDouble() * 1000), &app,
                           &QCoreApplication::quit);
    const int rc = app.exec();
    demo.stop();
    return rc;
}

} // namespace sb
