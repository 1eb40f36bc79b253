// WorkingHours: parsing, isOpen and nextChange, in Asia/Hong_Kong and around the Europe/London
// spring-forward change (2024-03-31, 01:00 GMT -> 02:00 BST).
#include "workinghours.h"

#include <QJsonDocument>
#include <QtTest>

using sb::WorkingHours;

namespace {

QJsonObject obj(const char *json)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &e);
    if (!doc.isObject())
        qFatal("bad JSON literal in test: %s (%s)", json, qPrintable(e.errorString()));
    return doc.object();
}

WorkingHours parse(const char *json)
{
    WorkingHours h;
    QString error;
    if (!WorkingHours::fromJson(obj(json), &h, &error))
        qFatal("schedule %s did not parse: %s", json, qPrintable(error));
    return h;
}

// "2024-03-04T09:00" in the given zone, as ms since the epoch.
qint64 local(const char *zone, const char *iso)
{
    const QDateTime dt = QDateTime::fromString(QLatin1String(iso), Qt::ISODate);
    return QDateTime(dt.date(), dt.time(), QTimeZone(zone)).toMSecsSinceEpoch();
}

qint64 utc(const char *iso)
{
    QDateTime dt = QDateTime::fromString(QLatin1String(iso), Qt::ISODate);
    dt.setTimeZone(QTimeZone::utc());
    return dt.toMSecsSinceEpoch();
}

QString utcText(qint64 ms)
{
    return ms < 0 ? QStringLiteral("never")
                  : QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
                        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'"));
}

const char *const kHongKong = R"({"timeZone": "Asia/Hong_Kong",
                                 "mon-fri": "09:00-18:00",
                                 "sat": "10:00-12:00, 13:00-17:00",
                                 "sun": "closed"})";

} // namespace

class TestWorkingHours : public QObject
{
    Q_OBJECT

private slots:
    void defaultIsAlwaysOpen();
    void parseValid_data();
    void parseValid();
    void parseErrors_data();
    void parseErrors();
    void isOpen_data();
    void isOpen();
    void nextChange_data();
    void nextChange();
    void hongKongWeekSweep();
    void londonSpringForward();
    void nextChangeAgreesWithIsOpen_data();
    void nextChangeAgreesWithIsOpen();
    void toJsonRoundTrip();
};

void TestWorkingHours::defaultIsAlwaysOpen()
{
    WorkingHours h;
    QVERIFY(h.alwaysOpen());
    QVERIFY(h.isOpen(0));
    QVERIFY(h.isOpen(utc("2030-01-01T03:00:00")));
    QCOMPARE(h.nextChange(0), qint64(-1));
    QCOMPARE(h.timeZone(), QTimeZone::utc());

    // No day keys at all (only a zone, or nothing): always open as well.
    QVERIFY(parse(R"({})").alwaysOpen());
    const WorkingHours zoneOnly = parse(R"({"timeZone": "Asia/Hong_Kong"})");
    QVERIFY(zoneOnly.alwaysOpen());
    QCOMPARE(zoneOnly.timeZone().id(), QByteArray("Asia/Hong_Kong"));
    QCOMPARE(zoneOnly.nextChange(utc("2024-03-04T00:00:00")), qint64(-1));
}

