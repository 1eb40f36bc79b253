// The translations are complete: every string the sources mark for translation (extracted afresh
// with lupdate, so a new tr() without a translation fails here) has a finished Simplified and
// Traditional Chinese translation with the same placeholders, and the built-in catalogues load.

#include "appearance.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Entry
{
    QString context;
    QString source;
    QStringList translations; // one, or the plural forms
    bool finished = true;
};

std::vector<Entry> readTs(const QString &path, QString *error)
{
    std::vector<Entry> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return out;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Entry current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            current = Entry{context, {}, {}, true};
        } else if (name == QLatin1String("source")) {
            current.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            current.finished = type != QLatin1String("unfinished") && type != QLatin1String("vanished") &&
                               type != QLatin1String("obsolete");
            // Plural forms come as <numerusform> children; otherwise the text itself.
            QString text;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                    current.translations << xml.readElementText();
                else if (xml.isCharacters())
                    text += xml.text();
            }
            if (current.translations.isEmpty())
                current.translations << text;
            out.push_back(current);
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return out;
}

QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%L?\\d+|%n"));
    QSet<QString> found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured());
    return found;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void complete_data();
    void complete();
    void catalogsLoad();
};

void TestTranslations::complete_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
    QTest::newRow("zh_TW") << QStringLiteral("zh_TW");
}

void TestTranslations::complete()
{
    QFETCH(QString, language);
    const QString committed = QStringLiteral(SB_SOURCE_DIR "/translations/switchboard_%1.ts").arg(language);
    QVERIFY2(QFile::exists(committed), qPrintable(committed));
    // Extract the sources' strings into a copy of the committed file: new strings arrive unfinished.
    QTemporaryDir dir;
    const QString fresh = dir.filePath(QStringLiteral("fresh.ts"));
    QVERIFY(QFile::copy(committed, fresh));
    QFile::setPermissions(fresh, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(SB_SOURCE_DIR));
    lupdate.start(QStringLiteral(SB_LUPDATE),
                  {QStringLiteral("-silent"), QStringLiteral("-no-obsolete"), QStringLiteral("-locations"),
                   QStringLiteral("none"), QStringLiteral("-extensions"), QStringLiteral("cpp,h"),
                   QStringLiteral("models"), QStringLiteral("widgets"), QStringLiteral("app/desktop"),
                   QStringLiteral("-ts"), fresh});
    QVERIFY(lupdate.waitForFinished(60000));
    QCOMPARE(lupdate.exitCode(), 0);

    QString error;
    const std::vector<Entry> entries = readTs(fresh, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(entries.size() > 100);
    QStringList problems;
    for (const Entry &e : entries) {
        const QString where = e.context + QStringLiteral(": \"") + e.source + QLatin1Char('"');
        if (!e.finished || e.translations.join(QString()).trimmed().isEmpty()) {
            problems << QStringLiteral("untranslated ") + where;
            continue;
        }
        for (const QString &t : e.translations) {
            QSet<QString> expected = placeholders(e.source);
            QSet<QString> got = placeholders(t);
            if (e.translations.size() == 1 || !expected.contains(QStringLiteral("%n")) ||
                got.contains(QStringLiteral("%n"))) {
                if (got != expected)
                    problems << QStringLiteral("placeholders differ in ") + where + QStringLiteral(" -> ") +
                                    t;
            }
        }
    }
    QVERIFY2(problems.isEmpty(),
             qPrintable(problems.join(QLatin1Char('\n')) +
                        QStringLiteral("\nrun scripts/update-translations.sh and translate")));
}

void TestTranslations::catalogsLoad()
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    QVERIFY(app);
    QCOMPARE(sb::installLanguage(*app, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QCOMPARE(QCoreApplication::translate("sb::MainWindow", "&Claim"), QStringLiteral("认领(&C)"));
    QCOMPARE(sb::installLanguage(*app, QStringLiteral("zh_TW")), QStringLiteral("zh_TW"));
    QCOMPARE(QCoreApplication::translate("sb::MainWindow", "&Claim"), QStringLiteral("認領(&C)"));
    QCOMPARE(sb::installLanguage(*app, QStringLiteral("en")), QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("sb::MainWindow", "&Claim"), QStringLiteral("&Claim"));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
