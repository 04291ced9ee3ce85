#include "markdown_blocks.h"

#include <QRegularExpression>
#include <QStringList>
#include <QVariantMap>
#include <algorithm>

#include "markdown_html.h"

namespace Hearth {

namespace {

bool isTableRow(QStringView line) {
    return line.trimmed().startsWith(QLatin1Char('|'));
}

// "> text" (up to three spaces before the marker, one optional space after).
bool isQuoteLine(const QString & line) {
    const QString t = line.trimmed();
    return t.startsWith(QLatin1Char('>')) && line.indexOf(QLatin1Char('>')) <= 3;
}

QString unquote(const QString & line) {
    const qsizetype gt = line.indexOf(QLatin1Char('>'));
    if (gt < 0) return line;
    return line.mid(gt + 1 < line.size() && line.at(gt + 1) == QLatin1Char(' ') ? gt + 2 : gt + 1);
}

// A paragraph's lines joined with Markdown hard breaks, so that single line
// breaks show as written; table rows and the lines next to them keep plain
// newlines (a table needs them).
QString keepLineBreaks(const QStringList & lines) {
    QString out;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        out += lines[i];
        if (i + 1 == lines.size()) break;
        const bool plain = !isTableRow(lines[i]) && !isTableRow(lines[i + 1]) && !lines[i].endsWith(QLatin1Char(' '));
        out += plain ? QStringLiteral("  \n") : QStringLiteral("\n");
    }
    return out;
}

class Scanner {
public:
    explicit Scanner(const QString & markdown) : m_md(markdown) {}

    QList<MarkdownBlock> run(qsizetype from) {
        static const QRegularExpression open(QStringLiteral("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*)"));
        qsizetype pos = from;
        while (pos <= m_md.size()) {
            qsizetype end = m_md.indexOf(QLatin1Char('\n'), pos);
            if (end < 0) end = m_md.size();
            const QString line = m_md.mid(pos, end - pos);
            if (m_fence.isEmpty())
                prose(line, pos, open.match(line));
            else
                code(line, pos);
            pos = end + 1;
        }
        if (!m_fence.isEmpty()) emitCode();
        flushProse();
        return m_out;
    }

private:
    void prose(const QString & line, qsizetype pos, const QRegularExpressionMatch & fence) {
        if (fence.hasMatch()) {
            flushProse();
            m_fence = fence.captured(1);
            m_language = fence.captured(2);
            m_blockStart = pos;
            return;
        }
        const bool blank = line.trimmed().isEmpty();
        // A blank line ends a paragraph, unless what follows is indented
        // (then it belongs to the block above: decided on that next line).
        if (!blank && m_sawBlank && !line.front().isSpace()) flushProse();
        m_sawBlank = blank && !m_prose.isEmpty();
        if (m_prose.isEmpty() && blank) return;
        if (m_prose.isEmpty()) m_blockStart = pos;
        m_prose.append(line);
    }

    void code(const QString & line, qsizetype pos) {
        Q_UNUSED(pos);
        const QString t = line.trimmed();
        if (t.startsWith(m_fence) && t.count(m_fence.at(0)) == t.size()) {
            emitCode();
            return;
        }
        m_code.append(line);
    }

    void emitCode() {
        m_out.append({MarkdownBlock::Kind::Code, m_code.join(QLatin1Char('\n')), m_language, m_blockStart});
        m_code.clear();
        m_fence.clear();
        m_language.clear();
    }

    void flushProse() {
        while (!m_prose.isEmpty() && m_prose.last().trimmed().isEmpty()) m_prose.removeLast();
        // A paragraph of "> " lines is a quote: the view draws its bar.
        const bool quote = !m_prose.isEmpty() && std::all_of(m_prose.cbegin(), m_prose.cend(), [](const QString & l) {
            return l.trimmed().isEmpty() || isQuoteLine(l);
        });
        if (quote)
            for (QString & l : m_prose) l = unquote(l);
        if (!m_prose.isEmpty()) {
            // Paragraphs in one block (an indented continuation) keep their blank lines.
            QList<QStringList> parts{{}};
            for (const QString & l : std::as_const(m_prose)) {
                if (l.trimmed().isEmpty())
                    parts.append(QStringList());
                else
                    parts.last().append(l);
            }
            QStringList joined;
            for (const QStringList & p : std::as_const(parts))
                if (!p.isEmpty()) joined.append(keepLineBreaks(p));
            m_out.append({quote ? MarkdownBlock::Kind::Quote : MarkdownBlock::Kind::Text,
                          joined.join(QStringLiteral("\n\n")).trimmed(),
                          {},
                          m_blockStart});
        }
        m_prose.clear();
        m_sawBlank = false;
    }

    const QString & m_md;
    QList<MarkdownBlock> m_out;
    QStringList m_prose, m_code;
    QString m_fence, m_language;
    qsizetype m_blockStart = 0;
    bool m_sawBlank = false;
};

}  // namespace

QString kindName(MarkdownBlock::Kind kind) {
    switch (kind) {
        case MarkdownBlock::Kind::Code:
            return QStringLiteral("code");
        case MarkdownBlock::Kind::Quote:
            return QStringLiteral("quote");
        case MarkdownBlock::Kind::Text:
            break;
    }
    return QStringLiteral("text");
}

QList<MarkdownBlock> scanMarkdownBlocks(const QString & markdown, qsizetype from) {
    return Scanner(markdown).run(from);
}

QVariantList MarkdownBlocks::split(const QString & markdown) {
    QVariantList out;
    for (const MarkdownBlock & b : scanMarkdownBlocks(markdown)) {
        out.append(QVariantMap{{"kind", kindName(b.kind)}, {"text", b.text}, {"language", b.language}});
    }
    return out;
}

}  // namespace Hearth

namespace Hearth {

QString MarkdownBlocks::highlightedPlain(const QString & text, const QString & highlight, const QColor & color,
                                         const QString & fontFamily, int pixelSize) {
    MarkdownStyle style;
    style.highlight = highlight;
    style.highlightBackground = color;
    style.fontFamily = fontFamily;
    style.pixelSize = pixelSize;
    return plainToHtml(text, style);
}

}  // namespace Hearth
