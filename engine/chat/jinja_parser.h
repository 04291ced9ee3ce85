// The Jinja parser: tokens to a syntax tree, following jinja2's grammar and
// operator precedence (filters bind tighter than unary minus's operand, `~`
// tighter than `+`, `**` left-associative as in jinja2).
#pragma once

#include <string_view>

#include "chat/jinja_ast.h"
#include "chat/jinja_lexer.h"

namespace hearth::jinja {

// Throws SyntaxError.
Body parse(std::string_view source, const LexOptions & options);

}  // namespace hearth::jinja
