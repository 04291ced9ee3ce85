// The Jinja lexer: template text to tokens, applying jinja2's whitespace
// control (`{%-`, `-%}`, `{%+`, trim_blocks, lstrip_blocks) while it scans,
// exactly where jinja2's own lexer does, so the parser only sees final text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

enum TokenType {
    TokenType_text,
    TokenType_variable_begin,  // {{
    TokenType_variable_end,    // }}
    TokenType_block_begin,     // {%
    TokenType_block_end,       // %}
    TokenType_name,
    TokenType_string,
    TokenType_integer,
    TokenType_float,
    TokenType_operator,
    TokenType_eof,
};

struct Token {
    TokenType type = TokenType_eof;
    std::string text;  // text data, name, decoded string literal, or operator
    int64_t integer = 0;
    double number = 0;
    size_t offset = 0;  // byte offset in the source, for line/column
};

struct LexOptions {
    bool trim_blocks = true;
    bool lstrip_blocks = true;
};

// Throws hearth::JinjaError (TemplateSyntaxError) on an unterminated tag,
// string or comment.
std::vector<Token> tokenize(std::string_view source, const LexOptions & options);

// 1-based line and column of a byte offset.
void line_column(std::string_view source, size_t offset, int & line, int & column);

}  // namespace hearth::jinja
