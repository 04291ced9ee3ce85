// Benchmark (not a test): the per-token cost of grammar-constrained sampling
// on a real vocabulary (default: the 151936-token Qwen2 fixture).
//
// It walks a JSON document, tokenized by the vocabulary, through a schema's
// grammar and times at every token: the lazy check of the next token (what
// a sampled token costs when the grammar accepts it), a vocabulary mask (what
// a refused token costs: first as generation meets it, then a whole trie walk
// over cached transitions, then a state whose mask is kept), and
// Sampler::sample with and without the grammar on logits that favour the
// document's next token or refuse it. Each repetition starts with empty caches.
//
// Usage: bench_grammar [VOCAB.gguf] [REPS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "hearth/gguf.h"
#include "hearth/grammar_filter.h"
#include "hearth/json_schema_grammar.h"
#include "hearth/sampler.h"
#include "hearth/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point t) {
    return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

struct Stats {
    std::vector<double> us;
    void add(double v) { us.push_back(v); }
    void print(const char * what) {
        std::sort(us.begin(), us.end());
        double sum = 0;
        for (double v : us) sum += v;
        std::printf("%-44s mean %9.1f us   p50 %9.1f us   p90 %9.1f us   max %9.1f us\n", what, sum / double(us.size()),
                    us[us.size() / 2], us[us.size() * 9 / 10], us.back());
    }
};

const char * k_schema = R"({"type":"object","properties":{
  "name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":150},
  "email":{"type":"string","format":"email"},"tags":{"type":"array","items":{"type":"string"},"maxItems":8},
  "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}},
             "required":["street","city"],"additionalProperties":false},
  "score":{"type":"number"},"active":{"type":"boolean"}},
  "required":["name","age","email","tags","address","score","active"],"additionalProperties":false})";

const char * k_document =
    R"({"name": "Ada Lovelace, Countess of Lovelace, who wrote the first published algorithm", "age": 36, )"
    R"("email": "ada.lovelace@example.org", "tags": ["mathematics", "analytical engine", "poetry", "Notes G"], )"
    R"("address": {"street": "12 St James's Square", "city": "London"}, "score": 99.5, "active": true})";

}  // namespace

int main(int argc, char ** argv) {
    const std::string vocab_path = argc > 1 ? argv[1] : HEARTH_FIXTURES_DIR "/vocab/ggml-vocab-qwen2.gguf";
    const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    const hearth::GgufFile file = hearth::GgufFile::open(vocab_path);
    const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(file);

    auto t0 = Clock::now();
    const auto trie = hearth::TokenTrie::build(tok);
    std::printf("vocabulary: %d tokens, trie of %zu nodes, built in %.1f ms\n", trie->n_vocab(), trie->n_nodes(),
                us_since(t0) / 1000);
    t0 = Clock::now();
    const auto grammar = hearth::json_schema_grammar(k_schema);
    std::printf("schema grammar: %zu rules, compiled in %.2f ms\n", grammar->n_rules(), us_since(t0) / 1000);

    const std::vector<int32_t> ids = tok.tokenize(k_document, false);
    std::printf("document: %zu tokens\n\n", ids.size());

    Stats check, mask_first, mask_walk, mask_hit, sample_plain, sample_ok, sample_refused;
    std::vector<uint8_t> mask;
    std::vector<float> logits(size_t(trie->n_vocab()));
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float & l : logits) l = normal(rng);
    hearth::SamplerParams sp;
    sp.seed = 1;
    for (int rep = 0; rep < reps; ++rep) {
        hearth::GrammarTokenFilter filter(grammar, trie);  // fresh caches each repetition
        hearth::Sampler plain(sp, trie->n_vocab());
        hearth::Sampler constrained(sp, trie->n_vocab());
        constrained.set_grammar(std::make_unique<hearth::GrammarTokenFilter>(grammar, trie));
        for (size_t i = 0; i < ids.size(); ++i) {
            const int32_t next = ids[i];
            auto t = Clock::now();
            const bool ok = filter.allows(next, 0);
            check.add(us_since(t));
            if (!ok) {
                std::fprintf(stderr, "the grammar refuses token %zu '%s'\n", i, std::string(trie->piece(next)).c_str());
                return 1;
            }
            // As generation meets it: a state seen before reuses its mask.
            t = Clock::now();
            filter.fill_mask(mask, 0);
            mask_first.add(us_since(t));
            // A whole walk over cached transitions (a tight budget bypasses the mask cache).
            t = Clock::now();
            filter.fill_mask(mask, 2);
            mask_walk.add(us_since(t));
            t = Clock::now();
            filter.fill_mask(mask, 0);
            mask_hit.add(us_since(t));

            // The document's token on top: the lazy check passes.
            const float saved = logits[size_t(next)];
            logits[size_t(next)] = 30.0f;
            t = Clock::now();
            (void)plain.sample(logits.data());
            sample_plain.add(us_since(t));
            t = Clock::now();
            (void)constrained.sample(logits.data());
            sample_ok.add(us_since(t));
            logits[size_t(next)] = saved;
            // A token the grammar refuses on top: the full mask and a second draw.
            const int32_t bad = trie->n_vocab() - 1 - int32_t(i % 1000);
            const float saved_bad = logits[size_t(bad)];
            if (!filter.allows(bad, 0)) {
                logits[size_t(bad)] = 30.0f;
                t = Clock::now();
                (void)constrained.sample(logits.data());
                sample_refused.add(us_since(t));
                logits[size_t(bad)] = saved_bad;
            }
            filter.accept(next);
            constrained.accept(next);
        }
    }
    check.print("check the sampled token");
    mask_first.print("mask the vocabulary, as generation meets it");
    mask_walk.print("mask: full trie walk, transitions cached");
    mask_hit.print("mask: state seen before (mask cache)");
    sample_plain.print("Sampler::sample, no grammar");
    sample_ok.print("Sampler::sample + grammar, top token valid");
    sample_refused.print("Sampler::sample + grammar, top token refused");
    return 0;
}
