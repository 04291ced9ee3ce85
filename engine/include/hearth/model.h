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

#include "hearth/gguf.h"

namespace hearth {

enum RopeType {
    RopeType_normal,  // rotate interleaved pairs (x[2i], x[2i+1]): llama
    RopeType_neox,    // rotate split halves (x[i], x[i + n_rot/2]): qwen2, qwen3
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

    int32_t n_embd_q() const { return n_head * head_dim; }
    int32_t n_embd_k() const { return n_head_kv * head_dim; }
    int32_t n_embd_v() const { return n_head_kv * head_dim_v; }
};

struct LoadOptions {
    int32_t n_ctx = 0;         // 0: min(trained context, 4096); at most the trained context
    int32_t n_batch = 512;     // tokens per prefill batch (scratch is sized for it)
    int32_t n_threads = 0;     // 0: one per physical core
    int32_t n_gpu_layers = 0;  // layers for a GPU backend, -1 for all; without one every layer runs on the CPU
    KvType kv_type = KvType_f16;
    // Which GPU runs the offloaded layers: "" the first, a CUDA index ("1"),
    // or part of the device's name ("4090"); see select_gpu (hearth/gpu.h).
    std::string gpu_device;
    // Called with the fraction done; returning false cancels (ErrorCode_cancelled).
    std::function<bool(float)> progress;
};

struct ModelWeights;  // engine/model/weights.h

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
    std::string description() const;           // "llama 5L 64d Q8_0"

private:
    Model(GgufFile file, const LoadOptions & options);

    GgufFile m_file;
    LoadOptions m_options;
    ModelHparams m_hparams;
    std::unique_ptr<ModelWeights> m_weights;
    int32_t m_n_ctx = 0;
};

}  // namespace hearth
