#pragma once
// A server the load benchmark measures, run as a child process so that its resident memory and
// CPU time can be read on their own from /proc: the coordinator, or the bench's bare echo server.

#include <QHash>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace sb {

class LoadProcess final
{
public:
    LoadProcess() = default;
    ~LoadProcess();
    LoadProcess(const LoadProcess &) = delete;
    LoadProcess &operator=(const LoadProcess &) = delete;

    // Starts the program with QT_NO_GLIB=1 and waits until its standard output (kept in `logPath`)
    // names the port it listens on: the first "ws://host:port" or "port=N". False on failure.
    bool start(const QString &program, const QStringList &arguments, const QString &logPath, QString *error);
    // SIGTERM, then SIGKILL if it does not stop within a few seconds.
    void stop();

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    // VmRSS in KiB, or -1.
    qint64 residentKb() const;
    // User plus system CPU time so far, in seconds, or -1.
    double cpuSeconds() const;
    // The same, of each thread by name (a coordinator: its main thread and the store's writer).
    QHash<QString, double> threadCpuSeconds() const;
    // One sample of the Prometheus text at http://127.0.0.1:httpPort/metrics, or -1.
    static double metric(quint16 httpPort, const QString &name);

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace sb
