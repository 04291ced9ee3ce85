#include "core/remote_reply.h"

#include <QJsonDocument>

#include "hearth/json_depth.h"

namespace Hearth {

namespace {

constexpr qsizetype kMaxServerMessage = 500;  // of an error the server sends, shown to the user

QString clipped(QString text) {
    text = text.simplified();
    if (text.size() > kMaxServerMessage) text = text.left(kMaxServerMessage) + QStringLiteral("\u2026");
    return text;
}

QString errorMessageOf(const QJsonValue & error) {
    if (error.isString()) return clipped(error.toString());
    const QString message = error.toObject().value(QStringLiteral("message")).toString();
    return message.isEmpty() ? QStringLiteral("(no message)") : clipped(message);
}

}  // namespace

bool RemoteReply::fail(const QString & why) {
    if (m_error.isEmpty()) m_error = why;
    return false;
}

bool RemoteReply::addText(QString & to, const QJsonValue & piece) {
    if (piece.isNull() || piece.isUndefined()) return true;
    if (!piece.isString()) return fail(QStringLiteral("The endpoint sent a reply chunk whose text is not a string."));
    const QString s = piece.toString();
    m_chars += s.size();
    if (m_chars > kMaxTextChars)
        return fail(QStringLiteral("The endpoint's reply grew past %1 million characters; it was stopped there.")
                        .arg(kMaxTextChars / (1024 * 1024)));
    to += s;
    return true;
}

bool RemoteReply::applyToolCalls(const QJsonArray & calls) {
    for (const QJsonValue & v : calls) {
        const QJsonObject c = v.toObject();
        const QJsonValue indexValue = c.value(QStringLiteral("index"));
        // A server that sends whole calls without an index appends them.
        const int index = indexValue.isDouble() ? indexValue.toInt(-1) : int(m_calls.size());
        if (index < 0 || index >= kMaxToolCalls)
            return fail(QStringLiteral("The endpoint sent a tool call numbered %1; at most %2 are accepted.")
                            .arg(indexValue.toVariant().toString())
                            .arg(kMaxToolCalls));
        if (index > m_calls.size())
            return fail(
                QStringLiteral("The endpoint sent tool call %1 before call %2.").arg(index).arg(m_calls.size()));
        if (index == m_calls.size()) m_calls.append(Call{});
        Call & call = m_calls[index];
        const QString id = c.value(QStringLiteral("id")).toString();
        if (!id.isEmpty() && call.id.isEmpty()) call.id = id.left(256);
        const QJsonObject fn = c.value(QStringLiteral("function")).toObject();
        if (!addText(call.name, fn.value(QStringLiteral("name")))) return false;
        const QJsonValue args = fn.value(QStringLiteral("arguments"));
        // Some servers send the arguments as an object rather than JSON text.
        const QJsonValue argsText =
            args.isObject()
                ? QJsonValue(QString::fromUtf8(QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact)))
                : args;
        if (!addText(call.arguments, argsText)) return false;
    }
    return true;
}

void RemoteReply::applyUsage(const QJsonObject & chunk) {
    const QJsonObject usage = chunk.value(QStringLiteral("usage")).toObject();
    if (!usage.isEmpty()) {
        m_stats.promptTokens = usage.value(QStringLiteral("prompt_tokens")).toInt(m_stats.promptTokens);
        m_stats.generatedTokens = usage.value(QStringLiteral("completion_tokens")).toInt(m_stats.generatedTokens);
    }
    // llama.cpp's (and Hearth's) extra figures.
    const QJsonObject t = chunk.value(QStringLiteral("timings")).toObject();
    if (!t.isEmpty()) {
        m_stats.promptTokensPerSecond =
            t.value(QStringLiteral("prompt_per_second")).toDouble(m_stats.promptTokensPerSecond);
        m_stats.generationTokensPerSecond =
            t.value(QStringLiteral("predicted_per_second")).toDouble(m_stats.generationTokensPerSecond);
        m_stats.timeToFirstTokenMs = t.value(QStringLiteral("ttft_ms")).toDouble(m_stats.timeToFirstTokenMs);
        if (m_stats.generatedTokens == 0) m_stats.generatedTokens = t.value(QStringLiteral("predicted_n")).toInt();
    }
}

