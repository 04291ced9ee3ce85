#include "hearth/grammar_filter.h"

namespace hearth {

GrammarTokenFilter::GrammarTokenFilter(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenTrie> trie,
                                       GrammarLimits limits)
    : m_trie(std::move(trie)), m_matcher(std::move(grammar), limits) {}

bool GrammarTokenFilter::fits(GrammarMatcher::State s, int32_t budget) const {
    // After this token, budget - 1 tokens remain for the shortest completion.
    return budget <= 0 || m_matcher.distance(s) <= budget - 1;
}

bool GrammarTokenFilter::allows(int32_t token, int32_t budget) {
    if (m_trie->is_eog(token)) return m_matcher.accepting();
    const std::string_view piece = m_trie->piece(token);
    if (piece.empty()) return false;
    const GrammarMatcher::State s = m_matcher.walk(m_matcher.state(), piece);
    return s != GrammarMatcher::state_dead && fits(s, budget);
}

size_t GrammarTokenFilter::fill_mask(std::vector<uint8_t> & allowed, int32_t budget) {
    m_matcher.compact();
    const TokenTrie & t = *m_trie;
    allowed.assign(size_t(t.n_vocab()), 0);
    size_t n = 0;
    if (m_matcher.accepting()) {
        for (int32_t id : t.eog_ids()) allowed[size_t(id)] = 1;
        n += t.eog_ids().size();
    }
    m_path.assign(size_t(t.max_depth()) + 1, GrammarMatcher::state_dead);
    m_path[0] = m_matcher.state();
    const size_t n_nodes = t.n_nodes();
    for (size_t i = 1; i < n_nodes;) {
        const uint32_t depth = t.node_depth(i);
        const GrammarMatcher::State s = m_matcher.step(m_path[depth - 1], t.node_byte(i));
        if (s == GrammarMatcher::state_dead) {
            i = t.node_next(i);
            continue;
        }
        m_path[depth] = s;
        if (fits(s, budget))
            for (const int32_t * id = t.node_tokens_begin(i); id != t.node_tokens_end(i); ++id) {
                allowed[size_t(*id)] = 1;
                ++n;
            }
        ++i;
    }
    return n;
}

bool GrammarTokenFilter::accept(int32_t token) {
    if (m_trie->is_eog(token)) return m_matcher.accepting();
    const std::string_view piece = m_trie->piece(token);
    if (piece.empty()) return false;
    const bool ok = m_matcher.accept(piece);
    m_matcher.compact();
    return ok;
}

}  // namespace hearth
