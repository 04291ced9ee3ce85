// MarkdownBlockModel: one message's Markdown as a list of blocks (prose
// paragraphs and code cards, see markdown_blocks.h) for the chat view's
// Repeater.
//
// A streaming reply sets `markdown` about 60 times a second with the whole
// text so far. When the new text extends the old one, only the source from
// the last block's start is scanned again, and the model reports only the
// blocks that changed (usually the last one's text: one dataChanged), so the
// view rebuilds one delegate, not all of them: the cost per update no longer
// grows with the reply's length. Any other change (an edit, another branch)
// is diffed the same way from a full scan.
//
// Prose and quote blocks also come as themed rich text (markdown_html.h),
// rendered when a block changes or the style does, never per data() call.
//
// Roles (QML names): kind ("text" | "code" | "quote"), text, language, html
// ("" for code), source (the block's Markdown as written, fences and "> "
// included: what copying the whole block gives).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>

#include "markdown_blocks.h"
#include "markdown_html.h"

namespace Hearth {

class MarkdownBlockModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString markdown READ markdown WRITE setMarkdown NOTIFY markdownChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // The theme, for the rich text (set from Theme in QML).
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY styleChanged)
    Q_PROPERTY(QColor codeBackground READ codeBackground WRITE setCodeBackground NOTIFY styleChanged)
    Q_PROPERTY(QColor borderColor READ borderColor WRITE setBorderColor NOTIFY styleChanged)
    Q_PROPERTY(QString fontFamily READ fontFamily WRITE setFontFamily NOTIFY styleChanged)
    Q_PROPERTY(int pixelSize READ pixelSize WRITE setPixelSize NOTIFY styleChanged)
    // A search hit's words, marked with highlightColor ("" for none).
    Q_PROPERTY(QString highlight READ highlight WRITE setHighlight NOTIFY styleChanged)
    Q_PROPERTY(QColor highlightColor READ highlightColor WRITE setHighlightColor NOTIFY styleChanged)

public:
    enum Role { KindRole = Qt::UserRole + 1, TextRole, LanguageRole, HtmlRole, SourceRole };
    Q_ENUM(Role)

    explicit MarkdownBlockModel(QObject * parent = nullptr);

    QString markdown() const { return m_markdown; }
    void setMarkdown(const QString & markdown);
    int count() const { return int(m_blocks.size()); }
    QColor linkColor() const { return m_style.link; }
    void setLinkColor(const QColor & c) { setStyle(&MarkdownStyle::link, c); }
    QColor codeBackground() const { return m_style.codeBackground; }
    void setCodeBackground(const QColor & c) { setStyle(&MarkdownStyle::codeBackground, c); }
    QColor borderColor() const { return m_style.border; }
    void setBorderColor(const QColor & c) { setStyle(&MarkdownStyle::border, c); }
    QString fontFamily() const { return m_style.fontFamily; }
    void setFontFamily(const QString & f) { setStyle(&MarkdownStyle::fontFamily, f); }
    int pixelSize() const { return m_style.pixelSize; }
    void setPixelSize(int px) { setStyle(&MarkdownStyle::pixelSize, px); }
    QString highlight() const { return m_style.highlight; }
    void setHighlight(const QString & h) { setStyle(&MarkdownStyle::highlight, h); }
    QColor highlightColor() const { return m_style.highlightBackground; }
    void setHighlightColor(const QColor & c) { setStyle(&MarkdownStyle::highlightBackground, c); }
    // How many characters the last setMarkdown() scanned (tests: appends scan only the tail).
    qsizetype lastScanLength() const { return m_lastScan; }

    int rowCount(const QModelIndex & parent = QModelIndex()) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void markdownChanged();
    void countChanged();
    void styleChanged();

private:
    void apply(QList<MarkdownBlock> blocks);
    QString render(const MarkdownBlock & b) const;
    QString source(qsizetype row) const;
    template <typename T>
    void setStyle(T MarkdownStyle::*field, const T & value) {
        if (m_style.*field == value) return;
        m_style.*field = value;
        restyle();
    }
    void restyle();

    QString m_markdown;
    QList<MarkdownBlock> m_blocks;
    QStringList m_html;  // per block, "" for code
    MarkdownStyle m_style;
    qsizetype m_lastScan = 0;
};

}  // namespace Hearth
