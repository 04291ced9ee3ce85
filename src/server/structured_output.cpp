#include "server/structured_output.h"

#include "hearth/error.h"
#include "hearth/json_schema_grammar.h"
#include "server/api_error.h"

namespace Hearth::Server {

namespace {

constexpr int kMaxParallelCalls = 8;
constexpr int kMaxSchemaDepth = 64;

using ojson = nlohmann::ordered_json;

// Checked before dump(), which recurses: a hostile schema nested thousands
// deep is refused here instead of overflowing the stack.
template <typename Json>
bool nestsDeeperThan(const Json & root, int limit) {
    std::vector<std::pair<const Json *, int>> stack = {{&root, 1}};
    while (!stack.empty()) {
        const auto [j, depth] = stack.back();
        stack.pop_back();
        if (!j->is_structured()) continue;
        if (depth > limit) return true;
        for (const Json & child : *j) stack.push_back({&child, depth + 1});
    }
    return false;
}

// The request once more, with its objects in the order the client wrote them
// (the parsed body sorts keys): properties are generated in schema order, as
// OpenAI does, so that a "reasoning" field can come before an "answer".
struct Source {
    const nlohmann::json & body;
    ojson ordered;

    Source(const nlohmann::json & b, std::string_view raw) : body(b) {
        if (!raw.empty()) ordered = ojson::parse(raw, nullptr, false);
        if (!ordered.is_object()) ordered = nullptr;
    }

    // The schema at `keys` in the ordered body, else `fallback`; as text, or a 400.
    std::string schemaText(std::initializer_list<const char *> keys, const nlohmann::json & fallback,
                           const std::string & param) const {
        const ojson * at = ordered.is_object() ? &ordered : nullptr;
        for (const char * k : keys) at = at && at->is_object() && at->contains(k) ? &(*at)[k] : nullptr;
        return at ? text(*at, param) : text(fallback, param);
    }

    std::string toolSchemaText(const std::string & name, const nlohmann::json & fallback,
                               const std::string & param) const {
        if (ordered.is_object() && ordered.contains("tools") && ordered["tools"].is_array())
            for (const ojson & t : ordered["tools"])
                if (t.is_object() && t.contains("function") && t["function"].is_object() &&
                    t["function"].value("name", ojson()) == name && t["function"].contains("parameters"))
                    return text(t["function"]["parameters"], param);
        return text(fallback, param);
    }

