#include "chat/output_parser_tool_xml.h"

#include <nlohmann/json.hpp>

#include "chat/output_parser_markers.h"
#include "chat/output_parser_scan.h"
#include "hearth/json_depth.h"

namespace hearth::output_parser_detail {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_function_open = "<function=";
constexpr std::string_view k_function_close = "</function>";
constexpr std::string_view k_parameter_open = "<parameter=";
constexpr std::string_view k_parameter_close = "</parameter>";
constexpr std::string_view k_arg_key_open = "<arg_key>";
constexpr std::string_view k_arg_key_close = "</arg_key>";
constexpr std::string_view k_arg_value_open = "<arg_value>";
constexpr std::string_view k_arg_value_close = "</arg_value>";

std::string_view trim(std::string_view s) {
    s = s.substr(skip_spaces(s));
    return s.substr(0, rstrip_length(s));
}

bool starts_with(std::string_view s, std::size_t pos, std::string_view prefix) {
    return s.substr(pos, prefix.size()) == prefix;
}

// Templates write each value on its own line: one newline on each side is layout.
json typed_value(std::string_view raw, ParamTypes::Kind kind) {
    if (!raw.empty() && raw.front() == '\n') raw.remove_prefix(1);
    if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
    if (kind == ParamTypes::string || !json_depth_within(raw, k_max_output_json_depth)) {
        return json(std::string(raw));
    }
    // Qwen3.5's and Qwen3-Coder's templates print booleans and null with
    // Python's str(): read those back where the schema rules out a string.
    if (kind == ParamTypes::other) {
        if (raw == "True") return json(true);
        if (raw == "False") return json(false);
        if (raw == "None") return json(nullptr);
    }
    json v = json::parse(raw.begin(), raw.end(), nullptr, false);
    return v.is_discarded() ? json(std::string(raw)) : v;
}

// Text between `open` at `pos` and the next `close`; advances pos past close.
bool take_between(std::string_view s, std::size_t & pos, std::string_view open, std::string_view close,
                  std::string_view & out) {
    if (!starts_with(s, pos, open)) {
        return false;
    }
    std::size_t end = s.find(close, pos + open.size());
    if (end == std::string_view::npos) {
        return false;
    }
    out = s.substr(pos + open.size(), end - pos - open.size());
    pos = end + close.size();
    return true;
}

CallParse finish_call(std::string_view name, const json & args, ToolCall & call) {
    try {
        call.arguments = args.dump(-1, ' ', false, json::error_handler_t::replace);
    } catch (...) {
        return CallParse_invalid_json;
    }
    call.name = std::string(name);
    call.id.clear();
    return CallParse_ok;
}

CallParse parse_qwen_xml(std::string_view s, const ParamTypes & types, ToolCall & call) {
    std::size_t name_end = s.find('>');
    std::string_view name = trim(s.substr(k_function_open.size(), name_end - k_function_open.size()));
    if (name_end == std::string_view::npos || name.empty()) {
        return CallParse_invalid_json;
    }
    json args = json::object();
    std::size_t pos = name_end + 1;
    while (true) {
        pos = skip_spaces(s, pos);
        if (pos == s.size() || starts_with(s, pos, k_function_close)) {
            break;  // a missing </function> at the very end is forgiven
        }
        std::size_t key_end = s.find('>', pos);
        if (!starts_with(s, pos, k_parameter_open) || key_end == std::string_view::npos) {
            return CallParse_invalid_json;
        }
        std::string key(trim(s.substr(pos + k_parameter_open.size(), key_end - pos - k_parameter_open.size())));
        std::size_t value_end = s.find(k_parameter_close, key_end + 1);
        if (key.empty() || value_end == std::string_view::npos) {
            return CallParse_invalid_json;
        }
        args[key] = typed_value(s.substr(key_end + 1, value_end - key_end - 1), types.kind(name, key));
        pos = value_end + k_parameter_close.size();
    }
    if (pos < s.size() && skip_spaces(s, pos + k_function_close.size()) != s.size()) {
        return CallParse_invalid_json;  // text after </function>
    }
    return finish_call(name, args, call);
}

bool is_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

CallParse parse_glm_xml(std::string_view s, const ParamTypes & types, ToolCall & call) {
    std::size_t first_key = s.find(k_arg_key_open);
    std::string_view name = trim(s.substr(0, first_key));
    if (!is_name(name)) {
        return CallParse_not_a_call;
    }
    json args = json::object();
    std::size_t pos = first_key == std::string_view::npos ? s.size() : first_key;
    while ((pos = skip_spaces(s, pos)) < s.size()) {
        std::string_view key;
        std::string_view value;
        if (!take_between(s, pos, k_arg_key_open, k_arg_key_close, key)) {
            return CallParse_invalid_json;
        }
        pos = skip_spaces(s, pos);
        if (!take_between(s, pos, k_arg_value_open, k_arg_value_close, value) || trim(key).empty()) {
            return CallParse_invalid_json;
        }
        args[std::string(trim(key))] = typed_value(value, types.kind(name, trim(key)));
    }
    return finish_call(name, args, call);
}

}  // namespace

CallParse parse_xml_call(std::string_view body, const ParamTypes & types, ToolCall & call) {
    try {
        std::string_view s = trim(body);
        if (starts_with(s, 0, k_function_open)) {
            return parse_qwen_xml(s, types, call);
        }
        if (!s.empty() && s.front() != '{' && s.front() != '[') {
            return parse_glm_xml(s, types, call);
        }
        return CallParse_not_a_call;
    } catch (...) {
        return CallParse_invalid_json;
    }
}

}  // namespace hearth::output_parser_detail
