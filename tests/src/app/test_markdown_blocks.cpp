// Splitting a reply's Markdown into prose and fenced code blocks.
#include <QtTest>

#include "markdown_blocks.h"

using Hearth::MarkdownBlocks;

class TestMarkdownBlocks : public QObject {
    Q_OBJECT
private slots:
    void proseAndCode() {
        const QVariantList b = MarkdownBlocks::split("Here:\n\n```python\nprint('hi')\nx = 1\n```\n\nDone **now**.");
        QCOMPARE(b.size(), 3);
        QCOMPARE(b[0].toMap()["kind"].toString(), QStringLiteral("text"));
        QCOMPARE(b[0].toMap()["text"].toString(), QStringLiteral("Here:"));
        QCOMPARE(b[1].toMap()["kind"].toString(), QStringLiteral("code"));
        QCOMPARE(b[1].toMap()["language"].toString(), QStringLiteral("python"));
        QCOMPARE(b[1].toMap()["text"].toString(), QStringLiteral("print('hi')\nx = 1"));
        QCOMPARE(b[2].toMap()["text"].toString(), QStringLiteral("Done **now**."));
    }
    void openFenceWhileStreamingIsCode() {
        const QVariantList b = MarkdownBlocks::split("Try:\n~~~\nls -l");
        QCOMPARE(b.size(), 2);
        QCOMPARE(b[1].toMap()["kind"].toString(), QStringLiteral("code"));
        QCOMPARE(b[1].toMap()["text"].toString(), QStringLiteral("ls -l"));
    }
    void fenceNeedsMatchingCharacters() {
        // A ~~~ line does not close a ``` block; a longer ```` does.
        const QVariantList b = MarkdownBlocks::split("```\na\n~~~\nb\n````\nafter");
        QCOMPARE(b.size(), 2);
        QCOMPARE(b[0].toMap()["text"].toString(), QStringLiteral("a\n~~~\nb"));
        QCOMPARE(b[1].toMap()["text"].toString(), QStringLiteral("after"));
    }
    void plainTextIsOneBlockAndEmptyIsNone() {
        QCOMPARE(MarkdownBlocks::split("just *text*").size(), 1);
        QCOMPARE(MarkdownBlocks::split("  \n ").size(), 0);
        QCOMPARE(MarkdownBlocks::split("```\n```").size(), 1);  // an empty code block is still a block
    }
};

QTEST_APPLESS_MAIN(TestMarkdownBlocks)
#include "test_markdown_blocks.moc"
