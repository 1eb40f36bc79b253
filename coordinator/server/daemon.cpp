#include "daemon.h"

#include "certificatetrust.h"
#include "clock.h"
#include "coordinatormetrics.h"
#include "coordinatorservice.h"
#include "daemonlog.h"
#include "epolldispatcher.h"
#include "httpendpoint.h"
#include "signalwatcher.h"
#include "websocketgateway.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace sb {

namespace {

std::optional<QSslConfiguration> loadTls(const DaemonOptions &o, QString *error)
{
    if (o.tlsCertificate.isEmpty() && o.tlsKey.isEmpty())
        return std::nullopt;
    QFile certFile(o.tlsCertificate), keyFile(o.tlsKey);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("cannot read the TLS certificate %1 or key %2").arg(o.tlsCertificate, o.tlsKey);
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        *error =
            QStringLiteral("the TLS certificate or key is not valid PEM (RSA and EC keys are supported)");
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    const QString problem = WebSocketGateway::tlsProblem(tls);
    if (!problem.isEmpty()) {
        *error = QStringLiteral("the TLS certificate %1 and key %2 cannot serve (is the key the "
                                "certificate's own?): %3")
                     .arg(o.tlsCertificate, o.tlsKey, problem);
        return std::nullopt;
    }
    return tls;
}

} // namespace

int runDaemon(const DaemonOptions &options, QTextStream &out, QTextStream &err)
{
    installDaemonLog();
    SystemClock clock;
    CoordinatorService::Options serviceOptions;
    serviceOptions.dataDir = options.dataDir;
    serviceOptions.presenceGraceMs = qint64(options.presenceGraceSeconds) * 1000;
    serviceOptions.snapshotEvery = options.snapshotEvery;
    QString error;
    if (!options.sitePath.isEmpty()) {
        QFile file(options.sitePath);
        if (!file.open(QIODevice::ReadOnly)) {
            err << "switchboard-coordinator: cannot read " << options.sitePath << '\n';
            return 2;
        }
        serviceOptions.seedSite = SiteConfig::fromJson(file.readAll(), &error);
        if (!serviceOptions.seedSite) {
            err << "switchboard-coordinator: " << options.sitePath << ": " << error << '\n';
            return 2;
        }
    }
    const auto tls = loadTls(options, &error);
    if (!error.isEmpty()) {
        err << "switchboard-coordinator: " << error << '\n';
        return 2;
    }
    CoordinatorService service(clock, serviceOptions);
    if (!service.start(&error)) {
        err << "switchboard-coordinator: the store at " << options.dataDir << ": " << error << '\n';
        return 1;
    }
    WebSocketGateway gateway(&service);
    if (!gateway.listen(options.address, options.port, &error, tls)) {
        err << "switchboard-coordinator: " << error << '\n';
        return 1;
    }
    QElapsedTimer uptime;
    uptime.start();
    HttpEndpoint http;
    if (options.httpPort != 0) {
        http.setHealthProvider([&] {
            return QJsonObject{{QLatin1String("status"), QLatin1String("ok")},
                               {QLatin1String("uptimeSeconds"), uptime.elapsed() / 1000},
                               {QLatin1String("connections"), gateway.connectionCount()},
                               {QLatin1String("needsSetup"), service.needsSetup()}};
        });
        http.setMetricsProvider([&] { return coordinatorMetrics(service, gateway, http); });
        if (!http.listen(options.address, options.httpPort, &error)) {
            err << "switchboard-coordinator: " << error << '\n';
            return 1;
        }
    }
    SignalWatcher stopWatcher;
    QObject::connect(&stopWatcher, &SignalWatcher::stopRequested, qApp, [&](int number) {
        out << "switchboard-coordinator: signal " << number << ", stopping\n";
        out.flush();
        // The whole ordered stop runs in this one turn; no request waits behind it, so it is not
        // logged or counted as a slow turn.
        excuseLoopTurn();
        gateway.close();
        service.stop();
        QCoreApplication::quit();
    });
    out << "switchboard-coordinator: listening on " << (tls ? "wss" : "ws") << "://"
        << options.address.toString() << ':' << gateway.port();
    if (options.httpPort != 0)
        out << ", health and metrics on http://" << options.address.toString() << ':' << http.port()
            << "/health /metrics";
    out << "; store " << service.storePath() << '\n';
    if (tls) {
        // What a desk shows when no authority it trusts vouches for the certificate (a site's
        // self-signed one): agents compare it before trusting it (protocol/certificatetrust.h).
        out << "switchboard-coordinator: certificate SHA-256 fingerprint "
            << certificateFingerprint(tls->localCertificate()) << '\n';
    }
    if (service.needsSetup()) {
        // Like a first-run password: only someone who can read these lines (or sits at this
        // machine) can create the first administrator.
        out << "switchboard-coordinator: no administrator yet. Setup code: " << service.setupCode() << '\n'
            << "switchboard-coordinator: a desk on another computer enters this setup code to create the "
               "first administrator (a desk on this computer needs none); it works until then, and each "
               "start makes a new one\n";
    }
    out.flush();
    const int rc = QCoreApplication::exec();
    service.stop();
    return rc;
}

} // namespace sb