void TestWorkingHours::parseValid_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("openAt"); // local time in the schedule's zone (UTC when none given)
    QTest::addColumn<QString>("closedAt");

    // 2024-03-04 is a Monday.
    QTest::newRow("single day") << R"({"wed": "09:00-18:00"})"
                                << "2024-03-06T09:00"
                                << "2024-03-05T09:00";
    QTest::newRow("day range") << R"({"mon-fri": "09:00-18:00"})"
                               << "2024-03-08T17:59"
                               << "2024-03-09T12:00";
    // The most specific key wins: a day beats a range, a range beats "daily".
    QTest::newRow("day overrides daily") << R"({"daily": "09:00-18:00", "sun": "closed"})"
                                         << "2024-03-09T12:00"
                                         << "2024-03-10T12:00";
    QTest::newRow("day overrides range") << R"({"mon-fri": "09:00-18:00", "wed": "13:00-15:00"})"
                                         << "2024-03-06T14:00"
                                         << "2024-03-06T10:00";
    QTest::newRow("range wrapping the week") << R"({"fri-mon": "09:00-18:00"})"
                                             << "2024-03-10T12:00"
                                             << "2024-03-06T12:00";
    QTest::newRow("daily") << R"({"daily": "08:00-20:00"})"
                           << "2024-03-10T08:00"
                           << "2024-03-10T20:00";
    QTest::newRow("upper-case keys") << R"({"MON-FRI": "09:00-18:00", "Daily": "closed"})"
                                     << "2024-03-04T09:00"
                                     << "2024-03-09T09:00";
    QTest::newRow("two intervals") << R"({"sat": "10:00-12:00,13:00-17:00"})"
                                   << "2024-03-09T13:00"
                                   << "2024-03-09T12:30";
    QTest::newRow("overnight") << R"({"mon": "22:00-06:00"})"
                               << "2024-03-05T05:59"
                               << "2024-03-05T06:00";
    QTest::newRow("overnight sunday into monday") << R"({"sun": "22:00-06:00"})"
                                                  << "2024-03-04T01:00"
                                                  << "2024-03-05T01:00";
    QTest::newRow("closed day") << R"({"mon": "closed", "tue": "09:00-10:00"})"
                                << "2024-03-05T09:30"
                                << "2024-03-04T09:30";
    QTest::newRow("empty string is closed") << R"({"mon": "", "tue": "09:00-10:00"})"
                                            << "2024-03-05T09:30"
                                            << "2024-03-04T09:30";
    QTest::newRow("until midnight") << R"({"mon": "18:00-24:00"})"
                                    << "2024-03-04T23:59"
                                    << "2024-03-05T00:00";
    QTest::newRow("spaces tolerated") << R"({"mon": " 09:00 - 10:00 "})"
                                      << "2024-03-04T09:00"
                                      << "2024-03-04T10:00";
    QTest::newRow("zone") << R"({"timeZone": "Asia/Hong_Kong", "mon": "09:00-10:00"})"
                          << "2024-03-04T09:00"
                          << "2024-03-04T10:00";
}

void TestWorkingHours::parseValid()
{
    QFETCH(QString, json);
    QFETCH(QString, openAt);
    QFETCH(QString, closedAt);
    WorkingHours h;
    QString error;
    QVERIFY2(WorkingHours::fromJson(obj(json.toUtf8().constData()), &h, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(!h.alwaysOpen());
    const QByteArray zone = h.timeZone().id();
    QVERIFY2(h.isOpen(local(zone.constData(), openAt.toLatin1().constData())), qPrintable(openAt));
    QVERIFY2(!h.isOpen(local(zone.constData(), closedAt.toLatin1().constData())), qPrintable(closedAt));
}

void TestWorkingHours::parseErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("unknown zone") << R"({"timeZone": "Mars/Olympus_Mons", "mon": "09:00-18:00"})"
                                  << R"(unknown time zone "Mars/Olympus_Mons")";
    QTest::newRow("unknown day")
        << R"({"funday": "09:00-18:00"})"
        << R"("funday" is not a day or a day range (use mon..sun, mon-fri or daily))";
    QTest::newRow("bad range end")
        << R"({"mon-xyz": "09:00-18:00"})"
        << R"("mon-xyz" is not a day or a day range (use mon..sun, mon-fri or daily))";
    QTest::newRow("three-part range")
        << R"({"mon-wed-fri": "09:00-18:00"})"
        << R"("mon-wed-fri" is not a day or a day range (use mon..sun, mon-fri or daily))";
    QTest::newRow("full day name")
        << R"({"monday": "09:00-18:00"})"
        << R"("monday" is not a day or a day range (use mon..sun, mon-fri or daily))";
    QTest::newRow("not a string") << R"({"mon": 9})"
                                  << R"(hours for "mon" must be a string such as "09:00-18:00")";
    QTest::newRow("list instead of string") << R"({"tue": ["09:00-18:00"]})"
                                            << R"(hours for "tue" must be a string such as "09:00-18:00")";
    QTest::newRow("hours without minutes") << R"({"mon": "9-18"})"
                                           << R"("9-18" is not an interval such as 09:00-18:00)";
    QTest::newRow("hour 25") << R"({"mon": "09:00-25:00"})"
                             << R"("09:00-25:00" is not an interval such as 09:00-18:00)";
    QTest::newRow("minute 60") << R"({"mon": "09:60-18:00"})"
                               << R"("09:60-18:00" is not an interval such as 09:00-18:00)";
    QTest::newRow("24:30") << R"({"mon": "09:00-24:30"})"
                           << R"("09:00-24:30" is not an interval such as 09:00-18:00)";
    QTest::newRow("empty interval") << R"({"mon": "09:00-09:00"})"
                                    << R"("09:00-09:00" is not an interval such as 09:00-18:00)";
    QTest::newRow("single time") << R"({"mon": "09:00"})"
                                 << R"("09:00" is not an interval such as 09:00-18:00)";
    QTest::newRow("bad second piece") << R"({"sat": "10:00-12:00, 1pm-5pm"})"
                                      << R"("1pm-5pm" is not an interval such as 09:00-18:00)";
    QTest::newRow("words") << R"({"mon": "open"})"
                           << R"("open" is not an interval such as 09:00-18:00)";
}

void TestWorkingHours::parseErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, expectedError);
    WorkingHours h = parse(R"({"timeZone": "Asia/Tokyo", "wed": "01:00-02:00"})");
    QString error;
    QVERIFY(!WorkingHours::fromJson(obj(json.toUtf8().constData()), &h, &error));
    QCOMPARE(error, expectedError);
    // The output is left untouched on failure.
    QCOMPARE(h.timeZone().id(), QByteArray("Asia/Tokyo"));
    QVERIFY(!h.alwaysOpen());
}

