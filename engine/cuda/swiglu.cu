// SwiGLU: gate[i] = silu(gate[i]) * up[i], one thread per element, the same
// float expression as the CPU's swiglu_in_place.
#include <math.h>

#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void swiglu_kernel(float * gate, const float * up, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = gate[i];
    gate[i] = g / (1.0f + expf(-g)) * up[i];
}

}  // namespace

void swiglu(float * gate, const float * up, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(swiglu_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, gate, up, n);
}

}  // namespace hearth::cuda
