#include "httpendpoint.h"

#include "acceptretry.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <cstring>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcHttp, "switchboard.coordinator.http")

namespace sb {

namespace {

const QByteArray kAllowed = QByteArrayLiteral("GET, HEAD");
const QByteArray kJson = QByteArrayLiteral("application/json");
const QByteArray kPlain = QByteArrayLiteral("text/plain; charset=utf-8");
const QByteArray kPrometheus = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    }
    return QByteArrayLiteral("Unknown");
}

// RFC 9110 tchar: the characters of methods and header names.
bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c));
        if (!ok)
            return false;
    }
    return true;
}

// A parsed request head, or the status to refuse it with.
struct Request
{
    int error = 0;
    QByteArray method;
    QByteArray path; // without the query
};

QByteArray targetPath(const QByteArray &target)
{
    if (target.startsWith('/')) {
        const qsizetype query = target.indexOf('?');
        return query < 0 ? target : target.left(query);
    }
    // Absolute form ("GET http://host/health"), which HTTP/1.1 servers must accept from proxies.
    const QByteArray lower = target.toLower();
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
        const QUrl url = QUrl::fromEncoded(target, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return {};
        const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
        return path.isEmpty() ? QByteArrayLiteral("/") : path;
    }
    if (target == "*")
        return target;
    return {};
}

// head is everything before the blank line. Strict on purpose: whatever is not plainly
// HTTP/1.x gets 400, so that nothing in front of us (a proxy) can read the request differently.
Request parseHead(const QByteArray &head)
{
    Request request;
    if (head.contains('\0')) {
        request.error = 400;
        return request;
    }
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        // Every line but the last was split off a "\r\n"; the last has no line end of its own.
        const QByteArray &line = lines.at(i);
        const bool last = i == lines.size() - 1;
        if ((!last && !line.endsWith('\r')) || line.chopped(last ? 0 : 1).contains('\r')) {
            request.error = 400;
            return request;
        }
    }

    const QByteArray requestLine = lines.first().chopped(lines.size() > 1 ? 1 : 0);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()) {
        request.error = 400;
        return request;
    }
    static const QRegularExpression versionShape(QStringLiteral("^HTTP/(\\d)\\.(\\d)$"));
    const QRegularExpressionMatch version = versionShape.match(QString::fromLatin1(parts.at(2)));
    if (!version.hasMatch()) {
        request.error = 400;
        return request;
    }
    if (version.captured(1) != QLatin1String("1")) {
        request.error = 505;
        return request;
    }
    request.method = parts.at(0);
    const QByteArray &target = parts.at(1);
    const bool printable = std::all_of(target.begin(), target.end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
    });
    request.path = printable ? targetPath(target) : QByteArray();
    if (request.path.isEmpty()) {
        request.error = 400;
        return request;
    }

    int hosts = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).chopped(i == lines.size() - 1 ? 0 : 1);
        const qsizetype colon = line.indexOf(':');
        // Folded continuation lines are obsolete and a classic smuggling vector (RFC 9112 5.2);
        // a name must be a token with no space before the colon.
        if (colon <= 0 || !isToken(line.left(colon))) {
            request.error = 400;
            return request;
        }
        if (line.left(colon).compare("host", Qt::CaseInsensitive) == 0)
            ++hosts;
    }
    // RFC 9112 3.2: an HTTP/1.1 request without exactly one Host header must get 400.
    if ((version.captured(2) != QLatin1String("0") && hosts != 1) || hosts > 1) {
        request.error = 400;
        return request;
    }
    return request;
}

bool isMetricName(const QString &name)
{
    static const QRegularExpression shape(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    return shape.match(name).hasMatch();
}

bool isLabelName(const QString &name)
{
    // Names starting with "__" are reserved for Prometheus itself.
    static const QRegularExpression shape(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    return shape.match(name).hasMatch() && !name.startsWith(QLatin1String("__"));
}

QByteArray escapeHelp(const QString &text)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray escapeLabelValue(const QString &text)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Counts are the common case; print them as integers rather than "1.234567e+06". Below 2^53
    // every integer is exact in a double.
    if (std::abs(value) < 9007199254740992.0 && value == std::trunc(value))
        return QByteArray::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
}

bool labelsValid(const Metric &metric)
{
    QSet<QString> seen;
    for (const auto &label : metric.labels) {
        if (!isLabelName(label.first) || seen.contains(label.first))
            return false;
        seen.insert(label.first);
    }
    return true;
}

} // namespace

HttpEndpoint::HttpEndpoint(QObject *parent) : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &HttpEndpoint::acceptConnections);
    keepAccepting(m_server, QStringLiteral("HTTP"), &m_acceptErrors);
}

HttpEndpoint::~HttpEndpoint()
{
    close();
}

bool HttpEndpoint::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_server->isListening()) {
        if (error)
            *error = tr("The HTTP endpoint is already listening on port %1.").arg(m_server->serverPort());
        return false;
    }
    if (!m_server->listen(address, port)) {
        if (error)
            *error = m_server->errorString();
        return false;
    }
    return true;
}

quint16 HttpEndpoint::port() const
{
    return m_server->serverPort();
}

bool HttpEndpoint::isListening() const
{
    return m_server->isListening();
}

void HttpEndpoint::close()
{
    m_server->close();
    const QList<QTcpSocket *> sockets = m_connections.keys();
    for (QTcpSocket *socket : sockets)
        drop(socket);
}

void HttpEndpoint::setHealthProvider(std::function<QJsonObject()> provider)
{
    m_healthProvider = std::move(provider);
}

void HttpEndpoint::setMetricsProvider(std::function<QList<Metric>()> provider)
{
    m_metricsProvider = std::move(provider);
}

