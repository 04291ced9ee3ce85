// Structured output: the grammar that constrains a reply, from the request.
//
//  - tool_choice "required" or {"type":"function","function":{"name":...}}
//    (with tools): the reply is a tool call in the model's own syntax
//    (Hermes/Qwen <tool_call>{"name": ..., "arguments": ...}</tool_call>,
//    Llama 3 {"name": ..., "parameters": ...}, Mistral [TOOL_CALLS][...]),
//    naming one of the offered functions, with arguments that match its
//    parameters schema; several calls only with parallel_tool_calls: true;
//  - response_format {"type":"json_object"}: any JSON object;
//  - response_format {"type":"json_schema","json_schema":{"schema":...}}: a
//    value of that schema (always enforced, whatever "strict" says);
//  - llama-server's fields "json_schema" (a schema) and "grammar" (GBNF).
// When the prompt opens a reasoning block, the reply first closes it.
//
// A schema or grammar that cannot be compiled is an ApiError(400) naming the
// field and the problem.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "hearth/grammar.h"
#include "hearth/output_parser.h"

namespace Hearth::Server {

// `tools`: the tools the request offers after tool_choice narrowed them (null
// when none); `toolRequired` (ChatInput::toolRequired: tool_choice "required"
// or a named function) makes the reply one or more calls of them. `rawBody`, the request's text, gives the schemas'
// properties in the order the client wrote them (the parsed body sorts keys); without it they come in key order.
// Returns null when nothing constrains the reply.
std::shared_ptr<const hearth::Grammar> structuredOutputGrammar(const nlohmann::json & body,
                                                               const nlohmann::json & tools, bool toolRequired,
                                                               hearth::ToolCallFormat format, bool reasoningOpen,
                                                               std::string_view rawBody = {});

}  // namespace Hearth::Server
