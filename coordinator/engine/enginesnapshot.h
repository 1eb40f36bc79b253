#pragma once
// The checksum that seals a saved engine state (see RoutingEngine::saveState). Exposed so that tests
// can forge states that pass it and check the validation behind it; hosts have no use for it.

#include <QtGlobal>

namespace sb::snapshot {

// A fast 64-bit checksum (a multiply-xorshift over 8-byte words): catches torn writes and flipped
// bits. It does not resist anyone crafting a blob on purpose; the restore's checks of every count
// and index are there for that.
quint64 checksum(const char *data, qsizetype size);

} // namespace sb::snapshot
