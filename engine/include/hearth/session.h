// hearth::Session: one conversation's state on a model: the evaluator (KV
// cache) plus the tokens it holds, so that a request sharing a prefix with the
// previous one evaluates only the new tokens.
//
// generate() runs on the calling thread and reports through events; it never
// throws. A callback returning false, or `cancel` becoming true, stops it
// within one token.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "hearth/sampler.h"
#include "hearth/tokenizer.h"

namespace hearth {

class Grammar;
class TokenTrie;

struct GenerateRequest {
    std::string prompt;               // tokenized with BOS and special tokens parsed...
    std::vector<int32_t> prompt_ids;  // ...unless ids are given
    int32_t n_predict = -1;           // -1: until end of generation or a full context (StopReason_context_full)
    SamplerParams sampling;
    std::vector<std::string> stop;  // stop strings; never part of the output
    // Structured output: the reply is a document of this grammar, closed
    // within n_predict and the context; generation ends when it is complete.
    std::shared_ptr<const Grammar> grammar;
    // Prompt-lookup drafting (runtime/prompt_lookup.h): the most tokens
    // evaluated ahead of the sampler when the conversation repeats itself;
    // 0: off. Off by default: on this project's 2-core CPU, decode is close
    // to compute-bound, so a batch of 3 costs nearly 3 tokens and drafting
    // gained little (docs/benchmarks.md); a GPU, bandwidth-bound, is where it
    // should pay, once measured there. Models whose cache cannot roll back
    // (sliding windows, recurrent layers) never draft. The output does not
    // change: every token is still the sampler's own.
    int32_t n_draft = 0;
};

enum StopReason {
    StopReason_eog,  // the model produced an end-of-generation token
    StopReason_stop_string,
    StopReason_length,  // n_predict tokens
    StopReason_cancelled,
    // The context filled up mid-reply: the text so far is kept, and a caller
    // can continue it in a prompt with room (its context policy drops turns).
    StopReason_context_full,
};

const char * stop_reason_name(StopReason reason);

struct GenerationStats {
    int32_t n_prompt = 0;       // prompt tokens
    int32_t n_reused = 0;       // of those, found in the cache
    int32_t n_evaluated = 0;    // prompt tokens actually evaluated
    double prompt_tok_s = 0.0;  // n_evaluated / prompt time
    int32_t n_generated = 0;
    double gen_tok_s = 0.0;
    double ttft_ms = 0.0;          // request start to first sampled token
    int32_t n_drafted = 0;         // tokens evaluated ahead by prompt lookup
    int32_t n_draft_accepted = 0;  // of those, the ones the sampler then chose
};

// One generated token's probability (GenerateRequest::sampling.n_probs >= 0),
// as the sampler drew it (see SampledProbs).
struct TokenLogprob {
    struct Alternative {
        int32_t token = -1;
        std::string piece;
        float logprob = 0.0f;
    };
    int32_t token = -1;
    std::string piece;  // the token's text: bytes, possibly part of a UTF-8 character
    float logprob = 0.0f;
    std::vector<Alternative> top;  // the likeliest first
};

enum EventType {
    EventType_piece,  // text
    EventType_stats,  // stats, sent once just before done
    EventType_done,   // stop_reason
    EventType_error,  // error_code, error; nothing follows
};

struct GenerateEvent {
    EventType type = EventType_piece;
    std::string text;
    int32_t token = -1;  // the token that completed this piece
    // With sampling.n_probs >= 0: the tokens sampled since the previous event
    // that carried any, in order (a piece held back by a stop string or an
    // unfinished UTF-8 character passes its tokens on to the next event; the
    // done event carries what is left). The end-of-generation token is not
    // among them.
    std::vector<TokenLogprob> logprobs;
    StopReason stop_reason = StopReason_eog;
    GenerationStats stats;
    ErrorCode error_code = ErrorCode_invalid_argument;
    std::string error;
};

using EventCallback = std::function<bool(const GenerateEvent &)>;

class Session {
public:
    // The tokenizer defaults to the model's own vocabulary.
    explicit Session(std::shared_ptr<const Model> model, int32_t n_threads = 0,
                     std::shared_ptr<const Tokenizer> tokenizer = nullptr);
    ~Session();

    void generate(const GenerateRequest & request, const EventCallback & on_event,
                  const std::atomic<bool> * cancel = nullptr);

    const Tokenizer & tokenizer() const { return *m_tokenizer; }
    Evaluator & evaluator() { return *m_eval; }
    const std::vector<int32_t> & cached_tokens() const { return m_tokens; }
    void clear();  // forget the cache contents
    // The vocabulary's token trie for grammars, built on first use.
    const std::shared_ptr<const TokenTrie> & token_trie();

    using Clock = std::chrono::steady_clock;

private:
    struct Run;
    enum class Taken;
    bool prepare_prompt(Run & run, const std::vector<int32_t> & prompt);
    void run_generation(Run & run);
    Taken take_token(Run & run, int32_t tok, Clock::time_point t0);
    int32_t draft_limit(const Run & run) const;
    void record_logprob(Run & run, int32_t token) const;

    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::unique_ptr<Evaluator> m_eval;
    std::vector<int32_t> m_tokens;  // what the KV cache holds, position by position
    std::shared_ptr<const TokenTrie> m_token_trie;
};

}  // namespace hearth
