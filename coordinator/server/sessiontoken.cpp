#include "sessiontoken.h"

#include <QByteArray>
#include <QtGlobal>

#include <sodium.h>

namespace sb {

namespace {

constexpr int kSessionTokenBytes = 32;
constexpr size_t kTokenHashBytes = 32; // BLAKE2b-256
static_assert((kSessionTokenBytes * 8 + 5) / 6 == kSessionTokenLength, "unpadded base64 length of the token");

void ensureSodium()
{
    // sodium_init() is idempotent and thread-safe; it seeds randombytes before the first token.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not be initialised");
}

QString randomBase64Url(int bytes)
{
    ensureSodium();
    QByteArray raw(bytes, Qt::Uninitialized);
    randombytes_buf(raw.data(), size_t(raw.size()));
    const QString text =
        QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    sodium_memzero(raw.data(), size_t(raw.size()));
    return text;
}

bool isBase64UrlChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_';
}

} // namespace

QString newSessionToken()
{
    return randomBase64Url(kSessionTokenBytes);
}

QString tokenHash(const QString &token)
{
    ensureSodium();
    const QByteArray in = token.toUtf8();
    unsigned char out[kTokenHashBytes];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char *>(in.constData()),
                       quint64(in.size()), nullptr, 0);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), sizeof out).toHex());
}

bool looksLikeToken(const QString &s)
{
    if (s.size() != kSessionTokenLength)
        return false;
    for (const QChar c : s) {
        if (!isBase64UrlChar(c))
            return false;
    }
    return true;
}

QString newId(const QString &prefix, int randomBytes)
{
    Q_ASSERT(randomBytes > 0);
    return prefix + randomBase64Url(qMax(randomBytes, 1));
}

} // namespace sb
