// hearth::TokenTrie: a vocabulary's token texts, built once per vocabulary, for
// grammar-constrained sampling.
//
// Each token's bytes are what generation emits for it (Tokenizer::
// token_to_piece without special rendering), so a grammar sees exactly the
// text the client gets. Tokens that emit nothing (control tokens) can never
// advance a grammar; end-of-generation tokens are kept apart, since a grammar
// allows them only where the document is complete.
//
// Layout: the trie's nodes in depth-first pre-order, struct of arrays:
//   byte[i]   the byte on the edge into node i (node 0 is the root)
//   depth[i]  bytes from the root
//   next[i]   the first node after i's subtree, so a dead prefix skips it whole
//   tokens    token ids sorted by their bytes; node i ends tokens
//             [tok_begin[i], tok_begin[i + 1])
// A scan of the vocabulary is then one forward pass over these arrays.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class Tokenizer;

class TokenTrie {
public:
    // token_to_piece for every id; the eog ids from the vocabulary.
    static std::shared_ptr<const TokenTrie> build(const Tokenizer & tokenizer);
    // Explicit pieces (tests, tools): piece[id], and the end-of-generation ids.
    static std::shared_ptr<const TokenTrie> from_pieces(const std::vector<std::string> & pieces,
                                                        const std::vector<int32_t> & eog_ids);

    int32_t n_vocab() const { return int32_t(m_piece_off.size()) - 1; }
    std::string_view piece(int32_t id) const;
    bool is_eog(int32_t id) const { return id >= 0 && id < n_vocab() && m_eog[size_t(id)]; }
    const std::vector<int32_t> & eog_ids() const { return m_eog_ids; }

    size_t n_nodes() const { return m_byte.size(); }
    uint8_t node_byte(size_t i) const { return m_byte[i]; }
    uint32_t node_depth(size_t i) const { return m_depth[i]; }
    uint32_t node_next(size_t i) const { return m_next[i]; }
    // Tokens that end at node i.
    const int32_t * node_tokens_begin(size_t i) const { return m_tokens.data() + m_tok_begin[i]; }
    const int32_t * node_tokens_end(size_t i) const { return m_tokens.data() + m_tok_begin[i + 1]; }
    uint32_t max_depth() const { return m_max_depth; }

private:
    TokenTrie() = default;
    void build_trie();

    std::string m_pieces;               // every piece, concatenated
    std::vector<uint32_t> m_piece_off;  // [n_vocab + 1]
    std::vector<uint8_t> m_eog;         // [n_vocab]
    std::vector<int32_t> m_eog_ids;
    std::vector<uint8_t> m_byte;        // [n_nodes]
    std::vector<uint32_t> m_depth;      // [n_nodes]
    std::vector<uint32_t> m_next;       // [n_nodes]
    std::vector<uint32_t> m_tok_begin;  // [n_nodes + 1]
    std::vector<int32_t> m_tokens;      // trie tokens sorted by bytes
    uint32_t m_max_depth = 0;
};

}  // namespace hearth
