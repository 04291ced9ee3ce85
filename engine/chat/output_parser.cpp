// The streaming output parser's state machine (see hearth/output_parser.h).
//
// m_buf holds the text received but not yet decided. Each step looks at it
// and either decides a prefix (releases or consumes it) or waits, and it waits
// only while the bytes so far are a proper prefix of something that would be
// decided differently. That is what makes the result independent of how the
// text was split; finish() is the one place where "more text may come" stops
// being true.
#include "hearth/output_parser.h"

#include <string>

#include "chat/output_parser_markers.h"
#include "chat/output_parser_scan.h"
#include "chat/output_parser_tool_schema.h"

namespace hearth {

using namespace output_parser_detail;

namespace {

constexpr std::string_view k_reasoning_separator = "\n\n";
constexpr std::string_view k_replacement_char = "\xEF\xBF\xBD";  // U+FFFD

constexpr std::string_view k_markers[] = {k_tool_open, k_mistral_calls};
constexpr std::string_view k_think_close_list[] = {k_think_close, k_tool_open};

// What ends a reasoning block: </think>, and with Hermes-style calls also a
// <tool_call> (Qwen3.5 and Qwen3-Coder may call straight from the reasoning
// their prompt opened; llama.cpp's thinking_end_tags for them).
std::span<const std::string_view> reasoning_ends(ToolCallFormat format) {
    return std::span<const std::string_view>(k_think_close_list, format == ToolCallFormat_hermes ? 2 : 1);
}

std::span<const std::string_view> content_markers(ToolCallFormat format) {
    switch (format) {
        case ToolCallFormat_auto:
            return std::span<const std::string_view>(k_markers, 2);
        case ToolCallFormat_hermes:
            return std::span<const std::string_view>(k_markers, 1);
        case ToolCallFormat_mistral:
            return std::span<const std::string_view>(k_markers + 1, 1);
        case ToolCallFormat_none:
        case ToolCallFormat_llama3:
        case ToolCallFormat_harmony:
            break;
    }
    return {};
}

bool llama3_enabled(ToolCallFormat format) {
    return format == ToolCallFormat_llama3 || format == ToolCallFormat_auto;
}

}  // namespace

const char * tool_call_format_name(ToolCallFormat format) {
    switch (format) {
        case ToolCallFormat_none:
            return "none";
        case ToolCallFormat_auto:
            return "auto";
        case ToolCallFormat_hermes:
            return "hermes";
        case ToolCallFormat_llama3:
            return "llama3";
        case ToolCallFormat_mistral:
            return "mistral";
        case ToolCallFormat_harmony:
            return "harmony";
    }
    return "unknown";
}

OutputParser::OutputParser(OutputParserConfig config) : m_config(std::move(config)) {
    m_param_types = param_types_from_tools(m_config.tools_json);
    if (m_config.harmony || m_config.tool_call_format == ToolCallFormat_harmony) {
        m_state = State_harmony_next;  // the prompt ended with <|start|>assistant
        return;
    }
    const bool forced = m_config.reasoning_enabled && m_config.reasoning_open;
    enter_start(m_config.reasoning_enabled, !forced);
    m_start_forced = forced;
    m_start_keep_ws = true;
}

OutputDelta OutputParser::feed(std::string_view piece) noexcept {
    OutputDelta delta;
    if (m_finished) {
        return delta;
    }
    try {
        m_buf.append(piece);
        run(delta);
    } catch (...) {
        // Only allocation can throw here; keep what was released.
    }
    return delta;
}

OutputDelta OutputParser::finish() noexcept {
    OutputDelta delta;
    if (m_finished) {
        return delta;
    }
    m_finished = true;
    try {
        m_finishing = true;
        // The output ends inside a multi-byte sequence: it will never complete.
        std::size_t complete = utf8_complete_length(m_buf);
        if (complete < m_buf.size()) {
            m_buf.replace(complete, std::string::npos, k_replacement_char);
        }
        run(delta);
        if (!m_buf.empty()) {
            emit_content(delta, m_buf);  // unreachable by design; never lose text
            m_buf.clear();
        }
    } catch (...) {
    }
    return delta;
}

void OutputParser::run(OutputDelta & delta) {
    while (step(delta)) {
    }
}

bool OutputParser::step(OutputDelta & delta) {
    switch (m_state) {
        case State_start:
            return step_start(delta);
        case State_reasoning:
            return step_reasoning(delta);
        case State_content:
            return step_content(delta);
        case State_hermes_call:
            return step_hermes_call(delta);
        case State_json_call:
            return step_json_call(delta);
        case State_mistral_header:
            return step_mistral_header(delta);
        case State_harmony_next:
            return step_harmony_next(delta);
        case State_harmony_header:
            return step_harmony_header(delta);
        case State_harmony_body:
            return step_harmony_body(delta);
    }
    return false;
}

void OutputParser::enter_start(bool think_allowed, bool json_allowed) {
    m_state = State_start;
    m_start_think = think_allowed && m_config.reasoning_enabled;
    m_start_json = json_allowed && llama3_enabled(m_config.tool_call_format);
    m_start_forced = false;
    m_start_keep_ws = false;
}

void OutputParser::enter_reasoning() {
    m_state = State_reasoning;
    m_block_started = false;
}

void OutputParser::enter_json_call(JsonCall kind) {
    m_state = State_json_call;
    m_json_kind = kind;
    m_extent = JsonExtent{};
}

// Leading whitespace is held until the first other byte says what follows: a
// reasoning block, a llama3 JSON call, a tool-call marker, or plain content.
bool OutputParser::step_start(OutputDelta & delta) {
    std::string_view view = m_buf;
    std::size_t ws = skip_spaces(view);
    std::string_view rest = view.substr(ws);
    if (rest.empty() && !m_finishing) {
        return false;
    }
    std::string_view candidates[4];
    std::size_t n_candidates = 0;
    if (m_start_think) {
        candidates[n_candidates++] = k_think_open;
    }
    if (m_start_json) {
        candidates[n_candidates++] = k_python_tag;
    }
    if (!m_start_forced) {  // inside a prompt-opened block, only <think> is special
        for (std::string_view marker : content_markers(m_config.tool_call_format)) {
            candidates[n_candidates++] = marker;
        }
    }
    for (std::size_t i = 0; i < n_candidates; ++i) {
        LiteralMatch m = match_literal(rest, candidates[i]);
        if (m == LiteralMatch_partial && !rest.empty() && !m_finishing) {
            return false;
        }
        if (m != LiteralMatch_full) {
            continue;
        }
        if (candidates[i] == k_think_open) {
            consume(ws + k_think_open.size());
            enter_reasoning();
        } else if (candidates[i] == k_python_tag) {
            m_call_prefix = std::string(m_start_keep_ws ? view.substr(0, ws) : std::string_view());
            m_call_prefix += k_python_tag;
            consume(ws + k_python_tag.size());
            enter_json_call(JsonCall_llama3);
        } else {
            consume(ws);  // whitespace before a tool call is dropped
            m_state = State_content;
        }
        return true;
    }
    if (m_start_json && !rest.empty() && rest.front() == '{') {
        m_call_prefix = std::string(m_start_keep_ws ? view.substr(0, ws) : std::string_view());
        consume(ws);
        enter_json_call(JsonCall_llama3);
        return true;
    }
    if (m_start_forced) {
        consume(ws);
        enter_reasoning();
        return true;
    }
    if (m_start_keep_ws) {
        emit_content(delta, view.substr(0, ws));
    }
    consume(ws);
    m_state = State_content;
    return true;
}

// Reasoning text is stripped at both ends (as llama.cpp does), so leading
// whitespace of a block is dropped and trailing whitespace waits until text
// follows it.
bool OutputParser::step_reasoning(OutputDelta & delta) {
    std::string_view view = m_buf;
    std::span<const std::string_view> ends = reasoning_ends(m_config.tool_call_format);
    LiteralHit hit = find_first_literal(view, ends);
    std::size_t close = hit.pos;
    if (close != std::string_view::npos || m_finishing) {
        std::string_view text = close != std::string_view::npos ? view.substr(0, close) : view;
        std::size_t lead = m_block_started ? 0 : skip_spaces(text);
        std::size_t stop = rstrip_length(text);
        if (stop > lead) {
            release_reasoning(delta, text.substr(lead, stop - lead));
        }
        if (close == std::string_view::npos) {
            m_result.reasoning_unterminated = true;
            consume(view.size());
            m_state = State_content;
            return false;
        }
        if (ends[hit.which] == k_tool_open) {
            consume(close + k_tool_open.size());
            m_call_prefix = std::string(k_tool_open);
            m_extent = JsonExtent{};
            m_state = State_hermes_call;
            return true;
        }
        consume(close + k_think_close.size());
        enter_start(true, true);
        return true;
    }
    std::size_t end = partial_tag_start(view, ends);
    std::string_view text = view.substr(0, utf8_complete_length(view.substr(0, end)));
    std::size_t lead = m_block_started ? 0 : skip_spaces(text);
    std::size_t stop = rstrip_length(text);
    if (stop <= lead) {
        consume(lead);
        return false;
    }
    release_reasoning(delta, text.substr(lead, stop - lead));
    consume(stop);
    return true;
}

void OutputParser::release_reasoning(OutputDelta & delta, std::string_view text) {
    if (!m_block_started) {
        if (m_reasoning_blocks > 0) {
            emit_reasoning(delta, k_reasoning_separator);
        }
        m_block_started = true;
        ++m_reasoning_blocks;
    }
    emit_reasoning(delta, text);
}

bool OutputParser::step_content(OutputDelta & delta) {
    std::string_view view = m_buf;
    if (view.empty()) {
        return false;
    }
    std::span<const std::string_view> markers = content_markers(m_config.tool_call_format);
    LiteralHit hit = find_first_literal(view, markers);
    if (hit.pos != std::string_view::npos) {
        std::string_view marker = markers[hit.which];
        emit_content(delta, view.substr(0, hit.pos));
        consume(hit.pos + marker.size());
        m_call_prefix = std::string(marker);
        m_extent = JsonExtent{};
        m_state = marker == k_tool_open ? State_hermes_call : State_mistral_header;
        return true;
    }
    std::size_t end = view.size();
    if (!m_finishing) {
        end = utf8_complete_length(view.substr(0, partial_tag_start(view, markers)));
    }
    if (end == 0) {
        return false;
    }
    emit_content(delta, view.substr(0, end));
    consume(end);
    return true;
}

void OutputParser::emit_content(OutputDelta & delta, std::string_view text) {
    delta.content += text;
    m_result.content += text;
}

void OutputParser::emit_reasoning(OutputDelta & delta, std::string_view text) {
    delta.reasoning += text;
    m_result.reasoning += text;
}

void OutputParser::consume(std::size_t n) {
    m_buf.erase(0, n);
}

ParsedOutput parse_output(std::string_view text, const OutputParserConfig & config) {
    OutputParser parser(config);
    parser.feed(text);
    parser.finish();
    return parser.result();
}

bool prompt_opens_reasoning(std::string_view prompt) {
    std::string_view trimmed = prompt.substr(0, rstrip_length(prompt));
    return trimmed.size() >= k_think_open.size() &&
           trimmed.substr(trimmed.size() - k_think_open.size()) == k_think_open;
}

ToolCallFormat tool_call_format_for_template(std::string_view template_source) {
    // As llama.cpp recognises gpt-oss (common/chat.cpp).
    if (template_source.find(k_harmony_channel) != std::string_view::npos) {
        return ToolCallFormat_harmony;
    }
    if (template_source.find(k_tool_open) != std::string_view::npos) {
        return ToolCallFormat_hermes;
    }
    if (template_source.find(k_mistral_calls) != std::string_view::npos) {
        return ToolCallFormat_mistral;
    }
    if (template_source.find(k_python_tag) != std::string_view::npos ||
        template_source.find("<|start_header_id|>") != std::string_view::npos) {
        return ToolCallFormat_llama3;
    }
    return ToolCallFormat_auto;
}

}  // namespace hearth
