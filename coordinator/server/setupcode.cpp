#include "setupcode.h"

#include <QByteArray>
#include <QHostAddress>
#include <QtGlobal>

#include <sodium.h>

namespace sb {

namespace {

// Crockford's base32: no I, L, O or U, so nothing reads as another character.
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(sizeof kAlphabet - 1 == 32, "32 symbols, 5 bits each");

// The code as a person typed it, reduced to its symbols; characters that belong to no code are
// kept (upper-cased) so that they cannot match.
QByteArray canonical(const QString &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('-') || c.isSpace())
            continue;
        char u = c.unicode() < 128 ? static_cast<char>(c.toUpper().unicode()) : '?';
        if (u == 'O')
            u = '0';
        else if (u == 'I' || u == 'L')
            u = '1';
        out.append(u);
    }
    return out;
}

} // namespace

QString newSetupCode()
{
    if (sodium_init() < 0) // idempotent and thread-safe
        qFatal("libsodium could not be initialised");
    QString code;
    for (int i = 0; i < kSetupCodeChars; ++i) {
        if (i > 0 && i % 4 == 0)
            code.append(QLatin1Char('-'));
        code.append(QLatin1Char(kAlphabet[randombytes_uniform(32)]));
    }
    return code;
}

bool setupCodeMatches(const QString &expected, const QString &typed)
{
    const QByteArray want = canonical(expected);
    const QByteArray got = canonical(typed);
    // The length is no secret (every code has the same); the characters are.
    if (want.isEmpty() || want.size() != got.size())
        return false;
    return sodium_memcmp(want.constData(), got.constData(), size_t(want.size())) == 0;
}

bool isLoopbackPeer(const QString &address)
{
    QHostAddress peer(address);
    if (peer.isNull())
        return false;
    // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 (::ffff:127.0.0.1).
    bool mapped = false;
    const quint32 v4 = peer.toIPv4Address(&mapped);
    if (mapped)
        peer = QHostAddress(v4);
    return peer.isLoopback();
}

} // namespace sb
