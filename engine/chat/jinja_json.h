// JSON in and out of template values: the render context arrives as JSON,
// and `tojson` is Python's json.dumps(ensure_ascii=False, ...) as
// transformers registers it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/jinja_value.h"

namespace hearth::jinja {

// The render context. Throws hearth::Error(ErrorCode_format) on malformed
// JSON or nesting deeper than k_json_max_depth (hearth/json_depth.h).
Value parse_json(std::string_view text);

// The same without throwing: nullopt, with `error` set, on malformed or too
// deeply nested text. Strict JSON (RFC 8259): Python's json.loads would also
// take NaN and Infinity.
std::optional<Value> try_parse_json(std::string_view text, std::string & error);

struct JsonStyle {
    std::optional<std::string> indent;  // json.dumps(indent=...): None, or the string per level
    std::string item_separator = ", ";
    std::string key_separator = ": ";
    bool sort_keys = false;
};

// Fails with TypeError for values JSON cannot hold (Undefined, functions).
std::string to_json(const Value & v, const JsonStyle & style);

}  // namespace hearth::jinja
