#pragma once
// The protocol version and the limits both sides enforce. Documented in docs/PROTOCOL.md.

#include <QtGlobal>

namespace sb::protocol {

// Bumped on any incompatible change; a client announcing another version is refused with
// `version-mismatch` and told which one the server speaks.
constexpr int kVersion = 1;

struct Limits
{
    // A frame above this is refused unread (`frame-too-large`); the connection stays open.
    static constexpr qint64 maxFrameBytes = 8 * 1024 * 1024;
    static constexpr int maxTextChars = 8000;
    static constexpr qint64 maxAttachmentBytes = 5 * 1024 * 1024;
    static constexpr int maxIdChars = 128;
    static constexpr int maxNameChars = 200;
    static constexpr int maxPageSize = 200;
};

} // namespace sb::protocol
