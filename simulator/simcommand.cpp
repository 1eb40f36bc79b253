#include "simcommand.h"

#include "demosetup.h"
#include "demosite.h"
#include "eventscript.h"
#include "replaysummary.h"
#include "signalwatcher.h"
#include "simulation.h"
#include "wiretraffic.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTime>
#include <QTimer>

namespace sb {

namespace {

// "login:password,login:password" (a password may itself hold colons).
std::optional<std::vector<Credentials>> parseLogins(const QString &text)
{
    std::vector<Credentials> logins;
    for (const QString &item : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype colon = item.indexOf(u':');
        if (colon <= 0 || colon == item.size() - 1)
            return std::nullopt;
        logins.push_back({item.left(colon).trimmed(), item.mid(colon + 1)});
    }
    return logins;
}

// --live: simulated people against a running coordinator, until --for runs out or Ctrl-C.
int runLive(const QUrl &url, const WireTraffic::Options &options, const std::optional<Credentials> &admin,
            const QString &setupCode, double forSeconds, QTextStream &out, QTextStream &err)
{
    auto *app = QCoreApplication::instance();
    if (!app) {
        err << "switchboard-sim: --live needs an application object\n";
        return 2;
    }
    const auto stamp = [] { return QTime::currentTime().toString(QStringLiteral("HH:mm:ss")); };
    WireTraffic traffic(options);
    QObject::connect(&traffic, &WireTraffic::activity, app, [&](const QString &line) {
        out << stamp() << "  " << line << '\n';
        out.flush();
    });
    QObject::connect(&traffic, &WireTraffic::problem, app, [&](const QString &line) {
        err << stamp() << "  problem: " << line << '\n';
        err.flush();
    });
    int rc = 0;
    const auto quit = [&](int code) {
        rc = code;
        traffic.stop();
        QCoreApplication::exit(code);
    };
    SignalWatcher stopWatcher;
    QObject::connect(&stopWatcher, &SignalWatcher::stopRequested, app, [&] { quit(0); });
    if (forSeconds > 0)
        QTimer::singleShot(static_cast<int>(forSeconds * 1000), app, [&] { quit(0); });
    QTimer status;
    QObject::connect(&status, &QTimer::timeout, app, [&] {
        const WireTraffic::Stats s = traffic.stats();
        out << stamp() << "  -- " << s.customersConnected << " customers connected (" << s.customersArrived
            << " arrived, " << s.customersGaveUp << " gave up), " << s.customerMessages
            << " customer messages, " << s.agentsOnline << " agents online, " << s.agentReplies
            << " agent replies, " << s.conversationsClosed << " closed, " << s.surveysRated << " rated, "
            << s.errors << " problems\n";
        out.flush();
    });
    status.start(10000);

    DemoSetup::Options setupOptions;
    setupOptions.url = url;
    setupOptions.admin = admin.value_or(Credentials());
    setupOptions.setupCode = setupCode;
    setupOptions.agents = options.agents;
    setupOptions.trustedFingerprint = options.trustedFingerprint;
    DemoSetup setup(setupOptions);
    QObject::connect(&setup, &DemoSetup::done, app, [&] {
        out << stamp() << "  set-up done: " << setup.prepared().size() << " agents given a password";
        if (!setup.hadPassword().isEmpty())
            out << ", " << setup.hadPassword().join(QStringLiteral(", ")) << " had one already";
        out << '\n';
        traffic.start();
    });
    QObject::connect(&setup, &DemoSetup::failed, app, [&](const QString &error) {
        err << "switchboard-sim: " << error << '\n';
        if (setup.certificateUntrusted())
            err << "switchboard-sim: if that is your coordinator's (switchboard-coordinator prints it "
                   "when it starts), pass it with --trust-fingerprint\n";
        quit(1);
    });
    out << "switchboard-sim: simulated traffic against " << url.toString() << " at "
        << options.arrivalsPerMinute * 60 << " arrivals/h, speed " << options.speed << ", "
        << options.agents.size() << " simulated agents; Ctrl-C stops\n";
    out.flush();
    if (admin)
        setup.start();
    else
        traffic.start();
    QCoreApplication::exec();
    traffic.stop();
    return rc;
}

} // namespace

int runSimCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Simulates customers and agents against a Switchboard site on a virtual clock and "
                       "writes the day as an "
                       "event script that switchboard-replay can replay, also against another configuration. "
                       "With --live, sends "
                       "simulated customers and agents to a running coordinator over the protocol instead."));
    parser.addHelpOption();
    const QCommandLineOption siteOption(QStringLiteral("site"), QStringLiteral("Site configuration (JSON)."),
                                        QStringLiteral("site.json"));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("Event script to write (default: standard output)."),
                                       QStringLiteral("day.events"));
    const QCommandLineOption startOption(
        QStringLiteral("start"), QStringLiteral("Start, local to the site (default 2026-11-23T09:00)."),
        QStringLiteral("date-time"), QStringLiteral("2026-11-23T09:00"));
    const QCommandLineOption hoursOption(QStringLiteral("hours"),
                                         QStringLiteral("How long to simulate (default 8)."),
                                         QStringLiteral("hours"), QStringLiteral("8"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        QStringLiteral("Arrivals per hour (default 240; with --live 120)."),
                                        QStringLiteral("n"), QStringLiteral("240"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption liveOption(
        QStringLiteral("live"),
        QStringLiteral("Instead of simulating a day: send simulated customers (and --agents) to the "
                       "coordinator at this URL, in real time."),
        QStringLiteral("ws://host:port"));
    const QCommandLineOption agentsOption(
        QStringLiteral("agents"),
        QStringLiteral("With --live: agents to simulate, as login:password,login:password."),
        QStringLiteral("logins"));
    const QCommandLineOption setupOption(
        QStringLiteral("setup"),
        QStringLiteral("With --live: sign in as this administrator first (creating it on a new coordinator) "
                       "and give each --agents login its password."),
        QStringLiteral("login:password"));
    const QCommandLineOption setupCodeOption(
        QStringLiteral("setup-code"),
        QStringLiteral("With --setup on a new coordinator on another computer: the setup code "
                       "switchboard-coordinator printed when it started."),
        QStringLiteral("code"));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"),
        QStringLiteral("With --live: people think, type and wait this many times faster (default 1)."),
        QStringLiteral("factor"), QStringLiteral("1"));
    const QCommandLineOption channelsOption(
        QStringLiteral("channels"),
        QStringLiteral(
            "With --live: channels customers arrive on (default: those of --site, or of the demo site)."),
        QStringLiteral("ids"));
    const QCommandLineOption forOption(QStringLiteral("for"),
                                       QStringLiteral("With --live: stop after this many seconds."),
                                       QStringLiteral("seconds"));
    const QCommandLineOption trustOption(
        QStringLiteral("trust-fingerprint"),
        QStringLiteral(
            "With --live wss://: accept the coordinator's certificate, though nobody this computer "
            "trusts vouches for it (a self-signed one), if its SHA-256 fingerprint is this one "
            "(switchboard-coordinator prints it when it starts)."),
        QStringLiteral("AB:CD:..."));
    parser.addOptions({siteOption, outOption, startOption, hoursOption, rateOption, seedOption});
    parser.addOptions({liveOption, agentsOption, setupOption, setupCodeOption, speedOption, channelsOption,
                       forOption, trustOption});
    if (!parser.parse(arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.isSet(liveOption)) {
        const QUrl url(parser.value(liveOption));
        if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))) {
            err << "switchboard-sim: --live needs a ws:// or wss:// URL such as ws://127.0.0.1:8765\n";
            return 2;
        }
        WireTraffic::Options options;
        options.url = url;
        options.trustedFingerprint = parser.value(trustOption).trimmed().toUpper();
        bool okRate = false, okSpeed = false, okSeed = false, okFor = true;
        options.arrivalsPerMinute =
            parser.isSet(rateOption) ? parser.value(rateOption).toDouble(&okRate) / 60.0 : 2;
        okRate = okRate || !parser.isSet(rateOption);
        options.speed = parser.value(speedOption).toDouble(&okSpeed);
        options.seed = parser.value(seedOption).toUInt(&okSeed);
        const double forSeconds = parser.isSet(forOption) ? parser.value(forOption).toDouble(&okFor) : 0;
        if (!okRate || options.arrivalsPerMinute <= 0 || !okSpeed || options.speed <= 0 || !okSeed ||
            !okFor) {
            err << "switchboard-sim: --rate, --speed and --for must be positive numbers, --seed a whole "
                   "number\n";
            return 2;
        }
        const auto agents = parseLogins(parser.value(agentsOption));
        if (!agents) {
            err << "switchboard-sim: --agents must be login:password,login:password...\n";
            return 2;
        }
        options.agents = *agents;
        std::optional<Credentials> admin;
        if (parser.isSet(setupOption)) {
            const auto parsed = parseLogins(parser.value(setupOption));
            if (!parsed || parsed->size() != 1) {
                err << "switchboard-sim: --setup must be login:password\n";
                return 2;
            }
            admin = parsed->front();
        }
        if (parser.isSet(channelsOption)) {
            options.channels = parser.value(channelsOption).split(u',', Qt::SkipEmptyParts);
        } else {
            QString error;
            const auto site = parser.isSet(siteOption)
                                  ? EventScript::loadSite(parser.value(siteOption), &error)
                                  : demoSite(&error);
            if (!site) {
                err << "switchboard-sim: " << error << '\n';
                return 2;
            }
            options.channels.clear();
            for (const ChannelConfig &c : site->channels)
                options.channels << c.id;
        }
        return runLive(url, options, admin, parser.value(setupCodeOption).trimmed(), forSeconds, out, err);
    }
    if (!parser.isSet(siteOption)) {
        err << "switchboard-sim: --site is required (or --live to drive a running coordinator)\n";
        return 2;
    }
    QString error;
    const QString sitePath = parser.value(siteOption);
    const auto site = EventScript::loadSite(sitePath, &error);
    if (!site) {
        err << "switchboard-sim: " << error << '\n';
        return 2;
    }
    bool okHours = false, okRate = false, okSeed = false;
    const double hours = parser.value(hoursOption).toDouble(&okHours);
    TrafficProfile profile;
    profile.arrivalsPerHour = parser.value(rateOption).toDouble(&okRate);
    profile.seed = parser.value(seedOption).toUInt(&okSeed);
    if (!okHours || hours <= 0 || !okRate || profile.arrivalsPerHour <= 0 || !okSeed) {
        err << "switchboard-sim: --hours and --rate must be positive numbers, --seed a whole number\n";
        return 2;
    }
    const QTimeZone zone(site->routing.timeZone.toUtf8());
    QDateTime start = QDateTime::fromString(parser.value(startOption), Qt::ISODate);
    if (!start.isValid()) {
        err << "switchboard-sim: --start must be a date-time such as 2026-11-23T09:00\n";
        return 2;
    }
    start = QDateTime(start.date(), start.time(), zone);
    const qint64 startMs = start.toMSecsSinceEpoch();
    const qint64 endMs = startMs + static_cast<qint64>(hours * 3600000.0);

    QStringList lines;
    const QString outPath = parser.value(outOption);
    const QString configRef =
        outPath.isEmpty()
            ? QFileInfo(sitePath).absoluteFilePath()
            : QFileInfo(outPath).absoluteDir().relativeFilePath(QFileInfo(sitePath).absoluteFilePath());
    lines << QStringLiteral("# Simulated by switchboard-sim: %1 h at %2 arrivals/h, seed %3")
                 .arg(hours)
                 .arg(profile.arrivalsPerHour)
                 .arg(profile.seed)
          << QStringLiteral("@config %1").arg(configRef)
          << QStringLiteral("@start %1").arg(start.toString(Qt::ISODate));

    ManualClock clock(startMs);
    RoutingEngine engine(clock);
    const EngineResult loaded = engine.loadSite(*site);
    if (!loaded.ok) {
        err << "switchboard-sim: " << loaded.message << '\n';
        return 2;
    }
    Simulation sim(engine, *site, profile, startMs);
    ReplaySummary summary;
    engine.setSink([&](const Decision &d) {
        summary.add(d);
        sim.onDecision(d);
    });
    sim.setRecorder([&](const QString &line) { lines << line; });
    // Advance to whichever comes first, a simulated action or an engine timer.
    qint64 now = startMs;
    while (now < endMs) {
        clock.setMs(now);
        engine.tick();
        qint64 next = sim.step(now);
        const qint64 timer = engine.nextTimerMs();
        if (timer > now && (next < 0 || timer < next))
            next = timer;
        if (next <= now)
            next = now + 1;
        now = std::min(next, endMs);
    }
    clock.setMs(endMs);
    engine.tick();
    lines << QStringLiteral("%1 tick").arg(
        QDateTime::fromMSecsSinceEpoch(endMs, Qt::UTC).toString(Qt::ISODateWithMs));
    summary.finish(endMs);

    const QByteArray text = (lines.join(u'\n') + u'\n').toUtf8();
    if (outPath.isEmpty()) {
        out << QString::fromUtf8(text);
    } else {
        QFile file(outPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size()) {
            err << "switchboard-sim: cannot write " << outPath << ": " << file.errorString() << '\n';
            return 2;
        }
        out << summary.format(QFileInfo(outPath).fileName());
    }
    return 0;
}

} // namespace sb
