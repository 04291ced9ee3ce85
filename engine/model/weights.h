// Weight binding: every tensor a forward pass reads, as views into the mmap.
//
// Matrices keep their GGUF block format (WeightView, row r of [n_in, n_out] at
// data + r * row_bytes). 1-D tensors (norms, biases) are read as f32; the rare
// f16/bf16 ones are converted once into `owned` storage. Expert tensors are
// 3-D, [n_in, n_out, n_expert]: n_expert matrices one after the other.
//
// LayerWeights holds the union of what the families read, grouped by block;
// each architecture's binder (engine/model/arch_*.cpp) fills only its own.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "hearth/gguf.h"
#include "hearth/model.h"
#include "model/weight_view.h"

namespace hearth {

// n_expert matrices [n_in, n_out] stored back to back (a GGUF tensor with
// ne = (n_in, n_out, n_expert)).
struct ExpertWeights {
    TensorType type = TensorType_F32;
    const void * data = nullptr;
    int64_t n_in = 0;
    int64_t n_out = 0;
    int64_t n_expert = 0;
    size_t expert_bytes = 0;  // one expert's matrix
    size_t stride = 0;        // bytes from one expert to the next (> expert_bytes for half of a fused tensor)

    explicit operator bool() const { return data != nullptr; }
    WeightView expert(int64_t e) const {
        return WeightView{type, static_cast<const uint8_t *>(data) + size_t(e) * stride, n_in, n_out};
    }
};

struct AttentionWeights {
    // Either one fused projection (rows q | k | v) or three.
    WeightView wqkv;                 // [n_embd, n_embd_q + n_embd_k + n_embd_v] (phi3, some converters)
    const float * bqkv = nullptr;    // [n_embd_q + n_embd_k + n_embd_v]
    WeightView wq;                   // [n_embd, n_head * head_dim] (x2 with a gate: qwen35)
    WeightView wk;                   // [n_embd, n_head_kv * head_dim]
    WeightView wv;                   // [n_embd, n_head_kv * head_dim_v]
    WeightView wo;                   // [n_head * head_dim_v, n_embd]
    const float * bq = nullptr;      // [n_head * head_dim]      qwen2, gpt-oss
    const float * bk = nullptr;      // [n_head_kv * head_dim]
    const float * bv = nullptr;      // [n_head_kv * head_dim_v]
    const float * bo = nullptr;      // [n_embd]                 gpt-oss
    const float * q_norm = nullptr;  // [head_dim] per-head RMSNorm (qwen3, gemma3, qwen35)
    const float * k_norm = nullptr;  // [head_dim]
    const float * sinks = nullptr;   // [n_head]                 gpt-oss
};

struct DenseFfnWeights {
    WeightView gate;  // [n_embd, n_ff]; absent when `up` holds both (phi3)
    WeightView up;    // [n_embd, n_ff], or fused [n_embd, 2 * n_ff] with rows gate | up
    WeightView down;  // [n_ff, n_embd]
    bool fused() const { return gate.data == nullptr && up.data != nullptr; }
};

struct MoeWeights {
    WeightView router;                 // ffn_gate_inp [n_embd, n_expert]
    const float * router_b = nullptr;  // [n_expert]            gpt-oss
    ExpertWeights gate, up, down;      // [n_embd, n_ff_exp, E], [n_embd, n_ff_exp, E], [n_ff_exp, n_embd, E]
    const float * gate_b = nullptr;    // [n_ff_exp, E]         gpt-oss
    const float * up_b = nullptr;      // [n_ff_exp, E]
    const float * down_b = nullptr;    // [n_embd, E]
    // The shared expert (qwen35moe), weighted by sigmoid(shared_router . x).
    DenseFfnWeights shared;
    WeightView shared_router;  // ffn_gate_inp_shexp [n_embd, 1]
};

// A gated DeltaNet layer (qwen35). C = 2 * K * d + V * d conv channels.
struct DeltaNetWeights {
    WeightView qkv;                // attn_qkv [n_embd, C], rows q | k | v
    WeightView gate;               // attn_gate [n_embd, V * d], the z gate
    WeightView beta;               // ssm_beta [n_embd, V]
    WeightView alpha;              // ssm_alpha [n_embd, V]
    WeightView out;                // ssm_out [V * d, n_embd]
    const float * conv = nullptr;  // ssm_conv1d [d_conv, C]: tap j of channel c at [c * d_conv + j]
    const float * dt_b = nullptr;  // ssm_dt.bias [V]
    const float * a = nullptr;     // ssm_a [V] = -exp(A_log)
    const float * norm = nullptr;  // ssm_norm [d]
};

struct LayerWeights {
    const float * attn_norm = nullptr;  // [n_embd]
    const float * post_attn_norm =
        nullptr;                       // [n_embd] gemma3: on the attention output; gpt-oss, qwen35: the FFN's pre-norm
    const float * ffn_norm = nullptr;  // [n_embd]
    const float * post_ffw_norm = nullptr;  // [n_embd] gemma3
    AttentionWeights attn;
    DeltaNetWeights ssm;
    DenseFfnWeights ffn;
    MoeWeights moe;

