// The coordinator's security primitives: Argon2id password hashes, session tokens and ids, and the
// sign-in rate limiter. Each Argon2id evaluation (hash or verify) costs tens of milliseconds, so
// the password tests share one hash and make 13 evaluations at full cost in all.

#include "clock.h"
#include "passwordhasher.h"
#include "ratelimiter.h"
#include "sessiontoken.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace sb;

namespace {

const QString kPassword = QStringLiteral("correct horse battery staple");

// Made with libsodium 1.0.18: crypto_pwhash_str_alg("legacy password", opslimit 1, memlimit 8192,
// ALG_ARGON2ID13) and (opslimit 3, memlimit 8192, ALG_ARGON2I13). They stand for hashes stored
// under weaker settings, and check that we still read libsodium's encoding.
const QString kWeakArgon2id = QStringLiteral(
    "$argon2id$v=19$m=8,t=1,p=1$usTvruzIrFNo5ZP8D42LPw$UHkUDOv9CWcVRJcPUmDOztfQcuA3lm0Sy2fehUgZQQg");
const QString kWeakArgon2i = QStringLiteral(
    "$argon2i$v=19$m=8,t=3,p=1$bWb0KyVU/WJQ9NWjiGxilg$NH7qwy3oQqaKxIUdsEc5CPmfqBixuHUHJrr25PAxwug");
const QString kWeakPassword = QStringLiteral("legacy password");

const QRegularExpression kTokenShape(QStringLiteral("^[A-Za-z0-9_-]{43}$"));

constexpr qint64 kStart = 1'700'000'000'000;
constexpr qint64 kWindow = 60'000;

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // PasswordHasher
    void hashUsesOwaspParameters();
    void verifyAcceptsOnlyTheRightPassword();
    void verifyRejectsMalformedHashes_data();
    void verifyRejectsMalformedHashes();
    void hashesAreSalted();
    void needsRehashForWeakerOrForeignHashes();
    void unicodePasswordsRoundTrip();
    void equivalentUnicodeFormsMatch();
    void dummyVerifyCostsLikeAFailedVerify();

    // Session tokens and ids
    void sessionTokensHaveTheRightShape();
    void sessionTokensAreDistinct();
    void tokenHashIsBlake2b256Hex();
    void tokenShapeCheck_data();
    void tokenShapeCheck();
    void newIdHasPrefixAndRandomPart();

    // SignInRateLimiter
    void locksAfterMaxFailures();
    void windowSlides();
    void advancingPastTheWindowUnlocks();
    void successClearsTheKey();
    void keysAreIndependent();
    void ipLimiterHasItsOwnLimit();
    void memoryStaysBoundedUnderDistinctKeys();
    void expiredKeysArePurged();
    void evictsTheLeastRecentlyFailedKey();
    void longKeysAreStoredCompactly();

private:
    QString m_hash;
    qint64 m_failedVerifyNs = 0;
};

void TestSecurity::initTestCase()
{
    m_hash = PasswordHasher::hash(kPassword);
    QVERIFY(!m_hash.isEmpty());
}

void TestSecurity::hashUsesOwaspParameters()
{
    // 19 MiB = 19456 KiB; libsodium writes memory in KiB.
    QVERIFY2(m_hash.startsWith(QLatin1String("$argon2id$v=19$m=19456,t=2,p=1$")), qPrintable(m_hash));
    // Salt (16 bytes) and hash (32 bytes) in unpadded standard base64.
    const QStringList parts = m_hash.split(QLatin1Char('$'));
    QCOMPARE(parts.size(), 6);
    QCOMPARE(parts.at(4).size(), 22);
    QCOMPARE(parts.at(5).size(), 43);
    QVERIFY(!PasswordHasher::needsRehash(m_hash));
}

void TestSecurity::verifyAcceptsOnlyTheRightPassword()
{
    QVERIFY(PasswordHasher::verify(m_hash, kPassword));

    QElapsedTimer timer;
    timer.start();
    QVERIFY(!PasswordHasher::verify(m_hash, QStringLiteral("correct horse battery stapler")));
    m_failedVerifyNs = timer.nsecsElapsed();

    QVERIFY(!PasswordHasher::verify(m_hash, QString()));
}

