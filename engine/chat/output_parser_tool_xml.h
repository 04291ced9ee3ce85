// The XML-style bodies some models put inside <tool_call>...</tool_call>
// instead of JSON:
//   Qwen3-Coder, Qwen3.5:  <function=NAME> <parameter=KEY>VALUE</parameter>... </function>
//   GLM 4.5/4.6:           NAME <arg_key>KEY</arg_key><arg_value>VALUE</arg_value>...
// A value's type comes from the tool's JSON schema where known (see
// hearth/output_parser.h): a string parameter keeps its text; otherwise text
// that parses as JSON (a number, true, an object...) is that value, anything
// else a string.
#pragma once

#include <string_view>

#include "chat/output_parser_tool_json.h"

namespace hearth::output_parser_detail {

// CallParse_not_a_call when `body` is in neither form; CallParse_invalid_json
// when it starts like one but is malformed.
CallParse parse_xml_call(std::string_view body, const ParamTypes & types, ToolCall & call);

}  // namespace hearth::output_parser_detail
