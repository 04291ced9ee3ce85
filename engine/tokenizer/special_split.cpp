#include "tokenizer/special_split.h"

#include "hearth/vocab.h"

namespace hearth {

namespace {

// Cuts every occurrence of `special` (token `id`) out of the text fragments.
// Returns false, leaving `frags` as it was, when there is none.
bool cut_token(std::string_view text, std::string_view special, int32_t id, std::vector<Fragment> & frags,
               std::vector<Fragment> & scratch) {
    bool found = false;
    scratch.clear();
    for (const Fragment & f : frags) {
        if (f.token != token_null) {
            scratch.push_back(f);
            continue;
        }
        const std::string_view run = text.substr(f.offset, f.size);
        size_t pos = 0;
        for (;;) {
            const size_t hit = run.find(special, pos);
            if (hit == std::string_view::npos) break;
            found = true;
            if (hit > pos) scratch.push_back({token_null, f.offset + pos, hit - pos});
            scratch.push_back({id, 0, 0});
            pos = hit + special.size();
        }
        if (pos < run.size()) scratch.push_back({token_null, f.offset + pos, run.size() - pos});
    }
    if (found) frags.swap(scratch);
    return found;
}

}  // namespace

std::vector<Fragment> split_special(const Vocab & vocab, std::string_view text, bool parse_special) {
    std::vector<Fragment> frags;
    if (text.empty()) return frags;
    frags.push_back({token_null, 0, text.size()});
    std::vector<Fragment> scratch;
    for (int32_t id : vocab.special_tokens()) {
        if (!parse_special && (vocab.attr(id) & (TokenAttr_control | TokenAttr_unknown))) continue;
        cut_token(text, vocab.text(id), id, frags, scratch);
    }
    return frags;
}

}  // namespace hearth
