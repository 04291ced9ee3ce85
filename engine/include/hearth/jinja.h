// A Jinja2 interpreter for chat templates.
//
// It renders templates the way Hugging Face transformers does:
// ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with
// loop controls, `{% generation %}` blocks, and the globals
// raise_exception(msg) and strftime_now(fmt). Output is byte-identical to
// Python jinja2 3.1 for the templates shipped with models. One addition: a
// `from_json` filter (Python's json.loads), which llama.cpp's crafted
// DeepSeek V3.2/V4 templates call; as in jinja2, an unknown filter or test
// inside an `if` or inline `if` fails only when it runs.
//
// Rendering is bounded: a step budget, an output-size cap, a call-depth cap,
// a stack budget and a nesting cap on values stop hostile templates (endless
// recursion, `'a' * 10**9`, lists wrapped a million times) with an error
// instead of hanging, exhausting memory or overflowing the stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hearth/error.h"

namespace hearth {

// Any failure to parse or render. code() is ErrorCode_template; what() reads
// "NAME:LINE:COLUMN: KIND: REASON".
class JinjaError : public Error {
public:
    JinjaError(std::string kind, std::string reason, const std::string & template_name, int line, int column);

    // jinja2's (or Python's) exception class: "TemplateSyntaxError",
    // "TemplateAssertionError" (an unknown filter or test outside an if),
    // "TemplateRuntimeError" (one inside an if that ran), "TemplateError"
    // (from raise_exception), "UndefinedError", "TypeError", "SecurityError",
    // "JSONDecodeError" (from_json), "RecursionError" (repr of a value nested
    // too deeply), "LimitError" (a render bound was hit).
    const std::string & kind() const noexcept { return m_kind; }
    const std::string & reason() const noexcept { return m_reason; }  // the message alone
    int line() const noexcept { return m_line; }                      // 1-based; 0 when unknown
    int column() const noexcept { return m_column; }                  // 1-based; 0 when unknown

private:
    std::string m_kind;
    std::string m_reason;
    int m_line;
    int m_column;
};

struct JinjaLimits {
    uint64_t max_steps = 50'000'000;      // expression and statement evaluations
    size_t max_output_bytes = 64u << 20;  // the output, and any single string or list built
    int max_call_depth = 200;             // nested macro calls and recursive loop() calls
    // Stack the render's recursion may use; the thread rendering must have
    // more than this (plus what its caller uses) left.
    size_t max_stack_bytes = 512u << 10;
};

struct JinjaRenderOptions {
    JinjaLimits limits;
    std::optional<std::tm> now;  // what strftime_now() formats; the local time when unset
};

class JinjaTemplate {
public:
    // Parses; throws JinjaError (kind "TemplateSyntaxError") with the position.
    explicit JinjaTemplate(std::string_view source, std::string name = "template");
    ~JinjaTemplate();
    JinjaTemplate(const JinjaTemplate &) = default;
    JinjaTemplate & operator=(const JinjaTemplate &) = default;
    JinjaTemplate(JinjaTemplate &&) noexcept = default;
    JinjaTemplate & operator=(JinjaTemplate &&) noexcept = default;

    // `context_json` is a JSON object whose keys become the template's
    // variables. Throws JinjaError on render failure, or Error(ErrorCode_format)
    // for malformed JSON.
    std::string render(std::string_view context_json, const JinjaRenderOptions & options = {}) const;

    const std::string & name() const noexcept;

    struct Program;

private:
    std::shared_ptr<const Program> m_program;
};

}  // namespace hearth
