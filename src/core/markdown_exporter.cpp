#include "core/markdown_exporter.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace Hearth {

namespace {

// A YAML double-quoted scalar. JSON string escapes are a subset of YAML's, so
// a JSON string literal is always valid here.
QString yamlString(const QString & s) {
    QByteArray json = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QString yamlKey(const QString & key) {
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]*$"));
    return plain.match(key).hasMatch() ? key : yamlString(key);
}

// JSON values are valid YAML flow values, so each setting is written as its
// compact JSON, one key per line.
QString yamlValue(const QJsonValue & v) {
    if (v.isString()) return yamlString(v.toString());
    QByteArray json = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QString isoTime(const QDateTime & t) {
    return t.toUTC().toString(Qt::ISODate);
}

QString roleHeading(MessageRole role) {
    switch (role) {
        case MessageRole::System:
            return QStringLiteral("System");
        case MessageRole::User:
            return QStringLiteral("User");
        case MessageRole::Assistant:
            return QStringLiteral("Assistant");
        case MessageRole::Tool:
            return QStringLiteral("Tool");
    }
    return QStringLiteral("User");
}

QString fencedJson(const QJsonValue & v) {
    QByteArray body = v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented)
                                   : QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented);
    return QStringLiteral("```json\n") + QString::fromUtf8(body).trimmed() + QStringLiteral("\n```\n");
}

// A tool message folded: the summary names the call; inside, the text the
// model read and the result as stored.
QString foldedToolResult(const Message & m) {
    const QJsonObject first = m.toolResults.first().toObject();
    QString summary = QStringLiteral("Result of <code>%1</code>").arg(first.value("name").toString().toHtmlEscaped());
    const QString status = first.value("status").toString();
    if (!status.isEmpty() && status != QLatin1String("done")) summary += QStringLiteral(" (%1)").arg(status);
    QString body = QStringLiteral("<details><summary>%1</summary>\n\n").arg(summary);
    if (!m.content.isEmpty()) body += QStringLiteral("```text\n") + m.content.trimmed() + QStringLiteral("\n```\n\n");
    return body + fencedJson(m.toolResults) + QStringLiteral("\n</details>\n");
}

QString frontMatter(const Conversation & c) {
    QString out = QStringLiteral("---\n");
    out += QStringLiteral("title: %1\n").arg(yamlString(c.title));
    out += QStringLiteral("model: %1\n").arg(yamlString(c.model));
    out += QStringLiteral("created: %1\n").arg(isoTime(c.createdAt));
    out += QStringLiteral("updated: %1\n").arg(isoTime(c.updatedAt));
    out += QStringLiteral("pinned: %1\n").arg(c.pinned ? QStringLiteral("true") : QStringLiteral("false"));
    if (!c.systemPrompt.isEmpty()) out += QStringLiteral("system_prompt: %1\n").arg(yamlString(c.systemPrompt));
    if (c.sampling.isEmpty()) {
        out += QStringLiteral("settings: {}\n");
    } else {
        out += QStringLiteral("settings:\n");
        for (auto it = c.sampling.begin(); it != c.sampling.end(); ++it)
            out += QStringLiteral("  %1: %2\n").arg(yamlKey(it.key()), yamlValue(it.value()));
    }
    return out + QStringLiteral("---\n");
}

QString replyFooter(const Message & m) {
    QStringList parts;
    if (!m.generation.modelFile.isEmpty()) parts << m.generation.modelFile;
    if (m.stats.generatedTokens > 0) parts << QStringLiteral("%1 tokens").arg(m.stats.generatedTokens);
    if (m.stats.generationTokensPerSecond > 0)
        parts << QStringLiteral("%1 tok/s").arg(m.stats.generationTokensPerSecond, 0, 'f', 1);
    if (!m.stats.stopReason.isEmpty()) parts << QStringLiteral("stop: %1").arg(m.stats.stopReason);
    if (m.state != MessageState::Complete) parts << stateName(m.state);
    return parts.isEmpty() ? QString()
                           : QStringLiteral("*") + parts.join(QStringLiteral(" · ")) + QStringLiteral("*\n");
}

