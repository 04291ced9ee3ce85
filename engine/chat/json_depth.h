// A guard for JSON from outside (render contexts, tool schemas, tool-call
// arguments a model wrote): how deeply its arrays and objects nest, found
// without recursion, so the recursive converters and serialisers behind
// nlohmann::json are only ever given bounded input.
#pragma once

#include <cstddef>
#include <string_view>

namespace hearth {

// Nesting deeper than this is refused wherever chat code parses JSON. Python's
// json module gives up near 1000 levels (its recursion limit); real contexts
// and arguments stay under 20.
inline constexpr int k_max_json_depth = 500;

// True when no array or object in `text` nests deeper than `max_depth`
// (brackets inside strings do not count). Says nothing about validity.
bool json_depth_within(std::string_view text, int max_depth = k_max_json_depth);

}  // namespace hearth