void TestSecurity::verifyRejectsMalformedHashes_data()
{
    QTest::addColumn<QString>("encoded");
    // None of these reach Argon2 itself, so they cost nothing.
    QTest::newRow("empty") << QString();
    QTest::newRow("garbage") << QStringLiteral("not a hash");
    QTest::newRow("prefix only") << QStringLiteral("$argon2id$");
    QTest::newRow("no salt or hash") << QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$");
    QTest::newRow("unknown algorithm") << QStringLiteral("$argon2d$v=19$m=8,t=1,p=1$usTvruzIrFNo5ZP8D42LPw$"
                                                         "UHkUDOv9CWcVRJcPUmDOztfQcuA3lm0Sy2fehUgZQQg");
    QTest::newRow("bcrypt") << QStringLiteral("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
    QTest::newRow("non-ASCII") << QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$盐$哈希");
    QTest::newRow("too long") << QStringLiteral("$argon2id$v=19$m=8,t=1,p=1$") +
                                     QString(200, QLatin1Char('A'));
    QTest::newRow("embedded NUL") << QStringLiteral("$argon2id$v=19$m=8,t=1,p=1$usTvruzIrFNo5ZP8D42LPw$") +
                                         QChar(0) +
                                         QStringLiteral("UHkUDOv9CWcVRJcPUmDOztfQcuA3lm0Sy2fehUgZQQg");
}

void TestSecurity::verifyRejectsMalformedHashes()
{
    QFETCH(QString, encoded);
    QVERIFY(!PasswordHasher::verify(encoded, kPassword));
    QVERIFY(!PasswordHasher::verify(encoded, QString()));
    QVERIFY(PasswordHasher::needsRehash(encoded));
}

void TestSecurity::hashesAreSalted()
{
    const QString again = PasswordHasher::hash(kPassword);
    QVERIFY(again.startsWith(QLatin1String("$argon2id$v=19$m=19456,t=2,p=1$")));
    QVERIFY(again != m_hash);
    QVERIFY(again.split(QLatin1Char('$')).at(4) != m_hash.split(QLatin1Char('$')).at(4));
}

void TestSecurity::needsRehashForWeakerOrForeignHashes()
{
    QVERIFY(!PasswordHasher::needsRehash(m_hash));

    // Old hashes still let their users in, and are flagged for an upgrade at that sign-in.
    QVERIFY(PasswordHasher::verify(kWeakArgon2id, kWeakPassword));
    QVERIFY(!PasswordHasher::verify(kWeakArgon2id, kPassword));
    QVERIFY(PasswordHasher::needsRehash(kWeakArgon2id));

    QVERIFY(PasswordHasher::verify(kWeakArgon2i, kWeakPassword));
    QVERIFY(PasswordHasher::needsRehash(kWeakArgon2i));
}

void TestSecurity::unicodePasswordsRoundTrip()
{
    const QString password = QString::fromUtf8("客服密碼🔐安全😀");
    const QString encoded = PasswordHasher::hash(password);
    QVERIFY(!encoded.isEmpty());
    QVERIFY(PasswordHasher::verify(encoded, password));
    // Only the last emoji differs: every code point counts, none is lost on the way to bytes.
    QVERIFY(!PasswordHasher::verify(encoded, QString::fromUtf8("客服密碼🔐安全😁")));
}

void TestSecurity::equivalentUnicodeFormsMatch()
{
    // Decomposed "é" (as macOS sends it) and full-width digits (as a Chinese IME types them)
    // against the composed, half-width spelling.
    const QString encoded = PasswordHasher::hash(QString::fromUtf8("Cafe\u0301 １２３"));
    QVERIFY(PasswordHasher::verify(encoded, QString::fromUtf8("Caf\u00e9 123")));
}

void TestSecurity::dummyVerifyCostsLikeAFailedVerify()
{
    QVERIFY(m_failedVerifyNs > 0);
    // The first call also makes the reference hash, so time the second.
    QVERIFY(!PasswordHasher::dummyVerify(kPassword));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!PasswordHasher::dummyVerify(kPassword));
    const qint64 dummyNs = timer.nsecsElapsed();
    // Same work by construction; the margin only absorbs scheduling noise on a busy machine.
    QVERIFY2(dummyNs * 3 > m_failedVerifyNs,
             qPrintable(
                 QStringLiteral("dummy %1 µs, real %2 µs").arg(dummyNs / 1000).arg(m_failedVerifyNs / 1000)));
}

