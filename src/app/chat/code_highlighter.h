// CodeHighlighter: syntax colours for a code card (CodeBlock.qml), attached
// to its TextEdit's document (QQuickTextDocument) as a QSyntaxHighlighter.
//
// A small lexer, not a grammar: line comments (# or //, by language), block
// comments (/* */, carried across lines by the block state), strings ("..",
// '..', `..`), numbers, and keywords from one list per language family
// (C-like, Python, shell, JavaScript/TypeScript, Rust, Go, SQL). An unknown
// language gets strings, numbers and both comment styles only where they
// cannot be mistaken (// and /* */), so prose in a plain block stays plain.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QColor>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>

namespace Hearth {

class CodeSyntaxHighlighter;

class CodeHighlighter : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument * document READ document WRITE setDocument NOTIFY changed)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY changed)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY changed)

public:
    explicit CodeHighlighter(QObject * parent = nullptr);

    QQuickTextDocument * document() const { return m_document; }
    void setDocument(QQuickTextDocument * document);
    QString language() const { return m_language; }
    void setLanguage(const QString & language);
    bool dark() const { return m_dark; }
    void setDark(bool dark);

signals:
    void changed();

private:
    void rebuild();

    QPointer<QQuickTextDocument> m_document;
    QString m_language;
    bool m_dark = false;
    QPointer<CodeSyntaxHighlighter> m_highlighter;
};

}  // namespace Hearth
