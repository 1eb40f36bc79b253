#include "clock.h"

#include <QDateTime>

namespace sb {

qint64 SystemClock::nowMs() const { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace sb