bool RemoteReply::consume(const QByteArray & payload, RemoteDelta & delta) {
    if (m_done || !m_error.isEmpty()) return false;
    if (payload.trimmed() == "[DONE]") {
        m_done = true;
        return false;
    }
    if (!hearth::json_depth_within(std::string_view(payload.constData(), size_t(payload.size()))))
        return fail(QStringLiteral("The endpoint sent a stream event nested deeper than %1 levels.")
                        .arg(hearth::k_json_max_depth));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &parseError);
    if (!doc.isObject())
        return fail(QStringLiteral("The endpoint sent a malformed stream event (%1): %2")
                        .arg(doc.isNull() ? parseError.errorString() : QStringLiteral("not a JSON object"),
                             clipped(QString::fromUtf8(payload.left(120)))));
    const QJsonObject chunk = doc.object();
    if (chunk.contains(QStringLiteral("error")))
        return fail(QStringLiteral("The endpoint reported an error: %1")
                        .arg(errorMessageOf(chunk.value(QStringLiteral("error")))));
    applyUsage(chunk);
    const QJsonValue choices = chunk.value(QStringLiteral("choices"));
    if (!choices.isUndefined() && !choices.isNull() && !choices.isArray())
        return fail(QStringLiteral("The endpoint sent a stream event whose \"choices\" is not a list."));
    const QJsonObject choice = choices.toArray().at(0).toObject();
    const QJsonObject d = choice.value(QStringLiteral("delta")).toObject();
    QJsonValue reasoning = d.value(QStringLiteral("reasoning_content"));
    if (reasoning.isUndefined() || reasoning.isNull()) reasoning = d.value(QStringLiteral("reasoning"));
    const qsizetype contentFrom = m_content.size();
    const qsizetype reasoningFrom = m_reasoning.size();
    if (!addText(m_reasoning, reasoning) || !addText(m_content, d.value(QStringLiteral("content")))) return false;
    delta.reasoning += m_reasoning.mid(reasoningFrom);
    delta.content += m_content.mid(contentFrom);
    const QJsonValue calls = d.value(QStringLiteral("tool_calls"));
    if (calls.isArray() && !applyToolCalls(calls.toArray())) return false;
    const QString finish = choice.value(QStringLiteral("finish_reason")).toString();
    if (!finish.isEmpty()) m_finishReason = finish.left(32);
    return true;
}

QJsonArray RemoteReply::toolCalls() {
    QJsonArray out;
    for (qsizetype i = 0; i < m_calls.size(); ++i) {
        const Call & c = m_calls[i];
        const QByteArray text = c.arguments.trimmed().isEmpty() ? QByteArray("{}") : c.arguments.toUtf8();
        QJsonObject args;
        if (hearth::json_depth_within(std::string_view(text.constData(), size_t(text.size())))) {
            const QJsonDocument doc = QJsonDocument::fromJson(text);
            if (doc.isObject())
                args = doc.object();
            else
                fail(QStringLiteral("The model's call of tool \u201c%1\u201d has arguments that are not a JSON object.")
                         .arg(clipped(c.name)));
        } else {
            fail(QStringLiteral("The model's call of tool \u201c%1\u201d has arguments nested too deeply.")
                     .arg(clipped(c.name)));
        }
        out.append(QJsonObject{{QStringLiteral("id"), c.id.isEmpty() ? QStringLiteral("call_%1").arg(i) : c.id},
                               {QStringLiteral("name"), c.name},
                               {QStringLiteral("arguments"), args}});
    }
    return out;
}

ReplyStats RemoteReply::stats() const {
    ReplyStats s = m_stats;
    if (m_finishReason == QLatin1String("stop") || m_finishReason == QLatin1String("tool_calls") ||
        m_finishReason == QLatin1String("function_call"))
        s.stopReason = QStringLiteral("eos");
    else
        s.stopReason = m_finishReason;
    return s;
}

}  // namespace Hearth
