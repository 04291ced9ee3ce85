// Failures raised while rendering, before they get a template position.
//
// The evaluator records the position of the node it is evaluating and turns
// a RenderError into a hearth::JinjaError at the top of render().
#pragma once

#include <string>

namespace hearth::jinja {

struct RenderError {
    std::string kind;  // the jinja2 exception class: "TemplateError", "UndefinedError"...
    std::string message;
};

[[noreturn]] void fail(std::string kind, std::string message);
[[noreturn]] inline void type_error(std::string message) {
    fail("TypeError", std::move(message));
}

}  // namespace hearth::jinja

namespace hearth::jinja {

// A parse failure at a byte offset of the source.
struct SyntaxError {
    std::string message;
    size_t offset = 0;
};

[[noreturn]] inline void syntax_error(std::string message, size_t offset) {
    throw SyntaxError{std::move(message), offset};
}

}  // namespace hearth::jinja
