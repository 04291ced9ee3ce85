// Supported architectures and how each reads its hyper-parameters.
//
// One file per architecture (arch_llama.cpp, arch_qwen2.cpp, ...) fills in the
// architecture-specific parts on top of read_common_hparams() and binds each
// layer's tensors from the blocks weights.h shares (attention, dense FFN, MoE,
// DeltaNet).
#pragma once

#include <string>
#include <string_view>

#include "hearth/gguf.h"
#include "hearth/model.h"

namespace hearth {

class WeightBinder;
struct LayerWeights;

struct Architecture {
    const char * name;
    // Fills `hp` from `<name>.*` metadata; throws hearth::Error on bad values.
    void (*read_hparams)(const GgufFile & file, ModelHparams & hp);
    // Binds layer il's tensors ("blk.<il>.*"); throws hearth::Error naming a
    // missing or misshapen tensor.
    void (*bind_layer)(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l);
};

const Architecture & architecture_llama();
const Architecture & architecture_qwen2();
const Architecture & architecture_qwen3();
const Architecture & architecture_qwen3moe();
const Architecture & architecture_gpt_oss();
const Architecture & architecture_gemma3();
const Architecture & architecture_qwen35();
const Architecture & architecture_qwen35moe();
// Llama-shaped variants: the llama family with flags.
const Architecture & architecture_mistral3();
const Architecture & architecture_granite();
const Architecture & architecture_smollm3();
const Architecture & architecture_exaone();
const Architecture & architecture_ernie4_5();
const Architecture & architecture_internlm2();
const Architecture & architecture_seed_oss();
const Architecture & architecture_hunyuan_dense();
const Architecture & architecture_phi3();

// nullptr when the architecture is not supported.
const Architecture * find_architecture(std::string_view name);
// The file's architecture, or hearth::Error naming the ones Hearth runs.
const Architecture & require_architecture(const GgufFile & file);

// The llama-shaped layer: attention (+ the optional biases and q/k norms the
// flags ask for) and a dense SwiGLU FFN.
void bind_llama_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l);

// Metadata helpers for the architecture files. `key` is the suffix after "<arch>.".
int32_t hparam_int(const GgufFile & file, const ModelHparams & hp, const char * key);
int32_t hparam_int(const GgufFile & file, const ModelHparams & hp, const char * key, int32_t fallback);
float hparam_float(const GgufFile & file, const ModelHparams & hp, const char * key, float fallback);

// The keys every llama-like architecture shares, with llama.cpp's defaults
// where a key is missing (no rope base: 10000; no head_count_kv: n_head).
void read_common_hparams(const GgufFile & file, ModelHparams & hp, float default_rms_eps);

// Mixture-of-experts keys: expert_count, expert_used_count,
// expert_feed_forward_length (else n_ff / n_expert_used, as llama.cpp) and
// expert_shared_feed_forward_length.
void read_moe_hparams(const GgufFile & file, ModelHparams & hp);

// `attention.sliding_window` and the layer pattern of period P: layer il is
// windowed iff il % P < P - 1 (llama.cpp's set_swa_pattern).
void read_swa_hparams(const GgufFile & file, ModelHparams & hp, int32_t period);

// Final consistency checks (positive sizes, n_head divisible by n_head_kv...).
void validate_hparams(const GgufFile & file, const ModelHparams & hp);

}  // namespace hearth
