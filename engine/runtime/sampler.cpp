#include "hearth/sampler.h"

#include <algorithm>
#include <cmath>

#include "hearth/grammar_filter.h"

namespace hearth {

Sampler::Sampler(const SamplerParams & params, int32_t n_vocab)
    : m_params(params), m_n_vocab(n_vocab), m_rng(params.seed) {
    m_cand.reserve(size_t(n_vocab));
    m_probs.reserve(size_t(n_vocab));
    m_counts.assign(size_t(n_vocab), 0);
}

Sampler::~Sampler() = default;
Sampler::Sampler(Sampler &&) noexcept = default;
Sampler & Sampler::operator=(Sampler &&) noexcept = default;

void Sampler::accept(int32_t token) {
    if (token >= 0 && token < m_n_vocab) m_history.push_back(token);
    if (m_grammar) m_grammar->accept(token);
}

void Sampler::reset() {
    m_history.clear();
    m_rng.seed(m_params.seed);
    if (m_grammar) m_grammar->reset();
}

void Sampler::set_grammar(std::unique_ptr<GrammarTokenFilter> grammar) {
    m_grammar = std::move(grammar);
}

bool Sampler::grammar_done() const {
    return m_grammar && m_grammar->terminal();
}

void Sampler::apply_penalties() {
    const SamplerParams & p = m_params;
    if (p.penalty_last_n == 0 || m_history.empty()) return;
    if (p.repeat_penalty == 1.0f && p.presence_penalty == 0.0f && p.frequency_penalty == 0.0f) return;
    const size_t window =
        p.penalty_last_n < 0 ? m_history.size() : std::min(m_history.size(), size_t(p.penalty_last_n));
    const size_t start = m_history.size() - window;
    for (size_t i = start; i < m_history.size(); ++i) ++m_counts[size_t(m_history[i])];
    for (Candidate & c : m_cand) {
        const int32_t n = m_counts[size_t(c.id)];
        if (n == 0) continue;
        // Dividing a negative logit would raise it, so negatives are multiplied instead.
        c.logit = c.logit <= 0.0f ? c.logit * p.repeat_penalty : c.logit / p.repeat_penalty;
        c.logit -= float(n) * p.frequency_penalty + p.presence_penalty;
    }
    for (size_t i = start; i < m_history.size(); ++i) m_counts[size_t(m_history[i])] = 0;
}

void Sampler::top_k(int32_t k) {
    if (k <= 0 || size_t(k) >= m_cand.size()) return;
    std::partial_sort(m_cand.begin(), m_cand.begin() + k, m_cand.end(),
                      [](const Candidate & a, const Candidate & b) { return a.logit > b.logit; });
    m_cand.resize(size_t(k));
}

void Sampler::top_p(float p) {
    if (p >= 1.0f || m_cand.size() <= 1) return;
    std::sort(m_cand.begin(), m_cand.end(), [](const Candidate & a, const Candidate & b) { return a.logit > b.logit; });
    const float mx = m_cand.front().logit;
    double sum = 0.0;
    for (const Candidate & c : m_cand) sum += std::exp(double(c.logit - mx));
    double cum = 0.0;
    size_t keep = m_cand.size();
    for (size_t i = 0; i < m_cand.size(); ++i) {
        cum += std::exp(double(m_cand[i].logit - mx)) / sum;
        if (cum >= double(p)) {
            keep = i + 1;
            break;
        }
    }
    m_cand.resize(keep);
}

void Sampler::min_p(float p) {
    if (p <= 0.0f || m_cand.size() <= 1) return;
    float mx = -INFINITY;
    for (const Candidate & c : m_cand) mx = std::max(mx, c.logit);
    // p_i >= p * p_max  <=>  logit_i >= logit_max + log(p)
    const float threshold = mx + std::log(p);
    m_cand.erase(std::remove_if(m_cand.begin(), m_cand.end(), [&](const Candidate & c) { return c.logit < threshold; }),
                 m_cand.end());
}

int32_t Sampler::draw() {
    float mx = -INFINITY;
    for (const Candidate & c : m_cand) mx = std::max(mx, c.logit);
    m_probs.clear();
    double sum = 0.0;
    for (const Candidate & c : m_cand) {
        const double e = std::exp(double(c.logit - mx));
        m_probs.push_back(float(e));
        sum += e;
    }
    // A uniform draw in [0, sum) walked over the weights: the same on every platform,
    // unlike std::discrete_distribution.
    const double u = double(m_rng() >> 11) * (1.0 / 9007199254740992.0) * sum;
    double cum = 0.0;
    for (size_t i = 0; i < m_cand.size(); ++i) {
        cum += m_probs[i];
        if (u < cum) return m_cand[i].id;
    }
    return m_cand.back().id;
}

void Sampler::record_probs(int32_t chosen) {
    // log p_i = l_i - max - log(sum_j e^(l_j - max)), over the candidates as they stand.
    float mx = -INFINITY;
    for (const Candidate & c : m_cand) mx = std::max(mx, c.logit);
    double sum = 0.0;
    for (const Candidate & c : m_cand) sum += std::exp(double(c.logit - mx));
    const float log_sum = float(std::log(sum));
    auto logprob = [&](const Candidate & c) { return c.logit - mx - log_sum; };
    m_last.chosen = {chosen, -INFINITY};
    for (const Candidate & c : m_cand)
        if (c.id == chosen) m_last.chosen.logprob = logprob(c);
    const size_t n = std::min(m_cand.size(), size_t(std::max(0, m_params.n_probs)));
    std::partial_sort(m_cand.begin(), m_cand.begin() + long(n), m_cand.end(),
                      [](const Candidate & a, const Candidate & b) { return a.logit > b.logit; });
    m_last.top.clear();
    for (size_t i = 0; i < n; ++i) m_last.top.push_back({m_cand[i].id, logprob(m_cand[i])});
}

void Sampler::build_candidates(const float * logits) {
    m_cand.clear();
    for (int32_t i = 0; i < m_n_vocab; ++i) m_cand.push_back({i, logits[i]});
    for (const auto & [id, bias] : m_params.logit_bias)
        if (id >= 0 && id < m_n_vocab) m_cand[size_t(id)].logit += bias;
    apply_penalties();
    // Banned tokens (-inf) never survive, whatever the later stages do.
    m_cand.erase(std::remove_if(m_cand.begin(), m_cand.end(),
                                [](const Candidate & c) { return std::isinf(c.logit) && c.logit < 0; }),
                 m_cand.end());
}

// The chain after bias and penalties, on a non-empty m_cand.
int32_t Sampler::pick() {
    if (m_params.temperature <= 0.0f) {
        const auto best = std::max_element(m_cand.begin(), m_cand.end(),
                                           [](const Candidate & a, const Candidate & b) { return a.logit < b.logit; });
        const int32_t id = best->id;
        if (m_params.n_probs >= 0) record_probs(id);
        return id;
    }
    top_k(m_params.top_k);
    top_p(m_params.top_p);
    min_p(m_params.min_p);
    for (Candidate & c : m_cand) c.logit /= m_params.temperature;
    const int32_t id = draw();
    if (m_params.n_probs >= 0) record_probs(id);
    return id;
}

int32_t Sampler::sample(const float * logits) {
    build_candidates(logits);
    if (!m_grammar) {
        if (!m_cand.empty()) return pick();
        m_last = {{0, -INFINITY}, {}};
        return 0;
    }
    if (!m_cand.empty()) {
        const int32_t tok = pick();
        if (m_grammar->allows(tok, m_budget)) return tok;
    }
    return sample_masked(logits);
}

// The grammar refused the chain's pick: run the chain again on the tokens it
// allows. A budget too small for any document is dropped rather than leaving
// nothing; tokens the request banned give way to the grammar last of all.
int32_t Sampler::sample_masked(const float * logits) {
    for (const int32_t budget : {m_budget, 0}) {
        if (m_grammar->fill_mask(m_allowed, budget) == 0) continue;
        build_candidates(logits);
        m_cand.erase(std::remove_if(m_cand.begin(), m_cand.end(),
                                    [this](const Candidate & c) { return !m_allowed[size_t(c.id)]; }),
                     m_cand.end());
        if (!m_cand.empty()) return pick();
        int32_t best = -1;
        for (int32_t id = 0; id < m_n_vocab; ++id)
            if (m_allowed[size_t(id)] && (best < 0 || logits[id] > logits[best])) best = id;
        return best;
    }
    // Nothing continues the document (a vocabulary without the bytes it
    // needs): end the generation.
    const std::vector<int32_t> & eog = m_grammar->trie().eog_ids();
    return eog.empty() ? 0 : eog.front();
}

}  // namespace hearth
