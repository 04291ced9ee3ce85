// The harmony states of OutputParser (gpt-oss): messages
// `HEADER<|message|>BODY<|end|>` after the generation prompt
// `<|start|>assistant`, as hearth/output_parser.h describes them. Like the
// other states, each step decides a prefix of the buffer from its bytes alone
// or waits while they could still become a marker.
#include <string>

#include "chat/output_parser_markers.h"
#include "chat/output_parser_scan.h"
#include "chat/output_parser_tool_json.h"
#include "hearth/output_parser.h"

namespace hearth {

using namespace output_parser_detail;

namespace {

// What ends a header early (it is then no header) and what ends a body: the
// three end markers, which the message consumes, and a next message opening
// without one.
constexpr std::string_view k_body_ends[] = {k_harmony_end, k_harmony_call, k_harmony_return, k_harmony_start,
                                            k_harmony_channel};
constexpr std::size_t k_n_end_markers = 3;
constexpr std::string_view k_header_ends[] = {k_harmony_end, k_harmony_call, k_harmony_return, k_harmony_start,
                                              k_harmony_message};
constexpr std::size_t k_longest_body_end = 11;  // <|channel|>

// A header is decided within this many bytes: `<|message|>` or an end marker
// must have appeared (whole) by then.
constexpr std::size_t k_header_window = k_max_harmony_header + 11;

struct Header {
    std::string_view channel;
    std::string_view recipient;
};

// A header word ends at whitespace or at the next `<|`.
std::size_t word_end(std::string_view h, std::size_t pos) {
    while (pos < h.size() && !is_space(h[pos]) && h[pos] != '<') {
        ++pos;
    }
    return pos;
}

// `[ROLE] [to=R] <|channel|>NAME [to=R] [TYPE | <|constrain|>TYPE]`, in any
// order; unknown words and tags are skipped.
Header parse_header(std::string_view h, bool role) {
    Header out;
    std::size_t pos = role ? word_end(h, 0) : 0;
    while (pos < h.size()) {
        std::string_view rest = h.substr(pos);
        if (is_space(h[pos])) {
            ++pos;
        } else if (rest.starts_with(k_harmony_channel)) {
            std::size_t begin = pos + k_harmony_channel.size();
            pos = word_end(h, begin);
            out.channel = h.substr(begin, pos - begin);
        } else if (rest.starts_with("to=")) {
            std::size_t begin = pos + 3;
            pos = word_end(h, begin);
            out.recipient = h.substr(begin, pos - begin);
        } else if (rest.starts_with(k_harmony_constrain)) {
            pos = word_end(h, pos + k_harmony_constrain.size());
        } else if (h[pos] == '<') {
            std::size_t close = h.find('>', pos);
            pos = close == std::string_view::npos ? h.size() : close + 1;
        } else {
            pos = word_end(h, pos);  // a content type such as `json`
        }
    }
    return out;
}

}  // namespace

// Between messages: `<|start|>` opens one with a role, `<|channel|>` one
// without; ` to=` right away continues the prompt's `<|start|>assistant`.
// Whitespace before a message is dropped; any other text is content.
bool OutputParser::step_harmony_next(OutputDelta &) {
    std::string_view view = m_buf;
    if (view.empty()) {
        return false;
    }
    LiteralMatch to = match_literal(view, k_harmony_recipient);
    if (to == LiteralMatch_partial && !m_finishing) {
        return false;
    }
    if (to == LiteralMatch_full) {
        m_harmony_role = false;
        m_state = State_harmony_header;
        return true;
    }
    std::size_t ws = skip_spaces(view);
    std::string_view rest = view.substr(ws);
    if (rest.empty()) {
        if (m_finishing) {
            consume(ws);  // trailing whitespace after the last message
        }
        return false;
    }
    for (std::string_view marker : {k_harmony_start, k_harmony_channel}) {
        LiteralMatch m = match_literal(rest, marker);
        if (m == LiteralMatch_partial && !m_finishing) {
            return false;
        }
        if (m == LiteralMatch_full) {
            m_harmony_role = marker == k_harmony_start;
            consume(ws + (m_harmony_role ? marker.size() : 0));
            m_state = State_harmony_header;
            return true;
        }
    }
    m_harmony_body = HarmonyBody_content;
    m_harmony_recipient.clear();
    m_state = State_harmony_body;
    return true;
}

bool OutputParser::step_harmony_header(OutputDelta & delta) {
    std::string_view view = m_buf;
    std::string_view window = view.substr(0, k_header_window);
    LiteralHit hit = find_first_literal(window, k_header_ends);
    if (hit.pos != std::string_view::npos && k_header_ends[hit.which] == k_harmony_message &&
        hit.pos <= k_max_harmony_header) {
        start_harmony_body(view.substr(0, hit.pos));
        consume(hit.pos + k_harmony_message.size());
        return true;
    }
    std::size_t bad = hit.pos;  // no header: an end marker first, or <|message|> too late
    if (bad == std::string_view::npos) {
        if (view.size() < k_header_window && !m_finishing) {
            return false;
        }
        bad = m_finishing ? std::min(view.size(), k_max_harmony_header) : k_max_harmony_header;
        bad = utf8_complete_length(view.substr(0, bad));
    }
    // Released as it came; what follows is content up to the next marker.
    emit_content(delta, m_harmony_role ? k_harmony_start : std::string_view());
    emit_content(delta, view.substr(0, bad));
    consume(bad);
    m_harmony_body = HarmonyBody_content;
    m_harmony_recipient.clear();
    m_state = hit.pos != std::string_view::npos ? State_harmony_next : State_harmony_body;
    return true;
}

void OutputParser::start_harmony_body(std::string_view header_text) {
    Header header = parse_header(header_text, m_harmony_role);
    const bool to_tool = !header.recipient.empty() && header.recipient != "assistant";
    m_harmony_recipient = std::string(header.recipient);
    if (to_tool && m_config.tool_call_format != ToolCallFormat_none) {
        m_harmony_body = HarmonyBody_tool_call;
        m_extent = JsonExtent{};
    } else if (!to_tool && header.channel == "analysis" && m_config.reasoning_enabled) {
        m_harmony_body = HarmonyBody_reasoning;
        m_block_started = false;
    } else {
        m_harmony_body = HarmonyBody_content;
    }
    m_state = State_harmony_body;
}

bool OutputParser::step_harmony_body(OutputDelta & delta) {
    std::string_view view = m_buf;
    // A tool call's body is searched once: resume where the last search ended.
    std::size_t from = 0;
    if (m_harmony_body == HarmonyBody_tool_call && m_extent.pos > k_longest_body_end) {
        from = m_extent.pos - k_longest_body_end;
    }
    LiteralHit hit = find_first_literal(view.substr(from), k_body_ends);
    if (hit.pos != std::string_view::npos) {
        hit.pos += from;
    }
    if (m_harmony_body == HarmonyBody_tool_call) {
        if (hit.pos == std::string_view::npos && !m_finishing) {
            m_extent.pos = view.size();
            return false;
        }
        std::size_t end = hit.pos == std::string_view::npos ? view.size() : hit.pos;
        finish_harmony_tool_call(delta, view.substr(0, end));
    } else {
        std::size_t end = hit.pos;
        if (end == std::string_view::npos) {
            end =
                m_finishing ? view.size() : utf8_complete_length(view.substr(0, partial_tag_start(view, k_body_ends)));
        }
        if (end > 0) {
            if (m_harmony_body == HarmonyBody_reasoning) {
                release_reasoning(delta, view.substr(0, end));
            } else {
                emit_content(delta, view.substr(0, end));
            }
            consume(end);
        }
        if (hit.pos == std::string_view::npos) {
            return false;
        }
    }
    // At the marker: the end markers belong to the message, the others open the next one.
    std::size_t marker = hit.pos == std::string_view::npos ? 0 : k_body_ends[hit.which].size();
    consume(hit.which < k_n_end_markers ? marker : 0);
    m_state = State_harmony_next;
    return true;
}

void OutputParser::finish_harmony_tool_call(OutputDelta & delta, std::string_view body) {
    ToolCall call;
    std::string_view name = m_harmony_recipient;
    if (name.starts_with("functions.")) {
        name.remove_prefix(10);
    }
    if (!name.empty() && parse_arguments_object(body, call.arguments) == CallParse_ok) {
        call.name = std::string(name);
        add_tool_call(delta, std::move(call));
    } else {
        emit_content(delta, body);
        m_result.tool_call_parse_error = true;
    }
    consume(body.size());
}

}  // namespace hearth
