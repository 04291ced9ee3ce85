#include "core/context_planner.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "hearth/chat_prompt.h"

namespace Hearth {

namespace {

hearth::ChatMessage toChatMessage(const Message & m, bool keepReasoning) {
    hearth::ChatMessage c;
    c.role = roleName(m.role).toStdString();
    c.content = m.content.toStdString();
    // Earlier replies' reasoning is left out of the context, as chat templates
    // do; within the current tool loop (after the last user message) it stays,
    // so reasoning, call, result and more reasoning interleave as templates expect.
    if (keepReasoning && m.role == MessageRole::Assistant) c.reasoning_content = m.reasoning.toStdString();
    for (const QJsonValue & v : m.toolCalls) {
        const QJsonObject o = v.toObject();
        hearth::ChatToolCall call;
        call.id = o.value("id").toString().toStdString();
        call.name = o.value("name").toString().toStdString();
        const QJsonValue args = o.value("arguments");
        call.arguments_json = args.isObject()
                                  ? QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact).toStdString()
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
std::vector<hearth::ChatMessage> chatMessages(const QList<Message> & history, const GenerationSettings & settings) {
    std::vector<hearth::ChatMessage> out;
    const bool ownPrompt = !settings.systemPrompt.trimmed().isEmpty();
    if (ownPrompt) out.push_back({"system", settings.systemPrompt.toStdString(), {}, {}, {}, {}});
    qsizetype lastUser = -1;
    for (qsizetype i = 0; i < history.size(); ++i)
        if (history[i].role == MessageRole::User) lastUser = i;
    for (qsizetype i = 0; i < history.size(); ++i) {
        const Message & m = history[i];
        if (m.role == MessageRole::System && ownPrompt) continue;
        out.push_back(toChatMessage(m, i > lastUser));
    }
    return out;
}

QString refusalText(hearth::ContextOverflow policy, bool continuing, int tokens, int contextSize) {
    const QString size = QStringLiteral("%1 of the model's %2 tokens").arg(tokens).arg(contextSize);
    if (policy == hearth::ContextOverflow_stop)
        return QStringLiteral(
                   "This chat no longer fits the context: the prompt would take %1, and the chat's context"
                   " policy is \u201cStop at limit\u201d. Start a new chat, raise the context size, or"
                   " choose \u201cRolling window\u201d in the chat settings.")
            .arg(size);
    if (continuing)
        return QStringLiteral(
                   "This reply cannot be continued: with its text the prompt would take %1, even with"
                   " the earlier messages left out. Raise the context size, or regenerate the reply.")
            .arg(size);
    return QStringLiteral(
               "Your message is too long for the context: the prompt would take %1, even with the"
               " earlier messages left out. Shorten it, or raise the context size.")
        .arg(size);
}

}  // namespace

void ContextPlanner::setModel(const hearth::ChatSetup * setup, std::shared_ptr<const hearth::Tokenizer> tokenizer) {
    m_planner = setup && tokenizer ? std::make_shared<hearth::PromptPlanner>(setup, std::move(tokenizer)) : nullptr;
}

void ContextPlanner::setPlanner(hearth::PromptPlanner * planner) {
    // Aliasing an empty owner: the session that holds the planner outlives this use.
    m_planner = std::shared_ptr<hearth::PromptPlanner>(std::shared_ptr<void>(), planner);
}

int ContextPlanner::replyReserve(int contextSize, int maxTokens) {
    return hearth::PromptPlanner::reply_reserve(contextSize, maxTokens);
}

ContextPlan ContextPlanner::plan(const QList<Message> & history, const GenerationSettings & settings,
                                 const QString & partial, bool commit) {
    ContextPlan p;
    if (!m_planner || !m_planner->ready()) return p;
    hearth::ContextOverflow policy = hearth::ContextOverflow_rolling_window;
    hearth::context_overflow_from_name(settings.contextOverflow.toStdString(), policy);
    const qint64 chat = history.isEmpty() ? 0 : history.first().conversationId;
    hearth::PromptExtras extras;
    if (!settings.tools.isEmpty())
        extras.tools_json = QJsonDocument(settings.tools).toJson(QJsonDocument::Compact).toStdString();
    // As the server's chat_template_kwargs: templates that read it (Qwen3, QwQ-style) follow the switch.
    extras.extra_context_json = settings.thinking ? R"({"enable_thinking":true})" : R"({"enable_thinking":false})";
    hearth::PromptPlan plan = m_planner->plan(chat, chatMessages(history, settings), policy, settings.maxTokens,
                                              partial.toStdString(), commit, extras);
    p.usage.promptTokens = int(plan.ids.size());
    p.usage.contextSize = plan.n_ctx;
    p.usage.droppedMessages = plan.dropped_messages;
    p.usage.droppedTurns = plan.dropped_turns;
    p.usage.policy = QString::fromLatin1(hearth::context_overflow_name(policy));
    p.usage.systemPrompt = plan.system_prompt;
    if (plan.refused) p.refusal = refusalText(policy, !partial.isEmpty(), p.usage.promptTokens, plan.n_ctx);
    p.prompt = std::move(plan.prompt);
    p.promptIds = std::move(plan.ids);
    p.parser = plan.parser;
    return p;
}

}  // namespace Hearth
