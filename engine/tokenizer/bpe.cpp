#include "tokenizer/bpe.h"

#include <optional>

#include "hearth/vocab.h"
#include "tokenizer/symbol_merge.h"

namespace hearth {

namespace {

// Byte-level BPE merges the pair with the lowest merge rank.
struct BpePolicy {
    const Vocab & vocab;
    std::optional<int32_t> priority(std::string_view left, std::string_view right) const {
        const int32_t rank = vocab.merge_rank(left, right);
        return rank < 0 ? std::nullopt : std::optional<int32_t>(rank);
    }
    bool better(int32_t a, int32_t b) const { return a < b; }
};

// Every merged symbol is a token; a single character that is not falls back
// to its byte tokens.
void emit(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out) {
    const int32_t id = vocab.find(text);
    if (id != token_null) {
        out.push_back(id);
        return;
    }
    for (char c : text) {
        const int32_t byte_id = vocab.find(std::string_view(&c, 1));
        if (byte_id != token_null) out.push_back(byte_id);
    }
}

}  // namespace

void bpe_tokenize_word(const Vocab & vocab, std::string_view word, std::vector<int32_t> & out) {
    if (vocab.ignore_merges() && vocab.find(word) != token_null) {
        out.push_back(vocab.find(word));
        return;
    }
    const std::vector<MergeSymbol> symbols = merge_symbols(word, BpePolicy{vocab});
    for_each_merged(symbols, [&](const MergeSymbol & s) { emit(vocab, word.substr(s.offset, s.n), out); });
}

}  // namespace hearth