void TestSecurity::sessionTokensHaveTheRightShape()
{
    const QString token = newSessionToken();
    QCOMPARE(token.size(), 43);
    QCOMPARE(kSessionTokenLength, 43);
    QVERIFY2(kTokenShape.match(token).hasMatch(), qPrintable(token));
    QVERIFY(looksLikeToken(token));
    // 43 base64url characters carry 258 bits; the 256 random ones decode back to 32 bytes.
    QCOMPARE(QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding).size(), 32);
}

void TestSecurity::sessionTokensAreDistinct()
{
    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i) {
        const QString token = newSessionToken();
        QVERIFY(kTokenShape.match(token).hasMatch());
        seen.insert(token);
    }
    QCOMPARE(seen.size(), 1000);
}

void TestSecurity::tokenHashIsBlake2b256Hex()
{
    // Reference values from Python's hashlib.blake2b(data, digest_size=32).
    QCOMPARE(tokenHash(QStringLiteral("abc")),
             QStringLiteral("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"));
    QCOMPARE(tokenHash(QString::fromUtf8("令牌")),
             QStringLiteral("dd362e06eb87bbcf7d7e9da3992cba42f02d5422e6db067e409ea712018196a7"));

    const QString token = newSessionToken();
    const QString digest = tokenHash(token);
    QCOMPARE(digest.size(), 64);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(digest).hasMatch());
    QCOMPARE(tokenHash(token), digest);
    QVERIFY(!digest.contains(token));

    const QString other = newSessionToken();
    QVERIFY(tokenHash(other) != digest);
    // One character apart is enough.
    QString nearby = token;
    nearby[0] = nearby.at(0) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QVERIFY(tokenHash(nearby) != digest);
}

void TestSecurity::tokenShapeCheck_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");
    const QString valid = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_Q");
    QCOMPARE(valid.size(), 43);
    QTest::newRow("fresh token") << newSessionToken() << true;
    QTest::newRow("all alphabet classes") << valid << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("42 chars") << valid.left(42) << false;
    QTest::newRow("44 chars") << valid + QLatin1Char('A') << false;
    QTest::newRow("padding") << valid.left(42) + QLatin1Char('=') << false;
    QTest::newRow("standard base64 plus") << valid.left(42) + QLatin1Char('+') << false;
    QTest::newRow("standard base64 slash") << valid.left(42) + QLatin1Char('/') << false;
    QTest::newRow("space") << QLatin1Char(' ') + valid.left(42) << false;
    QTest::newRow("full-width letter") << valid.left(42) + QChar(0xFF21) << false;
    QTest::newRow("Chinese") << valid.left(41) + QString::fromUtf8("令牌") << false;
    QTest::newRow("SQL") << QStringLiteral("' OR 1=1 --                                ") << false;
}

void TestSecurity::tokenShapeCheck()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);
    QCOMPARE(looksLikeToken(text), expected);
}

void TestSecurity::newIdHasPrefixAndRandomPart()
{
    const QString id = newId(QStringLiteral("att-"));
    QVERIFY(id.startsWith(QLatin1String("att-")));
    QCOMPARE(id.size(), 4 + 22); // 16 bytes
    QVERIFY(QRegularExpression(QStringLiteral("^att-[A-Za-z0-9_-]{22}$")).match(id).hasMatch());

    QCOMPARE(newId(QStringLiteral("cust-"), 32).size(), 5 + 43);
    QCOMPARE(newId(QString()).size(), 22);

    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(newId(QStringLiteral("att-")));
    QCOMPARE(seen.size(), 1000);
}

