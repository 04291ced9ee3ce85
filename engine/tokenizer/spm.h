// SentencePiece-style tokenization of one text fragment (llama.cpp's
// llm_tokenizer_spm): the text, already escaped (' ' -> U+2581), is split into
// UTF-8 characters; the adjacent pair whose concatenation is the token with the
// highest score is merged first (ties: leftmost), until no pair forms a token.
// Symbols that are not tokens fall back to one byte token per byte.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth {

class Vocab;

// `split_words`: run the merges word by word (a word starts at each U+2581
// that follows another character). Exact only when no token holds U+2581
// after another character, which spm_words_are_independent() checks; it keeps
// the merge queue small, which makes long texts several times faster.
void spm_tokenize(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out, bool split_words);

bool spm_words_are_independent(const Vocab & vocab);

}  // namespace hearth
