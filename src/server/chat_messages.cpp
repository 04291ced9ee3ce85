#include "server/chat_messages.h"

#include "hearth/json_depth.h"
#include "server/api_error.h"
#include "server/completion_request.h"
#include "server/json_fields.h"

namespace Hearth::Server {

namespace {

std::string contentText(const nlohmann::json & content, const std::string & where) {
    if (content.is_null()) return {};
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array())
        throw ApiError::invalid(
            where, "'" + where + "' must be a string or an array of content parts, not " + jsonTypeName(content) + ".");
    std::string text;
    for (size_t i = 0; i < content.size(); ++i) {
        const nlohmann::json & part = content[i];
        const std::string at = where + "[" + std::to_string(i) + "]";
        if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
            throw ApiError::invalid(at, "'" + at + "' must be an object with a 'type'.");
        if (part["type"] != "text")
            throw ApiError::invalid(
                at, "'" + at + "' is of type " + part["type"].dump() + "; this model accepts text content only.");
        if (!part.contains("text") || !part["text"].is_string())
            throw ApiError::invalid(at + ".text", "'" + at + ".text' must be a string.");
        if (!text.empty()) text += "\n";
        text += part["text"].get<std::string>();
    }
    return text;
}

void checkToolCalls(const nlohmann::json & calls, const std::string & where) {
    if (!calls.is_array()) throw ApiError::invalid(where, "'" + where + "' must be an array.");
    for (size_t i = 0; i < calls.size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        const nlohmann::json & c = calls[i];
        if (!c.is_object() || !c.contains("function") || !c["function"].is_object())
            throw ApiError::invalid(at, "'" + at + "' must be an object with a 'function' object.");
        const nlohmann::json & f = c["function"];
        if (!f.contains("name") || !f["name"].is_string())
            throw ApiError::invalid(at + ".function.name", "'" + at + ".function.name' must be a string.");
        if (f.contains("arguments") && !f["arguments"].is_string() && !f["arguments"].is_object())
            throw ApiError::invalid(at + ".function.arguments",
                                    "'" + at + ".function.arguments' must be a JSON string or an object.");
        if (f.contains("arguments") && f["arguments"].is_string()) {
            // JSON inside a string: the template decodes it, so it is bounded like the body.
            const std::string & args = f["arguments"].get_ref<const std::string &>();
            if (!hearth::json_depth_within(args, kMaxRequestDepth))
                throw ApiError::invalid(at + ".function.arguments", "'" + at +
                                                                        ".function.arguments' nests deeper than " +
                                                                        std::to_string(kMaxRequestDepth) + " levels.");
            if (!nlohmann::json::accept(args))
                throw ApiError::invalid(at + ".function.arguments",
                                        "'" + at + ".function.arguments' is not valid JSON.");
        }
    }
}

nlohmann::json readMessage(const nlohmann::json & m, size_t index) {
    const std::string at = "messages[" + std::to_string(index) + "]";
    if (!m.is_object()) throw ApiError::invalid(at, "'" + at + "' must be an object, not " + jsonTypeName(m) + ".");
    if (!m.contains("role") || !m["role"].is_string())
        throw ApiError::invalid(at + ".role", "'" + at + ".role' must be a string.");
    std::string role = m["role"].get<std::string>();
    if (role == "developer") role = "system";
    if (role != "system" && role != "user" && role != "assistant" && role != "tool")
        throw ApiError::invalid(at + ".role", "'" + at +
                                                  ".role' must be one of system, developer, user, "
                                                  "assistant, tool; not \"" +
                                                  role + "\".");
    nlohmann::json out = m;
    out["role"] = role;
    out["content"] = contentText(m.value("content", nlohmann::json()), at + ".content");
    if (m.contains("tool_calls") && !m["tool_calls"].is_null()) {
        if (role != "assistant")
            throw ApiError::invalid(at + ".tool_calls", "only assistant messages may hold tool_calls.");
        checkToolCalls(m["tool_calls"], at + ".tool_calls");
    } else {
        out.erase("tool_calls");
    }
    for (const char * key : {"tool_call_id", "name", "reasoning_content"}) {
        if (!m.contains(key) || m[key].is_null()) {
            out.erase(key);
        } else if (!m[key].is_string()) {
            throw ApiError::invalid(at + "." + key, "'" + at + "." + key + "' must be a string.");
        }
    }
    return out;
}

nlohmann::json readTools(const nlohmann::json & tools) {
    if (!tools.is_array())
        throw ApiError::invalid("tools", "'tools' must be an array, not " + jsonTypeName(tools) + ".");
    for (size_t i = 0; i < tools.size(); ++i) {
        const std::string at = "tools[" + std::to_string(i) + "]";
        const nlohmann::json & t = tools[i];
        if (!t.is_object() || t.value("type", std::string()) != "function" || !t.contains("function") ||
            !t["function"].is_object())
            throw ApiError::invalid(at, "'" + at + "' must be {\"type\": \"function\", \"function\": {...}}.");
        if (!t["function"].contains("name") || !t["function"]["name"].is_string())
            throw ApiError::invalid(at + ".function.name", "'" + at + ".function.name' must be a string.");
        if (t["function"].contains("parameters") && !t["function"]["parameters"].is_object())
            throw ApiError::invalid(at + ".function.parameters",
                                    "'" + at + ".function.parameters' must be a JSON schema object.");
    }
    return tools;
}

// "none", "auto", "required", or {"type": "function", "function": {"name": ...}}.
nlohmann::json applyToolChoice(const nlohmann::json & tools, const nlohmann::json & choice, bool & toolCalls,
                               bool & required) {
    toolCalls = true;
    required = false;
    if (choice.is_null()) return tools;
    if (choice.is_string()) {
        const std::string c = choice.get<std::string>();
        required = c == "required";
        if (c == "auto" || c == "required") return tools;
        if (c == "none") {
            toolCalls = false;
            return nullptr;
        }
        throw ApiError::invalid("tool_choice",
                                "'tool_choice' must be \"none\", \"auto\", \"required\" or a "
                                "function, not \"" +
                                    c + "\".");
    }
    if (!choice.is_object() || !choice.contains("function") || !choice["function"].is_object() ||
        !choice["function"].contains("name") || !choice["function"]["name"].is_string())
        throw ApiError::invalid("tool_choice",
                                "'tool_choice' must name a function: "
                                "{\"type\": \"function\", \"function\": {\"name\": ...}}.");
    const std::string name = choice["function"]["name"].get<std::string>();
    required = true;
    for (const nlohmann::json & t : tools)
        if (t["function"]["name"] == name) return nlohmann::json::array({t});
    throw ApiError::invalid("tool_choice", "'tool_choice' names \"" + name + "\", which is not in 'tools'.");
}

nlohmann::json readTemplateKwargs(const nlohmann::json & body) {
    nlohmann::json kwargs = nlohmann::json::object();
    if (auto it = body.find("chat_template_kwargs"); it != body.end() && !it->is_null()) {
        if (!it->is_object())
            throw ApiError::invalid("chat_template_kwargs",
                                    "'chat_template_kwargs' must be an object, not " + jsonTypeName(*it) + ".");
        for (const char * reserved : {"messages", "tools"})
            if (it->contains(reserved))
                throw ApiError::invalid("chat_template_kwargs", std::string("'chat_template_kwargs' may not set '") +
                                                                    reserved +
                                                                    "'; send it as the request's own field.");
        kwargs = *it;
    }
    if (const std::optional<bool> thinking = optBool(body, "enable_thinking");
        thinking && !kwargs.contains("enable_thinking"))
        kwargs["enable_thinking"] = *thinking;
    return kwargs.empty() ? nlohmann::json() : kwargs;
}

}  // namespace

