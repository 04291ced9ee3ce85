// MarkdownBlocks: splits a message's Markdown into prose and fenced code
// blocks, so the chat view can give every code block its own card with a Copy
// button (QML's Markdown text has no hook for that).
//
// Fences are ``` or ~~~ lines (up to three spaces of indent, three or more
// fence characters, an optional language word). A fence still open at the end
// (the reply is streaming) makes the rest a code block, so code shows as code
// while it arrives.
#pragma once

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace Hearth {

class MarkdownBlocks : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    explicit MarkdownBlocks(QObject *parent = nullptr) : QObject(parent) {}

    // [{"kind": "text"|"code", "text": ..., "language": ...}]; no empty text blocks.
    Q_INVOKABLE static QVariantList split(const QString &markdown);
};

}  // namespace Hearth
