// Streaming output parser: splits a model's generated text into reasoning,
// content and tool calls while it streams.
//
// Text arrives in arbitrary pieces (a tag such as `</think>` or `<tool_call>`
// may be split anywhere, even inside a UTF-8 sequence). The parser holds back
// only what might still turn into a tag, and releases it as soon as it cannot.
// Every decision depends on the bytes alone, never on where the pieces were
// cut, so feeding any split and calling finish() gives exactly the result of
// parse_output() on the whole text.
//
// Reasoning (`<think>...</think>`), following llama.cpp's server
// (common/chat-parser.cpp, try_parse_reasoning):
//  - a reasoning block is recognised only at the start of the output (after
//    optional whitespace) or right after a previous block; a `<think>` later in
//    the answer is content;
//  - reasoning text is stripped of leading and trailing whitespace;
//  - whitespace after `</think>` is dropped, so content never starts with the
//    newlines models put after the block;
//  - `reasoning_open` (QwQ, DeepSeek-R1: the prompt ends with `<think>`) starts
//    the output inside the block, so only `</think>` appears in it;
//  - a block that never closes stays reasoning; reasoning_unterminated is set;
//  - with ToolCallFormat_hermes a `<tool_call>` also ends the block and starts
//    a call (Qwen3.5 and Qwen3-Coder call straight from the reasoning their
//    prompt opened, as llama.cpp's parser for them allows).
// Differences from llama.cpp, by choice: whitespace before an opening `<think>`
// is dropped instead of becoming content, and consecutive blocks are joined
// with a blank line.
//
// Tool calls (arguments are re-serialised compact JSON text):
//  - hermes:  `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`, anywhere
//             in the content, any number; the block may instead hold the XML
//             forms of Qwen3-Coder / Qwen3.5 (`<function=f><parameter=k>v</parameter>
//             </function>`) or GLM 4.5+ (`f<arg_key>k</arg_key><arg_value>v</arg_value>`);
//  - llama3:  the content is a JSON object `{"name": ..., "parameters": {...}}`,
//             optionally preceded by `<|python_tag|>`; only at the start of the
//             content (or right after a previous such call);
//  - mistral: `[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]` and the
//             newer `[TOOL_CALLS]name[ARGS]{...}` (with optional `[CALL_ID]id`);
//  - auto:    all three.
// Whitespace after a completed tool call is dropped. A candidate tool call
// that is not valid (bad JSON, no name, never closed) stays in the content
// verbatim and sets tool_call_parse_error; so does a call to a function not in
// OutputParserConfig::tool_names, when that list is given. Nothing here throws.
//
// XML parameter values (Qwen3-Coder, Qwen3.5, GLM) are typed by the tool's
// JSON schema when OutputParserConfig::tools_json gives it, as llama.cpp does:
// a parameter whose schema is a string keeps its text verbatim (even "42" or
// "true"); any other parameter is taken as JSON when its text parses as JSON
// (and True, False and None, as Qwen's templates print them, as true, false
// and null), else as a string. Without a schema for the parameter, text that
// parses as JSON is that value and anything else is a string. One newline
// after the opening tag and one before the closing tag are layout, not value.
//
// Harmony (gpt-oss; ToolCallFormat_harmony or OutputParserConfig::harmony):
// the output continues the generation prompt `<|start|>assistant` and is a
// sequence of messages `HEADER<|message|>BODY` ended by `<|end|>`, `<|call|>`
// or `<|return|>` (the last two end the generation, so they may be absent),
// the next one opened by `<|start|>ROLE` (or straight by `<|channel|>`).
//  - the header holds `<|channel|>NAME`, a recipient ` to=RECIPIENT` (in the
//    role part or after the channel), and a content type (` json` or
//    ` <|constrain|>json`); when several channels are named the last counts
//    (gpt-oss sometimes writes a stray `<|channel|>commentary` first);
//  - a message to a recipient other than `assistant` is a tool call: the name
//    is the recipient less a `functions.` prefix, the body its JSON arguments
//    (tool calls off: its body is content);
//  - otherwise channel `analysis` is reasoning (verbatim; messages joined by a
//    blank line), and `final`, `commentary` (preambles) and any other channel
//    are content;
//  - text that starts no message is content, and a header that never reaches
//    `<|message|>` (or exceeds 512 bytes) is released as content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum ToolCallFormat {
    ToolCallFormat_none,     // no tool-call detection: everything after reasoning is content
    ToolCallFormat_auto,     // hermes, llama3 and mistral forms together
    ToolCallFormat_hermes,   // Hermes 2 Pro, Qwen 2.5/3/3.5, GLM: <tool_call>...</tool_call>
    ToolCallFormat_llama3,   // Llama 3.1+: bare JSON object, optional <|python_tag|>
    ToolCallFormat_mistral,  // Mistral: [TOOL_CALLS]
    ToolCallFormat_harmony,  // gpt-oss: the output is harmony messages; calls are messages to functions.NAME
};

