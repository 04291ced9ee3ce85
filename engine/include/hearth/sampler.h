// hearth::Sampler: picks the next token from logits, seeded and reproducible.
//
// The chain, in llama.cpp's order: logit bias, repetition / presence /
// frequency penalties over the last `penalty_last_n` accepted tokens, then
// top-k, top-p, min-p, temperature, and a draw from the seeded generator.
// temperature <= 0 is greedy: the argmax after bias and penalties.
//
// With a grammar (set_grammar), the chain runs first and the grammar checks
// only the token it picked, as llama.cpp's common sampler does: with a
// model that follows the format that one check is all it costs. When the
// grammar refuses the token, the whole vocabulary is masked (one pass over the
// vocabulary's token trie) and the chain runs again on what is left.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace hearth {

class GrammarTokenFilter;

struct SamplerParams {
    uint64_t seed = 0;
    float temperature = 0.8f;
    int32_t top_k = 40;              // <= 0: off
    float top_p = 0.95f;             // >= 1: off
    float min_p = 0.05f;             // <= 0: off
    float repeat_penalty = 1.0f;     // 1: off; > 1 discourages repeats (llama.cpp's divide/multiply rule)
    float presence_penalty = 0.0f;   // subtracted once from any token seen in the window
    float frequency_penalty = 0.0f;  // subtracted per occurrence in the window
    int32_t penalty_last_n = 64;     // window of accepted tokens; 0: off, -1: all
    std::vector<std::pair<int32_t, float>> logit_bias;  // added to the logit; -INFINITY bans
    // >= 0: after each sample, record the chosen token's log-probability and
    // the n_probs likeliest tokens' (see Sampler::last_probs); -1: off.
    int32_t n_probs = -1;
};

struct TokenProb {
    int32_t id = -1;
    float logprob = 0.0f;  // natural log
};

// The distribution the last token was drawn from, after the whole chain:
// with temperature > 0, the candidates left by top-k, top-p and min-p at
// that temperature; greedy (temperature <= 0), all tokens after bias and
// penalties at temperature 1, so the alternatives mean something.
struct SampledProbs {
    TokenProb chosen;
    std::vector<TokenProb> top;  // the likeliest first, at most n_probs
};

class Sampler {
public:
    Sampler(const SamplerParams & params, int32_t n_vocab);
    ~Sampler();
    Sampler(Sampler &&) noexcept;
    Sampler & operator=(Sampler &&) noexcept;

    const SamplerParams & params() const { return m_params; }
    // Picks a token from logits [n_vocab]; does not record it (see accept).
    int32_t sample(const float * logits);
    // Records a token that is now part of the context (prompt or generated),
    // and advances the grammar, if any, past it.
    void accept(int32_t token);
    // Forgets accepted tokens, reseeds, and restarts the grammar.
    void reset();
    // With SamplerParams::n_probs >= 0: the last sample's probabilities.
    const SampledProbs & last_probs() const { return m_last; }

    // Constrains the tokens accepted from now on (so: set it after accepting
    // the prompt) to a grammar's document; end of generation comes only where
    // the document is complete.
    void set_grammar(std::unique_ptr<GrammarTokenFilter> grammar);
    // Tokens that may still be generated, the next one included; the grammar
    // keeps its document closable within them. <= 0: no limit.
    void set_budget(int32_t n_tokens) { m_budget = n_tokens; }
    // The grammar's document is complete and nothing may follow it.
    bool grammar_done() const;

private:
    struct Candidate {
        int32_t id;
        float logit;
    };
    void build_candidates(const float * logits);
    int32_t pick();
    int32_t sample_masked(const float * logits);
    void apply_penalties();
    void top_k(int32_t k);
    void top_p(float p);
    void min_p(float p);
    int32_t draw();
    void record_probs(int32_t chosen);

    SamplerParams m_params;
    int32_t m_n_vocab;
    std::mt19937_64 m_rng;
    std::vector<int32_t> m_history;
    std::vector<Candidate> m_cand;  // reused: no allocation per token after the first
    std::vector<float> m_probs;
    std::vector<int32_t> m_counts;
    SampledProbs m_last;
    std::unique_ptr<GrammarTokenFilter> m_grammar;
    int32_t m_budget = 0;
    std::vector<uint8_t> m_allowed;  // [n_vocab], the grammar's mask
};

}  // namespace hearth
