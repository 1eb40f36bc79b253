#include "loadprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QThread>
#include <unistd.h>

namespace sb {

LoadProcess::~LoadProcess()
{
    stop();
}

bool LoadProcess::start(const QString &program, const QStringList &arguments, const QString &logPath,
                        QString *error)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_NO_GLIB"), QStringLiteral("1"));
    m_process.setProcessEnvironment(env);
    // Output goes to a file: a pipe nobody drains would block the server once it fills.
    m_process.setStandardOutputFile(logPath);
    m_process.setStandardErrorFile(logPath + QStringLiteral(".err"));
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    static const QRegularExpression portPattern(QStringLiteral("(?:ws://[^\\s:]+:|port=)(\\d+)"));
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 30000) {
        QFile log(logPath);
        if (log.open(QIODevice::ReadOnly)) {
            const auto match = portPattern.match(QString::fromUtf8(log.readAll()));
            if (match.hasMatch()) {
                m_port = static_cast<quint16>(match.captured(1).toUInt());
                return true;
            }
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(20);
    }
    QFile err(logPath + QStringLiteral(".err"));
    err.open(QIODevice::ReadOnly);
    *error = QStringLiteral("%1 did not report a port: %2")
                 .arg(program, QString::fromUtf8(err.readAll()).trimmed());
    stop();
    return false;
}

void LoadProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

qint64 LoadProcess::residentKb() const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
    if (pid() <= 0 || !status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

namespace {

double statCpuSeconds(const QString &path)
{
    QFile stat(path);
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime
    // are the 14th and 15th fields of the line, the 12th and 13th after ") ".
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields[11].toLongLong() + fields[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

} // namespace

double LoadProcess::cpuSeconds() const
{
    return pid() > 0 ? statCpuSeconds(QStringLiteral("/proc/%1/stat").arg(pid())) : -1;
}

QHash<QString, double> LoadProcess::threadCpuSeconds() const
{
    QHash<QString, double> threads;
    const QString taskDir = QStringLiteral("/proc/%1/task").arg(pid());
    for (const QString &tid : QDir(taskDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(taskDir + QLatin1Char('/') + tid + QStringLiteral("/comm"));
        if (!comm.open(QIODevice::ReadOnly))
            continue;
        const QString name = QString::fromUtf8(comm.readAll()).trimmed();
        threads[name] += statCpuSeconds(taskDir + QLatin1Char('/') + tid + QStringLiteral("/stat"));
    }
    return threads;
}

double LoadProcess::metric(quint16 httpPort, const QString &name)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, httpPort);
    if (!socket.waitForConnected(3000))
        return -1;
    socket.write("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (socket.waitForReadyRead(3000))
        response += socket.readAll();
    response += socket.readAll();
    for (const QByteArray &line : response.split('\n')) {
        if (line.startsWith(name.toUtf8() + ' '))
            return line.mid(name.size() + 1).trimmed().toDouble();
    }
    return -1;
}

} // namespace sb