    // Every matrix the layer reads (for scratch sizing and descriptions), and
    // its expert tensors (bound ones only).
    std::vector<const WeightView *> matrices() const;
    std::vector<WeightView *> matrices();
    std::vector<const ExpertWeights *> experts() const;
    std::vector<ExpertWeights *> experts();
};

struct ModelWeights {
    WeightView token_embd;                // [n_embd, n_vocab]; rows are dequantized on lookup
    const float * output_norm = nullptr;  // [n_embd]
    WeightView output;                    // [n_embd, n_vocab]; token_embd when tied
    // RoPE frequency divisors [n_rot / 2] (Llama 3.1+'s rope_freqs; phi3's
    // long and short tables, chosen by the context size), or nullptr.
    const float * rope_freqs = nullptr;
    const float * rope_factors_long = nullptr;
    const float * rope_factors_short = nullptr;
    std::vector<LayerWeights> layers;
    std::deque<std::vector<float>> owned;  // converted 1-D tensors (stable addresses)

    // The frequency divisors for a context of n_ctx, or nullptr (as llama.cpp's
    // get_rope_factors: rope_freqs, else the long table when the context padded
    // to 256 exceeds the original context, else the short one).
    const float * rope_factors(const ModelHparams & hp, int32_t n_ctx) const;
};

// Looks tensors up and checks their shapes and types; the architectures'
// layer binders use it. Every failure throws hearth::Error naming the tensor.
class WeightBinder {
public:
    WeightBinder(const GgufFile & file, ModelWeights & w) : m_file(file), m_w(w) {}

    const GgufFile & file() const { return m_file; }
    const GgufTensor * find(const std::string & name, bool required) const;
    WeightView matrix(const std::string & name, int64_t n_in, int64_t n_out) const;
    // An invalid (null) view when absent.
    WeightView optional_matrix(const std::string & name, int64_t n_in, int64_t n_out) const;
    ExpertWeights experts(const std::string & name, int64_t n_in, int64_t n_out, int64_t n_expert) const;
    // Half `half` (0 or 1) of a fused tensor [n_in, 2 * n_out, n_expert]: each
    // expert's first n_out rows (gate), or the next n_out (up).
    ExpertWeights experts_half(const std::string & name, int64_t n_in, int64_t n_out, int64_t n_expert, int half) const;
    // nullptr when absent and optional. `n1` > 1 reads a 2-D tensor [n, n1] as n * n1 floats.
    const float * vector(const std::string & name, int64_t n, bool required, int64_t n1 = 1);

private:
    void check_shape(const GgufTensor & t, int64_t ne0, int64_t ne1, int64_t ne2 = 1) const;
    void check_computable(const GgufTensor & t) const;

    const GgufFile & m_file;
    ModelWeights & m_w;
};

// Binds and checks every tensor; sets hp.n_vocab from token_embd. Throws
// hearth::Error naming the tensor for a missing tensor, a wrong shape or a
// type the CPU cannot compute. `progress(fraction)` returning false cancels.
void bind_weights(const GgufFile & file, ModelHparams & hp, ModelWeights & w,
                  const std::function<bool(float)> & progress);

// The blocks the architectures share: "blk.<il>." + the tensor names.
void bind_attention(WeightBinder & b, const ModelHparams & hp, const std::string & prefix, AttentionWeights & a);
void bind_dense_ffn(WeightBinder & b, const ModelHparams & hp, const std::string & prefix, DenseFfnWeights & f);
void bind_moe(WeightBinder & b, const ModelHparams & hp, const std::string & prefix, MoeWeights & m);
void bind_delta_net(WeightBinder & b, const ModelHparams & hp, const std::string & prefix, DeltaNetWeights & d);

}  // namespace hearth
