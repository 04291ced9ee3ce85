// hearth::Model: a loaded GGUF model, hyper-parameters plus weights bound to
// the memory map (zero copy).
//
// Model::load validates everything a forward pass relies on before returning:
// the architecture is supported, every tensor exists with the expected shape,
// every weight type can be computed on the CPU, and the KV cache plus scratch
// for the requested context fit in available RAM. Each failure throws
// hearth::Error with a message naming the file and the tensor or key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hearth/gguf.h"

namespace hearth {

enum RopeType {
    RopeType_normal,  // rotate interleaved pairs (x[2i], x[2i+1]): llama
    RopeType_neox,    // rotate split halves (x[i], x[i + n_rot/2]): qwen2, qwen3
    // NeoX pairs whose position comes from one of four sections (t, h, w, e)
    // chosen by pair index mod 3 (Qwen3.5's interleaved M-RoPE). For text the
    // first three sections all take the token position and the fourth takes 0.
    RopeType_imrope,
};

// How a model wires its layers: one forward function per family on each
// backend (engine/runtime/cpu_forward_*.cpp, engine/cuda). Dense llama-shaped
// architectures (llama, qwen2, qwen3, mistral, ...) share the llama family.
enum ModelFamily {
    ModelFamily_llama,
    ModelFamily_qwen3moe,  // qwen3 attention + mixture of experts
    ModelFamily_gpt_oss,   // sinks, alternating sliding window, biased MoE with SwiGLU-OAI
    ModelFamily_gemma3,    // sandwich norms, GELU FFN, local/global layers
    ModelFamily_qwen35,    // gated DeltaNet + gated attention; MoE FFN when n_expert > 0
};

// How a MoE router turns its logits into expert weights.
enum ExpertGating {
    ExpertGating_softmax,           // p = softmax(all logits); top-k of p (renormalized when norm_topk)
    ExpertGating_softmax_selected,  // top-k of the raw logits, then softmax over those k (gpt-oss)
};

enum RopeScaling {
    RopeScaling_none,
    RopeScaling_linear,
    RopeScaling_yarn,
};

enum KvType {
    KvType_f16,
    KvType_q8_0,  // needs head_dim to be a multiple of 32
};

struct ModelHparams {
    std::string arch;
    int32_t n_vocab = 0;
    int32_t n_ctx_train = 0;
    int32_t n_embd = 0;
    int32_t n_layer = 0;
    int32_t n_head = 0;
    int32_t n_head_kv = 0;
    int32_t n_ff = 0;
    int32_t head_dim = 0;    // per-head size of q and k (`attention.key_length`)
    int32_t head_dim_v = 0;  // per-head size of v (`attention.value_length`)
    int32_t n_rot = 0;       // leading dimensions of each head that RoPE rotates
    float rms_eps = 1e-5f;

    RopeType rope_type = RopeType_normal;
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;  // 1 / scaling factor
    RopeScaling rope_scaling = RopeScaling_none;
    int32_t n_ctx_orig = 0;        // context the model was trained at before scaling
    float yarn_ext_factor = 0.0f;  // 1 for YaRN, 0 otherwise
    float yarn_attn_factor = 1.0f;
    float yarn_beta_fast = 32.0f;
    float yarn_beta_slow = 1.0f;

    bool has_qkv_bias = false;  // qwen2
    bool has_qk_norm = false;   // qwen3: per-head RMSNorm on q and k before RoPE

    // Variations of the llama family (see engine/model/arch_*.cpp).
    bool qk_norm_after_rope = false;   // hunyuan-dense: the q/k norms follow RoPE
    bool rope_enabled = true;          // granite: `rope.scaling.finetuned` false turns RoPE off
    int32_t n_no_rope_layer_step = 0;  // smollm3: layers with (il + 1) % step == 0 skip RoPE
    bool attn_q_prescale = false;      // phi3: q *= scale in f32 before attention, which then scales by 1
    float residual_scale = 0.0f;       // granite: each block's output times this (0: none)
    float logit_multiplier = 0.0f;     // granite: logits times this (1 / logit_scale; 0: none)
    float attn_temp_scale = 0.0f;      // mistral3: q *= 1 + scale ln(1 + floor(pos / attn_temp_floor))
    int32_t attn_temp_floor = 0;
    bool output_required = false;  // internlm2: no tied fallback

    ModelFamily family = ModelFamily_llama;

    // Mixture of experts (n_expert == 0: a dense FFN).
    int32_t n_expert = 0;
    int32_t n_expert_used = 0;
    int32_t n_ff_exp = 0;    // FFN width of one expert
    int32_t n_ff_shexp = 0;  // FFN width of the shared expert (0: none)
    ExpertGating expert_gating = ExpertGating_softmax;
    bool expert_norm_topk = true;  // renormalize the chosen weights to sum to 1

    // Sliding-window attention: a windowed layer masks keys at distance >= n_swa.
    int32_t n_swa = 0;
    std::vector<uint8_t> swa_layers;   // [n_layer]: 1 for a windowed layer (empty: none)
    float rope_freq_base_swa = 0.0f;   // the windowed layers' RoPE base (0: rope_freq_base)
    float rope_freq_scale_swa = 1.0f;  // windowed layers never take the model's rope scaling

