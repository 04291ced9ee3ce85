// Special-token bookkeeping that llama.cpp does by token text, because GGUF
// files do not record it: EOT/EOM/FIM ids when the metadata lacks them, the
// end-of-generation set, "unused" control tokens, and the list of tokens that
// tokenize() splits out of the input.
#include <algorithm>
#include <set>

#include "tokenizer/vocab_impl.h"

namespace hearth {

namespace {

// Candidates in llama.cpp's order. llama.cpp walks an unordered_map, so when a
// vocab holds several candidates its pick is arbitrary; we take the first in
// this list (<|im_end|> over <|endoftext|> for Qwen, <|eot_id|> for Llama 3).
const char * const kEotTexts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",         "<|endoftext|>",     "<|end_of_text|>",
    "<EOT>",      "_<EOT>",     "[EOT]",   "<｜end▁of▁sentence｜>", "<end_of_utterance>"};
const char * const kEomTexts[] = {"<|eom_id|>"};
const char * const kFimPreTexts[] = {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",    "<｜fim▁begin｜>",
                                     "<PRE>",          "▁<PRE>",       "<|code_prefix|>", "<|prefix|>"};
const char * const kFimSufTexts[] = {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",    "<｜fim▁hole｜>",
                                     "<SUF>",          "▁<SUF>",       "<|code_suffix|>", "<|suffix|>"};
const char * const kFimMidTexts[] = {"<|fim_middle|>", "<fim-middle>", "<fim_middle>",    "<｜fim▁end｜>",
                                     "<MID>",          "▁<MID>",       "<|code_middle|>", "<|middle|>"};
const char * const kFimPadTexts[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"};
const char * const kFimRepTexts[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"};
const char * const kFimSepTexts[] = {"<|file_sep|>"};
const char * const kEogTexts[] = {"<|eot_id|>",
                                  "<|im_end|>",
                                  "<|end|>",
                                  "<|return|>",
                                  "<|call|>",
                                  "<|flush|>",
                                  "<|calls|>",
                                  "<end_of_turn>",
                                  "<|endoftext|>",
                                  "</s>",
                                  "<|eom_id|>",
                                  "<EOT>",
                                  "_<EOT>",
                                  "[EOT]",
                                  "[EOS]",
                                  "<|end_of_text|>",
                                  "<end_of_utterance>",
                                  "<eos>",
                                  "<turn|>",
                                  "<|tool_response>",
                                  "<｜end▁of▁sentence｜>",
                                  "[e~["};

int32_t find_id(const Vocab::Impl & v, std::string_view text) {
    auto it = v.token_to_id.find(text);
    return it == v.token_to_id.end() ? token_null : it->second;
}

// A token recognised by its text is a control token whatever its type says.
void mark_control(Vocab::Impl & v, int32_t id) {
    v.tokens[id].attr |= TokenAttr_control;
}

template <size_t N>
void detect(Vocab::Impl & v, int32_t & id, const char * const (&texts)[N]) {
    if (id != token_null) return;
    for (const char * t : texts) {
        const int32_t found = find_id(v, t);
        if (found == token_null) continue;
        id = found;
        mark_control(v, found);
        return;
    }
}

void detect_ids(Vocab::Impl & v) {
    detect(v, v.eot, kEotTexts);
    detect(v, v.eom, kEomTexts);
    detect(v, v.fim_pre, kFimPreTexts);
    detect(v, v.fim_suf, kFimSufTexts);
    detect(v, v.fim_mid, kFimMidTexts);
    detect(v, v.fim_pad, kFimPadTexts);
    detect(v, v.fim_rep, kFimRepTexts);
    detect(v, v.fim_sep, kFimSepTexts);

    for (Vocab::Impl::Token & t : v.tokens)
        if ((t.attr & TokenAttr_control) && t.text.find("unused") != std::string::npos) t.attr |= TokenAttr_unused;
}

void drop_eog(Vocab::Impl & v, std::set<int32_t> & eog, std::string_view text, uint32_t new_attr) {
    const int32_t id = find_id(v, text);
    if (id == token_null || !eog.count(id)) return;
    eog.erase(id);
    v.tokens[id].attr = new_attr;
}

void build_eog(Vocab::Impl & v) {
    std::set<int32_t> eog;
    for (int32_t id : {v.fim_pad, v.fim_rep, v.fim_sep})
        if (id != token_null) eog.insert(id);
    for (const char * text : kEogTexts) {
        const int32_t id = find_id(v, text);
        if (id == token_null) continue;
        eog.insert(id);
        mark_control(v, id);
    }
    // gpt-oss: these are rendered like ordinary text.
    for (const char * text : {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}) {
        const int32_t id = find_id(v, text);
        if (id != token_null) v.tokens[id].attr = TokenAttr_user_defined;
    }
    for (int32_t id : {v.eos, v.eot, v.eom})
        if (id != token_null) eog.insert(id);

    auto has = [&](const char * text) {
        const int32_t id = find_id(v, text);
        return id != token_null && eog.count(id) > 0;
    };
    // o200k_harmony / solar-open: <|end|> ends a message, not the generation.
    // llama.cpp's test: a call marker (<|call|> or <|calls|>) with <|return|> or <|flush|>.
    const bool has_call = has("<|call|>") || has("<|calls|>");
    if (has_call && (has("<|return|>") || has("<|flush|>"))) drop_eog(v, eog, "<|end|>", TokenAttr_user_defined);
    // gemma4 / paddleocr: </s> is ordinary text there.
    if (has("<|tool_response>")) drop_eog(v, eog, "</s>", TokenAttr_normal);

    v.eog_ids.assign(eog.begin(), eog.end());
}

void build_special_list(Vocab::Impl & v) {
    v.special_tokens.clear();
    const uint32_t mask = TokenAttr_control | TokenAttr_user_defined | TokenAttr_unknown;
    for (size_t id = 0; id < v.tokens.size(); ++id)
        if (v.tokens[id].attr & mask) v.special_tokens.push_back(static_cast<int32_t>(id));
    std::stable_sort(v.special_tokens.begin(), v.special_tokens.end(),
                     [&](int32_t a, int32_t b) { return v.tokens[a].text.size() > v.tokens[b].text.size(); });
}

}  // namespace

void vocab_finish_special(Vocab::Impl & v) {
    detect_ids(v);
    build_eog(v);
    build_special_list(v);
}

}  // namespace hearth