void HttpEndpoint::setIdleTimeout(int milliseconds)
{
    m_idleTimeoutMs = qMax(1, milliseconds);
}

int HttpEndpoint::idleTimeout() const
{
    return m_idleTimeoutMs;
}

int HttpEndpoint::connectionCount() const
{
    return int(m_connections.size());
}

QByteArray HttpEndpoint::renderMetrics(const QList<Metric> &metrics)
{
    // The format wants all samples of a family together under one HELP and TYPE, whatever order
    // the provider produced them in; families keep the order of their first sample.
    QList<QString> order;
    QHash<QString, QList<const Metric *>> families;
    for (const Metric &metric : metrics) {
        if (!isMetricName(metric.name) || !labelsValid(metric)) {
            qCWarning(lcHttp) << "left out a metric sample with an invalid name or labels:" << metric.name;
            continue;
        }
        auto it = families.find(metric.name);
        if (it == families.end()) {
            order.append(metric.name);
            it = families.insert(metric.name, {});
        }
        it->append(&metric);
    }

    QByteArray out;
    for (const QString &name : order) {
        const QList<const Metric *> &samples = families.value(name);
        const QByteArray nameBytes = name.toLatin1();
        const Metric &first = *samples.first();
        if (!first.help.isEmpty())
            out += "# HELP " + nameBytes + ' ' + escapeHelp(first.help) + '\n';
        out += "# TYPE " + nameBytes + (first.type == Metric::Counter ? " counter\n" : " gauge\n");
        for (const Metric *sample : samples) {
            out += nameBytes;
            if (!sample->labels.isEmpty()) {
                out += '{';
                for (qsizetype i = 0; i < sample->labels.size(); ++i) {
                    const auto &label = sample->labels.at(i);
                    if (i > 0)
                        out += ',';
                    out += label.first.toLatin1() + "=\"" + escapeLabelValue(label.second) + '"';
                }
                out += '}';
            }
            out += ' ' + formatValue(sample->value) + '\n';
        }
    }
    return out;
}

void HttpEndpoint::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connections.size() >= kMaxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        // One deadline for the whole request head, not one per read: a client that dribbles a
        // byte now and then must not hold the connection open for ever.
        auto *timer = new QTimer(socket);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, socket] { drop(socket); });
        timer->start(m_idleTimeoutMs);
        Connection connection;
        connection.timer = timer;
        m_connections.insert(socket, connection);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { onBytesWritten(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    }
}

void HttpEndpoint::onReadyRead(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const QByteArray data = socket->readAll();
    if (it->responded)
        return; // a body or a second request; we close after one response
    // The end marker may straddle two reads.
    const qsizetype searchFrom = qMax<qsizetype>(0, it->head.size() - 3);
    it->head += data;
    const qsizetype end = it->head.indexOf("\r\n\r\n", searchFrom);
    if (end < 0) {
        if (it->head.size() > kMaxHeadBytes)
            respondError(socket, 400);
        return;
    }
    if (end + 4 > kMaxHeadBytes) {
        respondError(socket, 400);
        return;
    }
    const QByteArray head = it->head.left(end);
    it->head.clear();
    handleHead(socket, head);
}

void HttpEndpoint::handleHead(QTcpSocket *socket, const QByteArray &head)
{
    const Request request = parseHead(head);
    if (request.error != 0) {
        respondError(socket, request.error);
        return;
    }
    const bool withBody = request.method != "HEAD";
    const bool health = request.path == "/health";
    if (!health && request.path != "/metrics") {
        respondError(socket, 404, withBody);
        return;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        respondError(socket, 405, withBody, "Allow: " + kAllowed + "\r\n");
        return;
    }
    if (health) {
        const QJsonObject status = m_healthProvider
                                       ? m_healthProvider()
                                       : QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}};
        const bool ok = status.value(QLatin1String("status")).toString() == QLatin1String("ok");
        respond(socket, ok ? 200 : 503, kJson, QJsonDocument(status).toJson(QJsonDocument::Compact),
                withBody);
        return;
    }
    const QList<Metric> metrics = m_metricsProvider ? m_metricsProvider() : QList<Metric>{};
    respond(socket, 200, kPrometheus, renderMetrics(metrics), withBody);
}

void HttpEndpoint::respond(QTcpSocket *socket, int status, const QByteArray &contentType,
                           const QByteArray &body, bool includeBody, const QByteArray &extraHeaders)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->responded)
        return;
    it->responded = true;
    it->head.clear();
    // The deadline starts again for the response: a client that never reads it is dropped.
    it->timer->start(m_idleTimeoutMs);

    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + contentType + "\r\n";
    // HEAD announces the length the GET body would have (RFC 9110 9.3.2).
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\n";
    out += "Connection: close\r\n";
    out += extraHeaders;
    out += "\r\n";
    if (includeBody)
        out += body;
    socket->write(out);
}

void HttpEndpoint::respondError(QTcpSocket *socket, int status, bool includeBody,
                                const QByteArray &extraHeaders)
{
    respond(socket, status, kPlain, reasonPhrase(status) + '\n', includeBody, extraHeaders);
}

void HttpEndpoint::onBytesWritten(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end() || !it->responded || it->halfClosed || socket->bytesToWrite() > 0)
        return;
    it->halfClosed = true;
#ifdef Q_OS_UNIX
    // Closing outright while request bytes we never read are still arriving (a body, the rest of
    // an oversized head) makes the kernel send a reset, and the client may lose the response it
    // has not read yet. So end only our direction; onReadyRead discards what still comes, and the
    // socket goes when the client closes (or at the deadline).
    ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
#else
    socket->disconnectFromHost();
#endif
}

void HttpEndpoint::drop(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->timer->stop();
    m_connections.erase(it);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

} // namespace sb
