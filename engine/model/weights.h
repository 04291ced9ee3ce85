// Weight binding: every tensor a forward pass reads, as views into the mmap.
//
// Matrices keep their GGUF block format (WeightView, row r of [n_in, n_out] at
// data + r * row_bytes). 1-D tensors (norms, biases) are read as f32; the rare
// f16/bf16 ones are converted once into `owned` storage.
#pragma once

#include <deque>
#include <vector>

#include "cpu/matmul.h"
#include "hearth/gguf.h"
#include "hearth/model.h"

namespace hearth {

struct LayerWeights {
    const float * attn_norm = nullptr;  // [n_embd]
    WeightView wq;                      // [n_embd, n_head * head_dim]
    WeightView wk;                      // [n_embd, n_head_kv * head_dim]
    WeightView wv;                      // [n_embd, n_head_kv * head_dim_v]
    WeightView wo;                      // [n_head * head_dim_v, n_embd]
    const float * bq = nullptr;         // [n_head * head_dim]     qwen2 only
    const float * bk = nullptr;         // [n_head_kv * head_dim]  qwen2 only
    const float * bv = nullptr;         // [n_head_kv * head_dim_v] qwen2 only
    const float * q_norm = nullptr;     // [head_dim] qwen3 only
    const float * k_norm = nullptr;     // [head_dim] qwen3 only
    const float * ffn_norm = nullptr;   // [n_embd]
    WeightView ffn_gate;                // [n_embd, n_ff]
    WeightView ffn_up;                  // [n_embd, n_ff]
    WeightView ffn_down;                // [n_ff, n_embd]
};

struct ModelWeights {
    WeightView token_embd;                // [n_embd, n_vocab]; rows are dequantized on lookup
    const float * output_norm = nullptr;  // [n_embd]
    WeightView output;                    // [n_embd, n_vocab]; token_embd when tied
    std::vector<LayerWeights> layers;
    std::deque<std::vector<float>> owned;  // converted 1-D tensors (stable addresses)

    size_t max_matmul_scratch(int64_t n_tokens) const;
};

// Binds and checks every tensor; sets hp.n_vocab from token_embd. Throws
// hearth::Error naming the tensor for a missing tensor, a wrong shape or a
// type the CPU cannot compute. `progress(fraction)` returning false cancels.
void bind_weights(const GgufFile & file, ModelHparams & hp, ModelWeights & w,
                  const std::function<bool(float)> & progress);

}  // namespace hearth
