#include "errorcode.h"

#include <utility>

namespace sb::protocol {

namespace {
const std::pair<ErrorCode, const char *> kCodes[] = {
    {ErrorCode::BadJson, "bad-json"},
    {ErrorCode::BadRequest, "bad-request"},
    {ErrorCode::FrameTooLarge, "frame-too-large"},
    {ErrorCode::UnknownOperation, "unknown-operation"},
    {ErrorCode::VersionMismatch, "version-mismatch"},
    {ErrorCode::Unauthenticated, "unauthenticated"},
    {ErrorCode::BadCredentials, "bad-credentials"},
    {ErrorCode::RateLimited, "rate-limited"},
    {ErrorCode::Forbidden, "forbidden"},
    {ErrorCode::NotFound, "not-found"},
    {ErrorCode::Conflict, "conflict"},
    {ErrorCode::AtCap, "at-cap"},
    {ErrorCode::NotQueued, "not-queued"},
    {ErrorCode::NotMember, "not-member"},
    {ErrorCode::AgentOffline, "agent-offline"},
    {ErrorCode::SetupDone, "setup-done"},
    {ErrorCode::InUse, "in-use"},
    {ErrorCode::Cycle, "cycle"},
    {ErrorCode::SetupCodeRequired, "setup-code-required"},
    {ErrorCode::BadSetupCode, "bad-setup-code"},
    {ErrorCode::Internal, "internal"},
};
} // namespace

QString toString(ErrorCode code)
{
    for (const auto &entry : kCodes) {
        if (entry.first == code)
            return QLatin1String(entry.second);
    }
    return QStringLiteral("internal");
}

ErrorCode errorCodeFromString(const QString &text)
{
    for (const auto &entry : kCodes) {
        if (text == QLatin1String(entry.second))
            return entry.first;
    }
    return ErrorCode::Internal;
}

} // namespace sb::protocol
