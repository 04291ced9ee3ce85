// hearth::Vocab: a model's token vocabulary, read from GGUF metadata the way
// llama.cpp (commit 3f545bec) reads it, so that token ids, special tokens and
// the end-of-generation set agree with llama.cpp for the same file.
//
// Keys read: tokenizer.ggml.{model, pre, tokens, scores, token_type, merges,
// bos_token_id, eos_token_id, eot_token_id, eom_token_id, unknown_token_id,
// seperator_token_id, padding_token_id, mask_token_id, fim_*_token_id,
// add_bos_token, add_eos_token, add_space_prefix}.
//
// Supported models: "llama" (SentencePiece-style, VocabType_spm) and "gpt2"
// (byte-level BPE, VocabType_bpe). Anything else, an unknown `pre`, a missing
// or mistyped array, or a duplicate token throws hearth::Error(ErrorCode_tokenizer).
//
// A Vocab is immutable once loaded and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class GgufFile;

// "No token", as llama.cpp's LLAMA_TOKEN_NULL.
inline constexpr int32_t token_null = -1;

enum VocabType {
    VocabType_spm,  // tokenizer.ggml.model = "llama"
    VocabType_bpe,  // tokenizer.ggml.model = "gpt2"
};

// Per-token attribute bits; the values are llama.cpp's llama_token_attr.
enum TokenAttr : uint32_t {
    TokenAttr_undefined = 0,
    TokenAttr_unknown = 1u << 0,
    TokenAttr_unused = 1u << 1,
    TokenAttr_normal = 1u << 2,
    TokenAttr_control = 1u << 3,
    TokenAttr_user_defined = 1u << 4,
    TokenAttr_byte = 1u << 5,
};

// BPE pre-tokenizer families (the regex sets of llama.cpp's llm_tokenizer_bpe).
// Several `tokenizer.ggml.pre` names map to one family (see pre_tokenizer.cpp).
enum PreTokenizer {
    PreTokenizer_default,
    PreTokenizer_gpt2,
    PreTokenizer_llama3,
    PreTokenizer_qwen2,
    PreTokenizer_deepseek_llm,
    PreTokenizer_deepseek_coder,
    PreTokenizer_deepseek3,
    PreTokenizer_starcoder,
    PreTokenizer_falcon,
    PreTokenizer_chatglm4,
    PreTokenizer_gpt4o,
    PreTokenizer_tekken,
    PreTokenizer_seed_coder,
    PreTokenizer_qwen35,
};

class Vocab {
public:
    // Reads the vocabulary from a model's metadata. The Vocab copies what it
    // needs, so it may outlive `file`.
    static Vocab from_gguf(const GgufFile & file);

    Vocab(Vocab &&) noexcept;
    Vocab & operator=(Vocab &&) noexcept;
    ~Vocab();

    VocabType type() const;
    const std::string & model_name() const;  // tokenizer.ggml.model
    const std::string & pre_name() const;    // tokenizer.ggml.pre, "" when absent
    PreTokenizer pre() const;                // PreTokenizer_default for SPM

    int32_t n_tokens() const;
    bool is_valid(int32_t id) const { return id >= 0 && id < n_tokens(); }

    // Token data; `id` must be valid (checked with HEARTH_ASSERT).
    const std::string & text(int32_t id) const;
    float score(int32_t id) const;
    uint32_t attr(int32_t id) const;  // TokenAttr bits
    bool is_normal(int32_t id) const { return attr(id) & TokenAttr_normal; }
    bool is_unknown(int32_t id) const { return attr(id) & TokenAttr_unknown; }
    bool is_control(int32_t id) const { return attr(id) & TokenAttr_control; }
    bool is_user_defined(int32_t id) const { return attr(id) & TokenAttr_user_defined; }
    bool is_unused(int32_t id) const { return attr(id) & TokenAttr_unused; }
    bool is_byte(int32_t id) const { return attr(id) & TokenAttr_byte; }

    // End of generation: EOS, EOT, EOM and the tokens llama.cpp recognises by
    // text (<|im_end|>, <|eot_id|>, <|endoftext|>, FIM pad/repo/sep ...). Any id.
    bool is_eog(int32_t id) const;
    const std::vector<int32_t> & eog_ids() const;  // ascending

    // Special token ids, token_null when the model has none.
    int32_t token_bos() const;
    int32_t token_eos() const;
    int32_t token_eot() const;
    int32_t token_eom() const;
    int32_t token_unk() const;
    int32_t token_pad() const;
    int32_t token_sep() const;
    int32_t token_fim_pre() const;
    int32_t token_fim_suf() const;
    int32_t token_fim_mid() const;

    bool add_bos() const;           // tokenize(add_special=true) prepends BOS
    bool add_eos() const;           // ... and appends EOS
    bool add_space_prefix() const;  // SPM: a space before the text (and after special tokens)
    bool clean_spaces() const;      // detokenize tidies " ," " 's" ... (clean_up_tokenization_spaces)
    bool ignore_merges() const;     // BPE: a word that is itself a token skips the merges

    // The token whose text is exactly `text`, or token_null.
    int32_t find(std::string_view text) const;
    // BPE merge rank of the pair (lower merges first), or -1.
    int32_t merge_rank(std::string_view left, std::string_view right) const;
    // The byte-fallback token for `byte` (`<0xNN>` for SPM, the byte's
    // unicode stand-in for BPE), or token_null.
    int32_t byte_to_token(uint8_t byte) const;
    // The byte an SPM `<0xNN>` token stands for; `id` must be a byte token.
    uint8_t token_to_byte(int32_t id) const;

    // Control, user-defined and unknown tokens, longest text first: the order
    // in which the tokenizer splits them out of the input.
    const std::vector<int32_t> & special_tokens() const;

    struct Impl;  // opaque; defined in engine/tokenizer/vocab_impl.h

private:
    explicit Vocab(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

}  // namespace hearth
