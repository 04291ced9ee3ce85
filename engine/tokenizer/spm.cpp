#include "tokenizer/spm.h"

#include <algorithm>
#include <optional>

#include "hearth/vocab.h"
#include "tokenizer/symbol_merge.h"
#include "tokenizer/utf8.h"

namespace hearth {

namespace {

// SentencePiece merges the pair whose merged text is the token with the
// highest score. The pieces are adjacent in the text, so the merged text is
// one contiguous view.
struct SpmPolicy {
    const Vocab & vocab;
    std::optional<float> priority(std::string_view left, std::string_view right) const {
        const int32_t id = vocab.find(std::string_view(left.data(), left.size() + right.size()));
        return id == token_null ? std::nullopt : std::optional<float>(vocab.score(id));
    }
    bool better(float a, float b) const { return a > b; }
};

// Every merged symbol is a token (only token-forming pairs merge), so only
// single characters can miss; llama.cpp's rev_merge path never applies.
void emit(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out) {
    const int32_t id = vocab.find(text);
    if (id != token_null) {
        out.push_back(id);
        return;
    }
    for (char c : text) {
        const int32_t byte_id = vocab.byte_to_token(static_cast<uint8_t>(c));
        // A vocab without byte tokens: llama.cpp would throw; <unk> is the sane reading.
        const int32_t fallback = byte_id != token_null ? byte_id : vocab.token_unk();
        if (fallback != token_null) out.push_back(fallback);
    }
}

void spm_tokenize_piece(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out) {
    const std::vector<MergeSymbol> symbols = merge_symbols(text, SpmPolicy{vocab});
    for_each_merged(symbols, [&](const MergeSymbol & s) { emit(vocab, text.substr(s.offset, s.n), out); });
}

}  // namespace

const char * const kEscapedSpace = "\xE2\x96\x81";

void spm_tokenize(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out, bool split_words) {
    if (!split_words) {
        spm_tokenize_piece(vocab, text, out);
        return;
    }
    // Cut at symbol boundaries only (the session splits by lead byte), before
    // a U+2581 whose previous symbol is not U+2581. No merged symbol can span
    // such a cut, so the merges on either side never interact.
    size_t word_start = 0;
    bool prev_is_space = false;
    for (size_t pos = 0; pos < text.size();) {
        const size_t len = std::min(utf8::seq_len(static_cast<uint8_t>(text[pos])), text.size() - pos);
        const bool is_space = text.compare(pos, len, kEscapedSpace) == 0;
        if (is_space && pos > 0 && !prev_is_space) {
            spm_tokenize_piece(vocab, text.substr(word_start, pos - word_start), out);
            word_start = pos;
        }
        prev_is_space = is_space;
        pos += len;
    }
    if (word_start < text.size()) spm_tokenize_piece(vocab, text.substr(word_start), out);
}

bool spm_words_are_independent(const Vocab & vocab) {
    const std::string_view space = kEscapedSpace;
    for (int32_t id = 0; id < vocab.n_tokens(); ++id) {
        const std::string_view t = vocab.text(id);
        for (size_t i = t.find(space, 1); i != std::string_view::npos; i = t.find(space, i + 1))
            if (i < 3 || t.substr(i - 3, 3) != space) return false;
    }
    return true;
}

}  // namespace hearth
