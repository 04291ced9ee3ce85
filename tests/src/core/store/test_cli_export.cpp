// hearth-cli export and import, run as a real process: Markdown equal to the
// golden, JSON export -> import -> export identical, and usage/data errors
// reported with the documented exit codes (2 usage, 1 error).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "common/process_runner.h"
#include "core/conversation_store.h"
#include "store_test_util.h"

using namespace Hearth;

namespace {
struct Result {
    int code = -1;
    QString out, err;
};

Result cli(const QStringList & args) {
    hearth_test::ProcessRun r = hearth_test::run_process(QStringLiteral(HEARTH_CLI), args);
    return {r.code, QString::fromUtf8(r.out), QString::fromUtf8(r.err)};
}

QByteArray readFile(const QString & path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

class TestCliExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    StoreTest::Sample m_sample;

private slots:
    void initTestCase() {
        m_db = m_dir.filePath("cli.sqlite");
        ConversationStore store(m_db);
        m_sample = StoreTest::buildSample(store);
        Conversation other;
        other.title = QStringLiteral("Second chat");
        other.createdAt = StoreTest::at(500);
        qint64 id = store.createConversation(other);
        store.appendMessage(id, 0, StoreTest::message(MessageRole::User, "Hello there", 501));
    }

    void exportsMarkdownEqualToGolden() {
        QString out = m_dir.filePath("one.md");
        Result r = cli({"export", "--db", m_db, "--conversation", QString::number(m_sample.conversation), "--format",
                        "md", "-o", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(readFile(out), readFile(QStringLiteral(HEARTH_STORE_GOLDEN_DIR "/weather_active.md")));
        // To stdout.
        r = cli({"export", "--db", m_db, "-c", QString::number(m_sample.conversation), "--format", "md", "-o", "-"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.toUtf8(), readFile(out));
    }

    void exportsAllMarkdownToDirectory() {
        QString dir = m_dir.filePath("all-md");
        Result r = cli({"export", "--db", m_db, "--all", "--format", "md", "--branches", "-o", dir});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QStringList files = QDir(dir).entryList({"*.md"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 2);
        QVERIFY(files.contains(QStringLiteral("%1-weather-in-lisbon.md").arg(m_sample.conversation)));
        QVERIFY(readFile(QDir(dir).filePath(files.first())).startsWith("---\ntitle: "));
    }

    void jsonRoundTripsThroughImport() {
        QString first = m_dir.filePath("all.json");
        Result r = cli({"export", "--db", m_db, "--all", "--format", "json", "-o", first});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QString fresh = m_dir.filePath("fresh.sqlite");
        r = cli({"import", first, "--db", fresh});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("imported 2 conversation(s), 9 message(s)"), qPrintable(r.out));
        QString second = m_dir.filePath("again.json");
        r = cli({"export", "--db", fresh, "--all", "--format", "json", "-o", second});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!readFile(first).isEmpty());
        QCOMPARE(readFile(second), readFile(first));
    }

    void reportsErrors() {
        Result r = cli({"export", "--db", m_db, "--all", "-o", m_dir.filePath("x")});
        QCOMPARE(r.code, 2);  // no --format
        QVERIFY2(r.err.contains("--format"), qPrintable(r.err));
        r = cli({"export", "--db", m_db, "--format", "md", "-o", m_dir.filePath("x")});
        QCOMPARE(r.code, 2);  // neither --conversation nor --all
        r = cli({"export", "--db", m_db, "--conversation", "424242", "--format", "json", "-o", m_dir.filePath("x")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no conversation 424242"), qPrintable(r.err));

        QString bad = m_dir.filePath("bad.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format":"hearth.conversations","version":1,"conversations":[{"title":5}]})");
        f.close();
        QString target = m_dir.filePath("target.sqlite");
        r = cli({"import", bad, "--db", target});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("bad.json: conversations[0].title: expected a string"), qPrintable(r.err));
        ConversationStore store(target);
        QCOMPARE(store.conversationCount(), 0);  // nothing half-imported
        r = cli({"import", m_dir.filePath("missing.json"), "--db", target});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("missing.json"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