void TestWorkingHours::isOpen_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("localTime"); // in the schedule's zone
    QTest::addColumn<bool>("open");

    const QString hk = QString::fromUtf8(kHongKong);
    // 2024-03-04 is a Monday.
    QTest::newRow("hk mon 08:59") << hk << "2024-03-04T08:59:59" << false;
    QTest::newRow("hk mon 09:00") << hk << "2024-03-04T09:00:00" << true;
    QTest::newRow("hk mon 17:59") << hk << "2024-03-04T17:59:59" << true;
    QTest::newRow("hk mon 18:00") << hk << "2024-03-04T18:00:00" << false;
    QTest::newRow("hk fri 12:00") << hk << "2024-03-08T12:00:00" << true;
    QTest::newRow("hk sat 09:59") << hk << "2024-03-09T09:59:00" << false;
    QTest::newRow("hk sat 10:00") << hk << "2024-03-09T10:00:00" << true;
    QTest::newRow("hk sat lunch") << hk << "2024-03-09T12:30:00" << false;
    QTest::newRow("hk sat 13:00") << hk << "2024-03-09T13:00:00" << true;
    QTest::newRow("hk sat 17:00") << hk << "2024-03-09T17:00:00" << false;
    QTest::newRow("hk sun noon") << hk << "2024-03-10T12:00:00" << false;

    const QString night = QStringLiteral(R"({"timeZone": "Asia/Hong_Kong", "mon-fri": "22:00-06:00"})");
    QTest::newRow("night mon 21:59") << night << "2024-03-04T21:59:00" << false;
    QTest::newRow("night mon 22:00") << night << "2024-03-04T22:00:00" << true;
    QTest::newRow("night tue 03:00") << night << "2024-03-05T03:00:00" << true;
    QTest::newRow("night tue 06:00") << night << "2024-03-05T06:00:00" << false;
    QTest::newRow("night sat 05:59 (from fri)") << night << "2024-03-09T05:59:00" << true;
    QTest::newRow("night sat 22:00") << night << "2024-03-09T22:00:00" << false;
    QTest::newRow("night sun 03:00") << night << "2024-03-10T03:00:00" << false;
    QTest::newRow("night mon 03:00 (sun closed)") << night << "2024-03-04T03:00:00" << false;
}

void TestWorkingHours::isOpen()
{
    QFETCH(QString, schedule);
    QFETCH(QString, localTime);
    QFETCH(bool, open);
    const WorkingHours h = parse(schedule.toUtf8().constData());
    QCOMPARE(h.isOpen(local(h.timeZone().id().constData(), localTime.toLatin1().constData())), open);
}

