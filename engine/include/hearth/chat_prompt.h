// hearth::PromptPlanner: a chat's history turned into the prompt the session
// gets, fitted into the model's context by the chat's overflow policy
// (choose_context_window in hearth/context_window.h): rolling window,
// truncate middle, or stop at the limit.
//
// Tokens are counted the way the session sees them: the messages rendered
// with the model's template (ChatSetup::render), then tokenized with BOS and
// special tokens. The plan carries the ids, so nothing is tokenized twice.
//
// The planner remembers per conversation how many turns its last prompt left
// out, so the next prompt keeps the same prefix and the session reuses its KV
// cache until the context is full again. One thread uses a planner at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "hearth/chat_template.h"
#include "hearth/context_window.h"
#include "hearth/output_parser.h"

namespace hearth {

struct ChatSetup;
class Tokenizer;

struct PromptPlan {
    std::string prompt;            // the rendered prompt, a continued reply's text at its end
    std::vector<int32_t> ids;      // its tokens, BOS included
    int32_t n_ctx = 0;             // the context it was fitted into
    int32_t dropped_messages = 0;  // left out by the policy
    int32_t dropped_turns = 0;
    ContextOverflow policy = ContextOverflow_rolling_window;
    bool system_prompt = false;  // the prompt starts with a system message
    // The prompt cannot fit (or, under ContextOverflow_stop, would need
    // messages left out): nothing may be generated for it.
    bool refused = false;
    OutputParserConfig parser;  // the reply's parser: the tool format, whether reasoning is open
};

// What a request adds to the template besides the messages.
struct PromptExtras {
    std::string tools_json;          // the template's `tools` (a JSON array), or empty
    std::string extra_context_json;  // more template variables (a JSON object: enable_thinking...), or empty
};

class PromptPlanner {
public:
    PromptPlanner() = default;
    // `setup` must outlive the planner (the chat session owns both).
    PromptPlanner(const ChatSetup * setup, std::shared_ptr<const Tokenizer> tokenizer);

    bool ready() const { return m_setup && m_tokenizer; }

    // The tokens kept free for the reply when the policy drops messages: a
    // quarter of the context, or less when replies are capped shorter.
    static int32_t reply_reserve(int32_t n_ctx, int32_t max_tokens);

    // The prompt for a reply after `messages` (the system prompt first, when
    // any) in `conversation`, continuing `partial` when it is not empty.
    // `commit` records the choice for the conversation's next prompt; a mere
    // measurement does not. Throws what ChatTemplate::apply throws. Returns an
    // empty plan when the planner is not ready.
    // `extras` go to every render; its tools also type the reply parser's XML
    // tool-call parameters (Qwen3-Coder/Qwen3.5/GLM).
    PromptPlan plan(int64_t conversation, const std::vector<ChatMessage> & messages, ContextOverflow policy,
                    int32_t max_tokens, const std::string & partial, bool commit = true,
                    const PromptExtras & extras = {});

private:
    const ChatSetup * m_setup = nullptr;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::unordered_map<int64_t, int32_t> m_dropped;  // conversation -> turns its last prompt left out
};

}  // namespace hearth
