// Prompt-lookup drafting (n-gram speculation without a second model): when
// the last few tokens of the conversation appeared before, the tokens that
// followed them then are a likely continuation now (code being edited, text
// being quoted, lists that repeat their shape). The session evaluates them
// in one batch with the token just sampled; the sampler then keeps drafting
// tokens only while they are what it samples itself, so the output is the
// one plain decoding gives (see Session::run_generation).
#pragma once

#include <cstdint>
#include <vector>

namespace hearth {

struct PromptLookup {
    int32_t max_ngram = 3;  // the longest suffix looked for first...
    int32_t min_ngram = 2;  // ...down to this one (1 matches too often to pay off)
};

// Up to n_draft tokens that followed the most recent earlier occurrence of
// history's last n tokens (n from max_ngram down to min_ngram; the first n
// that matches decides). Empty when nothing matches. O(history x max_ngram).
std::vector<int32_t> prompt_lookup_draft(const std::vector<int32_t> & history, int32_t n_draft,
                                         const PromptLookup & lookup = {});

}  // namespace hearth
