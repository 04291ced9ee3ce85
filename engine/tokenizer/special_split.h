// Splits special tokens out of the input before the tokenizer proper runs
// (llama.cpp's tokenizer_st_partition). Special tokens are taken longest text
// first; each one is cut out of every remaining text fragment at each
// non-overlapping occurrence, left to right. User-defined tokens are always
// cut; control and unknown tokens only when parse_special is set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth {

class Vocab;

struct Fragment {
    int32_t token;  // token_null for a run of text
    size_t offset;  // text runs: byte range in the input
    size_t size;
};

std::vector<Fragment> split_special(const Vocab & vocab, std::string_view text, bool parse_special);

}  // namespace hearth
