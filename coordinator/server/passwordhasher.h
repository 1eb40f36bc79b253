#pragma once
// Stores and checks users' passwords as Argon2id hashes (libsodium), so that a stolen database
// costs an attacker real memory and time per guess.

#include <QString>
#include <QtGlobal>

namespace sb {

class PasswordHasher final
{
public:
    // OWASP Password Storage Cheat Sheet, Argon2id minimum configuration: m = 19 MiB, t = 2, p = 1.
    // libsodium's encoded form writes this as "$argon2id$v=19$m=19456,t=2,p=1$" (memory in KiB).
    // Raising either limit is enough to upgrade: needsRehash() then reports old hashes, and the
    // server rehashes them at the user's next successful sign-in.
    static constexpr quint64 kOpsLimit = 2;
    static constexpr size_t kMemLimitBytes = size_t(19) * 1024 * 1024;
    // libsodium's Argon2id always runs one lane; p = 1 is part of the encoding, not a setting.

    // Encoded "$argon2id$..." string with its own random salt; empty if libsodium could not get
    // the memory. Blocks for tens of milliseconds: call it off the event-loop thread.
    static QString hash(const QString &password);

    // Constant-time check of a password against an encoded hash (Argon2id or the older Argon2i).
    // False for a wrong password and for an empty, truncated or otherwise malformed string.
    static bool verify(const QString &encoded, const QString &password);

    // True when the hash was made with other (weaker) parameters or another algorithm, or cannot
    // be parsed: the caller should store hash(password) after a successful verify().
    static bool needsRehash(const QString &encoded);

    // Does the work of a verify() that fails, for a sign-in whose login does not exist, so that
    // the response time does not tell an attacker which logins are real. Always false.
    // The first call also makes the reference hash it checks against; call it once at start-up
    // to keep that cost off the first unknown-login sign-in.
    static bool dummyVerify(const QString &password);
};

} // namespace sb
