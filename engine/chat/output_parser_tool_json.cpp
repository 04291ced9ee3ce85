#include "chat/output_parser_tool_json.h"

#include <nlohmann/json.hpp>

#include "chat/output_parser_markers.h"
#include "hearth/json_depth.h"

namespace hearth::output_parser_detail {

namespace {

using json = nlohmann::ordered_json;  // keeps the model's key order in arguments

json parse_json(std::string_view text) {
    // Nesting is bounded first: converting and dumping recurse.
    if (!json_depth_within(text, k_max_output_json_depth)) {
        return json(json::value_t::discarded);
    }
    // The non-throwing overload: a syntax error gives a discarded value.
    return json::parse(text.begin(), text.end(), nullptr, false);
}

bool dump_compact(const json & value, std::string & out) {
    try {
        out = value.dump(-1, ' ', false, json::error_handler_t::replace);
        return true;
    } catch (...) {
        return false;
    }
}

// Arguments as a compact JSON object; false when they are not one.
bool arguments_text(const json & args, std::string & out) {
    if (args.is_object()) {
        return dump_compact(args, out);
    }
    if (args.is_string()) {
        json inner = parse_json(args.get_ref<const std::string &>());
        return inner.is_object() && dump_compact(inner, out);
    }
    return false;
}

CallParse call_from_object(const json & obj, bool require_arguments, ToolCall & call) {
    if (!obj.is_object()) {
        return CallParse_not_a_call;
    }
    const json * fn = &obj;
    auto nested = obj.find("function");
    if (nested != obj.end() && nested->is_object()) {
        fn = &*nested;  // OpenAI form
    }
    auto name = fn->find("name");
    if (name == fn->end() || !name->is_string() || name->get_ref<const std::string &>().empty()) {
        return CallParse_not_a_call;
    }
    auto args = fn->find("arguments");
    if (args == fn->end()) {
        args = fn->find("parameters");
    }
    std::string arguments = "{}";
    if (args != fn->end()) {
        if (!arguments_text(*args, arguments)) {
            return CallParse_not_a_call;
        }
    } else if (require_arguments) {
        return CallParse_not_a_call;
    }
    call.name = name->get<std::string>();
    call.arguments = std::move(arguments);
    auto id = obj.find("id");
    call.id = id != obj.end() && id->is_string() ? id->get<std::string>() : std::string();
    return CallParse_ok;
}

CallParse parse_call(std::string_view text, bool require_arguments, ToolCall & call) {
    try {
        json value = parse_json(text);
        if (value.is_discarded()) {
            return CallParse_invalid_json;
        }
        return call_from_object(value, require_arguments, call);
    } catch (...) {
        return CallParse_invalid_json;
    }
}

}  // namespace

CallParse parse_named_call(std::string_view text, ToolCall & call) {
    return parse_call(text, false, call);
}

CallParse parse_llama3_call(std::string_view text, ToolCall & call) {
    return parse_call(text, true, call);
}

CallParse parse_call_array(std::string_view text, std::vector<ToolCall> & calls) {
    try {
        json value = parse_json(text);
        if (value.is_discarded()) {
            return CallParse_invalid_json;
        }
        if (!value.is_array() || value.empty()) {
            return CallParse_not_a_call;
        }
        std::vector<ToolCall> out;
        for (const json & item : value) {
            ToolCall call;
            if (call_from_object(item, false, call) != CallParse_ok) {
                return CallParse_not_a_call;
            }
            out.push_back(std::move(call));
        }
        calls = std::move(out);
        return CallParse_ok;
    } catch (...) {
        return CallParse_invalid_json;
    }
}

CallParse parse_arguments_object(std::string_view text, std::string & arguments) {
    try {
        json value = parse_json(text);
        if (value.is_discarded()) {
            return CallParse_invalid_json;
        }
        if (!value.is_object()) {
            return CallParse_not_a_call;
        }
        return dump_compact(value, arguments) ? CallParse_ok : CallParse_invalid_json;
    } catch (...) {
        return CallParse_invalid_json;
    }
}

}  // namespace hearth::output_parser_detail
