#include "core/json_exporter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace Hearth {

namespace {

constexpr qint64 kMaxExactDouble = qint64(1) << 53;

QJsonValue timeValue(const QDateTime & t) {
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonValue seedValue(qint64 seed) {
    if (seed > -kMaxExactDouble && seed < kMaxExactDouble) return QJsonValue(double(seed));
    return QJsonValue(QString::number(seed));
}

QJsonObject messageToJson(const Message & m, const QHash<qint64, int> & localId) {
    QJsonObject o;
    o.insert(QStringLiteral("id"), localId.value(m.id));
    o.insert(QStringLiteral("parent"), m.parentId ? QJsonValue(localId.value(m.parentId)) : QJsonValue());
    o.insert(QStringLiteral("role"), roleName(m.role));
    o.insert(QStringLiteral("content"), m.content);
    o.insert(QStringLiteral("reasoning"), m.reasoning);
    o.insert(QStringLiteral("tool_calls"), m.toolCalls);
    o.insert(QStringLiteral("tool_results"), m.toolResults);
    o.insert(QStringLiteral("created_at"), timeValue(m.createdAt));
    o.insert(QStringLiteral("state"), stateName(m.state));
    bool assistant = m.role == MessageRole::Assistant;
    if (assistant || m.generation != GenerationInfo{}) {
        o.insert(QStringLiteral("generation"), QJsonObject{{QStringLiteral("model_file"), m.generation.modelFile},
                                                           {QStringLiteral("model_sha256"), m.generation.modelSha256},
                                                           {QStringLiteral("settings"), m.generation.sampling},
                                                           {QStringLiteral("seed"), seedValue(m.generation.seed)}});
    }
    if (assistant || m.stats != ReplyStats{}) {
        o.insert(QStringLiteral("stats"),
                 QJsonObject{{QStringLiteral("prompt_tokens"), m.stats.promptTokens},
                             {QStringLiteral("generated_tokens"), m.stats.generatedTokens},
                             {QStringLiteral("prompt_tokens_per_second"), m.stats.promptTokensPerSecond},
                             {QStringLiteral("generation_tokens_per_second"), m.stats.generationTokensPerSecond},
                             {QStringLiteral("time_to_first_token_ms"), m.stats.timeToFirstTokenMs},
                             {QStringLiteral("stop_reason"), m.stats.stopReason},
                             {QStringLiteral("thinking_ms"), m.stats.thinkingMs}});
    }
    return o;
}

}  // namespace

QJsonObject JsonExporter::conversationToJson(const ConversationTree & tree) {
    const Conversation & c = tree.conversation;
    QHash<qint64, int> localId;
    for (const Message & m : tree.messages) localId.insert(m.id, int(localId.size()) + 1);
    QJsonArray messages;
    for (const Message & m : tree.messages) messages.append(messageToJson(m, localId));

    QJsonObject o;
    o.insert(QStringLiteral("title"), c.title);
    o.insert(QStringLiteral("model"), c.model);
    o.insert(QStringLiteral("system_prompt"), c.systemPrompt);
    o.insert(QStringLiteral("settings"), c.sampling);
    o.insert(QStringLiteral("pinned"), c.pinned);
    o.insert(QStringLiteral("created_at"), timeValue(c.createdAt));
    o.insert(QStringLiteral("updated_at"), timeValue(c.updatedAt));
    o.insert(QStringLiteral("active_leaf"),
             localId.contains(c.activeLeafId) ? QJsonValue(localId.value(c.activeLeafId)) : QJsonValue());
    o.insert(QStringLiteral("messages"), messages);
    return o;
}

QJsonObject JsonExporter::toJson(const QList<ConversationTree> & trees) {
    QJsonArray conversations;
    for (const ConversationTree & t : trees) conversations.append(conversationToJson(t));
    return QJsonObject{{QStringLiteral("format"), QString::fromLatin1(formatName())},
                       {QStringLiteral("version"), kFormatVersion},
                       {QStringLiteral("conversations"), conversations}};
}

QByteArray JsonExporter::serialize(const QList<ConversationTree> & trees) {
    return QJsonDocument(toJson(trees)).toJson(QJsonDocument::Indented);
}

}  // namespace Hearth
