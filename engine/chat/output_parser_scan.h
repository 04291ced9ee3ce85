// Byte-level helpers for the streaming output parser: literal matching that
// knows about text still to come, UTF-8 tails, and the end of a JSON value.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "hearth/output_parser.h"

namespace hearth::output_parser_detail {

enum LiteralMatch {
    LiteralMatch_none,     // text does not start with the literal, whatever follows
    LiteralMatch_partial,  // text is a proper prefix of the literal: more text decides
    LiteralMatch_full,     // text starts with the literal
};

LiteralMatch match_literal(std::string_view text, std::string_view literal);

// The earliest position from which the rest of `text` is a proper, non-empty
// prefix of one of the literals (a tag that may be completed by the next
// piece); text.size() when there is none.
std::size_t partial_tag_start(std::string_view text, std::span<const std::string_view> literals);

// The earliest full occurrence of any literal, with its index in the list;
// npos when none occurs.
struct LiteralHit {
    std::size_t pos = std::string_view::npos;
    std::size_t which = 0;
};
LiteralHit find_first_literal(std::string_view text, std::span<const std::string_view> literals);

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
std::size_t skip_spaces(std::string_view text, std::size_t from = 0);
// Length of `text` without its trailing whitespace.
std::size_t rstrip_length(std::string_view text);

// Length of `text` without an incomplete multi-byte UTF-8 sequence at its end
// (a lead byte whose continuation bytes have not all arrived).
std::size_t utf8_complete_length(std::string_view text);

// Advances `st` over `text` (which starts with '{' or '[' at position 0) and
// returns the length of the complete JSON value, or npos if it has not closed
// yet. Brackets of both kinds share one depth: a mismatch is left for the JSON
// parser to reject.
std::size_t scan_json_extent(std::string_view text, JsonExtent & st);

}  // namespace hearth::output_parser_detail
