// Element-wise and per-row ops of the CPU forward pass (everything except the
// matmul and attention). Activations are row-major [n_tokens, n] float.
#pragma once

#include <cstdint>

#include "hearth/model.h"
#include "model/ffn_activation.h"
#include "model/rope_params.h"

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
// gpt-oss's alpha and limit: model/ffn_activation.h.

// x[i] *= s
void scale_in_place(float * x, int64_t n, float s);

// x = c * tanh(x / c) (logit softcapping).
void softcap_in_place(float * x, int64_t n, float c);

// Rotates each head of x ([n_tokens, n_heads * head_dim]) for token t at
// position pos0 + t. Only the first n_rot dims of a head are rotated.
void rope_rows(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0);

}  // namespace hearth
