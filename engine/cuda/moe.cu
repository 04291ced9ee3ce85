// Mixture-of-experts routing and combination on the device, the same float
// expressions as cpu/moe_routing.cpp and runtime/cpu_blocks.cpp's
// cpu_moe_block. n_expert is at most a few hundred and k at most 8, so one
// thread takes a whole token: no shuffles, no shared memory, and the order of
// every sum is the CPU's.
#include <math.h>

#include "cuda/kernels.h"
#include "model/moe_top_k.h"
#include "model/softmax_row.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 128;
constexpr int kMaxUsed = 32;  // k beyond any released model (8 is the most today)

// One thread per token. `p` is the token's row of scratch [n_tokens][n_expert]
// (the probabilities overwrite a copy of the logits).
__global__ void moe_route_kernel(const float * logits, float * p_all, int32_t n_tokens, int32_t n_expert, int32_t k,
                                 int gating, bool normalize, int32_t * ids, float * weights) {
    const int32_t t = int32_t(blockIdx.x) * blockDim.x + int32_t(threadIdx.x);
    if (t >= n_tokens) return;
    const float * l = logits + size_t(t) * size_t(n_expert);
    int32_t * id = ids + size_t(t) * size_t(k);
    float * w = weights + size_t(t) * size_t(k);
    if (gating == ExpertGating_softmax) {
        float * p = p_all + size_t(t) * size_t(n_expert);
        for (int32_t e = 0; e < n_expert; ++e) p[e] = l[e];
        softmax_row(p, n_expert);
        moe_top_k(p, n_expert, k, id);
        float sum = 0.0f;
        for (int32_t j = 0; j < k; ++j) sum += (w[j] = p[id[j]]);
        if (normalize)
            for (int32_t j = 0; j < k; ++j) w[j] /= fmaxf(sum, 6.103515625e-5f);
    } else {
        moe_top_k(l, n_expert, k, id);
        for (int32_t j = 0; j < k; ++j) w[j] = l[id[j]];
        softmax_row(w, k);
    }
}

// One thread per output element: the k contributions in ascending expert id,
// each added to a running sum that starts at zero (as the CPU walks experts).
__global__ void moe_combine_kernel(const float * y, const int32_t * ids, const float * weights, int32_t n_tokens,
                                   int32_t k, int64_t n, float * out) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= int64_t(n_tokens) * n) return;
    const int64_t t = i / n, c = i % n;
    const int32_t * id = ids + t * k;
    float acc = 0.0f;
    int32_t last = -1;
    for (int32_t done = 0; done < k; ++done) {
        int32_t j_min = -1;  // the slot with the smallest id above `last`
        for (int32_t j = 0; j < k; ++j)
            if (id[j] > last && (j_min < 0 || id[j] < id[j_min])) j_min = j;
        if (j_min < 0) break;
        last = id[j_min];
        acc += weights[t * k + j_min] * y[(t * k + j_min) * n + c];
    }
    out[i] = acc;
}

__global__ void add_expert_bias_kernel(float * y, const float * bias, const int32_t * ids, int64_t n_slots, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n_slots * n) return;
    y[i] += bias[int64_t(ids[i / n]) * n + i % n];
}

}  // namespace

void add_expert_bias(float * y, const float * bias, const int32_t * ids, int64_t n_slots, int64_t n,
                     cudaStream_t stream) {
    if (n_slots * n <= 0) return;
    HEARTH_LAUNCH(add_expert_bias_kernel, dim3(blocks_for(n_slots * n, kThreads)), dim3(kThreads), 0, stream, y, bias,
                  ids, n_slots, n);
}

void moe_route(const float * logits, int32_t n_tokens, int32_t n_expert, int32_t k, ExpertGating gating, bool normalize,
               int32_t * ids, float * weights, float * scratch, cudaStream_t stream) {
    if (n_tokens <= 0 || k <= 0 || k > kMaxUsed) return;
    HEARTH_LAUNCH(moe_route_kernel, dim3(blocks_for(n_tokens, kThreads)), dim3(kThreads), 0, stream, logits, scratch,
                  n_tokens, n_expert, k, int(gating), normalize, ids, weights);
}

void moe_combine(const float * y, const int32_t * ids, const float * weights, int32_t n_tokens, int32_t k, int64_t n,
                 float * out, cudaStream_t stream) {
    const int64_t total = int64_t(n_tokens) * n;
    if (total <= 0) return;
    HEARTH_LAUNCH(moe_combine_kernel, dim3(blocks_for(total, kThreads)), dim3(kThreads), 0, stream, y, ids, weights,
                  n_tokens, k, n, out);
}

}  // namespace hearth::cuda
