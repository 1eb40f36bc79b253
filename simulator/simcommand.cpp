#include "simcommand.h"

#include "eventscript.h"
#include "replaysummary.h"
#include "simulation.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace sb {

int runSimCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Simulates customers and agents against a Switchboard site on a virtual clock and writes the day as an "
        "event script that switchboard-replay can replay, also against another configuration."));
    parser.addHelpOption();
    const QCommandLineOption siteOption(QStringLiteral("site"), QStringLiteral("Site configuration (JSON)."), QStringLiteral("site.json"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Event script to write (default: standard output)."), QStringLiteral("day.events"));
    const QCommandLineOption startOption(QStringLiteral("start"), QStringLiteral("Start, local to the site (default 2026-11-23T09:00)."), QStringLiteral("date-time"), QStringLiteral("2026-11-23T09:00"));
    const QCommandLineOption hoursOption(QStringLiteral("hours"), QStringLiteral("How long to simulate (default 8)."), QStringLiteral("hours"), QStringLiteral("8"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Arrivals per hour (default 240)."), QStringLiteral("n"), QStringLiteral("240"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("n"), QStringLiteral("1"));
    parser.addOptions({siteOption, outOption, startOption, hoursOption, rateOption, seedOption});
    if (!parser.parse(arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (!parser.isSet(siteOption)) {
        err << "switchboard-sim: --site is required\n";
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
    const QString configRef = outPath.isEmpty() ? QFileInfo(sitePath).absoluteFilePath()
                                                : QFileInfo(outPath).absoluteDir().relativeFilePath(QFileInfo(sitePath).absoluteFilePath());
    lines << QStringLiteral("# Simulated by switchboard-sim: %1 h at %2 arrivals/h, seed %3").arg(hours).arg(profile.arrivalsPerHour).arg(profile.seed)
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
    lines << QStringLiteral("%1 tick").arg(QDateTime::fromMSecsSinceEpoch(endMs, Qt::UTC).toString(Qt::ISODateWithMs));
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
