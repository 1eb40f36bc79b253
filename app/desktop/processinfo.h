#pragma once
// What this process costs, for --report-ready and the desk's benchmark.

#include <QtGlobal>

namespace sb {

// Resident memory (VmRSS) in KiB; 0 where /proc is not there.
qint64 residentKiB();

} // namespace sb