void TestWorkingHours::nextChange_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("fromUtc");
    QTest::addColumn<QString>("expectedUtc"); // "never" for -1

    const QString hk = QString::fromUtf8(kHongKong); // UTC+8, no DST
    QTest::newRow("hk before opening") << hk << "2024-03-04T00:00:00Z"
                                       << "2024-03-04T01:00:00Z";
    QTest::newRow("hk exactly at opening") << hk << "2024-03-04T01:00:00Z"
                                           << "2024-03-04T10:00:00Z";
    QTest::newRow("hk during the day") << hk << "2024-03-04T05:00:00Z"
                                       << "2024-03-04T10:00:00Z";
    QTest::newRow("hk after closing") << hk << "2024-03-04T10:00:00Z"
                                      << "2024-03-05T01:00:00Z";
    QTest::newRow("hk friday evening -> saturday") << hk << "2024-03-08T11:00:00Z"
                                                   << "2024-03-09T02:00:00Z";
    QTest::newRow("hk saturday lunch break") << hk << "2024-03-09T04:00:00Z"
                                             << "2024-03-09T05:00:00Z";
    QTest::newRow("hk saturday evening -> monday") << hk << "2024-03-09T09:00:00Z"
                                                   << "2024-03-11T01:00:00Z";

    const QString night = QStringLiteral(R"({"timeZone": "Asia/Hong_Kong", "daily": "22:00-06:00"})");
    QTest::newRow("overnight opens") << night << "2024-03-04T12:00:00Z"
                                     << "2024-03-04T14:00:00Z";
    QTest::newRow("overnight closes next morning") << night << "2024-03-04T15:00:00Z"
                                                   << "2024-03-04T22:00:00Z";

    const QString once = QStringLiteral(R"({"timeZone": "Asia/Hong_Kong", "wed": "10:00-11:00"})");
    QTest::newRow("weekly single interval, a week ahead") << once << "2024-03-06T03:00:00Z"
                                                          << "2024-03-13T02:00:00Z";

    QTest::newRow("never open") << QStringLiteral(R"({"mon": "closed"})") << "2024-03-04T00:00:00Z"
                                << "never";
    QTest::newRow("24/7 by intervals")
        << QStringLiteral(R"({"daily": "00:00-24:00"})") << "2024-03-04T00:00:00Z"
        << "never";
    QTest::newRow("adjacent intervals merge")
        << QStringLiteral(R"({"mon": "09:00-12:00,12:00-13:00"})") << "2024-03-04T10:00:00Z"
        << "2024-03-04T13:00:00Z";

    const QString london = QStringLiteral(R"({"timeZone": "Europe/London", "daily": "09:00-17:00"})");
    QTest::newRow("london sat close (GMT)") << london << "2024-03-30T10:00:00Z"
                                            << "2024-03-30T17:00:00Z";
    QTest::newRow("london sun opens at 09:00 BST") << london << "2024-03-30T17:00:00Z"
                                                   << "2024-03-31T08:00:00Z";
    QTest::newRow("london sun closes at 17:00 BST") << london << "2024-03-31T08:00:00Z"
                                                    << "2024-03-31T16:00:00Z";
    QTest::newRow("london mon opens at 09:00 BST") << london << "2024-03-31T16:00:00Z"
                                                   << "2024-04-01T08:00:00Z";

    const QString londonNight = QStringLiteral(R"({"timeZone": "Europe/London", "daily": "22:00-06:00"})");
    QTest::newRow("london overnight over the change opens") << londonNight << "2024-03-30T12:00:00Z"
                                                            << "2024-03-30T22:00:00Z";
    QTest::newRow("london overnight over the change closes 06:00 BST")
        << londonNight << "2024-03-30T22:00:00Z"
        << "2024-03-31T05:00:00Z";
    QTest::newRow("london overnight after the change opens 22:00 BST")
        << londonNight << "2024-03-31T05:00:00Z"
        << "2024-03-31T21:00:00Z";

    // Boundaries that fall in the skipped hour (01:00-02:00 local does not exist that night).
    const QString gapOpen = QStringLiteral(R"({"timeZone": "Europe/London", "sun": "01:30-03:00"})");
    QTest::newRow("london opening inside the gap opens when the gap ends")
        << gapOpen << "2024-03-30T12:00:00Z"
        << "2024-03-31T01:00:00Z";
    QTest::newRow("london closing after the gap") << gapOpen << "2024-03-31T01:00:00Z"
                                                  << "2024-03-31T02:00:00Z";
    const QString gapClose = QStringLiteral(R"({"timeZone": "Europe/London", "sun": "00:30-01:30"})");
    QTest::newRow("london opening before the gap") << gapClose << "2024-03-30T12:00:00Z"
                                                   << "2024-03-31T00:30:00Z";
    QTest::newRow("london closing inside the gap closes when the gap starts")
        << gapClose << "2024-03-31T00:30:00Z"
        << "2024-03-31T01:00:00Z";

    // Autumn: 2024-10-27 02:00 BST -> 01:00 GMT, so 01:00-02:00 local happens twice.
    const QString repeated = QStringLiteral(R"({"timeZone": "Europe/London", "sun": "00:00-01:30"})");
    QTest::newRow("london autumn opens (BST)") << repeated << "2024-10-26T12:00:00Z"
                                               << "2024-10-26T23:00:00Z";
    QTest::newRow("london autumn closes at the first 01:30") << repeated << "2024-10-26T23:00:00Z"
                                                             << "2024-10-27T00:30:00Z";
    QTest::newRow("london autumn reopens when 01:00 comes again") << repeated << "2024-10-27T00:30:00Z"
                                                                  << "2024-10-27T01:00:00Z";
    QTest::newRow("london autumn closes at the second 01:30") << repeated << "2024-10-27T01:00:00Z"
                                                              << "2024-10-27T01:30:00Z";
}

