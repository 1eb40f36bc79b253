#include "eventscript.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTimeZone>

namespace sb {

namespace {
const QStringList kVerbs = {
    QStringLiteral("message"), QStringLiteral("reply"),    QStringLiteral("note"),   QStringLiteral("status"),
    QStringLiteral("cap"),     QStringLiteral("groups"),   QStringLiteral("claim"),  QStringLiteral("transfer"),
    QStringLiteral("transfer-group"), QStringLiteral("invite"), QStringLiteral("close"), QStringLiteral("ticket"),
    QStringLiteral("customer"), QStringLiteral("tick"),    QStringLiteral("expect"),
};

// Minimum positional arguments per verb.
int minArgs(const QString &verb)
{
    static const QHash<QString, int> counts = {
        {QStringLiteral("message"), 3}, {QStringLiteral("reply"), 2},  {QStringLiteral("note"), 2},
        {QStringLiteral("status"), 2},  {QStringLiteral("cap"), 2},    {QStringLiteral("groups"), 2},
        {QStringLiteral("claim"), 2},   {QStringLiteral("transfer"), 2}, {QStringLiteral("transfer-group"), 2},
        {QStringLiteral("invite"), 2},  {QStringLiteral("close"), 1},  {QStringLiteral("ticket"), 4},
        {QStringLiteral("customer"), 1}, {QStringLiteral("tick"), 0},  {QStringLiteral("expect"), 2},
    };
    return counts.value(verb, 0);
}

bool parseDuration(const QString &text, qint64 *ms)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    const double value = m.captured(1).toDouble();
    const QString unit = m.captured(2).isEmpty() ? QStringLiteral("s") : m.captured(2);
    const double factor = unit == QLatin1String("ms") ? 1 : unit == QLatin1String("s") ? 1000
                        : unit == QLatin1String("m") ? 60000 : unit == QLatin1String("h") ? 3600000 : 86400000;
    *ms = static_cast<qint64>(value * factor);
    return true;
}
} // namespace

bool splitWords(const QString &line, QStringList *words, QString *error)
{
    words->clear();
    QString current;
    bool inWord = false, quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar ch = line.at(i);
        if (quoted) {
            if (ch == u'\\' && i + 1 < line.size() && (line.at(i + 1) == u'"' || line.at(i + 1) == u'\\')) {
                current += line.at(++i);
            } else if (ch == u'"') {
                quoted = false;
            } else {
                current += ch;
            }
        } else if (ch == u'"') {
            quoted = true;
            inWord = true;
        } else if (ch.isSpace()) {
            if (inWord)
                *words << current;
            current.clear();
            inWord = false;
        } else if (ch == u'#' && !inWord) {
            break;
        } else {
            current += ch;
            inWord = true;
        }
    }
    if (quoted) {
        *error = QStringLiteral("unterminated quote");
        return false;
    }
    if (inWord)
        *words << current;
    return true;
}

std::optional<SiteConfig> EventScript::loadSite(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QString siteError;
    auto site = SiteConfig::fromJson(file.readAll(), &siteError);
    if (!site)
        *error = QStringLiteral("%1: %2").arg(path, siteError);
    return site;
}

std::optional<EventScript> EventScript::load(const QString &path, QString *error,
                                             const std::optional<SiteConfig> &siteOverride)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    auto script = parse(QString::fromUtf8(file.readAll()), QFileInfo(path).absolutePath(), error, siteOverride);
    if (!script)
        *error = path + QLatin1Char(':') + *error;
    return script;
}

