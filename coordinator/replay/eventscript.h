#pragma once
// A line-oriented event script: a recorded or hand-written day of routing events with timestamps,
// plus expectations. The format is documented in docs/ROUTING.md ("Event scripts").

#include "siteconfig.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace sb {

struct ScriptLine
{
    int lineNo = 0;
    qint64 at = 0; // ms since the epoch
    QString verb;
    QStringList args; // positional words
    QHash<QString, QString> options; // key=value words
};

class EventScript
{
public:
    // Parses a script. `@config FILE` is read relative to baseDir; a site given by the caller
    // (siteOverride) replaces it, which is how a day is replayed against another configuration.
    static std::optional<EventScript> parse(const QString &text, const QString &baseDir, QString *error,
                                            const std::optional<SiteConfig> &siteOverride = std::nullopt);
    static std::optional<EventScript> load(const QString &path, QString *error,
                                           const std::optional<SiteConfig> &siteOverride = std::nullopt);
    static std::optional<SiteConfig> loadSite(const QString &path, QString *error);

    SiteConfig site;
    qint64 start = 0;
    std::vector<ScriptLine> lines;
};

// Splits a line into words; double quotes group words and \" escapes a quote.
bool splitWords(const QString &line, QStringList *words, QString *error);

} // namespace sb
