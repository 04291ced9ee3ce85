// The tool-call states of OutputParser: Hermes <tool_call> blocks, JSON
// values (Llama 3 objects, Mistral arrays and [ARGS] objects), and the Mistral
// [TOOL_CALLS] header. A candidate that does not turn into a valid call is
// released as content, verbatim, and flagged.
#include <algorithm>
#include <string>

#include "chat/output_parser_markers.h"
#include "chat/output_parser_scan.h"
#include "chat/output_parser_tool_json.h"
#include "chat/output_parser_tool_xml.h"
#include "hearth/output_parser.h"

namespace hearth {

using namespace output_parser_detail;

namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

std::size_t skip_word(std::string_view text, std::size_t from) {
    while (from < text.size() && is_word_char(text[from])) {
        ++from;
    }
    return from;
}

}  // namespace

bool OutputParser::step_hermes_call(OutputDelta & delta) {
    std::string_view view = m_buf;
    // Resume the search where the last one stopped, less a possibly split tag.
    std::size_t from = m_extent.pos > k_tool_close.size() ? m_extent.pos - k_tool_close.size() : 0;
    std::size_t close = view.find(k_tool_close, from);
    if (close == std::string_view::npos && !m_finishing) {
        m_extent.pos = view.size();
        return false;
    }
    // A call cut off by the end of generation is still accepted if its JSON is whole.
    std::size_t consumed = close == std::string_view::npos ? view.size() : close + k_tool_close.size();
    std::string_view body = view.substr(0, close == std::string_view::npos ? view.size() : close);
    ToolCall call;
    if ((parse_named_call(body, call) == CallParse_ok || parse_xml_call(body, m_param_types, call) == CallParse_ok) &&
        tool_allowed(call.name)) {
        add_tool_call(delta, std::move(call));
        consume(consumed);
        enter_start(false, false);
    } else {
        reject_tool_call(delta, view.substr(0, consumed), true);
    }
    return true;
}

bool OutputParser::step_json_call(OutputDelta & delta) {
    std::string_view view = m_buf;
    if (m_extent.pos == 0) {
        // The value has not opened yet (after <|python_tag|> or [ARGS]).
        std::size_t ws = skip_spaces(view);
        if (ws == view.size() && !m_finishing) {
            return false;
        }
        char open = m_json_kind == JsonCall_mistral_array ? '[' : '{';
        if (ws == view.size() || view[ws] != open) {
            reject_tool_call(delta, view.substr(0, ws), true);
            return true;
        }
        m_call_prefix += view.substr(0, ws);
        consume(ws);
        view = m_buf;
    }
    std::size_t end = scan_json_extent(view, m_extent);
    if (end == std::string_view::npos) {
        if (!m_finishing) {
            return false;
        }
        reject_tool_call(delta, view, true);
        return true;
    }
    accept_json_call(delta, view.substr(0, end));
    return true;
}

void OutputParser::accept_json_call(OutputDelta & delta, std::string_view text) {
    std::vector<ToolCall> calls(1);
    CallParse result = CallParse_invalid_json;
    switch (m_json_kind) {
        case JsonCall_llama3:
            result = parse_llama3_call(text, calls[0]);
            break;
        case JsonCall_mistral_array:
            result = parse_call_array(text, calls);
            break;
        case JsonCall_mistral_args:
            result = parse_arguments_object(text, calls[0].arguments);
            calls[0].name = m_mistral_name;
            calls[0].id = m_mistral_id;
            break;
    }
    if (result != CallParse_ok) {
        // A bare JSON answer is not a failed call; a tagged or call-shaped one is.
        bool failed = m_json_kind != JsonCall_llama3 || m_call_prefix.find(k_python_tag) != std::string::npos ||
                      (result == CallParse_invalid_json && text.find("\"name\"") != std::string_view::npos);
        reject_tool_call(delta, text, failed);
        return;
    }
    for (const ToolCall & call : calls) {
        if (!tool_allowed(call.name)) {
            reject_tool_call(delta, text, true);
            return;
        }
    }
    for (ToolCall & call : calls) {
        add_tool_call(delta, std::move(call));
    }
    consume(text.size());
    enter_start(false, m_json_kind == JsonCall_llama3);
}

// After [TOOL_CALLS]: either a JSON array, or `name[ARGS]{...}` with an
// optional `[CALL_ID]id` before [ARGS].
bool OutputParser::step_mistral_header(OutputDelta & delta) {
    std::string_view view = m_buf;
    std::size_t ws = skip_spaces(view);
    if (ws == view.size()) {
        if (!m_finishing) {
            return false;
        }
        reject_tool_call(delta, view, true);
        return true;
    }
    if (view[ws] == '[') {
        m_call_prefix += view.substr(0, ws);
        consume(ws);
        enter_json_call(JsonCall_mistral_array);
        return true;
    }
    std::size_t name_end = skip_word(view, ws);
    std::size_t args_at = name_end;
    std::size_t id_end = name_end;
    LiteralMatch m = name_end > ws ? match_literal(view.substr(name_end), k_mistral_call_id) : LiteralMatch_none;
    if (m == LiteralMatch_full) {
        id_end = skip_word(view, name_end + k_mistral_call_id.size());
        args_at = id_end;
    }
    if (m != LiteralMatch_partial && name_end > ws) {
        m = match_literal(view.substr(args_at), k_mistral_args);
    }
    bool too_long = args_at - ws > 2 * k_max_mistral_word;
    bool undecided = m == LiteralMatch_partial || (args_at == view.size() && name_end > ws);
    if (undecided && !too_long && !m_finishing) {
        return false;
    }
    if (m != LiteralMatch_full || too_long) {
        reject_tool_call(delta, view.substr(0, args_at), true);
        return true;
    }
    m_mistral_name = std::string(view.substr(ws, name_end - ws));
    std::size_t id_start = name_end + k_mistral_call_id.size();
    m_mistral_id = id_end > name_end ? std::string(view.substr(id_start, id_end - id_start)) : std::string();
    std::size_t consumed = args_at + k_mistral_args.size();
    m_call_prefix += view.substr(0, consumed);
    consume(consumed);
    enter_json_call(JsonCall_mistral_args);
    return true;
}

void OutputParser::reject_tool_call(OutputDelta & delta, std::string_view raw, bool failed) {
    std::size_t n = raw.size();  // raw is a prefix of m_buf
    emit_content(delta, m_call_prefix);
    emit_content(delta, raw);
    m_call_prefix.clear();
    if (failed) {
        m_result.tool_call_parse_error = true;
    }
    consume(n);
    m_state = State_content;
}

bool OutputParser::tool_allowed(const std::string & name) const {
    const std::vector<std::string> & names = m_config.tool_names;
    return names.empty() || std::find(names.begin(), names.end(), name) != names.end();
}

void OutputParser::add_tool_call(OutputDelta & delta, ToolCall call) {
    if (call.id.empty()) {
        call.id = m_config.tool_call_id_prefix + std::to_string(m_result.tool_calls.size());
    }
    m_call_prefix.clear();
    delta.tool_calls.push_back(call);
    m_result.tool_calls.push_back(std::move(call));
}

}  // namespace hearth
