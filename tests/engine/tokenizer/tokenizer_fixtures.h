// Shared helpers for the tokenizer tests: the llama.cpp test vectors that sit
// beside each vocab fixture, and a cached Tokenizer per fixture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/tokenizer.h"

namespace hearth_test {

struct VocabCase {
    std::string input;
    std::vector<int32_t> expected;  // llama_tokenize(add_special=false, parse_special=false)
};

// ggml-vocab-<name>.gguf.inp / .out: inputs split on "\n__ggml_vocab_test__\n"
// (the text after the last separator is not an input), one .out line each.
std::vector<VocabCase> load_vocab_cases(const std::string & name);

std::string vocab_path(const std::string & name);  // fixtures/vocab/ggml-vocab-<name>.gguf

// Loaded once per process; throws like fixture() when the file is missing.
const hearth::Tokenizer & vocab_tokenizer(const std::string & name);

std::string ids_to_string(const std::vector<int32_t> & ids);  // " 1 2 3", the .out format

}  // namespace hearth_test
