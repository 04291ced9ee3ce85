// Tool-call JSON shapes of the supported formats, turned into ToolCall. This
// is the only part of the output parser that sees nlohmann::json, and it never
// throws: a bad input is a CallParse_ value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hearth/output_parser.h"

namespace hearth::output_parser_detail {

enum CallParse {
    CallParse_ok,
    CallParse_not_a_call,  // valid JSON of another shape (e.g. a JSON answer)
    CallParse_invalid_json,
};

// {"name": "f", "arguments" | "parameters": {...}} and the OpenAI form
// {"type": "function", "function": {"name": ..., "arguments": ...}}. Arguments
// may also be a string holding a JSON object (double-encoded); absent ones are
// {}. `call.id` is set only when the object carries a string "id".
CallParse parse_named_call(std::string_view text, ToolCall & call);

// Like parse_named_call, but arguments must be present (the llama3 bare-object
// form, where a JSON answer with a "name" key must not become a call).
CallParse parse_llama3_call(std::string_view text, ToolCall & call);

// A JSON array of named calls (Mistral). All or nothing.
CallParse parse_call_array(std::string_view text, std::vector<ToolCall> & calls);

// A JSON object of arguments (Mistral's `[ARGS]{...}`), re-serialised compact.
CallParse parse_arguments_object(std::string_view text, std::string & arguments);

}  // namespace hearth::output_parser_detail
