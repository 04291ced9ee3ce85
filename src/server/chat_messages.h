// The `messages`, `tools` and `tool_choice` of a chat request, checked and
// normalised into what hearth::ChatTemplate::apply_json renders: every
// content a string (text parts joined, null as ""), "developer" as "system",
// tools narrowed by tool_choice.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace Hearth::Server {

struct ChatInput {
    nlohmann::json messages = nlohmann::json::array();
    nlohmann::json tools;       // null when none (or tool_choice "none"); only the named one for a named tool_choice
    bool toolCalls = false;     // parse tool calls from the output
    bool toolRequired = false;  // tool_choice "required" or a named function: the reply must call one of `tools`
    // chat_template_kwargs, plus a top-level enable_thinking (as Qwen's own
    // API and Cherry Studio send it): variables for the template. Null: none.
    nlohmann::json templateKwargs;
};

// Throws ApiError(400) naming the offending field ("messages[2].role").
ChatInput readChatInput(const nlohmann::json & body);

// Json mode: tells the model, in the system message, to answer with JSON
// (matching `schema` when it is not null). There is no constrained sampling,
// so the instruction is what steers the model.
void addJsonInstruction(nlohmann::json & messages, const nlohmann::json & schema);

}  // namespace Hearth::Server
