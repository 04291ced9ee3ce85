#include "core/message_row.h"

#include <QJsonDocument>

namespace Hearth::MessageRow {

const QString & columns() {
    static const QString kColumns = QStringLiteral(
        "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.reasoning, m.tool_calls, m.tool_results,"
        " m.created_at, m.state, m.model_file, m.model_sha256, m.sampling, m.seed, m.prompt_tokens,"
        " m.generated_tokens, m.prompt_tps, m.generation_tps, m.ttft_ms, m.stop_reason, m.thinking_ms");
    return kColumns;
}

Message fromQuery(const QSqlQuery & q) {
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.parentId = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
    m.role = roleFromName(q.value(3).toString()).value_or(MessageRole::User);
    m.content = q.value(4).toString();
    m.reasoning = q.value(5).toString();
    m.toolCalls = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).array();
    m.toolResults = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array();
    m.createdAt = fromStoredTime(q.value(8).toLongLong());
    m.state = stateFromName(q.value(9).toString()).value_or(MessageState::Complete);
    m.generation.modelFile = q.value(10).toString();
    m.generation.modelSha256 = q.value(11).toString();
    m.generation.sampling = QJsonDocument::fromJson(q.value(12).toString().toUtf8()).object();
    m.generation.seed = q.value(13).toLongLong();
    m.stats.promptTokens = q.value(14).toInt();
    m.stats.generatedTokens = q.value(15).toInt();
    m.stats.promptTokensPerSecond = q.value(16).toDouble();
    m.stats.generationTokensPerSecond = q.value(17).toDouble();
    m.stats.timeToFirstTokenMs = q.value(18).toDouble();
    m.stats.stopReason = q.value(19).toString();
    m.stats.thinkingMs = q.value(20).toDouble();
    return m;
}

}  // namespace Hearth::MessageRow
