#include "daemonlog.h"

#include <QByteArray>
#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <cstdio>

namespace sb {

namespace {

QMutex g_logMutex; // lines from the store writer's thread and the main thread never interleave

void writeToStdout(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = qFormatLogMessage(type, context, message).toUtf8();
    QMutexLocker lock(&g_logMutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

void installDaemonLog()
{
    // Local time with its offset: the machine's own clock, as an operator reads it beside others.
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz t} %{if-debug}debug%{endif}"
                                      "%{if-info}info%{endif}%{if-warning}warning%{endif}"
                                      "%{if-critical}critical%{endif}%{if-fatal}fatal%{endif} "
                                      "%{category}: %{message}"));
    qInstallMessageHandler(writeToStdout);
}

} // namespace sb
