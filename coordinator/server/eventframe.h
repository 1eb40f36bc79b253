#pragma once
// An event as it goes on the wire: the head the service encodes once for every recipient
// (`{"event":…,"data":…,"seq":`) and the recipient's own number, then the closing brace. Kept
// apart so that a session's replay buffer holds the shared head and its number, not a copy of
// the whole frame per recipient, and a link can write the pieces straight into its socket buffer.

#include <QByteArray>
#include <QtGlobal>

namespace sb {

// What follows the head: seq's decimal digits and the closing brace, written to `into` (room for
// kEventTailMax); returns how many bytes.
constexpr int kEventTailMax = 21;
int eventTail(quint64 seq, char *into);

// The frame's size in bytes: the head, the number, the brace.
qsizetype eventFrameSize(const QByteArray &head, quint64 seq);

// The whole frame in one allocation.
QByteArray eventFrame(const QByteArray &head, quint64 seq);

} // namespace sb