    template <typename Json>
    static std::string text(const Json & schema, const std::string & param) {
        if (nestsDeeperThan(schema, kMaxSchemaDepth))
            throw ApiError::invalid(param, "Invalid '" + param + "': the schema nests deeper than " +
                                               std::to_string(kMaxSchemaDepth) + " levels.");
        return schema.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
};

ApiError invalidSchema(const std::string & param, const std::string & what) {
    return ApiError::invalid(param, "Invalid '" + param + "': " + what);
}

// The original index of a tool, for error messages ("tools[2].function.parameters").
std::string toolParam(const nlohmann::json & body, const std::string & name) {
    const nlohmann::json & tools = body["tools"];
    for (size_t i = 0; i < tools.size(); ++i)
        if (tools[i]["function"]["name"] == name) return "tools[" + std::to_string(i) + "].function.parameters";
    return "tools";
}

// One call in the model's syntax: {"name": "f", "arguments": {...}}, with the
// key Llama 3 uses for the arguments.
std::string callRule(hearth::JsonGrammarBuilder & b, const Source & src, const nlohmann::json & tool,
                     hearth::ToolCallFormat format, size_t index) {
    const nlohmann::json & body = src.body;
    const nlohmann::json & fn = tool["function"];
    const std::string name = fn["name"].get<std::string>();
    std::string args;
    const auto params = fn.find("parameters");
    try {
        args = params != fn.end() && params->is_object()
                   ? b.add_schema(src.toolSchemaText(name, *params, toolParam(body, name)),
                                  "tool-" + std::to_string(index))
                   : b.any_object();
    } catch (const hearth::Error & e) {
        throw invalidSchema(toolParam(body, name), e.what());
    }
    const std::string ws = b.whitespace();
    const char * argsKey = format == hearth::ToolCallFormat_llama3 ? "\"\\\"parameters\\\"\"" : "\"\\\"arguments\\\"\"";
    return "\"{\" " + ws + " \"\\\"name\\\"\" " + ws + " \":\" " + ws + " " +
           hearth::gbnf_literal(nlohmann::json(name).dump()) + " " + ws + " \",\" " + ws + " " + argsKey + " " + ws +
           " \":\" " + ws + " " + args + " " + ws + " \"}\"";
}

std::string toolCallBody(hearth::JsonGrammarBuilder & b, const Source & src, const nlohmann::json & tools,
                         hearth::ToolCallFormat format) {
    const nlohmann::json & body = src.body;
    std::string call = "(";
    for (size_t i = 0; i < tools.size(); ++i) call += (i ? " | " : " ") + callRule(b, src, tools[i], format, i);
    call += " )";
    const auto p = body.find("parallel_tool_calls");
    const bool parallel = p != body.end() && p->is_boolean() && p->get<bool>();
    const std::string more = parallel ? "{0," + std::to_string(kMaxParallelCalls - 1) + "}" : "{0,0}";
    const std::string ws = b.whitespace();
    switch (format) {
        case hearth::ToolCallFormat_llama3:
            // One JSON object per call, back to back, as the output parser reads them.
            return call + " ( " + ws + " " + call + " )" + more;
        case hearth::ToolCallFormat_mistral:
            return "\"[TOOL_CALLS][\" " + call + " ( \",\" " + ws + " " + call + " )" + more + " \"]\"";
        default: {
            const std::string block = "\"<tool_call>\\n\" " + call + " \"\\n</tool_call>\"";
            return block + " ( \"\\n\" " + block + " )" + more;
        }
    }
}

std::shared_ptr<const hearth::Grammar> build(const hearth::JsonGrammarBuilder & b, std::string body, bool reasoningOpen,
                                             const std::string & param) {
    // A prompt that opens <think> (QwQ, DeepSeek-R1) expects the reply to close it first.
    if (reasoningOpen) body = "\"</think>\" \"\\n\"{0,2} " + body;
    try {
        return b.build(body);
    } catch (const hearth::Error & e) {
        throw invalidSchema(param, e.what());
    }
}

}  // namespace

std::shared_ptr<const hearth::Grammar> structuredOutputGrammar(const nlohmann::json & body,
                                                               const nlohmann::json & tools, bool toolRequired,
                                                               hearth::ToolCallFormat format, bool reasoningOpen,
                                                               std::string_view rawBody) {
    hearth::JsonGrammarBuilder b;
    // readChatInput has checked tool_choice against the tools it narrowed.
    const bool forced = toolRequired && tools.is_array() && !tools.empty();
    const bool constrained = forced || body.contains("response_format") || body.contains("json_schema");
    const Source src(body, constrained ? rawBody : std::string_view());
    if (forced) return build(b, toolCallBody(b, src, tools, format), reasoningOpen, "tools");

    std::string type;
    const auto rf = body.find("response_format");
    if (rf != body.end() && rf->is_object() && rf->contains("type") && (*rf)["type"].is_string())
        type = (*rf)["type"].get<std::string>();
    if (type == "json_object") return build(b, b.any_object(), reasoningOpen, "response_format");
    std::string text, param;
    if (type == "json_schema") {
        const auto js = rf->find("json_schema");
        if (js != rf->end() && js->is_object() && js->contains("schema")) {
            param = "response_format.json_schema.schema";
            text = src.schemaText({"response_format", "json_schema", "schema"}, (*js)["schema"], param);
        }
    } else if (const auto js = body.find("json_schema"); js != body.end() && !js->is_null()) {
        param = "json_schema";
        text = src.schemaText({"json_schema"}, *js, param);
    }
    if (!param.empty()) {
        std::string value;
        try {
            value = b.add_schema(text, "schema");
        } catch (const hearth::Error & e) {
            throw invalidSchema(param, e.what());
        }
        return build(b, value, reasoningOpen, param);
    }
    if (auto it = body.find("grammar"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) throw ApiError::invalid("grammar", "'grammar' must be a string of GBNF rules.");
        try {
            return hearth::Grammar::parse(it->get<std::string>());
        } catch (const hearth::Error & e) {
            throw invalidSchema("grammar", e.what());
        }
    }
    return nullptr;
}

}  // namespace Hearth::Server
