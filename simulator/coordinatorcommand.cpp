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

int runCoordinatorCommand(QCoreApplication &app)
{
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Switchboard routing coordinator."));
    parser.addHelpOption();
    const QCommandLineOption demoOption(
        QStringLiteral("demo"), QStringLiteral("Run the site live with simulated customers and agents."));
    const QCommandLineOption siteOption(
        QStringLiteral("site"),
        QStringLiteral("Site configuration: seeds an empty store (with --demo: the site to run; default the "
                       "built-in demo site)."),
        QStringLiteral("site.json"));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"),
        QStringLiteral("Run the demo clock this many times faster than real time (default 1)."),
        QStringLiteral("factor"), QStringLiteral("1"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        QStringLiteral("Simulated arrivals per hour (default 240)."),
                                        QStringLiteral("n"), QStringLiteral("240"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Random seed of the simulation (default 1)."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption explainOption(QStringLiteral("explain"),
                                           QStringLiteral("Print every candidate of every decision."));
    const QCommandLineOption forOption(QStringLiteral("for"),
                                       QStringLiteral("Stop after this many wall-clock seconds."),
                                       QStringLiteral("seconds"));
    const QCommandLineOption listenOption(QStringLiteral("listen"),
                                          QStringLiteral("Address to listen on (default 0.0.0.0)."),
                                          QStringLiteral("address"), QStringLiteral("0.0.0.0"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("WebSocket port (default 8765)."),
                                        QStringLiteral("port"), QStringLiteral("8765"));
    const QCommandLineOption httpPortOption(
        QStringLiteral("http-port"),
        QStringLiteral("Health and metrics port; 0 turns it off (default 8766)."), QStringLiteral("port"),
        QStringLiteral("8766"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"), QStringLiteral("Directory of the store (default ./switchboard-data)."),
        QStringLiteral("dir"), QStringLiteral("switchboard-data"));
    const QCommandLineOption tlsCertOption(QStringLiteral("tls-cert"),
                                           QStringLiteral("PEM certificate: serve wss only."),
                                           QStringLiteral("file"));
    const QCommandLineOption tlsKeyOption(
        QStringLiteral("tls-key"), QStringLiteral("PEM private key of --tls-cert."), QStringLiteral("file"));
    parser.addOptions({listenOption, portOption, httpPortOption, dataOption, tlsCertOption, tlsKeyOption});
    parser.addOptions(
        {demoOption, siteOption, speedOption, rateOption, seedOption, explainOption, forOption});
    parser.process(app);

    if (!parser.isSet(demoOption)) {
        DaemonOptions daemon;
        bool okPort = false, okHttp = false;
        daemon.address = QHostAddress(parser.value(listenOption));
        daemon.port = static_cast<quint16>(parser.value(portOption).toUInt(&okPort));
        daemon.httpPort = static_cast<quint16>(parser.value(httpPortOption).toUInt(&okHttp));
        daemon.dataDir = parser.value(dataOption);
        daemon.sitePath = parser.value(siteOption);
        daemon.tlsCertificate = parser.value(tlsCertOption);
        daemon.tlsKey = parser.value(tlsKeyOption);
        if (daemon.address.isNull() || !okPort || !okHttp) {
            err << "switchboard-coordinator: --listen must be an IP address, --port and --http-port numbers "
                   "up to 65535\n";
            return 2;
        }
        return runDaemon(daemon, out, err);
    }
    QString error;
    const auto site =
        parser.isSet(siteOption) ? EventScript::loadSite(parser.value(siteOption), &error) : demoSite(&error);
    if (!site) {
        err << "switchboard-coordinator: " << error << '\n';
        return 2;
    }
    bool okSpeed = false, okRate = false, okSeed = false;
    const double speed = parser.value(speedOption).toDouble(&okSpeed);
    TrafficProfile profile;
    profile.arrivalsPerHour = parser.value(rateOption).toDouble(&okRate);
    profile.seed = parser.value(seedOption).toUInt(&okSeed);
    if (!okSpeed || speed <= 0 || !okRate || profile.arrivalsPerHour <= 0 || !okSeed) {
        err << "switchboard-coordinator: --speed and --rate must be positive numbers, --seed a whole "
               "number\n";
        return 2;
    }

    LiveDemo demo(*site, profile, speed, parser.isSet(explainOption), out);
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
    if (parser.isSet(forOption))
        QTimer::singleShot(static_cast<int>(parser.value(forOption).toDouble() * 1000), &app,
                           &QCoreApplication::quit);
    const int rc = app.exec();
    demo.stop();
    return rc;
}

} // namespace sb
