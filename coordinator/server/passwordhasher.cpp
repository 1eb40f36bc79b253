#include "passwordhasher.h"

#include <QByteArray>
#include <QtGlobal>

#include <sodium.h>

namespace sb {

namespace {

void ensureSodium()
{
    // sodium_init() is idempotent and thread-safe; the static only saves the repeated call.
    // Without it the random salts could come from an unseeded generator, so failure is fatal.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not be initialised");
}

// The same password typed on different systems or input methods can arrive as different code
// points: full-width "１２３" from a Chinese IME, or a decomposed "é" from macOS. NIST SP 800-63B
// asks for NFKC or NFKD before hashing so that the user gets in either way.
QByteArray passwordBytes(const QString &password)
{
    return password.normalized(QString::NormalizationForm_KC).toUtf8();
}

// libsodium reads the encoded hash as an ASCII C string of at most crypto_pwhash_STRBYTES including
// the terminator; anything longer, non-ASCII or with an embedded NUL is not one of ours.
bool toEncodedBytes(const QString &encoded, QByteArray *out)
{
    *out = encoded.toUtf8();
    return !out->isEmpty() && out->size() == encoded.size() && out->size() < int(crypto_pwhash_STRBYTES) &&
           !out->contains('\0');
}

} // namespace

QString PasswordHasher::hash(const QString &password)
{
    ensureSodium();
    QByteArray bytes = passwordBytes(password);
    char out[crypto_pwhash_STRBYTES];
    const int rc = crypto_pwhash_str_alg(out, bytes.constData(), quint64(bytes.size()), kOpsLimit,
                                         kMemLimitBytes, crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(bytes.data(), size_t(bytes.size()));
    if (rc != 0)
        return QString();
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &encoded, const QString &password)
{
    ensureSodium();
    QByteArray enc;
    if (!toEncodedBytes(encoded, &enc))
        return false;
    QByteArray bytes = passwordBytes(password);
    const bool ok = crypto_pwhash_str_verify(enc.constData(), bytes.constData(), quint64(bytes.size())) == 0;
    sodium_memzero(bytes.data(), size_t(bytes.size()));
    return ok;
}

bool PasswordHasher::needsRehash(const QString &encoded)
{
    ensureSodium();
    QByteArray enc;
    if (!toEncodedBytes(encoded, &enc))
        return true;
    // 0 means "ours"; 1 means weaker or Argon2i; -1 means unparsable. Only 0 is good enough to keep.
    return crypto_pwhash_str_needs_rehash(enc.constData(), kOpsLimit, kMemLimitBytes) != 0;
}

bool PasswordHasher::dummyVerify(const QString &password)
{
    // A hash of random bytes with the current parameters, so the work matches a real account's;
    // no password can be known to match it. Made on first use rather than stored in the source
    // so that it follows the parameters when they are raised.
    static const QString reference = [] {
        ensureSodium();
        unsigned char secret[32];
        randombytes_buf(secret, sizeof secret);
        const QString h = hash(QString::fromLatin1(
            QByteArray(reinterpret_cast<const char *>(secret), sizeof secret).toBase64()));
        sodium_memzero(secret, sizeof secret);
        return h;
    }();
    verify(reference, password);
    return false;
}

} // namespace sb
