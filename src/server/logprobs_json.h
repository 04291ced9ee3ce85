// Token log-probabilities in OpenAI's two shapes:
//   chat:        {"content": [{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}]}
//   completions: {"tokens": [...], "token_logprobs": [...], "top_logprobs": [{token: logprob}], "text_offset": [...]}
// A token's text may be part of a UTF-8 character; "bytes" holds it exactly
// (and dumping replaces what is not UTF-8, never throws).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "hearth/session.h"

namespace Hearth::Server {

// The "content" array of a chat choice's (or chunk's) logprobs.
nlohmann::json chatLogprobs(const std::vector<hearth::TokenLogprob> & tokens);

// A completions choice's logprobs; `textOffset` is where the first token's
// text starts in the generated text, and is advanced past the last.
nlohmann::json completionLogprobs(const std::vector<hearth::TokenLogprob> & tokens, size_t & textOffset);

}  // namespace Hearth::Server
