#pragma once
// Slows down password guessing: counts failed sign-ins per key ("login:<lower-case login>",
// "ip:<address>") in a sliding window and refuses further attempts while the count is at the limit.

#include "clock.h"

#include <QHash>
#include <QMutex>
#include <QString>
#include <QVector>
#include <list>

namespace sb {

class SignInRateLimiter final
{
public:
    // Every failure costs the server one Argon2id verify (tens of milliseconds of a core), so a
    // small machine manages a few thousand failures a minute. With room for this many keys, an
    // attacker cannot push a still-locked key out by flooding with new ones; the cap only keeps
    // memory bounded (a few hundred bytes a key).
    static constexpr int kDefaultMaxKeys = 50000;

    // maxFailures failures within windowMs lock a key until the oldest of them is windowMs old.
    SignInRateLimiter(const Clock &clock, int maxFailures, qint64 windowMs, int maxKeys = kDefaultMaxKeys);

    // False while the key is locked; then *retryAfterMs (if given) is the wait until the next
    // attempt is allowed, otherwise 0. Check before verifying the password, so that a locked key
    // costs no hashing.
    bool allowed(const QString &key, qint64 *retryAfterMs = nullptr) const;
    void recordFailure(const QString &key);
    // A successful sign-in forgets the key's failures.
    void recordSuccess(const QString &key);

    // Keys currently remembered; for tests and metrics.
    int keyCount() const;

private:
    struct Entry
    {
        QVector<qint64> failures; // the latest maxFailures failure times, oldest first
        std::list<QString>::iterator order;
    };

    QString storedKey(const QString &key) const;
    void purgeExpired(qint64 now);
    void evictOldest();

    const Clock &m_clock;
    const int m_maxFailures;
    const qint64 m_windowMs;
    const int m_maxKeys;
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    // Keys by their latest failure, oldest first: expired keys and eviction candidates are at the
    // front, so both are found without scanning.
    std::list<QString> m_order;
};

} // namespace sb