void TestSecurity::locksAfterMaxFailures()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow);
    const QString key = QStringLiteral("login:alice");

    qint64 retry = -1;
    QVERIFY(limiter.allowed(key, &retry));
    QCOMPARE(retry, 0);
    for (int i = 0; i < 5; ++i) {
        QVERIFY2(limiter.allowed(key, &retry), qPrintable(QString::number(i)));
        QCOMPARE(retry, 0);
        limiter.recordFailure(key);
        clock.advanceMs(1000);
    }
    // Failures at +0 s .. +4 s, now +5 s: the sixth attempt waits until the first is 60 s old.
    QVERIFY(!limiter.allowed(key, &retry));
    QCOMPARE(retry, kWindow - 5000);
    QVERIFY(!limiter.allowed(key)); // retryAfterMs is optional
}

void TestSecurity::windowSlides()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow);
    const QString key = QStringLiteral("login:alice");
    for (int i = 0; i < 5; ++i) {
        limiter.recordFailure(key);
        clock.advanceMs(10'000);
    }
    // Failures at 0, 10, 20, 30, 40 s; now 50 s.
    qint64 retry = 0;
    QVERIFY(!limiter.allowed(key, &retry));
    QCOMPARE(retry, 10'000);
    clock.advanceMs(9'999);
    QVERIFY(!limiter.allowed(key, &retry));
    QCOMPARE(retry, 1);
    clock.advanceMs(1); // 60 s: the first failure leaves the window, one attempt opens
    QVERIFY(limiter.allowed(key, &retry));
    QCOMPARE(retry, 0);
    limiter.recordFailure(key);
    // Now the window holds 10, 20, 30, 40 and 60 s: locked until the 10 s failure expires at 70 s.
    QVERIFY(!limiter.allowed(key, &retry));
    QCOMPARE(retry, 10'000);
}

void TestSecurity::advancingPastTheWindowUnlocks()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow);
    const QString key = QStringLiteral("login:alice");
    for (int i = 0; i < 5; ++i)
        limiter.recordFailure(key);
    qint64 retry = 0;
    QVERIFY(!limiter.allowed(key, &retry));
    QCOMPARE(retry, kWindow);
    clock.advanceMs(kWindow + 1);
    QVERIFY(limiter.allowed(key, &retry));
    QCOMPARE(retry, 0);
    // All five expired together, so it takes five new failures to lock again.
    for (int i = 0; i < 4; ++i)
        limiter.recordFailure(key);
    QVERIFY(limiter.allowed(key));
    limiter.recordFailure(key);
    QVERIFY(!limiter.allowed(key));
}

void TestSecurity::successClearsTheKey()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow);
    const QString key = QStringLiteral("login:alice");
    for (int i = 0; i < 4; ++i)
        limiter.recordFailure(key);
    QCOMPARE(limiter.keyCount(), 1);
    limiter.recordSuccess(key);
    QCOMPARE(limiter.keyCount(), 0);
    // The four earlier failures no longer count.
    for (int i = 0; i < 4; ++i)
        limiter.recordFailure(key);
    QVERIFY(limiter.allowed(key));
    limiter.recordSuccess(QStringLiteral("login:nobody")); // unknown key: nothing to do
    QCOMPARE(limiter.keyCount(), 1);
}

void TestSecurity::keysAreIndependent()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow);
    for (int i = 0; i < 5; ++i)
        limiter.recordFailure(QStringLiteral("login:alice"));
    limiter.recordFailure(QStringLiteral("login:bob"));
    QVERIFY(!limiter.allowed(QStringLiteral("login:alice")));
    QVERIFY(limiter.allowed(QStringLiteral("login:bob")));
    QVERIFY(limiter.allowed(QStringLiteral("login:carol")));
    // Keys are exact: the server lower-cases logins before it builds them.
    QVERIFY(limiter.allowed(QStringLiteral("login:Alice")));
    limiter.recordSuccess(QStringLiteral("login:bob"));
    QVERIFY(!limiter.allowed(QStringLiteral("login:alice")));
}

