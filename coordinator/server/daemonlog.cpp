#include "daemonlog.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <cstdio>
#include <mutex>

namespace sb {

namespace {

// Lines from the store writer's thread and the main thread never interleave. A QBasicMutex has no
// destructor to run at exit while another thread may still log.
QBasicMutex g_logMutex;

void writeToStdout(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    // One write per line, newline included: the start-up lines the daemon prints with a QTextStream
    // on stdout can fall between two lines, never inside one.
    const QByteArray line = qFormatLogMessage(type, context, message).toUtf8() + '\n';
    const std::lock_guard<QBasicMutex> locker(g_logMutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace

void installDaemonLog()
{
    // Local time and its zone's name: the machine's own clock, as an operator reads it beside others.
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz t} %{if-debug}debug%{endif}"
                                      "%{if-info}info%{endif}%{if-warning}warning%{endif}"
                                      "%{if-critical}critical%{endif}%{if-fatal}fatal%{endif} "
                                      "%{category}: %{message}"));
    qInstallMessageHandler(writeToStdout);
}

} // namespace sb
