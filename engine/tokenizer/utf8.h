// UTF-8 helpers for the tokenizers, following llama.cpp's unicode.cpp where the
// token ids depend on it:
//   - seq_len(): the sequence length a lead byte announces (continuation and
//     invalid bytes count as 1), used to split text into symbols.
//   - normalize_lax(): re-encodes text the way llama.cpp decodes it before
//     pre-tokenizing (invalid bytes become U+FFFD, overlong forms shrink).
//   - the GPT-2 byte-level alphabet: each byte 0..255 stands for a printable
//     code point, so byte strings can be BPE tokens.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::utf8 {

inline size_t seq_len(uint8_t lead) {
    static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLen[lead >> 4];
}

void append(std::string & out, uint32_t cpt);  // cpt <= 0x10FFFF (surrogates allowed)

// Decodes one code point at `pos` as llama.cpp's unicode_cpt_from_utf8 does
// (lax: no overlong or surrogate checks). Returns false for an invalid byte,
// consuming exactly one byte then.
bool decode(std::string_view text, size_t & pos, uint32_t & cpt);

// Writes into `out` the text as llama.cpp sees it before pre-tokenizing: every
// code point re-encoded, each invalid byte replaced by U+FFFD. Returns false
// (leaving `out` untouched) when that equals `text`, the common case.
bool normalize_lax(std::string_view text, std::string & out);

// True when `text` is strict UTF-8 (what PCRE2 accepts as a subject).
bool is_strict(std::string_view text);

// Length of the longest prefix that does not end inside an incomplete but
// still completable multi-byte sequence.
size_t complete_prefix(std::string_view bytes);

// GPT-2 byte-level alphabet.
const std::array<std::string, 256> & byte_to_unicode();
// The byte a code point stands for, or -1.
int unicode_to_byte(uint32_t cpt);

}  // namespace hearth::utf8
