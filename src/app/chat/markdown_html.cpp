#include "markdown_html.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QTextFrame>
#include <QTextTable>
#include <utility>
#include <vector>

namespace Hearth {

namespace {

constexpr int kParagraphGapPx = 8;

bool isCode(const QTextCharFormat & f) {
    return f.fontFixedPitch() || f.fontFamilies().toStringList().contains(QStringLiteral("monospace"));
}

// Inline code and links: collected first, then re-formatted (formatting
// while iterating would split the fragments being walked).
void styleFragments(QTextDocument & doc, const MarkdownStyle & style) {
    std::vector<std::pair<QTextCursor, QTextCharFormat>> edits;
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment frag = it.fragment();
            QTextCharFormat f = frag.charFormat();
            const bool code = isCode(f), link = f.isAnchor();
            if (!code && !link) continue;
            if (code) f.setBackground(style.codeBackground);
            if (link) {
                f.setForeground(style.link);
                f.setFontUnderline(true);
            }
            QTextCursor c(&doc);
            c.setPosition(frag.position());
            c.setPosition(frag.position() + frag.length(), QTextCursor::KeepAnchor);
            edits.emplace_back(c, f);
        }
    for (auto & [cursor, format] : edits) cursor.setCharFormat(format);
}

void styleBlocks(QTextDocument & doc) {
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        QTextBlockFormat f = b.blockFormat();
        const bool inList = b.textList() != nullptr, inTable = QTextCursor(b).currentTable() != nullptr;
        f.setTopMargin(0);
        f.setBottomMargin(inTable ? 0 : inList ? 2 : kParagraphGapPx);
        QTextCursor(b).setBlockFormat(f);
    }
}

void styleTables(QTextDocument & doc, const MarkdownStyle & style) {
    for (QTextFrame * frame : doc.rootFrame()->childFrames()) {
        auto * table = qobject_cast<QTextTable *>(frame);
        if (!table) continue;
        QTextTableFormat f = table->format();
        f.setBorderCollapse(true);
        f.setBorder(1);
        f.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        f.setBorderBrush(style.border);
        f.setCellSpacing(0);
        f.setCellPadding(6);
        f.setBottomMargin(kParagraphGapPx);
        table->setFormat(f);
        for (int col = 0; col < table->columns(); ++col) {
            QTextCursor c = table->cellAt(0, col).firstCursorPosition();
            c.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
            QTextCharFormat bold;
            bold.setFontWeight(QFont::DemiBold);
            c.mergeCharFormat(bold);
        }
    }
}

void markWords(QTextDocument & doc, const MarkdownStyle & style) {
    QTextCharFormat mark;
    mark.setBackground(style.highlightBackground);
    for (const QString & word : style.highlight.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        for (QTextCursor c = doc.find(word); !c.isNull(); c = doc.find(word, c)) c.mergeCharFormat(mark);
}

QTextDocument * prepare(QTextDocument & doc, const MarkdownStyle & style) {
    QFont font(style.fontFamily);
    font.setPixelSize(style.pixelSize);
    doc.setDefaultFont(font);
    return &doc;
}

}  // namespace

QString plainToHtml(const QString & text, const MarkdownStyle & style) {
    QTextDocument doc;
    prepare(doc, style)->setPlainText(text);
    markWords(doc, style);
    return doc.toHtml();
}

QString markdownToHtml(const QString & markdown, const MarkdownStyle & style) {
    QTextDocument doc;
    prepare(doc, style)->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    styleFragments(doc, style);
    markWords(doc, style);
    styleBlocks(doc);
    styleTables(doc, style);
    return doc.toHtml();
}

}  // namespace Hearth
