#include "markdown_blocks.h"

#include <QRegularExpression>
#include <QStringList>
#include <QVariantMap>

namespace Hearth {

namespace {

QVariantMap block(const char *kind, const QString &text, const QString &language = {}) {
    return {{"kind", QString::fromLatin1(kind)}, {"text", text}, {"language", language}};
}

}  // namespace

QVariantList MarkdownBlocks::split(const QString &markdown) {
    static const QRegularExpression open(QStringLiteral("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*)"));
    QVariantList out;
    QStringList prose, code;
    QString fence, language;
    auto flushProse = [&] {
        const QString text = prose.join(QLatin1Char('\n'));
        if (!text.trimmed().isEmpty()) out.append(block("text", text.trimmed()));
        prose.clear();
    };
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (fence.isEmpty()) {
            const QRegularExpressionMatch m = open.match(line);
            if (m.hasMatch()) {
                flushProse();
                fence = m.captured(1);
                language = m.captured(2);
                continue;
            }
            prose.append(line);
        } else {
            const QString t = line.trimmed();
            if (t.startsWith(fence) && t.count(fence.at(0)) == t.size()) {
                out.append(block("code", code.join(QLatin1Char('\n')), language));
                code.clear();
                fence.clear();
                continue;
            }
            code.append(line);
        }
    }
    if (!fence.isEmpty()) out.append(block("code", code.join(QLatin1Char('\n')), language));
    flushProse();
    return out;
}

}  // namespace Hearth
