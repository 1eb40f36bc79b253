#pragma once
// The catalogue of operations a client may request: who may call each one and the shape of its
// arguments. The server validates every request against it before acting; docs/PROTOCOL.md lists it.

#include "envelope.h"

#include <QJsonObject>
#include <QString>
#include <optional>
#include <vector>

namespace sb::protocol {

// Who may call an operation. Scope (whose conversations) is checked by the server on top.
enum class Audience {
    Anyone, // before signing in
    SignedIn, // any session, customer or staff
    Customer,
    Agent, // agents, supervisors and admins
    Supervisor, // supervisors and admins
    Admin,
};

enum class FieldType { String, Integer, Boolean, Object, StringArray };

struct FieldSpec
{
    const char *name;
    FieldType type;
    bool required;
    qint64 min; // characters for strings, value for integers, items for arrays
    qint64 max;
};

struct OperationSpec
{
    const char *name;
    Audience audience;
    std::vector<FieldSpec> fields;
    const char *summary;
};

const std::vector<OperationSpec> &operations();
const OperationSpec *findOperation(const QString &name);

// Checks the request's arguments against the operation's fields: missing required fields, wrong
// types and out-of-range values. Unknown extra fields are ignored, so newer clients still work.
std::optional<ProtocolError> validate(const OperationSpec &spec, const Request &request);

QString toString(Audience audience);
QString toString(FieldType type);

} // namespace sb::protocol
