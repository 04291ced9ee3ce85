// Parsing and validating the bodies of /v1/chat/completions and
// /v1/completions into a CompletionRequest: the rendered prompt, its token
// ids, the engine request (sampling, stops, a token budget that fits the
// context) and how to parse and report the output.
//
// Every problem throws ApiError with the status OpenAI uses: 400 for
// malformed JSON, wrong types, values out of range, unsupported options
// (n > 1, images) and prompts longer than the context
// (code "context_length_exceeded"), 404 for a model that is not served
// (code "model_not_found").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hearth/output_parser.h"
#include "hearth/session.h"
#include "server/served_model.h"

namespace Hearth::Server {

enum CompletionKind {
    CompletionKind_chat,  // /v1/chat/completions
    CompletionKind_text,  // /v1/completions
};

struct CompletionRequest {
    CompletionKind kind = CompletionKind_chat;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage: a last chunk with usage
    std::string prompt;         // as rendered by the chat template (chat), or as sent (text)
    hearth::GenerateRequest generate;
    hearth::OutputParserConfig parser;  // chat: reasoning and tool-call parsing
    bool jsonMode = false;              // response_format json_object / json_schema
    int32_t promptTokens = -1;          // counted here when the model has a tokenizer
};

// How deep a request's JSON may nest (the schema of a tool's parameters or
// of response_format is the deepest real part, a handful of levels).
inline constexpr int kMaxRequestDepth = 64;

// Throws ApiError(400) when `body` is not a JSON object, holds a NUL byte,
// or nests deeper than kMaxRequestDepth.
nlohmann::json parseJsonBody(const std::string & body);

// `rawBody`: the body's text, which keeps the order of schema properties
// (structured_output.h).
CompletionRequest parseChatCompletion(const nlohmann::json & body, const ServedModel & model,
                                      std::string_view rawBody = {});
CompletionRequest parseTextCompletion(const nlohmann::json & body, const ServedModel & model,
                                      std::string_view rawBody = {});

// The JSON value in a reply of json mode: the whole content when it parses,
// else the first {...} or [...] in it that does (models like to wrap it in a
// code fence); "" when there is none.
std::string extractJson(const std::string & content);

}  // namespace Hearth::Server
