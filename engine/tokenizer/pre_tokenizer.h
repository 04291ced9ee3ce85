// BPE pre-tokenizers: the `tokenizer.ggml.pre` names llama.cpp knows, the
// vocab flags each implies, and the regex splitter that cuts text into words.
//
// The regexes are llama.cpp's (src/llama-vocab.cpp, llm_tokenizer_bpe), run
// with PCRE2 in UTF + UCP mode. A list of regexes is applied in turn: each one
// splits every piece left by the previous one, and the text between matches
// stays a piece of its own, exactly as llama.cpp's unicode_regex_split.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hearth/vocab.h"

namespace hearth {

struct PreTokenizerSpec {
    PreTokenizer pre = PreTokenizer_default;
    bool clean_spaces = true;
    bool ignore_merges = false;
    bool add_bos = false;
    bool no_bos = false;  // the model has no BOS token (chatglm)
};

// nullptr for a name llama.cpp does not know. "" means "default".
const PreTokenizerSpec * find_pre_tokenizer(std::string_view name);

const std::vector<std::string> & pre_tokenizer_regexes(PreTokenizer pre);

// Byte range [begin, begin + size) of one word.
struct TextPiece {
    size_t begin = 0;
    size_t size = 0;
};

class RegexSplitter {
public:
    // Throws hearth::Error(ErrorCode_tokenizer) when a pattern does not compile.
    explicit RegexSplitter(const std::vector<std::string> & patterns);
    RegexSplitter(RegexSplitter &&) noexcept;
    ~RegexSplitter();

    // `text` must be strict UTF-8. Pieces cover the whole text, in order.
    void split(std::string_view text, std::vector<TextPiece> & pieces) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace hearth