ChatInput readChatInput(const nlohmann::json & body) {
    ChatInput in;
    auto it = body.find("messages");
    if (it == body.end() || !it->is_array() || it->empty())
        throw ApiError::invalid("messages", "'messages' must be a non-empty array of messages.");
    for (size_t i = 0; i < it->size(); ++i) in.messages.push_back(readMessage((*it)[i], i));

    const nlohmann::json tools = body.value("tools", nlohmann::json());
    const nlohmann::json choice = body.value("tool_choice", nlohmann::json());
    if (!tools.is_null() && !tools.is_array())
        throw ApiError::invalid("tools", "'tools' must be an array, not " + jsonTypeName(tools) + ".");
    if (!tools.is_null() && !tools.empty()) {
        in.tools = applyToolChoice(readTools(tools), choice, in.toolCalls, in.toolRequired);
    } else if (!choice.is_null() && choice != "none") {
        // "auto" with nothing to call is harmless, but "required" or a named
        // function cannot be honoured: OpenAI refuses all but "none".
        throw ApiError::invalid("tool_choice", "'tool_choice' is only allowed when 'tools' are given.");
    }
    in.templateKwargs = readTemplateKwargs(body);
    return in;
}

void addJsonInstruction(nlohmann::json & messages, const nlohmann::json & schema) {
    std::string instruction = "Respond only with a valid JSON ";
    instruction += schema.is_null() ? "object, with no other text."
                                    : "value that matches this JSON schema, with no other text: " + schema.dump();
    if (!messages.empty() && messages[0]["role"] == "system") {
        std::string content = messages[0]["content"].get<std::string>();
        messages[0]["content"] = content.empty() ? instruction : content + "\n\n" + instruction;
    } else {
        messages.insert(messages.begin(), nlohmann::json{{"role", "system"}, {"content", instruction}});
    }
}

}  // namespace Hearth::Server
