#include "websockethandshake.h"

#include <QByteArrayView>
#include <QCryptographicHash>
#include <vector>

namespace sb::websocket {

namespace {

Handshake refuse(int status, const char *statusText, const QString &error,
                 const QByteArray &extraHeaders = {})
{
    Handshake h;
    h.status = Handshake::Refused;
    h.error = error;
    const QByteArray body = error.toUtf8() + '\n';
    h.response =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusText +
        "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
    return h;
}

std::vector<QByteArrayView> split(QByteArrayView text, QByteArrayView separator)
{
    std::vector<QByteArrayView> parts;
    qsizetype from = 0;
    for (qsizetype at; (at = text.indexOf(separator, from)) >= 0; from = at + separator.size())
        parts.push_back(text.sliced(from, at - from));
    parts.push_back(text.sliced(from));
    return parts;
}

// Whether a comma-separated header value holds `token` (case-insensitive), as Connection's
// "keep-alive, Upgrade" does.
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    for (QByteArrayView part : split(value, ",")) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray acceptKey(const QByteArray &clientKey)
{
    return QCryptographicHash::hash(clientKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                    QCryptographicHash::Sha1)
        .toBase64();
}

Handshake readHandshake(const char *data, qsizetype size)
{
    const QByteArrayView bytes(data, size);
    const qsizetype end = bytes.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0) {
        if (size > maxHandshakeBytes)
            return refuse(
                431, "Request Header Fields Too Large",
                QStringLiteral("the upgrade request's headers are over %1 bytes").arg(maxHandshakeBytes));
        return {};
    }
    if (end + 4 > maxHandshakeBytes)
        return refuse(
            431, "Request Header Fields Too Large",
            QStringLiteral("the upgrade request's headers are over %1 bytes").arg(maxHandshakeBytes));
    const std::vector<QByteArrayView> lines = split(bytes.first(end), "\r\n");
    const std::vector<QByteArrayView> request = split(lines.front(), " ");
    if (request.size() != 3 || !request.at(2).startsWith("HTTP/1."))
        return refuse(400, "Bad Request", QStringLiteral("not an HTTP request"));
    if (request.at(0) != "GET")
        return refuse(405, "Method Not Allowed",
                      QStringLiteral("this port speaks WebSocket: open it with a GET upgrade request"),
                      "Allow: GET\r\n");
    QByteArrayView upgrade, connection, key, version;
    bool host = false;
    for (size_t i = 1; i < lines.size(); ++i) {
        const QByteArrayView line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refuse(400, "Bad Request", QStringLiteral("a header line without a name"));
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("Upgrade", Qt::CaseInsensitive) == 0)
            upgrade = value;
        else if (name.compare("Connection", Qt::CaseInsensitive) == 0)
            connection = value;
        else if (name.compare("Sec-WebSocket-Key", Qt::CaseInsensitive) == 0)
            key = value;
        else if (name.compare("Sec-WebSocket-Version", Qt::CaseInsensitive) == 0)
            version = value;
        else if (name.compare("Host", Qt::CaseInsensitive) == 0)
            host = true;
    }
    if (!hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade"))
        return refuse(426, "Upgrade Required",
                      QStringLiteral("this port speaks WebSocket: send Upgrade: websocket"),
                      "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
    if (version != "13")
        return refuse(426, "Upgrade Required", QStringLiteral("only WebSocket version 13 is spoken"),
                      "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
    if (!host)
        return refuse(400, "Bad Request", QStringLiteral("the request has no Host header"));
    if (QByteArray::fromBase64(key.toByteArray()).size() != 16)
        return refuse(400, "Bad Request", QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64"));
    Handshake h;
    h.status = Handshake::Accepted;
    h.consumed = end + 4;
    h.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: " +
                 acceptKey(key.toByteArray()) + "\r\n\r\n";
    return h;
}

} // namespace sb::websocket
