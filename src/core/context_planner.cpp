#include "core/context_planner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

#include "hearth/chat_setup.h"
#include "hearth/context_window.h"
#include "hearth/tokenizer.h"

namespace Hearth {

namespace {

hearth::ChatMessage toChatMessage(const Message &m, bool keepReasoning) {
    hearth::ChatMessage c;
    c.role = roleName(m.role).toStdString();
    c.content = m.content.toStdString();
    // Earlier replies' reasoning is left out of the context, as chat templates
    // do; within the current tool loop (after the last user message) it stays,
    // so reasoning, call, result and more reasoning interleave as templates expect.
    if (keepReasoning && m.role == MessageRole::Assistant) c.reasoning_content = m.reasoning.toStdString();
    for (const QJsonValue &v : m.toolCalls) {
        const QJsonObject o = v.toObject();
        hearth::ChatToolCall call;
        call.id = o.value("id").toString().toStdString();
        call.name = o.value("name").toString().toStdString();
        const QJsonValue args = o.value("arguments");
        call.arguments_json = args.isObject() ? QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact).toStdString()
                                              : std::string("{}");
        c.tool_calls.push_back(std::move(call));
    }
    if (m.role == MessageRole::Tool && !m.toolResults.isEmpty()) {
        const QJsonObject r = m.toolResults.first().toObject();
        c.tool_call_id = r.value("call_id").toString().toStdString();
        c.name = r.value("name").toString().toStdString();
    }
    return c;
}

// The chat's system prompt (its setting wins over a stored system message), then the history.
std::vector<hearth::ChatMessage> chatMessages(const QList<Message> &history, const GenerationSettings &settings) {
    std::vector<hearth::ChatMessage> out;
    const bool ownPrompt = !settings.systemPrompt.trimmed().isEmpty();
    if (ownPrompt) out.push_back({"system", settings.systemPrompt.toStdString(), {}, {}, {}, {}});
    qsizetype lastUser = -1;
    for (qsizetype i = 0; i < history.size(); ++i)
        if (history[i].role == MessageRole::User) lastUser = i;
    for (qsizetype i = 0; i < history.size(); ++i) {
        const Message &m = history[i];
        if (m.role == MessageRole::System && ownPrompt) continue;
        out.push_back(toChatMessage(m, i > lastUser));
    }
    return out;
}

QString refusalText(hearth::ContextOverflow policy, bool continuing, int tokens, int contextSize) {
    const QString size = QStringLiteral("%1 of the model's %2 tokens").arg(tokens).arg(contextSize);
    if (policy == hearth::ContextOverflow_stop)
        return QStringLiteral("This chat no longer fits the context: the prompt would take %1, and the chat's context"
                              " policy is \u201cStop at limit\u201d. Start a new chat, raise the context size, or"
                              " choose \u201cRolling window\u201d in the chat settings.")
            .arg(size);
    if (continuing)
        return QStringLiteral("This reply cannot be continued: with its text the prompt would take %1, even with"
                              " the earlier messages left out. Raise the context size, or regenerate the reply.")
            .arg(size);
    return QStringLiteral("Your message is too long for the context: the prompt would take %1, even with the"
                          " earlier messages left out. Shorten it, or raise the context size.")
        .arg(size);
}

}  // namespace

void ContextPlanner::setModel(const hearth::ChatSetup *setup, std::shared_ptr<const hearth::Tokenizer> tokenizer) {
    m_setup = setup;
    m_tokenizer = std::move(tokenizer);
}

int ContextPlanner::replyReserve(int contextSize, int maxTokens) {
    // A quarter of the context, or less when replies are capped shorter.
    const int quarter = std::max(1, contextSize / 4);
    return maxTokens > 0 ? std::min(maxTokens, quarter) : quarter;
}

ContextPlan ContextPlanner::plan(const QList<Message> &history, const GenerationSettings &settings,
                                 const QString &partial, bool commit) {
    ContextPlan p;
    if (!m_setup || !m_tokenizer) return p;
    hearth::ContextOverflow policy = hearth::ContextOverflow_rolling_window;
    hearth::context_overflow_from_name(settings.contextOverflow.toStdString(), policy);
    const std::string tail = partial.toStdString();
    auto render = [&](const std::vector<hearth::ChatMessage> &messages) {
        hearth::ChatRequest request;
        request.messages = messages;
        if (!settings.tools.isEmpty())
            request.tools_json = QJsonDocument(settings.tools).toJson(QJsonDocument::Compact).toStdString();
        // As the server's chat_template_kwargs: templates that read it (Qwen3, QwQ-style) follow the switch.
        request.extra_context_json = settings.thinking ? R"({"enable_thinking":true})" : R"({"enable_thinking":false})";
        return m_setup->render(request) + tail;
    };
    auto count = [&](const std::vector<hearth::ChatMessage> &messages) {
        return int32_t(m_tokenizer->tokenize(render(messages), true, true).size());
    };

    const int nCtx = m_setup->n_ctx;
    // The last position must stay free for at least one generated token.
    const int budget = policy == hearth::ContextOverflow_stop ? nCtx - 1 : nCtx - replyReserve(nCtx, settings.maxTokens);
    const qint64 chat = history.isEmpty() ? 0 : history.first().conversationId;
    const hearth::ContextWindow window = hearth::choose_context_window(chatMessages(history, settings), policy, budget,
                                                                       m_dropped.value(chat, 0), count);
    p.prompt = render(window.messages);
    p.promptIds = m_tokenizer->tokenize(p.prompt, true, true);
    p.usage.promptTokens = int(p.promptIds.size());
    p.usage.contextSize = nCtx;
    p.usage.droppedMessages = window.dropped_messages;
    p.usage.droppedTurns = window.dropped_turns;
    p.usage.policy = QString::fromLatin1(hearth::context_overflow_name(policy));
    p.usage.systemPrompt = !window.messages.empty() && window.messages.front().role == "system";
    if (p.usage.promptTokens >= nCtx || (policy == hearth::ContextOverflow_stop && !window.fits))
        p.refusal = refusalText(policy, !partial.isEmpty(), p.usage.promptTokens, nCtx);
    else if (commit)
        m_dropped.insert(chat, window.dropped_turns);
    return p;
}

}  // namespace Hearth
