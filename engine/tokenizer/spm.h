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

void spm_tokenize(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out);

}  // namespace hearth
