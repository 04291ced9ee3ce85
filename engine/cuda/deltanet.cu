// Gated DeltaNet (qwen35's linear-attention layers) on the device, op for op
// as cpu/delta_net.h and cpu_delta_net_block (runtime/cpu_blocks.cpp):
//   delta_net_gates    beta = sigmoid(beta), g = softplus(alpha + dt_b) * a
//   causal_conv1d_silu one thread per channel, tokens in order, the conv
//                      state [d_conv - 1][C] updated in place
//   l2norm_heads       one warp per q or k head of a token (sum in double)
//   gated_delta_rule   one warp per row of a value head's state: the row
//                      (d floats) lives in the warp's registers for the whole
//                      batch, tokens in order, so prefill and decode are the
//                      same kernel and the state is read and written once per
//                      call. Rows of the state are independent (row i only
//                      needs v[i], k and q), which is what makes this split
//                      exact: the CPU's per-row arithmetic in the same order,
//                      only the dot products summed across lanes.
#include <math.h>

#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kWarpsPerBlock = 4;
// The state row each lane holds: columns lane, lane + 32, ... of a head of at
// most kDeltaNetMaxHead (cpu/delta_net.h) columns.
constexpr int kColsPerLane = kDeltaNetMaxHead / kWarp;

__device__ __forceinline__ float warp_sum_f(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

__device__ __forceinline__ double warp_sum_d(double v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

__global__ void delta_net_gates_kernel(float * beta, float * g, const float * dt_b, const float * a, int64_t n,
                                       int32_t V) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const int64_t h = i % V;
    beta[i] = 1.0f / (1.0f + expf(-beta[i]));
    const float x = g[i] + dt_b[h];
    const float softplus = x > 20.0f ? x : log1pf(expf(x));
    g[i] = softplus * a[h];
}

// One thread per channel c: token t's output sums taps j over the sequence
// "state rows, then x" at index t + j, as the CPU does.
__global__ void conv1d_silu_kernel(const float * x, int32_t T, int32_t C, const float * w, int32_t d_conv,
                                   float * state, float * y) {
    const int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (c >= C) return;
    const int32_t n_state = d_conv - 1;
    auto input = [&](int32_t i) { return i < n_state ? state[int64_t(i) * C + c] : x[int64_t(i - n_state) * C + c]; };
    const float * wc = w + c * d_conv;
    for (int32_t t = 0; t < T; ++t) {
        float sum = 0.0f;
        for (int32_t j = 0; j < d_conv; ++j) sum += wc[j] * input(t + j);
        y[int64_t(t) * C + c] = sum / (1.0f + expf(-sum));
    }
    // Row r takes input T + r, at or after every row already rewritten.
    for (int32_t r = 0; r < n_state; ++r) state[int64_t(r) * C + c] = input(T + r);
}

// Row r = token r / n_heads, head r % n_heads, at x + token * stride + head * d.
__global__ void l2norm_heads_kernel(float * x, int64_t n_rows, int32_t n_heads, int64_t stride, int32_t d, float eps) {
    const int64_t row = int64_t(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
    const int lane = int(threadIdx.x % kWarp);
    if (row >= n_rows) return;  // the whole warp leaves together
    float * xr = x + (row / n_heads) * stride + (row % n_heads) * int64_t(d);
    double ss = 0.0;
    for (int32_t i = lane; i < d; i += kWarp) ss += double(xr[i]) * xr[i];
    const float scale = 1.0f / fmaxf(float(sqrt(warp_sum_d(ss))), eps);
    for (int32_t i = lane; i < d; i += kWarp) xr[i] *= scale;
}

// Grid (V, row groups); warp w of block (h, b) owns row i = b * kWarpsPerBlock + w
// of head h's state S [d][d] (row i: value dim, column j: key dim).
__global__ void gated_delta_rule_kernel(const float * qkv, const float * g, const float * beta, int32_t T, int32_t K,
                                        int32_t V, int32_t d, float * state, float * o) {
    const int32_t h = int32_t(blockIdx.x);
    const int32_t i = int32_t(blockIdx.y) * kWarpsPerBlock + int32_t(threadIdx.x / kWarp);
    const int lane = int(threadIdx.x % kWarp);
    if (i >= d) return;  // the whole warp leaves together
    const int64_t C = int64_t(2 * K + V) * d;
    const int32_t kh = h % K;
    const float q_scale = 1.0f / sqrtf(float(d));
    float * row = state + (int64_t(h) * d + i) * d;
    float s[kColsPerLane];
    for (int m = 0; m < kColsPerLane; ++m) {
        const int32_t j = lane + m * kWarp;
        s[m] = j < d ? row[j] : 0.0f;
    }
    for (int32_t t = 0; t < T; ++t) {
        const float * tok = qkv + int64_t(t) * C;
        const float * qt = tok + int64_t(kh) * d;
        const float * kt = tok + int64_t(K + kh) * d;
        const float vi = tok[int64_t(2 * K + h) * d + i];
        const float decay = expf(g[int64_t(t) * V + h]);
        const float b = beta[int64_t(t) * V + h];
        float sk = 0.0f;
        for (int m = 0; m < kColsPerLane; ++m) {
            const int32_t j = lane + m * kWarp;
            if (j < d) {
                s[m] *= decay;
                sk += s[m] * kt[j];
            }
        }
        const float delta = b * (vi - warp_sum_f(sk));
        float sq = 0.0f;
        for (int m = 0; m < kColsPerLane; ++m) {
            const int32_t j = lane + m * kWarp;
            if (j < d) {
                s[m] += delta * kt[j];
                sq += s[m] * qt[j];
            }
        }
        sq = warp_sum_f(sq);
        if (lane == 0) o[(int64_t(t) * V + h) * d + i] = sq * q_scale;
    }
    for (int m = 0; m < kColsPerLane; ++m) {
        const int32_t j = lane + m * kWarp;
        if (j < d) row[j] = s[m];
    }
}

}  // namespace

void delta_net_gates(float * beta, float * g, const float * dt_b, const float * a, int32_t n_tokens, int32_t V,
                     cudaStream_t stream) {
    const int64_t n = int64_t(n_tokens) * V;
    if (n <= 0) return;
    HEARTH_LAUNCH(delta_net_gates_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, beta, g, dt_b, a, n,
                  V);
}

void causal_conv1d_silu(const float * x, int32_t n_tokens, int32_t C, const float * w, int32_t d_conv, float * state,
                        float * y, cudaStream_t stream) {
    if (n_tokens <= 0 || C <= 0) return;
    HEARTH_LAUNCH(conv1d_silu_kernel, dim3(blocks_for(C, kThreads)), dim3(kThreads), 0, stream, x, n_tokens, C, w,
                  d_conv, state, y);
}

void l2norm_heads(float * x, int32_t n_tokens, int32_t n_heads, int64_t stride, int32_t d, float eps,
                  cudaStream_t stream) {
    const int64_t n_rows = int64_t(n_tokens) * n_heads;
    if (n_rows <= 0 || d <= 0) return;
    HEARTH_LAUNCH(l2norm_heads_kernel, dim3(blocks_for(n_rows, kWarpsPerBlock)), dim3(kWarp * kWarpsPerBlock), 0,
                  stream, x, n_rows, n_heads, stride, d, eps);
}

void gated_delta_rule(const DeltaRuleShape & s, const float * qkv, const float * g, const float * beta,
                      int32_t n_tokens, float * state, float * o, cudaStream_t stream) {
    if (n_tokens <= 0 || s.n_v_heads <= 0 || s.d <= 0) return;
    HEARTH_LAUNCH(gated_delta_rule_kernel, dim3(unsigned(s.n_v_heads), blocks_for(s.d, kWarpsPerBlock)),
                  dim3(kWarp * kWarpsPerBlock), 0, stream, qkv, g, beta, n_tokens, s.n_k_heads, s.n_v_heads, s.d, state,
                  o);
}

}  // namespace hearth::cuda