void TestWorkingHours::nextChange()
{
    QFETCH(QString, schedule);
    QFETCH(QString, fromUtc);
    QFETCH(QString, expectedUtc);
    const WorkingHours h = parse(schedule.toUtf8().constData());
    const qint64 from = utc(fromUtc.toLatin1().constData());
    const qint64 next = h.nextChange(from);
    const QString expected = expectedUtc == QLatin1String("never") ? QStringLiteral("never") : expectedUtc;
    QCOMPARE(utcText(next), expected);
    if (next > 0) {
        // The state really changes there, and not earlier.
        QVERIFY(h.isOpen(next) != h.isOpen(from));
        QCOMPARE(h.isOpen(next - 1), h.isOpen(from));
    }
}

void TestWorkingHours::hongKongWeekSweep()
{
    // Walk a whole week minute by minute (in 5-minute steps) and check isOpen against the
    // schedule written out by hand; follow nextChange from the start and check it lands on
    // every transition in order.
    const WorkingHours h = parse(kHongKong);
    const QTimeZone zone("Asia/Hong_Kong");
    const qint64 start = local("Asia/Hong_Kong", "2024-03-04T00:00:00");
    auto expectedOpen = [](int dayIndex, int minute) {
        if (dayIndex <= 4)
            return minute >= 9 * 60 && minute < 18 * 60;
        if (dayIndex == 5)
            return (minute >= 10 * 60 && minute < 12 * 60) || (minute >= 13 * 60 && minute < 17 * 60);
        return false;
    };
    std::vector<qint64> transitions;
    bool previous = expectedOpen(0, 0);
    for (qint64 ms = start; ms < start + 7 * 86400000LL; ms += 5 * 60000) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, zone);
        const int day = t.date().dayOfWeek() - 1;
        const int minute = t.time().hour() * 60 + t.time().minute();
        const bool open = expectedOpen(day, minute);
        QVERIFY2(h.isOpen(ms) == open, qPrintable(t.toString(Qt::ISODate)));
        if (open != previous)
            transitions.push_back(ms);
        previous = open;
    }
    QCOMPARE(transitions.size(), std::size_t(14)); // 5 weekdays x 2, saturday 2 x 2
    std::vector<qint64> followed;
    for (qint64 at = start; followed.size() < transitions.size();) {
        at = h.nextChange(at);
        QVERIFY(at > 0);
        followed.push_back(at);
    }
    QCOMPARE(followed, transitions);
    // After the last transition of the week (saturday 17:00) the next is monday 09:00.
    QCOMPARE(utcText(h.nextChange(transitions.back())),
             utcText(local("Asia/Hong_Kong", "2024-03-11T09:00:00")));
}

void TestWorkingHours::londonSpringForward()
{
    // Opening at 09:00 local every day: 09:00 UTC before the change, 08:00 UTC after it.
    const WorkingHours h = parse(R"({"timeZone": "Europe/London", "daily": "09:00-17:00"})");
    QVERIFY(!h.isOpen(utc("2024-03-30T08:30:00")));
    QVERIFY(h.isOpen(utc("2024-03-30T09:00:00")));
    QVERIFY(h.isOpen(utc("2024-03-30T16:59:00")));
    QVERIFY(!h.isOpen(utc("2024-03-30T17:00:00")));
    QVERIFY(!h.isOpen(utc("2024-03-31T07:59:00")));
    QVERIFY(h.isOpen(utc("2024-03-31T08:00:00")));
    QVERIFY(h.isOpen(utc("2024-03-31T15:59:00")));
    QVERIFY(!h.isOpen(utc("2024-03-31T16:00:00")));

    // Following nextChange over the week around the change gives 09:00 and 17:00 local each day.
    qint64 at = utc("2024-03-27T12:00:00"); // wednesday, open
    for (int i = 0; i < 14; ++i) {
        at = h.nextChange(at);
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(at, QTimeZone("Europe/London"));
        const QTime expected = i % 2 == 0 ? QTime(17, 0) : QTime(9, 0);
        QCOMPARE(t.time(), expected);
        QCOMPARE(h.isOpen(at), i % 2 == 1);
    }
}