void TestSecurity::ipLimiterHasItsOwnLimit()
{
    ManualClock clock(kStart);
    SignInRateLimiter logins(clock, 5, kWindow);
    SignInRateLimiter addresses(clock, 20, kWindow);
    const QString ip = QStringLiteral("ip:192.0.2.7");
    // One address trying many logins: each login stays under its limit, the address does not.
    for (int i = 0; i < 20; ++i) {
        QVERIFY(addresses.allowed(ip));
        const QString login = QStringLiteral("login:user%1").arg(i);
        logins.recordFailure(login);
        addresses.recordFailure(ip);
        QVERIFY(logins.allowed(login));
        clock.advanceMs(100);
    }
    qint64 retry = 0;
    QVERIFY(!addresses.allowed(ip, &retry));
    QCOMPARE(retry, kWindow - 2000);
    QVERIFY(addresses.allowed(QStringLiteral("ip:2001:db8::1")));
}

void TestSecurity::memoryStaysBoundedUnderDistinctKeys()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow, 1000);
    // A flood of new logins with the clock standing still: nothing expires, the cap holds.
    for (int i = 0; i < 100'000; ++i)
        limiter.recordFailure(QStringLiteral("login:flood%1").arg(i));
    QCOMPARE(limiter.keyCount(), 1000);
    // The newest keys are the ones kept.
    for (int i = 0; i < 4; ++i)
        limiter.recordFailure(QStringLiteral("login:flood99999"));
    QVERIFY(!limiter.allowed(QStringLiteral("login:flood99999")));
    QCOMPARE(limiter.keyCount(), 1000);
}

void TestSecurity::expiredKeysArePurged()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 5, kWindow); // default cap, far above what stays live here
    // 100,000 keys, one every 10 ms: only the last 60 s of them (6,000) are still in the window.
    for (int i = 0; i < 100'000; ++i) {
        limiter.recordFailure(QStringLiteral("ip:10.%1.%2.%3").arg(i >> 16).arg((i >> 8) & 255).arg(i & 255));
        clock.advanceMs(10);
    }
    QVERIFY2(limiter.keyCount() <= int(kWindow / 10) + 1, qPrintable(QString::number(limiter.keyCount())));
    QVERIFY(limiter.keyCount() >= int(kWindow / 10) - 1);
    clock.advanceMs(kWindow);
    limiter.recordFailure(QStringLiteral("ip:192.0.2.1"));
    QCOMPARE(limiter.keyCount(), 1);
}

void TestSecurity::evictsTheLeastRecentlyFailedKey()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 1, kWindow, 3);
    limiter.recordFailure(QStringLiteral("a"));
    clock.advanceMs(1);
    limiter.recordFailure(QStringLiteral("b"));
    clock.advanceMs(1);
    limiter.recordFailure(QStringLiteral("c"));
    clock.advanceMs(1);
    limiter.recordFailure(QStringLiteral("a")); // "a" is now the most recent, "b" the oldest
    clock.advanceMs(1);
    limiter.recordFailure(QStringLiteral("d"));
    QCOMPARE(limiter.keyCount(), 3);
    QVERIFY(limiter.allowed(QStringLiteral("b")));
    QVERIFY(!limiter.allowed(QStringLiteral("a")));
    QVERIFY(!limiter.allowed(QStringLiteral("c")));
    QVERIFY(!limiter.allowed(QStringLiteral("d")));
}

void TestSecurity::longKeysAreStoredCompactly()
{
    ManualClock clock(kStart);
    SignInRateLimiter limiter(clock, 2, kWindow);
    const QString huge = QStringLiteral("login:") + QString(1'000'000, QLatin1Char('x'));
    const QString hugeOther = QStringLiteral("login:") + QString(1'000'000, QLatin1Char('y'));
    limiter.recordFailure(huge);
    limiter.recordFailure(huge);
    QVERIFY(!limiter.allowed(huge));
    QVERIFY(limiter.allowed(hugeOther));
    QCOMPARE(limiter.keyCount(), 1);
    limiter.recordSuccess(huge);
    QVERIFY(limiter.allowed(huge));
    QCOMPARE(limiter.keyCount(), 0);
}

QTEST_APPLESS_MAIN(TestSecurity)
#include "tst_security.moc"
