#include "envelope.h"

#include "protocol.h"
#include "requestscanner.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace sb::protocol {

namespace {
QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool validId(const QJsonValue &id)
{
    if (id.isString())
        return !id.toString().isEmpty() && id.toString().size() <= Limits::maxIdChars;
    if (id.isDouble()) {
        const double d = id.toDouble();
        return d == static_cast<double>(static_cast<qint64>(d)) && d >= 0 && d <= 9007199254740991.0;
    }
    return false;
}

ProtocolError badId()
{
    return ProtocolError{
        ErrorCode::BadRequest,
        QStringLiteral("\"id\" must be a non-negative integer or a string of 1 to %1 characters")
            .arg(Limits::maxIdChars),
        QJsonValue()};
}

ProtocolError badOp(const QJsonValue &id)
{
    return ProtocolError{ErrorCode::BadRequest, QStringLiteral("\"op\" must be a non-empty string"), id};
}
} // namespace

std::variant<Request, ProtocolError> parseRequest(const QByteArray &frame)
{
    if (frame.size() > Limits::maxFrameBytes)
        return parseRequestThroughQt(frame);
    ScannedRequest scanned;
    if (!scanRequest(frame, &scanned))
        return parseRequestThroughQt(frame);
    // The same checks, in the same order, as below; the scanner read a JSON object whose "op" is a
    // string and whose "args" is an object, absent or null.
    if (!validId(scanned.id))
        return badId();
    if (scanned.op.isEmpty())
        return badOp(scanned.id);
    return Request{std::move(scanned.id), std::move(scanned.op), std::move(scanned.args)};
}

std::variant<Request, ProtocolError> parseRequestThroughQt(const QByteArray &frame)
{
    if (frame.size() > Limits::maxFrameBytes)
        return ProtocolError{ErrorCode::FrameTooLarge,
                             QStringLiteral("the frame has %1 bytes; the limit is %2")
                                 .arg(frame.size())
                                 .arg(Limits::maxFrameBytes),
                             QJsonValue()};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &parseError);
    if (doc.isNull())
        return ProtocolError{
            ErrorCode::BadJson,
            QStringLiteral("not JSON (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset),
            QJsonValue()};
    if (!doc.isObject())
        return ProtocolError{ErrorCode::BadJson, QStringLiteral("a request must be a JSON object"),
                             QJsonValue()};
    const QJsonObject o = doc.object();
    const QJsonValue id = o.value(QLatin1String("id"));
    if (!validId(id))
        return badId();
    const QJsonValue op = o.value(QLatin1String("op"));
    if (!op.isString() || op.toString().isEmpty())
        return badOp(id);
    const QJsonValue args = o.value(QLatin1String("args"));
    if (!args.isUndefined() && !args.isNull() && !args.isObject())
        return ProtocolError{ErrorCode::BadRequest, QStringLiteral("\"args\" must be an object"), id};
    return Request{id, op.toString(), RequestArgs::fromObject(args.toObject())};
}

QByteArray encodeRequest(const QJsonValue &id, const QString &op, const QJsonObject &args)
{
    return compact({{QLatin1String("id"), id}, {QLatin1String("op"), op}, {QLatin1String("args"), args}});
}

QByteArray encodeResult(const QJsonValue &id, const QJsonObject &result)
{
    return compact({{QLatin1String("id"), id}, {QLatin1String("result"), result}});
}

QByteArray encodeError(const QJsonValue &id, ErrorCode code, const QString &message)
{
    return compact({{QLatin1String("id"), id.isUndefined() ? QJsonValue() : id},
                    {QLatin1String("error"), QJsonObject{{QLatin1String("code"), toString(code)},
                                                         {QLatin1String("message"), message}}}});
}

QByteArray encodeError(const ProtocolError &error)
{
    return encodeError(error.id, error.code, error.message);
}

QByteArray encodeEvent(quint64 seq, const QString &name, const QJsonObject &data)
{
    return compact({{QLatin1String("event"), name},
                    {QLatin1String("seq"), static_cast<qint64>(seq)},
                    {QLatin1String("data"), data}});
}

std::variant<Incoming, QString> parseIncoming(const QByteArray &frame)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &parseError);
    if (!doc.isObject())
        return QStringLiteral("the server sent something that is not a JSON object");
    const QJsonObject o = doc.object();
    Incoming in;
    if (o.contains(QLatin1String("event"))) {
        in.kind = Incoming::Event;
        in.event = o.value(QLatin1String("event")).toString();
        const double seq = o.value(QLatin1String("seq")).toDouble(-1);
        if (in.event.isEmpty() || seq < 0)
            return QStringLiteral("an event without a name or sequence number");
        in.seq = static_cast<quint64>(seq);
        in.payload = o.value(QLatin1String("data")).toObject();
        return in;
    }
    in.id = o.value(QLatin1String("id"));
    if (o.contains(QLatin1String("error"))) {
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        in.kind = Incoming::Error;
        in.code = errorCodeFromString(e.value(QLatin1String("code")).toString());
        in.message = e.value(QLatin1String("message")).toString();
        return in;
    }
    if (!o.contains(QLatin1String("result")))
        return QStringLiteral("a reply with neither result nor error");
    in.kind = Incoming::Result;
    in.payload = o.value(QLatin1String("result")).toObject();
    return in;
}

} // namespace sb::protocol