std::optional<EventScript> EventScript::parse(const QString &text, const QString &baseDir, QString *error,
                                              const std::optional<SiteConfig> &siteOverride)
{
    EventScript script;
    bool haveSite = false;
    if (siteOverride) {
        script.site = *siteOverride;
        haveSite = true;
    }
    QTimeZone zone;
    QDate day;
    qint64 previous = -1;
    const QStringList rawLines = text.split(u'\n');
    for (int i = 0; i < rawLines.size(); ++i) {
        const int lineNo = i + 1;
        auto fail = [&](const QString &what) {
            *error = QStringLiteral("%1: %2").arg(lineNo).arg(what);
            return std::nullopt;
        };
        QStringList words;
        QString splitError;
        if (!splitWords(rawLines[i], &words, &splitError))
            return fail(splitError);
        if (words.isEmpty())
            continue;
        const QString first = words.takeFirst();
        if (first == QLatin1String("@config")) {
            if (words.size() != 1)
                return fail(QStringLiteral("@config takes one file name"));
            if (!siteOverride) {
                QString siteError;
                auto site = loadSite(QDir(baseDir).absoluteFilePath(words[0]), &siteError);
                if (!site)
                    return fail(siteError);
                script.site = *site;
                haveSite = true;
            }
            continue;
        }
        if (first == QLatin1String("@start")) {
            if (!haveSite)
                return fail(QStringLiteral("@start must come after @config"));
            if (words.size() != 1)
                return fail(QStringLiteral("@start takes a date or date-time such as 2026-11-23 or 2026-11-23T09:00"));
            zone = QTimeZone(script.site.routing.timeZone.toUtf8());
            QDateTime start = QDateTime::fromString(words[0], Qt::ISODate);
            if (!start.isValid())
                start = QDateTime(QDate::fromString(words[0], Qt::ISODate), QTime(0, 0), zone);
            else if (start.timeSpec() == Qt::LocalTime)
                start = QDateTime(start.date(), start.time(), zone);
            if (!start.isValid())
                return fail(QStringLiteral("\"%1\" is not a date or date-time").arg(words[0]));
            script.start = start.toMSecsSinceEpoch();
            day = start.toTimeZone(zone).date();
            previous = script.start;
            continue;
        }
        if (first.startsWith(u'@'))
            return fail(QStringLiteral("unknown directive %1 (use @config or @start)").arg(first));
        if (previous < 0)
            return fail(QStringLiteral("events need @config and @start first"));

        qint64 at = 0;
        if (first.startsWith(u'+')) {
            qint64 delta = 0;
            if (!parseDuration(first.mid(1), &delta))
                return fail(QStringLiteral("\"%1\" is not a delay such as +30s, +5m or +1h").arg(first));
            at = previous + delta;
        } else {
            const QTime t = QTime::fromString(first, first.count(u':') == 1 ? QStringLiteral("HH:mm") : first.contains(u'.') ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss"));
            if (t.isValid()) {
                at = QDateTime(day, t, zone).toMSecsSinceEpoch();
            } else {
                const QDateTime dt = QDateTime::fromString(first, Qt::ISODateWithMs);
                if (!dt.isValid())
                    return fail(QStringLiteral("\"%1\" is not a time (HH:MM:SS, +delay or an ISO date-time)").arg(first));
                at = (dt.timeSpec() == Qt::LocalTime ? QDateTime(dt.date(), dt.time(), zone) : dt).toMSecsSinceEpoch();
                day = QDateTime::fromMSecsSinceEpoch(at, zone).date();
            }
        }
        if (at < previous)
            return fail(QStringLiteral("time goes backwards (%1 is before the previous line)").arg(first));
        previous = at;
        if (words.isEmpty())
            return fail(QStringLiteral("a time needs an event after it"));
        ScriptLine line;
        line.lineNo = lineNo;
        line.at = at;
        line.verb = words.takeFirst();
        if (!kVerbs.contains(line.verb))
            return fail(QStringLiteral("unknown event \"%1\" (one of: %2)").arg(line.verb, kVerbs.join(QLatin1String(", "))));
        for (const QString &w : words) {
            const int eq = w.indexOf(u'=');
            if (eq > 0 && line.verb != QLatin1String("message"))
                line.options.insert(w.left(eq), w.mid(eq + 1));
            else
                line.args << w;
        }
        if (line.args.size() < minArgs(line.verb))
            return fail(QStringLiteral("\"%1\" needs at least %2 arguments").arg(line.verb).arg(minArgs(line.verb)));
        script.lines.push_back(line);
    }
    if (!haveSite) {
        *error = QStringLiteral("no @config line and no site given");
        return std::nullopt;
    }
    return script;
}

} // namespace sb
