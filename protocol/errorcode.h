#pragma once
// Stable error codes carried in error replies. Clients switch on the code; the message is for
// people. Never rename a code: add a new one.

#include <QString>

namespace sb::protocol {

enum class ErrorCode {
    BadJson,    // the frame is not JSON, or not a JSON object
    BadRequest, // a required field is missing, has the wrong type, or is out of range
    FrameTooLarge,
    UnknownOperation,
    VersionMismatch,
    Unauthenticated, // sign in (or resume) first
    BadCredentials,
    RateLimited,
    Forbidden, // signed in, but this is outside your role or scope
    NotFound,
    Conflict, // the state changed (already claimed, already closed...)
    AtCap,
    NotQueued,
    NotMember,
    AgentOffline,
    SetupDone, // first-run setup was already completed
    InUse,     // still referenced (a team with accounts or child teams)
    Cycle,     // the change would make the team tree loop
    // auth.setup from another machine than the coordinator's without the setup code it printed
    SetupCodeRequired,
    BadSetupCode, // auth.setup with a setup code that is not this start's
    Internal,     // a bug or a failed write: nothing was changed
};

QString toString(ErrorCode code);
// Unknown codes (from a newer server) map to Internal.
ErrorCode errorCodeFromString(const QString &text);

} // namespace sb::protocol
