// Residual add and bias add: y += x, y[t] += b. One thread per element.
#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void add_kernel(float * y, const float * x, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) y[i] += x[i];
}

// y: [n_rows][n], b: [n]
__global__ void add_bias_kernel(float * y, const float * b, int64_t n_rows, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n_rows * n) y[i] += b[i % n];
}

}  // namespace

void add(float * y, const float * x, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(add_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, y, x, n);
}

void add_bias(float * y, const float * b, int64_t n_rows, int64_t n, cudaStream_t stream) {
    if (n_rows <= 0 || n <= 0) return;
    HEARTH_LAUNCH(add_bias_kernel, dim3(blocks_for(n_rows * n, kThreads)), dim3(kThreads), 0, stream, y, b, n_rows, n);
}

}  // namespace hearth::cuda
