// Byte-level BPE over one pre-tokenized word (llama.cpp's
// llm_tokenizer_bpe_session): the word, already in GPT-2's byte alphabet, is
// split into characters and the adjacent pair with the lowest merge rank is
// merged first (ties: leftmost). A final symbol that is not a token is emitted
// byte by byte, keeping only the bytes that are tokens themselves.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth {

class Vocab;

void bpe_tokenize_word(const Vocab & vocab, std::string_view word, std::vector<int32_t> & out);

}  // namespace hearth
