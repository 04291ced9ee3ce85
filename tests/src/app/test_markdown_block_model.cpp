// MarkdownBlockModel: a streaming reply's blocks, updated by appends that
// touch only the last block; paragraphs and kept line breaks of the splitter.
#include <QAbstractItemModelTester>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QtTest>

#include "markdown_block_model.h"
#include "markdown_html.h"

using namespace Hearth;

namespace {

QString textAt(const MarkdownBlockModel & m, int row) {
    return m.data(m.index(row), MarkdownBlockModel::TextRole).toString();
}
QString kindAt(const MarkdownBlockModel & m, int row) {
    return m.data(m.index(row), MarkdownBlockModel::KindRole).toString();
}

const QString kReply = QStringLiteral(
    "Here are the steps:\n\n"
    "1. Open the file.\n2. Read it.\n\n"
    "```python\nwith open('a.txt') as f:\n    data = f.read()\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "> A quote\n\n"
    "Line one\nline two\n\nThe end.");

}  // namespace

class TestMarkdownBlockModel : public QObject {
    Q_OBJECT
private slots:
    void paragraphsAndKeptLineBreaks() {
        const QList<MarkdownBlock> b = scanMarkdownBlocks(kReply);
        QCOMPARE(b.size(), 7);
        QCOMPARE(b[0].text, QStringLiteral("Here are the steps:"));
        QCOMPARE(b[1].text, QStringLiteral("1. Open the file.  \n2. Read it."));
        QCOMPARE(b[2].kind, MarkdownBlock::Kind::Code);
        QCOMPARE(b[2].language, QStringLiteral("python"));
        QCOMPARE(b[3].text, QStringLiteral("| a | b |\n|---|---|\n| 1 | 2 |"));  // no hard breaks in a table
        QCOMPARE(b[5].text, QStringLiteral("Line one  \nline two"));
        QCOMPARE(b[6].text, QStringLiteral("The end."));
        // Every block starts where its source does (a rescan can start there).
        for (const MarkdownBlock & x : b) QCOMPARE(scanMarkdownBlocks(kReply, x.start).first().text, x.text);
    }

    void indentedContinuationStaysWithItsItem() {
        const QList<MarkdownBlock> b = scanMarkdownBlocks(QStringLiteral("- item\n\n  more of the item\n\nNext."));
        QCOMPARE(b.size(), 2);
        QCOMPARE(b[0].text, QStringLiteral("- item\n\n  more of the item"));
        QCOMPARE(b[1].text, QStringLiteral("Next."));
    }

    void sourceIsTheBlockAsWritten() {
        MarkdownBlockModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setMarkdown(kReply);
        auto source = [&](int row) { return m.data(m.index(row), MarkdownBlockModel::SourceRole).toString(); };
        QCOMPARE(m.count(), 7);
        QCOMPARE(source(1), QStringLiteral("1. Open the file.\n2. Read it."));  // no added hard breaks
        QCOMPARE(source(2), QStringLiteral("```python\nwith open('a.txt') as f:\n    data = f.read()\n```"));
        QCOMPARE(source(4), QStringLiteral("> A quote"));
        QCOMPARE(source(6), QStringLiteral("The end."));
        // The blocks' sources, a blank line apart, give the reply back.
        QStringList all;
        for (int i = 0; i < m.count(); ++i) all.append(source(i));
        QCOMPARE(all.join(QStringLiteral("\n\n")), kReply);
        QVERIFY(m.roleNames().value(MarkdownBlockModel::SourceRole) == "source");
    }

    void quotesAreTheirOwnBlocks() {
        const QList<MarkdownBlock> b = scanMarkdownBlocks(QStringLiteral("Said:\n\n> first line\n> second\n\nAfter."));
        QCOMPARE(b.size(), 3);
        QCOMPARE(b[1].kind, MarkdownBlock::Kind::Quote);
        QCOMPARE(b[1].text, QStringLiteral("first line  \nsecond"));
        QCOMPARE(kindName(b[1].kind), QStringLiteral("quote"));
    }

    void themedRichText() {
        MarkdownStyle style;
        style.link = QColor(0x12, 0x34, 0x56);
        style.codeBackground = QColor(0xab, 0xcd, 0xef);
        style.border = QColor(0x65, 0x43, 0x21);
        const QString inline_ = markdownToHtml(QStringLiteral("Call `f()` or see [docs](https://example.com)."), style);
        QVERIFY2(inline_.contains(QStringLiteral("background-color:#abcdef")), qPrintable(inline_));
        QVERIFY2(inline_.contains(QStringLiteral("color:#123456")), qPrintable(inline_));
        QVERIFY(inline_.contains(QStringLiteral("href=\"https://example.com\"")));
        const QString table = markdownToHtml(QStringLiteral("| a | b |\n|---|---|\n| 1 | 2 |"), style);
        QVERIFY2(table.contains(QStringLiteral("border-collapse:collapse")), qPrintable(table));
        QVERIFY2(table.contains(QStringLiteral("cellspacing=\"0\"")), qPrintable(table));
        // The style reaches the model's rows, and a new style re-renders them.
        MarkdownBlockModel model;
        model.setMarkdown(QStringLiteral("See `x`."));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setCodeBackground(QColor(0x01, 0x02, 0x03));
        QCOMPARE(changed.size(), 1);
        QVERIFY(model.data(model.index(0), MarkdownBlockModel::HtmlRole).toString().contains("#010203"));
    }

    void streamingChangesOnlyTheLastBlock() {
        MarkdownBlockModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        // Feed the reply a few characters at a time, as tokens arrive.
        for (qsizetype n = 3; n < kReply.size(); n += 3) {
            const int rowsBefore = model.count();
            changed.clear();
            model.setMarkdown(kReply.left(n));
            // At most the last existing row changes; new rows come at the end.
            for (const QList<QVariant> & args : std::as_const(changed)) {
                const int row = args.at(0).toModelIndex().row();
                QCOMPARE(row, rowsBefore - 1);
            }
            QVERIFY2(model.lastScanLength() <= 80, qPrintable(QString::number(model.lastScanLength())));
        }
        model.setMarkdown(kReply);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.count(), 7);
        QCOMPARE(inserted.size(), 7);
        for (int i = 0; i < 7; ++i) QCOMPARE(textAt(model, i), scanMarkdownBlocks(kReply)[i].text);
        QCOMPARE(kindAt(model, 2), QStringLiteral("code"));
    }

    void openFenceTurnsIntoCodeThenProse() {
        MarkdownBlockModel model;
        model.setMarkdown(QStringLiteral("Try:\n```sh\nls"));
        QCOMPARE(model.count(), 2);
        QCOMPARE(kindAt(model, 1), QStringLiteral("code"));
        model.setMarkdown(QStringLiteral("Try:\n```sh\nls\n```\nDone"));
        QCOMPARE(model.count(), 3);
        QCOMPARE(textAt(model, 1), QStringLiteral("ls"));
        QCOMPARE(textAt(model, 2), QStringLiteral("Done"));
    }

    void anEditIsDiffedNotReset() {
        MarkdownBlockModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMarkdown(QStringLiteral("One.\n\nTwo.\n\nThree."));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.setMarkdown(QStringLiteral("One.\n\n2."));
        QCOMPARE(model.count(), 2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(removed.size(), 1);
        model.setMarkdown(QString());
        QCOMPARE(model.count(), 0);
    }
};

// QFont and QTextDocument need a QGuiApplication; no window is shown.
int main(int argc, char ** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestMarkdownBlockModel test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_markdown_block_model.moc"