void TestWorkingHours::nextChangeAgreesWithIsOpen_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("fromUtc");

    QTest::newRow("hong kong") << QString::fromUtf8(kHongKong) << "2024-03-03T00:00:00Z";
    QTest::newRow("london office")
        << QStringLiteral(R"({"timeZone": "Europe/London", "mon-fri": "08:00-18:00", "sat": "10:00-14:00"})")
        << "2024-03-25T00:00:00Z";
    QTest::newRow("london overnight")
        << QStringLiteral(R"({"timeZone": "Europe/London", "daily": "22:00-06:00"})")
        << "2024-03-27T00:00:00Z";
    QTest::newRow("london gap")
        << QStringLiteral(R"({"timeZone": "Europe/London", "sun": "01:30-03:00", "sat": "00:30-01:30"})")
        << "2024-03-27T00:00:00Z";
    QTest::newRow("london autumn")
        << QStringLiteral(R"({"timeZone": "Europe/London", "sun": "00:00-01:30", "mon-fri": "09:00-17:00"})")
        << "2024-10-23T00:00:00Z";
}

void TestWorkingHours::nextChangeAgreesWithIsOpen()
{
    // Over ten days sampled every 10 minutes, the state only changes at instants nextChange
    // reported.
    QFETCH(QString, schedule);
    QFETCH(QString, fromUtc);
    const WorkingHours h = parse(schedule.toUtf8().constData());
    const qint64 start = utc(fromUtc.toLatin1().constData());
    const qint64 end = start + 10 * 86400000LL;
    qint64 next = h.nextChange(start);
    bool state = h.isOpen(start);
    for (qint64 ms = start; ms < end; ms += 10 * 60000) {
        while (next > 0 && next <= ms) {
            QVERIFY2(h.isOpen(next) != state, qPrintable(utcText(next)));
            QVERIFY2(h.isOpen(next - 1) == state, qPrintable(utcText(next)));
            state = !state;
            next = h.nextChange(next);
        }
        QVERIFY2(h.isOpen(ms) == state, qPrintable(utcText(ms)));
    }
}

void TestWorkingHours::toJsonRoundTrip()
{
    const WorkingHours h = parse(R"({"timeZone": "Asia/Hong_Kong", "mon-fri": "09:00-18:00",
                                     "sat": "10:00-12:00,13:00-17:00", "sun": "22:00-02:00"})");
    const QJsonObject json = h.toJson();
    QCOMPARE(json.value(QLatin1String("timeZone")).toString(), QStringLiteral("Asia/Hong_Kong"));
    QCOMPARE(json.value(QLatin1String("mon")).toString(), QStringLiteral("00:00-02:00,09:00-18:00"));
    QCOMPARE(json.value(QLatin1String("tue")).toString(), QStringLiteral("09:00-18:00"));
    QCOMPARE(json.value(QLatin1String("sat")).toString(), QStringLiteral("10:00-12:00,13:00-17:00"));
    QCOMPARE(json.value(QLatin1String("sun")).toString(), QStringLiteral("22:00-24:00"));

    WorkingHours back;
    QString error;
    QVERIFY2(WorkingHours::fromJson(json, &back, &error), qPrintable(error));
    QCOMPARE(back.toJson(), json);
    for (qint64 ms = utc("2024-03-03T00:00:00"); ms < utc("2024-03-11T00:00:00"); ms += 15 * 60000)
        QCOMPARE(back.isOpen(ms), h.isOpen(ms));

    // Always open survives the round trip too.
    const QJsonObject always = WorkingHours().toJson();
    QVERIFY(WorkingHours::fromJson(always, &back, &error));
    QVERIFY(back.alwaysOpen());

    // A schedule with every day closed stays closed, not always open.
    const QJsonObject closed = parse(R"({"mon": "closed"})").toJson();
    QVERIFY(WorkingHours::fromJson(closed, &back, &error));
    QVERIFY(!back.alwaysOpen());
    QVERIFY(!back.isOpen(utc("2024-03-04T12:00:00")));
}

QTEST_APPLESS_MAIN(TestWorkingHours)
#include "tst_workinghours.moc"
