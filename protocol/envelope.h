#pragma once
// The four kinds of frame on the wire and their JSON codec: a client's request, and the server's
// result, error and event. Every request gets exactly one result or error with the same id;
// events carry a sequence number so a client that reconnects can resume without gaps.

#include "errorcode.h"
#include "requestargs.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <variant>

namespace sb::protocol {

struct Request
{
    QJsonValue id; // an integer or a string, echoed in the reply
    QString op;
    RequestArgs args;
};

struct ProtocolError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
    QJsonValue id; // the request's id when it could be read, so the error still matches it
};

// What a client receives.
struct Incoming
{
    enum Kind { Result, Error, Event } kind = Result;
    QJsonValue id;                        // Result and Error
    QJsonObject payload;                  // the result, or the event's data
    ErrorCode code = ErrorCode::Internal; // Error
    QString message;                      // Error
    QString event;                        // Event: its name
    quint64 seq = 0;                      // Event: strictly increasing per session
};

// Reads the common shape itself (requestscanner.h) and leaves everything else to
// parseRequestThroughQt(), with the same result either way.
std::variant<Request, ProtocolError> parseRequest(const QByteArray &frame);
// Through QJsonDocument: what parseRequest() must always agree with.
std::variant<Request, ProtocolError> parseRequestThroughQt(const QByteArray &frame);
QByteArray encodeRequest(const QJsonValue &id, const QString &op, const QJsonObject &args);

QByteArray encodeResult(const QJsonValue &id, const QJsonObject &result);
QByteArray encodeError(const QJsonValue &id, ErrorCode code, const QString &message);
QByteArray encodeError(const ProtocolError &error);
QByteArray encodeEvent(quint64 seq, const QString &name, const QJsonObject &data);

// On failure returns a readable reason.
std::variant<Incoming, QString> parseIncoming(const QByteArray &frame);

} // namespace sb::protocol
