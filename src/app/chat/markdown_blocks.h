// MarkdownBlocks: splits a message's Markdown into prose paragraphs and fenced
// code blocks, so the chat view can give every code block its own card with a
// Copy button (QML's Markdown text has no hook for that), and so a streaming
// reply only ever changes its last block (MarkdownBlockModel).
//
// Fences are ``` or ~~~ lines (up to three spaces of indent, three or more
// fence characters, an optional language word). A fence still open at the end
// (the reply is streaming) makes the rest a code block, so code shows as code
// while it arrives.
//
// Prose is cut at blank lines into paragraphs, except before an indented line
// (a list item's continuation or an indented code block belongs to what is
// above). Single line breaks inside a paragraph are kept as the model wrote
// them: the text gets Markdown hard breaks ("  \n"), except around table rows.
// A paragraph whose lines all start with ">" is a quote block.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>
#include <QVariantList>

namespace Hearth {

struct MarkdownBlock {
    enum class Kind { Text, Code, Quote };
    Kind kind = Kind::Text;
    QString text;         // Text, Quote: Markdown (hard breaks added; a quote without its "> "); Code: as written
    QString language;     // Code: the fence's language word ("" when none)
    qsizetype start = 0;  // where the block's source begins in the scanned string

    bool sameContent(const MarkdownBlock & o) const {
        return kind == o.kind && text == o.text && language == o.language;
    }
};

// The blocks of markdown.mid(from); `from` must be a line start outside any
// fence (the start of an earlier scan's block is one). Starts are offsets in
// `markdown`. No empty text blocks.
QList<MarkdownBlock> scanMarkdownBlocks(const QString & markdown, qsizetype from = 0);
QString kindName(MarkdownBlock::Kind kind);  // "text", "code", "quote"

class MarkdownBlocks : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    explicit MarkdownBlocks(QObject * parent = nullptr) : QObject(parent) {}

    // [{"kind": "text"|"code"|"quote", "text": ..., "language": ...}]; no empty text blocks.
    Q_INVOKABLE static QVariantList split(const QString & markdown);
    // A user's plain message as rich text with the words of `highlight` marked in `color`.
    Q_INVOKABLE static QString highlightedPlain(const QString & text, const QString & highlight, const QColor & color,
                                                const QString & fontFamily, int pixelSize);
};

}  // namespace Hearth