const char * tool_call_format_name(ToolCallFormat format);

namespace output_parser_detail {
// Incremental scan for the end of a JSON object or array (brackets outside
// strings), so a long tool call is not rescanned on every piece.
struct JsonExtent {
    std::size_t pos = 0;  // next byte to look at
    int depth = 0;
    bool in_string = false;
    bool escape = false;
};

// What the tools' JSON schemas say of each XML parameter (see tools_json).
struct ParamTypes {
    enum Kind { unknown, string, other };
    struct Entry {
        std::string function;
        std::string parameter;
        Kind kind;
    };
    std::vector<Entry> entries;

    Kind kind(std::string_view function, std::string_view parameter) const;
};
}  // namespace output_parser_detail

struct ToolCall {
    std::string id;  // from the model when it gives one (Mistral), else id_prefix + index
    std::string name;
    std::string arguments;  // a JSON object, compact: `{"city":"Paris"}`
};

struct OutputParserConfig {
    ToolCallFormat tool_call_format = ToolCallFormat_auto;
    bool reasoning_enabled = true;  // false: `<think>` is ordinary content
    bool reasoning_open = false;    // the prompt ended inside <think> (see prompt_opens_reasoning)
    std::string tool_call_id_prefix = "call_";
    // The functions the request offered. When not empty, a call to any other
    // name (or a malformed block that parses as one, such as a GLM-style
    // `<tool_call>Paris</tool_call>`) stays in the content as text.
    std::vector<std::string> tool_names;
    // The output is harmony (see above) whatever tool_call_format says; with
    // ToolCallFormat_none its tool-call messages are content.
    bool harmony = false;
    // The request's tools, OpenAI-style (`[{"type": "function", "function":
    // {"name", "parameters": JSON schema}}]`): types XML parameter values.
    // Malformed or too deeply nested text is ignored.
    std::string tools_json;
};

// What one feed() or finish() released. Concatenating every delta's reasoning
// and content, and appending every tool call, gives the full result.
struct OutputDelta {
    std::string reasoning;
    std::string content;
    std::vector<ToolCall> tool_calls;

    bool empty() const { return reasoning.empty() && content.empty() && tool_calls.empty(); }
};

struct ParsedOutput {
    std::string reasoning;
    std::string content;
    std::vector<ToolCall> tool_calls;
    bool reasoning_unterminated = false;  // a <think> block was still open at the end
    bool tool_call_parse_error = false;   // a candidate tool call stayed in content
};

class OutputParser {
public:
    explicit OutputParser(OutputParserConfig config = {});

    // Accepts the next piece of generated text; returns what can be released.
    OutputDelta feed(std::string_view piece) noexcept;
    // The end of the output: resolves everything still held back.
    OutputDelta finish() noexcept;

