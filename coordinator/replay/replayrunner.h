#pragma once
// Runs an event script through a fresh routing engine on a virtual clock, records every decision,
// checks the script's `expect` lines, and builds the summary.

#include "eventscript.h"
#include "replaysummary.h"
#include "routingengine.h"

#include <QStringList>
#include <QTextStream>
#include <vector>

namespace sb {

class ReplayRunner
{
public:
    // A strict runner treats a refused event as a failure; a lenient one (what-if runs against
    // another configuration, where recorded replies may meet a conversation another agent holds)
    // counts it as skipped.
    explicit ReplayRunner(const EventScript &script, bool strict = true);

    // Runs every line. With a log stream, each decision is written as it is made (explained when
    // `explainAll`). Returns false if the site failed to load or any line failed.
    bool run(QTextStream *log = nullptr, bool explainAll = true);

    const std::vector<Decision> &decisions() const { return m_decisions; }
    const QStringList &failures() const { return m_failures; }
    int expectationsChecked() const { return m_expectations; }
    int skippedEvents() const { return m_skipped; }
    const ReplaySummary &summary() const { return m_summary; }

private:
    void apply(const ScriptLine &line);
    void expect(const ScriptLine &line);
    void expectConversation(const ScriptLine &line);
    void expectAgent(const ScriptLine &line);
    void fail(const ScriptLine &line, const QString &what);
    const Decision *lastDecisionFor(const QString &conversation, bool withCandidates = false) const;

    const EventScript &m_script;
    ManualClock m_clock;
    RoutingEngine m_engine;
    bool m_strict = true;
    std::vector<Decision> m_decisions;
    QStringList m_failures;
    int m_expectations = 0;
    int m_skipped = 0;
    ReplaySummary m_summary;
    QTextStream *m_log = nullptr;
    bool m_explainAll = true;
    QTimeZone m_zone;
};

} // namespace sb
