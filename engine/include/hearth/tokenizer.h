// hearth::Tokenizer: text to token ids and back, matching llama.cpp's
// llama_tokenize / llama_token_to_piece / llama_detokenize (commit 3f545bec).
//
//   SPM (model "llama"): spaces become U+2581, a leading space is added (per
//   add_space_prefix), then score-driven bigram merges; characters that form no
//   token fall back to <0xNN> byte tokens.
//   BPE (model "gpt2"): the text is split by the pre-tokenizer regexes of
//   `tokenizer.ggml.pre` (PCRE2, UTF + UCP), each piece is mapped to GPT-2's
//   byte-level alphabet, then merged by rank.
//
// Special tokens: user-defined tokens (<think>, <tool_call> ...) are always
// matched as whole tokens; control tokens (<|im_start|>, <s> ...) only when
// `parse_special` is true, as in llama.cpp's tokenizer_st_partition.
//
// All const methods are thread-safe. Tokenizing is O(n log n) in the text length.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/vocab.h"

namespace hearth {

class GgufFile;

class Tokenizer {
public:
    // Compiles the pre-tokenizer; throws hearth::Error(ErrorCode_tokenizer).
    explicit Tokenizer(Vocab vocab);
    static Tokenizer from_gguf(const GgufFile & file);

    Tokenizer(Tokenizer &&) noexcept;
    Tokenizer & operator=(Tokenizer &&) noexcept;
    ~Tokenizer();

    const Vocab & vocab() const;

    // add_special: BOS/EOS as the model's add_bos/add_eos say.
    // parse_special: control tokens written in the text become their ids.
    std::vector<int32_t> tokenize(std::string_view text, bool add_special, bool parse_special = false) const;

    // The bytes of one token. Control and unknown tokens give "" unless
    // `special`. `lstrip` drops up to that many leading spaces. An invalid id gives "".
    std::string token_to_piece(int32_t id, bool special = false, int lstrip = 0) const;

    // The text of a sequence, as llama_detokenize: the SPM leading space of the
    // first token is dropped, and gpt2-style vocabs tidy spaces before
    // punctuation (clean_spaces). remove_special drops a leading BOS / trailing
    // EOS the model adds; unparse_special renders control tokens as text.
    std::string detokenize(std::span<const int32_t> ids, bool remove_special = false,
                           bool unparse_special = false) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// Streams bytes that may split a UTF-8 character across calls: push() returns
// everything up to the last complete character and holds back an incomplete
// tail (at most 3 bytes) until it completes. Bytes that can never complete a
// character are passed through unchanged, so the concatenated output always
// equals the concatenated input once flush() has been called.
class Utf8StreamDecoder {
public:
    std::string push(std::string_view bytes);
    std::string flush();  // the held-back bytes, if any
    size_t pending() const { return m_pending.size(); }

private:
    std::string m_pending;
};

// Token-by-token detokenization for generation: token_to_piece plus a
// Utf8StreamDecoder. The first token's leading space is dropped as detokenize()
// does for SPM vocabs; no clean_spaces pass is applied (it needs look-ahead).
class DetokenizeStream {
public:
    explicit DetokenizeStream(const Tokenizer & tokenizer, bool special = false);

    std::string push(int32_t id);
    std::string flush();

private:
    const Tokenizer * m_tokenizer;
    bool m_special;
    bool m_first = true;
    Utf8StreamDecoder m_utf8;
};

}  // namespace hearth
