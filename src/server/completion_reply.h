// CompletionReply: turns one request's engine events into OpenAI's reply,
// either as the SSE chunks of a stream (delta format, ending with
// `data: [DONE]`) or, at the end, as one completion object.
//
// Chat replies run the text through hearth::OutputParser, so reasoning
// arrives as `reasoning_content`, apart from `content`, and tool calls as
// parsed `tool_calls` with finish_reason "tool_calls". Usage counts come from
// the engine's stats; `usage.prompt_tokens_details.cached_tokens` is the
// prompt prefix the engine reused from the previous request. When asked
// for, token logprobs ride on each chunk (those of the tokens behind it) and
// on the whole reply (logprobs_json.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hearth/output_parser.h"
#include "hearth/session.h"
#include "server/api_error.h"
#include "server/completion_request.h"

namespace Hearth::Server {

class CompletionReply {
public:
    CompletionReply(const CompletionRequest & request, std::string modelId);

    // Feeds one event; returns the SSE text to send for it when streaming
    // ("" when there is nothing to send yet), always "" otherwise.
    std::string consume(const hearth::GenerateEvent & event);
    // The stream's opening chunk (the assistant role), sent before any event.
    std::string streamStart() const;

    bool finished() const { return m_finished; }
    // The engine's error, when the request failed.
    const std::optional<ApiError> & error() const { return m_error; }
    // The whole completion object (non-streaming), once finished without error.
    nlohmann::json body() const;

    const std::string & id() const { return m_id; }
    int32_t promptTokens() const { return m_stats.n_prompt; }
    int32_t completionTokens() const { return m_stats.n_generated; }

private:
    nlohmann::json chunk(nlohmann::json choiceFields) const;
    std::string deltaEvents(const hearth::OutputDelta & delta);
    std::string finishEvents();
    std::string finishReason() const;
    // The logprobs of tokens not yet sent in a chunk (null when not asked for, or none).
    nlohmann::json takePendingLogprobs();
    void keepLogprobs(const hearth::GenerateEvent & event);
    nlohmann::json usage() const;
    nlohmann::json timings() const;

    CompletionKind m_kind;
    bool m_stream;
    bool m_includeUsage;
    bool m_jsonMode;
    std::string m_id;
    std::string m_model;
    int64_t m_created;
    hearth::OutputParser m_parser;
    std::string m_text;  // text completions: everything generated
    size_t m_toolCallsSent = 0;
    bool m_logprobs;                                  // asked for (sampling.n_probs >= 0)
    std::vector<hearth::TokenLogprob> m_allLogprobs;  // the whole reply's
    std::vector<hearth::TokenLogprob> m_pendingLogprobs;
    size_t m_streamTextOffset = 0;
    hearth::GenerationStats m_stats;
    hearth::StopReason m_stopReason = hearth::StopReason_eog;
    bool m_finished = false;
    std::optional<ApiError> m_error;
};

}  // namespace Hearth::Server
