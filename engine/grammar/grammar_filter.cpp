#include "hearth/grammar_filter.h"

#include <algorithm>

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

void GrammarTokenFilter::compact() {
    if (m_matcher.compact()) m_masks.clear();  // their states are gone
}

void GrammarTokenFilter::reset() {
    m_matcher.reset();
    m_masks.clear();
}

size_t GrammarTokenFilter::fill_mask(std::vector<uint8_t> & allowed, int32_t budget) {
    compact();
    const GrammarMatcher::State root = m_matcher.state();
    ++m_uses;
    for (CachedMask & c : m_masks) {
        if (c.state != root || (budget > 0 && c.max_distance > budget - 1)) continue;
        c.last_use = m_uses;
        allowed = c.allowed;
        return c.count;
    }

    const TokenTrie & t = *m_trie;
    allowed.assign(size_t(t.n_vocab()), 0);
    size_t n = 0;
    bool cut_by_budget = false;
    int32_t max_distance = 0;
    if (m_matcher.accepting()) {
        for (int32_t id : t.eog_ids()) allowed[size_t(id)] = 1;
        n += t.eog_ids().size();
    }
    m_path.assign(size_t(t.max_depth()) + 1, GrammarMatcher::state_dead);
    m_path[0] = root;
    const size_t n_nodes = t.n_nodes();
    for (size_t i = 1; i < n_nodes;) {
        const uint32_t depth = t.node_depth(i);
        const GrammarMatcher::State s = m_matcher.step(m_path[depth - 1], t.node_byte(i));
        if (s == GrammarMatcher::state_dead) {
            i = t.node_next(i);
            continue;
        }
        m_path[depth] = s;
        const int32_t * begin = t.node_tokens_begin(i);
        const int32_t * end = t.node_tokens_end(i);
        if (begin != end) {
            if (fits(s, budget)) {
                for (const int32_t * id = begin; id != end; ++id) allowed[size_t(*id)] = 1;
                n += size_t(end - begin);
                max_distance = std::max(max_distance, m_matcher.distance(s));
            } else {
                cut_by_budget = true;
            }
        }
        ++i;
    }
    if (!cut_by_budget) {  // the grammar's own mask: keep it for this state
        auto victim = m_masks.end();
        if (m_masks.size() < k_cached_masks) {
            m_masks.push_back({});
            victim = m_masks.end() - 1;
        } else {
            victim = std::min_element(m_masks.begin(), m_masks.end(), [](const CachedMask & a, const CachedMask & b) {
                return a.last_use < b.last_use;
            });
        }
        victim->state = root;
        victim->max_distance = max_distance;
        victim->count = n;
        victim->last_use = m_uses;
        victim->allowed = allowed;
    }
    return n;
}

bool GrammarTokenFilter::accept(int32_t token) {
    if (m_trie->is_eog(token)) return m_matcher.accepting();
    const std::string_view piece = m_trie->piece(token);
    if (piece.empty()) return false;
    const bool ok = m_matcher.accept(piece);
    compact();
    return ok;
}

}  // namespace hearth
