// Which XML tool-call parameters are strings, from the tools' JSON schemas,
// so that `<parameter=zip>\n02139\n</parameter>` stays "02139" when the
// schema says string and becomes 2139 only when it says number.
#pragma once

#include <string_view>

#include "hearth/output_parser.h"

namespace hearth::output_parser_detail {

// The parameters of an OpenAI-style tools array, string or not by their
// schema as llama.cpp decides it (common_schema_info::resolves_to_string: a
// "string" type, also in a type list, in an anyOf/oneOf branch or in every
// allOf part; a string const or enum value; string keywords (pattern,
// minLength, maxLength) or formats (date, uri, uuid...); local "#/..." $refs
// followed, cycles taken as not a string). Empty for malformed or too deeply
// nested JSON.
ParamTypes param_types_from_tools(std::string_view tools_json);

}  // namespace hearth::output_parser_detail