    // Everything released so far, and the flags.
    const ParsedOutput & result() const { return m_result; }
    // Inside a reasoning block (from the start when reasoning_open is set).
    bool in_reasoning() const {
        return m_state == State_reasoning || (m_state == State_start && m_start_forced) ||
               (m_state == State_harmony_body && m_harmony_body == HarmonyBody_reasoning);
    }
    bool finished() const { return m_finished; }

private:
    enum State {
        State_start,           // leading whitespace held; deciding what the segment is
        State_reasoning,       // inside <think>
        State_content,         // plain content, scanning for tool-call markers
        State_hermes_call,     // after <tool_call>, collecting until </tool_call>
        State_json_call,       // a JSON value of a tool call, collected until it closes
        State_mistral_header,  // after [TOOL_CALLS]: an array, or name[ARGS]
        State_harmony_next,    // harmony: between messages (and at the start)
        State_harmony_header,  // harmony: a message header, until <|message|>
        State_harmony_body,    // harmony: a message body, until its end marker
    };
    enum HarmonyBody {
        HarmonyBody_content,
        HarmonyBody_reasoning,
        HarmonyBody_tool_call,  // collected, then parsed as JSON arguments
    };
    enum JsonCall {
        JsonCall_llama3,         // {"name":..., "parameters":...}
        JsonCall_mistral_array,  // [{"name":..., "arguments":...}, ...]
        JsonCall_mistral_args,   // the {...} after [ARGS]
    };

    void run(OutputDelta & delta);
    bool step(OutputDelta & delta);
    bool step_start(OutputDelta & delta);
    bool step_reasoning(OutputDelta & delta);
    bool step_content(OutputDelta & delta);
    bool step_hermes_call(OutputDelta & delta);
    bool step_json_call(OutputDelta & delta);
    bool step_mistral_header(OutputDelta & delta);
    bool step_harmony_next(OutputDelta & delta);
    bool step_harmony_header(OutputDelta & delta);
    bool step_harmony_body(OutputDelta & delta);
    void start_harmony_body(std::string_view header);
    void finish_harmony_tool_call(OutputDelta & delta, std::string_view body);

    void enter_start(bool think_allowed, bool json_allowed);
    void enter_reasoning();
    void enter_json_call(JsonCall kind);
    void release_reasoning(OutputDelta & delta, std::string_view text);
    void accept_json_call(OutputDelta & delta, std::string_view text);
    // raw: a prefix of m_buf, released as content after m_call_prefix.
    void reject_tool_call(OutputDelta & delta, std::string_view raw, bool failed);
    void add_tool_call(OutputDelta & delta, ToolCall call);
    bool tool_allowed(const std::string & name) const;
    void emit_content(OutputDelta & delta, std::string_view text);
    void emit_reasoning(OutputDelta & delta, std::string_view text);
    void consume(std::size_t n);

    OutputParserConfig m_config;
    ParsedOutput m_result;
    std::string m_buf;  // received, not yet decided
    State m_state = State_start;
    bool m_finishing = false;  // inside finish(): no more text will come
    bool m_finished = false;

    // State_start
    bool m_start_think = false;    // a <think> may open here
    bool m_start_forced = false;   // reasoning_open: the segment is reasoning anyway
    bool m_start_keep_ws = false;  // leading whitespace before plain content is content
    bool m_start_json = false;     // a llama3 JSON call may start here

    // State_reasoning
    bool m_block_started = false;  // this block has released non-whitespace text
    int m_reasoning_blocks = 0;    // blocks that released text (for the separator)

    // State_hermes_call, State_json_call, State_mistral_header
    JsonCall m_json_kind = JsonCall_llama3;
    std::string m_call_prefix;  // consumed text of the candidate call (tag, whitespace), for rejection
    std::string m_mistral_name;
    std::string m_mistral_id;
    output_parser_detail::JsonExtent m_extent;  // over m_buf; in hermes calls, pos = bytes searched

    output_parser_detail::ParamTypes m_param_types;  // from tools_json

    // State_harmony_*
    bool m_harmony_role = false;  // the header starts with a role (after <|start|>)
    HarmonyBody m_harmony_body = HarmonyBody_content;
    std::string m_harmony_recipient;
};

// parse the whole output at once; identical to feeding it in any pieces.
ParsedOutput parse_output(std::string_view text, const OutputParserConfig & config = {});

// True when the rendered prompt ends inside an open <think> block (the
// generation prompt of QwQ and DeepSeek-R1 templates): pass it as
// OutputParserConfig::reasoning_open.
bool prompt_opens_reasoning(std::string_view prompt);

// Best guess of the tool-call format from a chat template's source (the
// markers it renders); ToolCallFormat_auto when it names none.
ToolCallFormat tool_call_format_for_template(std::string_view template_source);

}  // namespace hearth
