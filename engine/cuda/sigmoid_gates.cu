// The sigmoid gates of qwen35 and qwen35moe (runtime/cpu_blocks.cpp), one
// thread per element:
//   gated attention  wq projects [q | gate] per head, and the attention
//                    output is multiplied by sigmoid(gate) before wo;
//   shared expert    its output times sigmoid(one logit per token), added
//                    to the routed experts' sum.
#include <math.h>

#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

// qg [n_rows][2 hd] -> q [n_rows][hd], gate [n_rows][hd]; element i of q.
__global__ void split_q_gate_kernel(const float * qg, float * q, float * gate, int64_t n, int64_t hd) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const int64_t row = i / hd, col = i % hd;
    q[i] = qg[row * 2 * hd + col];
    gate[i] = qg[row * 2 * hd + hd + col];
}

__global__ void sigmoid_mul_kernel(float * x, const float * gate, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    x[i] *= 1.0f / (1.0f + expf(-gate[i]));
}

// out[t][i] += y[t][i] * sigmoid(logit[t]): the CPU's acc *= g, then out += acc.
__global__ void add_sigmoid_gated_kernel(float * out, const float * y, const float * logit, int64_t total, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= total) return;
    const float g = 1.0f / (1.0f + expf(-logit[i / n]));
    out[i] += y[i] * g;
}

}  // namespace

void split_q_gate(const float * qg, float * q, float * gate, int64_t n_rows, int64_t head_dim, cudaStream_t stream) {
    const int64_t n = n_rows * head_dim;
    if (n <= 0) return;
    HEARTH_LAUNCH(split_q_gate_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, qg, q, gate, n,
                  head_dim);
}

void sigmoid_mul(float * x, const float * gate, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(sigmoid_mul_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, x, gate, n);
}

void add_sigmoid_gated(float * out, const float * y, const float * logit, int64_t n_rows, int64_t n,
                       cudaStream_t stream) {
    const int64_t total = n_rows * n;
    if (total <= 0) return;
    HEARTH_LAUNCH(add_sigmoid_gated_kernel, dim3(blocks_for(total, kThreads)), dim3(kThreads), 0, stream, out, y, logit,
                  total, n);
}

}  // namespace hearth::cuda
