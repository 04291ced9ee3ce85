// The chat's Markdown as themed rich text: a prose block is parsed by Qt's
// Markdown reader (QTextDocument, GitHub dialect) and its formats adjusted
// for the theme before it is written out as the HTML subset a QML TextEdit
// shows (TextEdit.RichText):
//   - paragraphs: a gap below each block, none above (the block model's
//     layout spaces the blocks themselves);
//   - inline code: the code background behind it;
//   - links: the theme's link colour, underlined;
//   - tables: collapsed borders (one line between cells, not two), the
//     theme's border colour, padded cells, bold header row.
//   - a search hit's words: a highlight background.
// Quotes are drawn by the view (a bar beside the text, MarkdownBlock::Kind::Quote).
#pragma once

#include <QColor>
#include <QFont>
#include <QString>

namespace Hearth {

struct MarkdownStyle {
    QString fontFamily;  // the view's font: the HTML's body style carries it
    int pixelSize = 15;
    QColor link{0xe8, 0x74, 0x3b};
    QColor codeBackground{0xec, 0xe8, 0xe2};
    QColor border{0xe4, 0xe0, 0xda};
    // Words to mark (a search hit's query; "" for none), case-insensitive.
    QString highlight;
    QColor highlightBackground{0xf6, 0xc1, 0x9f};

    bool operator==(const MarkdownStyle &) const = default;
};

QString markdownToHtml(const QString & markdown, const MarkdownStyle & style);
// Plain text (a user's message) as rich text with the style's highlight marked.
QString plainToHtml(const QString & text, const MarkdownStyle & style);

}  // namespace Hearth