// One message's body (everything under its heading), blocks separated by a
// blank line.
QString messageBody(const Message & m) {
    QStringList blocks;
    if (!m.reasoning.isEmpty()) {
        const QString took = durationText(m.stats.thinkingMs);
        const QString summary = took.isEmpty() ? QStringLiteral("Thinking") : QStringLiteral("Thought for ") + took;
        blocks << QStringLiteral("<details><summary>%1</summary>\n\n").arg(summary) + m.reasoning.trimmed() +
                      QStringLiteral("\n\n</details>\n");
    }
    const bool toolResult = m.role == MessageRole::Tool && !m.toolResults.isEmpty();
    if (!m.content.isEmpty() && !toolResult) blocks << m.content.trimmed() + QLatin1Char('\n');
    for (const QJsonValue & call : m.toolCalls) blocks << fencedJson(call);
    if (toolResult)
        blocks << foldedToolResult(m);
    else if (!m.toolResults.isEmpty())
        blocks << fencedJson(m.toolResults);
    if (m.role == MessageRole::Assistant) {
        QString footer = replyFooter(m);
        if (!footer.isEmpty()) blocks << footer;
    }
    if (blocks.isEmpty()) blocks << QStringLiteral("*(empty)*\n");
    return blocks.join(QLatin1Char('\n'));
}

QString renderActive(const ConversationTree & tree) {
    QString out;
    for (const Message & m : activePathOf(tree))
        out += QStringLiteral("\n## %1\n\n").arg(roleHeading(m.role)) + messageBody(m);
    return out;
}

QString renderAllBranches(const ConversationTree & tree) {
    QHash<qint64, QList<const Message *>> children;  // parent id -> children in creation order
    for (const Message & m : tree.messages) children[m.parentId].append(&m);
    QSet<qint64> active;
    for (const Message & m : activePathOf(tree)) active.insert(m.id);

    QString out;
    QHash<qint64, int> number;
    qint64 previous = 0;
    // Depth first, iteratively: a long chat is a deep tree.
    QList<const Message *> stack;
    const QList<const Message *> & roots = children.value(0);
    for (auto it = roots.crbegin(); it != roots.crend(); ++it) stack.append(*it);
    while (!stack.isEmpty()) {
        const Message * m = stack.takeLast();
        number.insert(m->id, number.size() + 1);
        QStringList heading{QStringLiteral("[%1] %2").arg(number.value(m->id)).arg(roleHeading(m->role))};
        if (m->parentId != 0 && m->parentId != previous)
            heading << QStringLiteral("reply to [%1]").arg(number.value(m->parentId));
        const QList<const Message *> & siblings = children.value(m->parentId);
        if (siblings.size() > 1)
            heading << QStringLiteral("branch %1 of %2").arg(siblings.indexOf(m) + 1).arg(siblings.size());
        if (active.contains(m->id) && active.size() != tree.messages.size()) heading << QStringLiteral("active");
        out += QStringLiteral("\n## %1\n\n").arg(heading.join(QStringLiteral(" · "))) + messageBody(*m);
        previous = m->id;
        const QList<const Message *> & kids = children.value(m->id);
        for (auto it = kids.crbegin(); it != kids.crend(); ++it) stack.append(*it);
    }
    return out;
}

}  // namespace

QList<Message> activePathOf(const ConversationTree & tree) {
    QHash<qint64, const Message *> byId;
    for (const Message & m : tree.messages) byId.insert(m.id, &m);
    QList<Message> path;
    const Message * m = byId.value(tree.conversation.activeLeafId);
    // The bound guards against a parent cycle in imported data.
    while (m && path.size() <= tree.messages.size()) {
        path.prepend(*m);
        m = byId.value(m->parentId);
    }
    return path;
}

QString MarkdownExporter::render(const ConversationTree & tree, const Options & options) {
    const Conversation & c = tree.conversation;
    // A heading is one line; the exact title is in the front matter.
    QString title = c.title.simplified();
    if (title.isEmpty()) title = QStringLiteral("Untitled conversation");
    QString out = frontMatter(c) + QStringLiteral("\n# %1\n").arg(title);
    out += options.allBranches ? renderAllBranches(tree) : renderActive(tree);
    return out;
}

QString MarkdownExporter::fileName(const Conversation & conversation) {
    QString slug = conversation.title.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^\\w]+")), QStringLiteral("-"));
    slug = slug.left(60);
    while (slug.startsWith(QLatin1Char('-'))) slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-'))) slug.chop(1);
    if (slug.isEmpty()) slug = QStringLiteral("conversation");
    return QStringLiteral("%1-%2.md").arg(conversation.id).arg(slug);
}

}  // namespace Hearth
