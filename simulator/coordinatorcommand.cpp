#include "coordinatorcommand.h"

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
void onSignal(int) { g_stopRequested = true; }
} // namespace

int runCoordinatorCommand(QCoreApplication &app)
{
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Switchboard routing coordinator."));
    parser.addHelpOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Run the site live with simulated customers and agents."));
    const QCommandLineOption siteOption(QStringLiteral("site"), QStringLiteral("Site configuration (default: the built-in demo site)."), QStringLiteral("site.json"));
    const QCommandLineOption speedOption(QStringLiteral("speed"), QStringLiteral("Run the demo clock this many times faster than real time (default 1)."), QStringLiteral("factor"), QStringLiteral("1"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Simulated arrivals per hour (default 240)."), QStringLiteral("n"), QStringLiteral("240"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed of the simulation (default 1)."), QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption explainOption(QStringLiteral("explain"), QStringLiteral("Print every candidate of every decision."));
    const QCommandLineOption forOption(QStringLiteral("for"), QStringLiteral("Stop after this many wall-clock seconds."), QStringLiteral("seconds"));
    parser.addOptions({demoOption, siteOption, speedOption, rateOption, seedOption, explainOption, forOption});
    parser.process(app);

    if (!parser.isSet(demoOption)) {
        err << "switchboard-coordinator: only --demo is available in this build; the network service "
               "(WebSocket and HTTP) is not built yet.\n";
        return 2;
    }
    const QString sitePath = parser.isSet(siteOption) ? parser.value(siteOption) : QStringLiteral(":/demo/site.json");
    QString error;
    const auto site = EventScript::loadSite(sitePath, &error);
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
        err << "switchboard-coordinator: --speed and --rate must be positive numbers, --seed a whole number\n";
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
        QTimer::singleShot(static_cast<int>(parser.value(forOption).toDouble() * 1000), &app, &QCoreApplication::quit);
    const int rc = app.exec();
    demo.stop();
    return rc;
}

} // namespace sb
