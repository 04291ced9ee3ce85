// Markdown export of the sample conversation (branches, reasoning, a tool
// call and its result) against reviewed golden files: the active branch, and
// every branch. HEARTH_UPDATE_GOLDEN=1 rewrites the goldens (review the diff).
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "core/markdown_exporter.h"
#include "store_test_util.h"

using namespace Hearth;

namespace {
QString goldenPath(const char * name) {
    return QStringLiteral(HEARTH_STORE_GOLDEN_DIR "/") + QLatin1String(name);
}

void compareWithGolden(const QString & actual, const char * name) {
    QString path = goldenPath(name);
    if (qEnvironmentVariableIntValue("HEARTH_UPDATE_GOLDEN")) {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(actual.toUtf8());
        qWarning("rewrote %s", qPrintable(path));
    }
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    QString expected = QString::fromUtf8(f.readAll());
    if (actual != expected) {
        QStringList a = actual.split('\n'), e = expected.split('\n');
        for (int i = 0; i < qMax(a.size(), e.size()); ++i) {
            if (a.value(i) != e.value(i)) {
                qWarning("first difference at line %d:\n  actual:   %s\n  expected: %s", i + 1, qPrintable(a.value(i)),
                         qPrintable(e.value(i)));
                break;
            }
        }
    }
    QCOMPARE(actual, expected);
}
}  // namespace

class TestMarkdownExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void activeBranchMatchesGolden() {
        ConversationStore store(m_dir.filePath("md.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        compareWithGolden(MarkdownExporter::render(store.tree(s.conversation)), "weather_active.md");
    }

    void allBranchesMatchGolden() {
        ConversationStore store(m_dir.filePath("md_all.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        store.switchBranch(s.answerA);  // the active marks follow the switch
        compareWithGolden(MarkdownExporter::render(store.tree(s.conversation), MarkdownExporter::Options{true}),
                          "weather_branches.md");
    }

    void specialCharactersInFrontMatterAreQuoted() {
        ConversationStore store(m_dir.filePath("md_quote.sqlite"));
        Conversation c;
        c.title = QStringLiteral("Say \"hi\": a: b # not a comment\n---");
        c.createdAt = StoreTest::at(0);
        c.sampling = QJsonObject{{"stop", QJsonArray{"\n\n", "User:"}}, {"weird key", true}};
        qint64 id = store.createConversation(c);
        QString md = MarkdownExporter::render(store.tree(id));
        QVERIFY2(md.startsWith("---\ntitle: \"Say \\\"hi\\\": a: b # not a comment\\n---\"\n"), qPrintable(md));
        QVERIFY2(md.contains("  stop: [\"\\n\\n\",\"User:\"]\n"), qPrintable(md));
        QVERIFY2(md.contains("  \"weird key\": true\n"), qPrintable(md));
        // The front matter closes exactly once before the title heading.
        QCOMPARE(md.count("\n---\n"), 1);
    }

    void fileNamesAreSafe() {
        Conversation c;
        c.id = 12;
        c.title = QStringLiteral("What's up? / ../etc");
        QCOMPARE(MarkdownExporter::fileName(c), QString("12-what-s-up-etc.md"));
        c.title = QStringLiteral("???");
        QCOMPARE(MarkdownExporter::fileName(c), QString("12-conversation.md"));
    }
};

QTEST_GUILESS_MAIN(TestMarkdownExport)
#include "test_markdown_export.moc"
