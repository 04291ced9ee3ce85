#include "hearth/chat_template.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/json_depth.h"

namespace hearth {

namespace {

using Json = nlohmann::ordered_json;

// ChatML as Qwen2 and many fine-tunes use it; content may be null on
// tool-call turns, so it is only concatenated when it is a string.
constexpr std::string_view kChatml =
    "{%- for message in messages -%}\n"
    "{{- '<|im_start|>' + message['role'] + '\\n' -}}\n"
    "{%- if message['content'] is string -%}{{- message['content'] -}}{%- endif -%}\n"
    "{{- '<|im_end|>\\n' -}}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}\n";

Json parse_json(std::string_view text, const char * what) {
    // Nesting is bounded first: converting and dumping recurse.
    if (!json_depth_within(text))
        throw Error(ErrorCode_format, std::string("chat template: JSON in ") + what + " nested deeper than " +
                                          std::to_string(k_json_max_depth) + " levels");
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception & e) {
        throw Error(ErrorCode_format, std::string("chat template: invalid JSON in ") + what + ": " + e.what());
    }
}

// Arguments arrive as a JSON string from OpenAI clients; templates want the object.
Json decode_arguments(const Json & arguments) {
    if (!arguments.is_string()) return arguments;
    const std::string & s = arguments.get_ref<const std::string &>();
    if (!json_depth_within(s)) return arguments;
    try {
        Json parsed = Json::parse(s);
        if (parsed.is_object()) return parsed;
    } catch (const nlohmann::json::exception &) {
    }
    return arguments;
}

Json message_json(const ChatMessage & m) {
    Json j = Json::object();
    j["role"] = m.role;
    j["content"] = m.content;
    if (!m.reasoning_content.empty()) j["reasoning_content"] = m.reasoning_content;
    if (!m.tool_calls.empty()) {
        Json calls = Json::array();
        for (const ChatToolCall & c : m.tool_calls) {
            Json call = Json::object();
            if (!c.id.empty()) call["id"] = c.id;
            call["type"] = "function";
            call["function"] = Json{{"name", c.name}, {"arguments", decode_arguments(Json(c.arguments_json))}};
            calls.push_back(std::move(call));
        }
        j["tool_calls"] = std::move(calls);
    }
    if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
    if (!m.name.empty()) j["name"] = m.name;
    return j;
}

// gpt-oss's template reads an assistant's reasoning from `thinking` and
// refuses content next to it on a tool-call turn; llama.cpp adapts the
// messages so (common_chat_params_init_gpt_oss), and so does Hearth.
void adapt_for_harmony(Json & messages) {
    for (Json & m : messages) {
        if (!m.is_object()) continue;
        auto reasoning = m.find("reasoning_content");
        if (reasoning == m.end() || !reasoning->is_string()) continue;
        m["thinking"] = *reasoning;
        auto calls = m.find("tool_calls");
        if (calls != m.end() && calls->is_array() && !calls->empty()) m.erase("content");
    }
}

bool is_harmony_template(std::string_view source) {
    return source.find("<|channel|>") != std::string_view::npos;
}

Json base_context(Json messages, std::string_view tools_json, bool add_generation_prompt,
                  const ChatSpecialTokens & tokens) {
    Json ctx = Json::object();
    ctx["messages"] = std::move(messages);
    if (!tools_json.empty()) {
        Json tools = parse_json(tools_json, "tools");
        if (!tools.is_array()) throw Error(ErrorCode_format, "chat template: tools must be a JSON array");
        if (!tools.empty()) ctx["tools"] = std::move(tools);
    }
    ctx["add_generation_prompt"] = add_generation_prompt;
    ctx["bos_token"] = tokens.bos;
    ctx["eos_token"] = tokens.eos;
    return ctx;
}

void merge_extra_context(Json & ctx, std::string_view extra_json) {
    if (extra_json.empty()) return;
    Json extra = parse_json(extra_json, "extra context");
    if (!extra.is_object()) throw Error(ErrorCode_format, "chat template: extra context must be a JSON object");
    for (auto it = extra.begin(); it != extra.end(); ++it) ctx[it.key()] = it.value();
}

}  // namespace

ChatTemplate::ChatTemplate(std::string source, std::string name, bool fallback)
    : m_source(std::move(source)), m_template(m_source, std::move(name)), m_fallback(fallback) {}

ChatTemplate ChatTemplate::from_source(std::string_view source, std::string name) {
    return ChatTemplate(std::string(source), std::move(name), false);
}

ChatTemplate ChatTemplate::from_file(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode_io, "cannot open chat template file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(ErrorCode_io, "cannot read chat template file " + path);
    return ChatTemplate(ss.str(), path.substr(path.find_last_of('/') + 1), false);
}

ChatTemplate ChatTemplate::from_gguf(const GgufFile & gguf) {
    std::string_view source = gguf.get_string("tokenizer.chat_template");
    if (source.empty()) return chatml();
    return ChatTemplate(std::string(source), "tokenizer.chat_template", false);
}

ChatTemplate ChatTemplate::chatml() {
    return ChatTemplate(std::string(kChatml), "chatml", true);
}

std::string_view ChatTemplate::chatml_source() {
    return kChatml;
}

std::string ChatTemplate::apply(const ChatRequest & request, const ChatSpecialTokens & tokens,
                                const JinjaRenderOptions & options) const {
    Json messages = Json::array();
    for (const ChatMessage & m : request.messages) messages.push_back(message_json(m));
    if (is_harmony_template(m_source)) adapt_for_harmony(messages);
    Json ctx = base_context(std::move(messages), request.tools_json, request.add_generation_prompt, tokens);
    merge_extra_context(ctx, request.extra_context_json);
    return m_template.render(ctx.dump(-1, ' ', false, Json::error_handler_t::replace), options);
}

std::string ChatTemplate::apply_json(std::string_view messages_json, std::string_view tools_json,
                                     bool add_generation_prompt, const ChatSpecialTokens & tokens,
                                     const JinjaRenderOptions & options, std::string_view extra_context_json) const {
    Json messages = parse_json(messages_json, "messages");
    if (!messages.is_array()) throw Error(ErrorCode_format, "chat template: messages must be a JSON array");
    for (Json & m : messages) {
        if (!m.is_object()) throw Error(ErrorCode_format, "chat template: each message must be a JSON object");
        auto calls = m.find("tool_calls");
        if (calls == m.end() || !calls->is_array()) continue;
        for (Json & call : *calls) {
            if (!call.is_object()) continue;
            auto fn = call.find("function");
            if (fn == call.end() || !fn->is_object()) continue;
            auto args = fn->find("arguments");
            if (args != fn->end()) *args = decode_arguments(*args);
        }
    }
    if (is_harmony_template(m_source)) adapt_for_harmony(messages);
    Json ctx = base_context(std::move(messages), tools_json, add_generation_prompt, tokens);
    merge_extra_context(ctx, extra_context_json);
    return m_template.render(ctx.dump(-1, ' ', false, Json::error_handler_t::replace), options);
}

}  // namespace hearth
