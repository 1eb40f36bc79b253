#include "ratelimiter.h"

#include <QCryptographicHash>
#include <QMutexLocker>

namespace sb {

namespace {

// Logins arrive from the network unchecked; a longer key is stored as its digest so that a
// megabyte "login" costs no more memory than a short one.
constexpr int kMaxStoredKeyLength = 200;

} // namespace

SignInRateLimiter::SignInRateLimiter(const Clock &clock, int maxFailures, qint64 windowMs, int maxKeys)
    : m_clock(clock), m_maxFailures(qMax(maxFailures, 1)), m_windowMs(qMax<qint64>(windowMs, 1)),
      m_maxKeys(qMax(maxKeys, 1))
{}

QString SignInRateLimiter::storedKey(const QString &key) const
{
    if (key.size() <= kMaxStoredKeyLength)
        return key;
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex());
}

bool SignInRateLimiter::allowed(const QString &key, qint64 *retryAfterMs) const
{
    if (retryAfterMs)
        *retryAfterMs = 0;
    const qint64 now = m_clock.nowMs();
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(storedKey(key));
    if (it == m_entries.constEnd())
        return true;
    // Only the latest maxFailures failures are kept, so the key is locked exactly when all of
    // them are still inside the window, and it opens when the oldest of them leaves it.
    const QVector<qint64> &failures = it->failures;
    if (failures.size() < m_maxFailures || failures.first() + m_windowMs <= now)
        return true;
    if (retryAfterMs) {
        // Capped so that a clock stepped backwards cannot announce a wait longer than the window.
        *retryAfterMs = qMin(failures.first() + m_windowMs - now, m_windowMs);
    }
    return false;
}

void SignInRateLimiter::recordFailure(const QString &key)
{
    const qint64 now = m_clock.nowMs();
    const QString stored = storedKey(key);
    QMutexLocker lock(&m_mutex);
    purgeExpired(now);
    auto it = m_entries.find(stored);
    if (it == m_entries.end()) {
        while (m_entries.size() >= m_maxKeys)
            evictOldest();
        m_order.push_back(stored);
        it = m_entries.insert(stored, Entry{{}, std::prev(m_order.end())});
    } else {
        m_order.splice(m_order.end(), m_order, it->order);
    }
    it->failures.append(now);
    if (it->failures.size() > m_maxFailures)
        it->failures.removeFirst();
}

void SignInRateLimiter::recordSuccess(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(storedKey(key));
    if (it == m_entries.end())
        return;
    m_order.erase(it->order);
    m_entries.erase(it);
}

int SignInRateLimiter::keyCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

void SignInRateLimiter::purgeExpired(qint64 now)
{
    // Runs on every failure; each key is removed once, so the cost is constant on average.
    while (!m_order.empty()) {
        const auto it = m_entries.constFind(m_order.front());
        if (it->failures.last() + m_windowMs > now)
            break;
        m_entries.erase(it);
        m_order.pop_front();
    }
}

void SignInRateLimiter::evictOldest()
{
    m_entries.remove(m_order.front());
    m_order.pop_front();
}

} // namespace sb
