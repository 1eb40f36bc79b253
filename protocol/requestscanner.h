#pragma once
// Reads the request every client sends most, {"id": ..., "op": "...", "args": {...}}, straight from
// the frame's bytes, without QJsonDocument. Anything outside that shape, or anything doubtful (an
// escaped key, a key twice, invalid UTF-8, a top-level key it does not know, bytes after the
// object), it leaves to QJsonDocument, so that every frame reads exactly as QJsonDocument reads it
// and every error is QJsonDocument's. tst_protocol compares the two on every kind of frame.

#include "requestargs.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace sb::protocol {

struct ScannedRequest
{
    QJsonValue id; // a string or a number, as QJsonDocument would give it; Undefined when absent
    QString op;
    RequestArgs args;
};

// False when the frame is left to QJsonDocument; `out` is then unspecified.
bool scanRequest(const QByteArray &frame, ScannedRequest *out);

} // namespace sb::protocol