    bool has_attn_sinks = false;              // gpt-oss: a per-head logit in every softmax denominator
    bool has_attn_out_bias = false;           // gpt-oss
    float embd_scale = 0.0f;                  // gemma: token embeddings times this (0: none)
    float attn_q_scale = 0.0f;                // q multiplier (0: 1/sqrt(head_dim))
    float final_logit_softcap = 0.0f;         // logits = c * tanh(logits / c) (0: none)
    int32_t rope_sections[4] = {0, 0, 0, 0};  // RopeType_imrope: rotary pairs per section

    // Gated DeltaNet (qwen35): which layers are recurrent (from
    // `attention.recurrent_layers`, else every layer but each
    // full_attention_interval-th), and their sizes.
    std::vector<uint8_t> recurrent_layers;  // [n_layer]: 1 for a DeltaNet layer (empty: none)
    int32_t n_layer_nextn = 0;              // multi-token-prediction layers stored after n_layer (not run)
    int32_t ssm_d_conv = 0;                 // causal conv taps
    int32_t ssm_d_state = 0;                // head size of k, v (d)
    int32_t ssm_n_k_heads = 0;              // `ssm.group_count`
    int32_t ssm_n_v_heads = 0;              // `ssm.time_step_rank`
    int32_t ssm_d_inner = 0;                // d * V heads

    int32_t n_embd_q() const { return n_head * head_dim; }
    int32_t n_embd_k() const { return n_head_kv * head_dim; }
    int32_t n_embd_v() const { return n_head_kv * head_dim_v; }
    bool is_moe() const { return n_expert > 0; }
    bool use_rope(int il) const {
        return rope_enabled && !(n_no_rope_layer_step > 0 && (il + 1) % n_no_rope_layer_step == 0);
    }
    bool is_swa(int il) const { return n_swa > 0 && size_t(il) < swa_layers.size() && swa_layers[size_t(il)] != 0; }
    bool is_recurrent(int il) const {
        return size_t(il) < recurrent_layers.size() && recurrent_layers[size_t(il)] != 0;
    }
    bool has_recurrent() const { return !recurrent_layers.empty(); }
    // Channels of a DeltaNet layer's qkv projection and conv: q | k | v.
    int32_t ssm_conv_channels() const { return 2 * ssm_n_k_heads * ssm_d_state + ssm_d_inner; }
};

// The context a model gets when none is asked for: min(trained, this). The
// chat setup, the loader and the memory planner all take it from here.
inline constexpr int32_t kDefaultContextSize = 4096;

struct LoadOptions {
    int32_t n_ctx = 0;         // 0: min(trained context, 4096); larger than the trained context is allowed
                               // (as llama.cpp does; quality may fall past it: callers warn)
    int32_t n_batch = 512;     // tokens per prefill batch (scratch is sized for it)
    int32_t n_threads = 0;     // 0: one per physical core
    int32_t n_gpu_layers = 0;  // layers for a GPU backend, -1 for all; without one every layer runs on the CPU
    // MoE models: the experts of layers [0, n_cpu_moe) stay in RAM and run on
    // the CPU even when their layer is on the GPU (llama.cpp's --n-cpu-moe);
    // -1: the memory planner chooses, moving experts before whole layers.
    int32_t n_cpu_moe = -1;
    KvType kv_type = KvType_f16;  // K and V both: the cache and its kernels hold one type
    bool mlock = false;           // lock the mapped weights in RAM (never paged out); see Model::lock_note
    // The CPU's weight matrices are copied out of the file mapping into
    // anonymous memory when they fit with room to spare (decode reads them
    // faster there: engine/runtime/resident_weights.h); false, or mlock, reads
    // them in place (zero copy, for models that barely fit in RAM).
    bool copy_weights = true;
    // Which GPU runs the offloaded layers: "" the first, a CUDA index ("1"),
    // or part of the device's name ("4090"); see select_gpu (hearth/gpu.h).
    std::string gpu_device;
    // Called with the fraction done; returning false cancels (ErrorCode_cancelled).
    std::function<bool(float)> progress;
};

struct ModelWeights;  // engine/model/weights.h

// The GGUF architectures Hearth runs, for messages: "llama, qwen2, ...".
std::string supported_architectures();

// Throws ErrorCode_unsupported ("Unsupported architecture 'x' (Hearth runs ...)")
// or ErrorCode_model (no architecture key) unless Hearth runs this file's
// architecture: the first check of every load, before the tokenizer is read.
void require_supported_architecture(const GgufFile & file);

class Model {
public:
    static std::shared_ptr<Model> load(const std::string & path, const LoadOptions & options = {});
    // For tests and tools: a model from GGUF bytes already parsed.
    static std::shared_ptr<Model> from_gguf(GgufFile file, const LoadOptions & options = {});
    ~Model();

    const ModelHparams & hparams() const { return m_hparams; }
    const LoadOptions & options() const { return m_options; }
    const GgufFile & gguf() const { return m_file; }
    const ModelWeights & weights() const { return *m_weights; }
    int32_t n_ctx() const { return m_n_ctx; }  // the context a session gets
    // With LoadOptions::mlock: "" when the weights are locked, else why not
    // (the RLIMIT_MEMLOCK figures); the model works either way.
    const std::string & lock_note() const { return m_lock_note; }
    std::string description() const;  // "llama 5L 64d Q8_0"

private:
    Model(GgufFile file, const LoadOptions & options);

    GgufFile m_file;
    LoadOptions m_options;
    ModelHparams m_hparams;
    std::unique_ptr<ModelWeights> m_weights;
    int32_t m_n_ctx = 0;
    std::string m_lock_note;
};

}  // namespace hearth
