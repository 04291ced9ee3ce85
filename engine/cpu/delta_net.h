// Gated DeltaNet (Qwen3.5's linear-attention layers): the causal convolution
// and the recurrent gated delta rule, on the CPU.
//
// Sizes: C conv channels (q | k | v: 2 K d + V d), K key heads and V value
// heads of size d, V a multiple of K; value head h reads key head h mod K.
#pragma once

#include <cstdint>

#include "model/delta_net_shape.h"

namespace hearth {

class ThreadPool;

// y[t][c] = silu(sum_j w[c * d_conv + j] * in[t - (d_conv - 1) + j][c]) over
// x [T][C], where in[] before t = 0 comes from `state` ([d_conv - 1][C], the
// oldest input first). Afterwards the state holds the last d_conv - 1 inputs.
void causal_conv1d_silu(const float * x, int32_t T, int32_t C, const float * w, int32_t d_conv, float * state,
                        float * y);

// For each token t and value head h (key head kh = h mod K), with the head's
// state S [d][d] (row i: output dim, column j: key dim):
//   S = e^{g[t][h]} S;   delta = beta[t][h] (v - S k);   S += delta k^T;   o = S q / sqrt(d)
// qkv: [T][C] with token t's q heads at [0, K d), k heads at [K d, 2 K d) (both
// L2-normalized) and v heads at [2 K d, C); o: [T][V][d]; g and beta: [T][V];
// state: [V][d][d]. Heads run in parallel; each head's tokens in order.
void gated_delta_rule(const DeltaRuleShape & s, const float * qkv, const float * g, const float * beta, int32_t T,
                      float * state, float * o, ThreadPool & pool);

// x[r] = x[r] / max(||x[r]||, eps) for each row of n (ggml_l2_norm).
void l2norm_rows(float * x, int64_t n_rows, int64_t n, float eps);

}  // namespace hearth
