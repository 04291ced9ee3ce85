// hearth::Sampler: picks the next token from logits, seeded and reproducible.
//
// The chain, in llama.cpp's order: logit bias, repetition / presence /
// frequency penalties over the last `penalty_last_n` accepted tokens, then
// top-k, top-p, min-p, temperature, and a draw from the seeded generator.
// temperature <= 0 is greedy: the argmax after bias and penalties.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace hearth {

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

    const SamplerParams & params() const { return m_params; }
    // Picks a token from logits [n_vocab]; does not record it (see accept).
    int32_t sample(const float * logits);
    // Records a token that is now part of the context (prompt or generated).
    void accept(int32_t token);
    // Forgets accepted tokens and reseeds.
    void reset();
    // With SamplerParams::n_probs >= 0: the last sample's probabilities.
    const SampledProbs & last_probs() const { return m_last; }

private:
    struct Candidate {
        int32_t id;
        float logit;
    };
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
};

}  // namespace hearth
