#pragma once
// Random bearer tokens for signed-in sessions and random opaque ids, and the digest under which
// the store keeps a token so that a copy of the database holds no live credentials.

#include <QString>

namespace sb {

// Characters in a session token: 32 random bytes (256 bits; OWASP asks for at least 128) in
// base64url without padding.
constexpr int kSessionTokenLength = 43;

// A new session token from the operating system's CSPRNG (libsodium randombytes_buf).
QString newSessionToken();

// BLAKE2b-256 of the token's UTF-8, as 64 lower-case hex digits. The store keeps only this and
// looks sessions up by it. No salt is needed: the token already has 256 bits of entropy, so there
// is no dictionary to precompute, and the same token must always give the same key.
QString tokenHash(const QString &token);

// Cheap shape check before a database look-up: exactly kSessionTokenLength characters of the
// base64url alphabet. Says nothing about whether the session exists.
bool looksLikeToken(const QString &s);

// prefix followed by randomBytes random bytes in base64url without padding, e.g. "att-" and 22
// characters for the default 16 bytes (128 bits): for attachment ids, customer tokens and other
// ids that must not be guessable or enumerable.
QString newId(const QString &prefix, int randomBytes = 16);

} // namespace sb
