// Vocab's private state, shared by vocab.cpp and vocab_special.cpp.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hearth/vocab.h"

namespace hearth {

// Hash and equality that let unordered_map<std::string, ...> look up string_views.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct StringEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

struct Vocab::Impl {
    struct Token {
        std::string text;
        float score = 0.0f;
        uint32_t attr = TokenAttr_normal;
    };

    std::string label;  // the file, for messages
    VocabType type = VocabType_spm;
    std::string model_name;
    std::string pre_name;
    PreTokenizer pre = PreTokenizer_default;

    std::vector<Token> tokens;
    std::unordered_map<std::string, int32_t, StringHash, StringEq> token_to_id;
    // key: "left right", the merge as written in tokenizer.ggml.merges
    std::unordered_map<std::string, int32_t, StringHash, StringEq> merge_ranks;

    int32_t bos = token_null, eos = token_null, eot = token_null, eom = token_null;
    int32_t unk = token_null, sep = token_null, pad = token_null, mask = token_null;
    int32_t fim_pre = token_null, fim_suf = token_null, fim_mid = token_null;
    int32_t fim_pad = token_null, fim_rep = token_null, fim_sep = token_null;

    bool add_bos = false;
    bool add_eos = false;
    bool add_space_prefix = false;
    bool clean_spaces = false;
    bool ignore_merges = false;

    std::vector<int32_t> eog_ids;         // ascending
    std::vector<int32_t> special_tokens;  // longest first
};

// vocab_special.cpp: text-based detection of EOT/EOM/FIM ids, the EOG set and
// the special-token list, after the tokens and metadata ids are read.
void vocab_finish_special(Vocab::Impl & v);

}  // namespace hearth
