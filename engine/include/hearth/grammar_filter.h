// hearth::GrammarTokenFilter: which tokens may come next under a grammar.
//
// A token is allowed when its bytes continue the document and, given a token
// budget, the document can still be completed in what is left: after this
// token, its shortest completion (in bytes; every byte has a token in
// byte-level and byte-fallback vocabularies) must fit the remaining tokens.
// So a reply cut by max_tokens or the context still parses, as long as the
// budget can hold the grammar's shortest document. An end-of-generation token
// is allowed only where the document is complete.
//
// allows() checks one token (a walk over its bytes through cached
// transitions: nanoseconds); fill_mask() checks the whole vocabulary in one
// pass over the TokenTrie, skipping every subtree under a dead prefix. Masks
// are kept for the last few states: inside a JSON string every token leaves
// the grammar in the same state, so the mask there is computed once.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hearth/grammar.h"
#include "hearth/token_trie.h"

namespace hearth {

class GrammarTokenFilter {
public:
    GrammarTokenFilter(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenTrie> trie,
                       GrammarLimits limits = {});

    // `budget`: tokens that may still be generated, this one included; <= 0: no limit.
    bool allows(int32_t token, int32_t budget);
    // allowed[id] = 1 for each allowed token, 0 otherwise; returns how many.
    size_t fill_mask(std::vector<uint8_t> & allowed, int32_t budget);

    // Advances past `token`; false, and no change, when the grammar refuses it.
    bool accept(int32_t token);
    // Back to the start of the document.
    void reset();
    bool accepting() const { return m_matcher.accepting(); }
    // Complete, and nothing may follow: generation can stop here.
    bool terminal() const { return m_matcher.terminal(); }

    GrammarMatcher & matcher() { return m_matcher; }
    const TokenTrie & trie() const { return *m_trie; }

private:
    struct CachedMask {
        GrammarMatcher::State state;
        int32_t max_distance;  // over the allowed tokens: the mask holds for any budget above it
        size_t count;
        uint64_t last_use;
        std::vector<uint8_t> allowed;
    };
    static constexpr size_t k_cached_masks = 4;

    bool fits(GrammarMatcher::State s, int32_t budget) const;
    void compact();

    std::shared_ptr<const TokenTrie> m_trie;
    GrammarMatcher m_matcher;
    std::vector<GrammarMatcher::State> m_path;  // state per trie depth during fill_mask
    std::vector<CachedMask> m_masks;
    uint64_t m_uses = 0;
};

}  // namespace hearth
