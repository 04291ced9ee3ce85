#include "hearth/chat_prompt.h"

#include <algorithm>

#include "hearth/chat_setup.h"
#include "hearth/tokenizer.h"

namespace hearth {

PromptPlanner::PromptPlanner(const ChatSetup * setup, std::shared_ptr<const Tokenizer> tokenizer)
    : m_setup(setup), m_tokenizer(std::move(tokenizer)) {}

int32_t PromptPlanner::reply_reserve(int32_t n_ctx, int32_t max_tokens) {
    const int32_t quarter = std::max<int32_t>(1, n_ctx / 4);
    return max_tokens > 0 ? std::min(max_tokens, quarter) : quarter;
}

PromptPlan PromptPlanner::plan(int64_t conversation, const std::vector<ChatMessage> & messages, ContextOverflow policy,
                               int32_t max_tokens, const std::string & partial, bool commit,
                               const PromptExtras & extras) {
    PromptPlan p;
    if (!ready()) return p;
    auto render = [&](const std::vector<ChatMessage> & m) {
        ChatRequest request;
        request.messages = m;
        request.tools_json = extras.tools_json;
        request.extra_context_json = extras.extra_context_json;
        return m_setup->render(request) + partial;
    };
    auto count = [&](const std::vector<ChatMessage> & m) {
        return int32_t(m_tokenizer->tokenize(render(m), true, true).size());
    };

    const int32_t n_ctx = m_setup->n_ctx;
    // The last position must stay free for at least one generated token.
    const int32_t budget = policy == ContextOverflow_stop ? n_ctx - 1 : n_ctx - reply_reserve(n_ctx, max_tokens);
    const auto previous = m_dropped.find(conversation);
    const ContextWindow window =
        choose_context_window(messages, policy, budget, previous == m_dropped.end() ? 0 : previous->second, count);
    p.prompt = render(window.messages);
    p.ids = m_tokenizer->tokenize(p.prompt, true, true);
    p.n_ctx = n_ctx;
    p.dropped_messages = window.dropped_messages;
    p.dropped_turns = window.dropped_turns;
    p.policy = policy;
    p.system_prompt = !window.messages.empty() && window.messages.front().role == "system";
    p.refused = int32_t(p.ids.size()) >= n_ctx || (policy == ContextOverflow_stop && !window.fits);
    if (!p.refused && commit) m_dropped[conversation] = window.dropped_turns;
    p.parser.tool_call_format = m_setup->tool_format;
    p.parser.tools_json = extras.tools_json;
    // Whether the template opened a reasoning block: the prompt before a continued reply's text.
    p.parser.reasoning_open =
        prompt_opens_reasoning(std::string_view(p.prompt).substr(0, p.prompt.size() - partial.size()));
    return p;
}

}  // namespace hearth
