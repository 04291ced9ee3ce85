#include "core/remote_request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Hearth {

namespace {

QJsonArray toolCallsJson(const QJsonArray & calls) {
    QJsonArray out;
    for (const QJsonValue & v : calls) {
        const QJsonObject c = v.toObject();
        const QJsonValue args = c.value(QStringLiteral("arguments"));
        const QString argsText = args.isObject()
                                     ? QString::fromUtf8(QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact))
                                 : args.isString() ? args.toString()
                                                   : QStringLiteral("{}");
        out.append(QJsonObject{
            {QStringLiteral("id"), c.value(QStringLiteral("id"))},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), c.value(QStringLiteral("name"))},
                                                     {QStringLiteral("arguments"), argsText}}}});
    }
    return out;
}

QJsonObject messageJson(const Message & m, bool turnInProgress) {
    QJsonObject o{{QStringLiteral("role"), roleName(m.role)}, {QStringLiteral("content"), m.content}};
    if (m.role == MessageRole::Assistant) {
        if (!m.toolCalls.isEmpty()) o.insert(QStringLiteral("tool_calls"), toolCallsJson(m.toolCalls));
        if (turnInProgress && !m.reasoning.isEmpty()) o.insert(QStringLiteral("reasoning_content"), m.reasoning);
    }
    if (m.role == MessageRole::Tool && !m.toolResults.isEmpty()) {
        const QJsonObject r = m.toolResults.first().toObject();
        o.insert(QStringLiteral("tool_call_id"), r.value(QStringLiteral("call_id")).toString());
        o.insert(QStringLiteral("name"), r.value(QStringLiteral("name")).toString());
    }
    return o;
}

QJsonArray messagesJson(const QList<Message> & history, const QString & partial, const QString & systemPrompt) {
    QJsonArray out;
    const bool ownPrompt = !systemPrompt.trimmed().isEmpty();
    if (ownPrompt)
        out.append(
            QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), systemPrompt}});
    qsizetype lastUser = -1;
    for (qsizetype i = 0; i < history.size(); ++i)
        if (history[i].role == MessageRole::User) lastUser = i;
    for (qsizetype i = 0; i < history.size(); ++i) {
        if (history[i].role == MessageRole::System && ownPrompt) continue;
        out.append(messageJson(history[i], i > lastUser));
    }
    if (!partial.isEmpty())
        out.append(
            QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), partial}});
    return out;
}

}  // namespace

QByteArray remoteChatRequest(const QString & model, const QList<Message> & history, const QString & partial,
                             const GenerationSettings & settings, qint64 seed) {
    QJsonObject body{{QStringLiteral("model"), model},
                     {QStringLiteral("messages"), messagesJson(history, partial, settings.systemPrompt)},
                     {QStringLiteral("stream"), true},
                     {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
                     {QStringLiteral("temperature"), settings.temperature},
                     {QStringLiteral("top_p"), settings.topP},
                     {QStringLiteral("top_k"), settings.topK},
                     {QStringLiteral("min_p"), settings.minP}};
    if (settings.maxTokens > 0) body.insert(QStringLiteral("max_tokens"), settings.maxTokens);
    if (seed >= 0) body.insert(QStringLiteral("seed"), seed);
    if (!settings.tools.isEmpty()) body.insert(QStringLiteral("tools"), settings.tools);
    if (!settings.thinking)
        body.insert(QStringLiteral("chat_template_kwargs"), QJsonObject{{QStringLiteral("enable_thinking"), false}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

}  // namespace Hearth
