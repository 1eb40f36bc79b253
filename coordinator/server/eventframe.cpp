#include "eventframe.h"

#include <charconv>
#include <cstring>

namespace sb {

int eventSeqDigits(quint64 seq, char *into)
{
    return int(std::to_chars(into, into + 20, seq).ptr - into);
}

qsizetype eventFrameSize(const QByteArray &head, quint64 seq)
{
    char digits[20];
    return head.size() + eventSeqDigits(seq, digits) + 1;
}

QByteArray eventFrame(const QByteArray &head, quint64 seq)
{
    // One allocation and two copies: QByteArray::number and each append were calls of their own,
    // about 1,300 instructions per event sent.
    char digits[20];
    const int n = eventSeqDigits(seq, digits);
    QByteArray frame(head.size() + n + 1, Qt::Uninitialized);
    char *o = frame.data();
    std::memcpy(o, head.constData(), size_t(head.size()));
    std::memcpy(o + head.size(), digits, size_t(n));
    o[head.size() + n] = '}';
    return frame;
}

} // namespace sb
