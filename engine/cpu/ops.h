// Element-wise and per-row ops of the CPU forward pass (everything except the
// matmul and attention). Activations are row-major [n_tokens, n] float.
#pragma once

#include <cstdint>

#include "hearth/model.h"

namespace hearth {

// y[i] = x[i] / sqrt(mean(x^2) + eps) * w[i] over each row of n; y may alias x.
void rmsnorm_rows(const float * x, const float * w, float * y, int64_t n_rows, int64_t n, float eps);

// y[t][i] += b[i]
void add_bias_rows(float * y, const float * b, int64_t n_rows, int64_t n);

// y[i] += x[i]
void add_in_place(float * y, const float * x, int64_t n);

// gate[i] = silu(gate[i]) * up[i]
void swiglu_in_place(float * gate, const float * up, int64_t n);

// In-place softmax over n values; returns nothing, the row sums to 1.
void softmax_in_place(float * x, int64_t n);

// gate[i] = gelu_tanh(gate[i]) * up[i], with GELU rounded as llama.cpp's CPU
// backend computes it: through an f16 table, gelu(fp16(x)) stored as fp16,
// for |x| < 10 (x itself above, 0 below).
void geglu_in_place(float * gate, const float * up, int64_t n);

// gpt-oss's clamped SwiGLU: g = min(gate, limit), u = clamp(up, -limit, limit),
// gate[i] = g * sigmoid(alpha * g) * (u + 1).
void swiglu_oai_in_place(float * gate, const float * up, int64_t n, float alpha, float limit);
// gpt-oss's constants for it (llama.cpp's swiglu_oai); the CUDA backend's too.
inline constexpr float kSwigluOaiAlpha = 1.702f;
inline constexpr float kSwigluOaiLimit = 7.0f;

// x[i] *= s
void scale_in_place(float * x, int64_t n, float s);


// x = c * tanh(x / c) (logit softcapping).
void softcap_in_place(float * x, int64_t n, float c);

// Precomputed RoPE parameters for one model (frequencies, YaRN correction).
struct RopeParams {
    RopeType type = RopeType_normal;
    int32_t n_rot = 0;
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;
    float ext_factor = 0.0f;
    float attn_factor = 1.0f;
    float corr_low = 0.0f;  // YaRN ramp, in rotated-pair indices
    float corr_high = 0.0f;
    int32_t sections[4] = {0, 0, 0, 0};  // RopeType_imrope: rotary pairs per section
    // [n_rot / 2] divisors of each pair's frequency (Llama 3.1+, phi3), or
    // nullptr; host memory on the CPU, device memory on the GPU.
    const float * freq_factors = nullptr;

    // `swa`: for a sliding-window layer, which may have its own base and scale.
    static RopeParams from_hparams(const ModelHparams & hp, bool swa = false);
};

// Rotates each head of x ([n_tokens, n_heads * head_dim]) for token t at
// position pos0 + t. Only the first n_rot dims of a head are rotated.
void rope_rows(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0);

}  // namespace hearth
