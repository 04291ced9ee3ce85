#include "hearth/token_trie.h"

#include <algorithm>
#include <numeric>

#include "hearth/tokenizer.h"

namespace hearth {

std::shared_ptr<const TokenTrie> TokenTrie::build(const Tokenizer & tokenizer) {
    const Vocab & vocab = tokenizer.vocab();
    std::vector<std::string> pieces(size_t(vocab.n_tokens()));
    for (int32_t id = 0; id < vocab.n_tokens(); ++id) pieces[size_t(id)] = tokenizer.token_to_piece(id);
    return from_pieces(pieces, vocab.eog_ids());
}

std::shared_ptr<const TokenTrie> TokenTrie::from_pieces(const std::vector<std::string> & pieces,
                                                        const std::vector<int32_t> & eog_ids) {
    std::shared_ptr<TokenTrie> t(new TokenTrie());
    t->m_piece_off.reserve(pieces.size() + 1);
    t->m_piece_off.push_back(0);
    for (const std::string & p : pieces) {
        t->m_pieces += p;
        t->m_piece_off.push_back(uint32_t(t->m_pieces.size()));
    }
    t->m_eog.assign(pieces.size(), 0);
    for (int32_t id : eog_ids) {
        if (id < 0 || size_t(id) >= pieces.size() || t->m_eog[size_t(id)]) continue;
        t->m_eog[size_t(id)] = 1;
        t->m_eog_ids.push_back(id);
    }
    t->build_trie();
    return t;
}

std::string_view TokenTrie::piece(int32_t id) const {
    if (id < 0 || id >= n_vocab()) return {};
    return std::string_view(m_pieces).substr(m_piece_off[size_t(id)],
                                             m_piece_off[size_t(id) + 1] - m_piece_off[size_t(id)]);
}

void TokenTrie::build_trie() {
    std::vector<int32_t> ids;
    for (int32_t id = 0; id < n_vocab(); ++id)
        if (!m_eog[size_t(id)] && !piece(id).empty()) ids.push_back(id);
    std::sort(ids.begin(), ids.end(), [this](int32_t a, int32_t b) { return piece(a) < piece(b); });

    auto add_node = [this](uint8_t byte, uint32_t depth) {
        m_byte.push_back(byte);
        m_depth.push_back(depth);
        m_next.push_back(0);
        m_tok_begin.push_back(uint32_t(m_tokens.size()));
        m_max_depth = std::max(m_max_depth, depth);
        return uint32_t(m_byte.size() - 1);
    };
    std::vector<uint32_t> path = {add_node(0, 0)};  // path[d]: the node at depth d on the previous piece
    std::string_view prev;
    for (int32_t id : ids) {
        const std::string_view p = piece(id);
        const size_t lcp = size_t(std::mismatch(prev.begin(), prev.end(), p.begin(), p.end()).first - prev.begin());
        while (path.size() - 1 > lcp) {
            m_next[path.back()] = uint32_t(m_byte.size());
            path.pop_back();
        }
        for (size_t k = lcp; k < p.size(); ++k) path.push_back(add_node(uint8_t(p[k]), uint32_t(k + 1)));
        m_tokens.push_back(id);
        prev = p;
    }
    for (uint32_t node : path) m_next[node] = uint32_t(m_byte.size());
    m_tok_begin.push_back(uint32_t(m_tokens.size()));
}

}  // namespace hearth
