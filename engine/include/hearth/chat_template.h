// Chat formatting: a conversation to the prompt string a model expects.
//
// The template is the GGUF's `tokenizer.chat_template`, a user-supplied
// override file (like llama-server's --chat-template-file), or ChatML when
// the model has none. It is rendered with hearth::JinjaTemplate in the
// context transformers' apply_chat_template builds: messages, tools (only
// when there are any), add_generation_prompt, bos_token, eos_token.
// For harmony templates (gpt-oss: the source renders `<|channel|>`) an
// assistant's reasoning_content is also given as `thinking`, and its content
// left out on a tool-call turn, as llama.cpp does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hearth/jinja.h"

namespace hearth {

class GgufFile;

struct ChatToolCall {
    std::string id;
    std::string name;
    std::string arguments_json = "{}";  // a JSON object; templates see it as an object, not a string
};

struct ChatMessage {
    std::string role;  // "system", "user", "assistant", "tool"
    std::string content;
    std::string reasoning_content;         // assistant thinking; omitted from the context when empty
    std::vector<ChatToolCall> tool_calls;  // assistant; omitted when empty
    std::string tool_call_id;              // role "tool": the call it answers; omitted when empty
    std::string name;                      // role "tool": the function's name; omitted when empty
};

struct ChatRequest {
    std::vector<ChatMessage> messages;
    std::string tools_json;  // OpenAI-style array of {"type":"function","function":{...}}; "" for none
    bool add_generation_prompt = true;
    std::string extra_context_json;  // optional JSON object merged into the context (e.g. {"enable_thinking": false})
};

struct ChatSpecialTokens {
    std::string bos;  // the vocab's BOS token text, e.g. "<|begin_of_text|>"
    std::string eos;
};

class ChatTemplate {
public:
    // Throws JinjaError on a template that does not parse.
    static ChatTemplate from_source(std::string_view source, std::string name = "chat_template");
    // Throws Error(ErrorCode_io) when unreadable, JinjaError when it does not parse.
    static ChatTemplate from_file(const std::string & path);
    // The model's tokenizer.chat_template, or ChatML when it has none.
    static ChatTemplate from_gguf(const GgufFile & gguf);
    static ChatTemplate chatml();
    static std::string_view chatml_source();

    // Throws JinjaError when the template fails (raise_exception, undefined
    // access), Error(ErrorCode_format) for malformed tools or arguments JSON.
    std::string apply(const ChatRequest & request, const ChatSpecialTokens & tokens,
                      const JinjaRenderOptions & options = {}) const;

    // For an OpenAI-compatible server: `messages_json` is the request's
    // messages array as sent. Tool-call arguments given as JSON strings are
    // decoded to objects, as templates expect. `extra_context_json`, when not
    // empty, is a JSON object merged into the context (a request's
    // chat_template_kwargs, such as {"enable_thinking": false}).
    std::string apply_json(std::string_view messages_json, std::string_view tools_json, bool add_generation_prompt,
                           const ChatSpecialTokens & tokens, const JinjaRenderOptions & options = {},
                           std::string_view extra_context_json = {}) const;

    const std::string & source() const noexcept { return m_source; }
    bool is_fallback() const noexcept { return m_fallback; }  // ChatML, because the model had no template

private:
    ChatTemplate(std::string source, std::string name, bool fallback);

    std::string m_source;
    JinjaTemplate m_template;
    bool m_fallback;
};

}  // namespace hearth
