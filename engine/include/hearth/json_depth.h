// The nesting depth of JSON text, checked before parsing outside input.
//
// nlohmann::json parses iteratively, but copying, dumping, comparing and
// converting a parsed value recurse once per level: a 117 KB request of
// 20,000 nested brackets overflows the stack in the first copy. Every parser
// of outside JSON (server requests, imports, Hub replies, template contexts,
// tool calls a model writes) refuses text nested deeper than a bound first,
// so every later walk of the value is bounded by it too.
#pragma once

#include <string_view>

namespace hearth {

// The engine's bound for JSON it parses (template contexts, tool calls):
// deep enough for any real document, shallow enough for any thread's stack.
inline constexpr int k_json_max_depth = 128;

// The deepest nesting of arrays and objects in `text`, counting brackets
// outside strings. Stops at the first bracket deeper than `limit` and returns
// limit + 1, so a hostile document costs no more than its first few brackets.
// For text that is not valid JSON the count is a bound, not a fact; the
// parse that follows rejects it anyway.
int json_depth(std::string_view text, int limit);

inline bool json_depth_within(std::string_view text, int max_depth = k_json_max_depth) {
    return json_depth(text, max_depth) <= max_depth;
}

}  // namespace hearth
