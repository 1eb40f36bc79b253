#include "replaycommand.h"

#include "replayrunner.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace sb {

int runReplayCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Replays a day of routing events through the Switchboard routing engine on a virtual clock and prints "
        "every decision with its explanation, then a summary."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("script"), QStringLiteral("Event script (see docs/ROUTING.md)."));
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("Replay against this site configuration instead of the script's @config."),
                                          QStringLiteral("site.json"));
    const QCommandLineOption compareOption(QStringLiteral("compare"),
                                           QStringLiteral("Also replay against this configuration and print both summaries side by side."),
                                           QStringLiteral("site.json"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), QStringLiteral("Print only failures and the summary."));
    const QCommandLineOption briefOption(QStringLiteral("brief"), QStringLiteral("One line per decision, without the candidates."));
    const QCommandLineOption checkOption(QStringLiteral("check"), QStringLiteral("Exit with 1 if any expectation fails; print only failures and a count."));
    parser.addOptions({configOption, compareOption, quietOption, briefOption, checkOption});
    if (!parser.parse(arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.positionalArguments().size() != 1) {
        err << "switchboard-replay: give exactly one event script (see --help)\n";
        return 2;
    }
    const QString scriptPath = parser.positionalArguments().constFirst();

    auto loadSite = [&](const QString &path) -> std::optional<SiteConfig> {
        QString error;
        auto site = EventScript::loadSite(path, &error);
        if (!site)
            err << "switchboard-replay: " << error << '\n';
        return site;
    };
    std::optional<SiteConfig> override;
    if (parser.isSet(configOption) && !(override = loadSite(parser.value(configOption))))
        return 2;
    QString error;
    const auto script = EventScript::load(scriptPath, &error, override);
    if (!script) {
        err << "switchboard-replay: " << error << '\n';
        return 2;
    }

    const bool check = parser.isSet(checkOption);
    const bool quiet = check || parser.isSet(quietOption);
    ReplayRunner runner(*script, !parser.isSet(configOption));
    runner.run(quiet ? nullptr : &out, !parser.isSet(briefOption));
    for (const QString &f : runner.failures())
        err << QFileInfo(scriptPath).fileName() << ':' << f << '\n';

    if (parser.isSet(compareOption)) {
        const auto other = loadSite(parser.value(compareOption));
        if (!other)
            return 2;
        const auto otherScript = EventScript::load(scriptPath, &error, other);
        if (!otherScript) {
            err << "switchboard-replay: " << error << '\n';
            return 2;
        }
        ReplayRunner what(*otherScript, false);
        what.run();
        if (what.skippedEvents() > 0)
            out << QStringLiteral("(%1 recorded events did not apply under %2, e.g. a reply from an agent who no longer holds the conversation)\n").arg(what.skippedEvents()).arg(QFileInfo(parser.value(compareOption)).fileName());
        out << '\n'
            << ReplaySummary::compare(runner.summary(), QStringLiteral("current"), what.summary(),
                                      QFileInfo(parser.value(compareOption)).fileName());
    } else if (check) {
        out << QStringLiteral("%1: %2 decisions, %3 expectations, %4 failed\n")
                   .arg(QFileInfo(scriptPath).fileName())
                   .arg(runner.decisions().size())
                   .arg(runner.expectationsChecked())
                   .arg(runner.failures().size());
    } else {
        if (runner.skippedEvents() > 0)
            out << QStringLiteral("(%1 recorded events did not apply under this configuration)\n").arg(runner.skippedEvents());
        out << '\n' << runner.summary().format(QFileInfo(scriptPath).fileName());
    }
    return runner.failures().isEmpty() ? 0 : 1;
}

} // namespace sb
