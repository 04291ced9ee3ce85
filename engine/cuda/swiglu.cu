// The gated FFN activations, gate[i] = act(gate[i], up[i]), one thread per
// element, each the same float expression as its CPU op (cpu/ops.cpp):
//   swiglu      silu(g) * u                                   (llama, qwen)
//   geglu       gelu_tanh(g) * u, gelu through f16 as ggml's table (gemma3)
//   swiglu_oai  min(g, L) * sigmoid(a min(g, L)) * (clamp(u, -L, L) + 1)   (gpt-oss)
#include <math.h>

#include "cuda/kernels.h"
#include "quant/fp16.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void swiglu_kernel(float * gate, const float * up, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = gate[i];
    gate[i] = g / (1.0f + expf(-g)) * up[i];
}

// The CPU reads gelu from a table of every f16 input, each entry rounded to
// f16: the same two roundings here, the entry computed on the spot.
__global__ void geglu_kernel(float * gate, const float * up, int64_t n) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float x = gate[i];
    float g;
    if (x <= -10.0f) {
        g = 0.0f;
    } else if (x >= 10.0f) {
        g = x;
    } else {
        const float h = fp16_to_f32(f32_to_fp16(x));
        const float t = 0.5f * h * (1.0f + tanhf(0.7978845608028654f * h * (1.0f + 0.044715f * h * h)));
        g = fp16_to_f32(f32_to_fp16(t));
    }
    gate[i] = g * up[i];
}

__global__ void swiglu_oai_kernel(float * gate, const float * up, int64_t n, float alpha, float limit) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = fminf(gate[i], limit);
    const float u = fminf(fmaxf(up[i], -limit), limit);
    gate[i] = g / (1.0f + expf(-alpha * g)) * (u + 1.0f);
}

}  // namespace

void swiglu(float * gate, const float * up, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(swiglu_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, gate, up, n);
}

void geglu(float * gate, const float * up, int64_t n, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(geglu_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, gate, up, n);
}

void swiglu_oai(float * gate, const float * up, int64_t n, float alpha, float limit, cudaStream_t stream) {
    if (n <= 0) return;
    HEARTH_LAUNCH(swiglu_oai_kernel, dim3(blocks_for(n, kThreads)), dim3(kThreads), 0, stream, gate, up, n, alpha,
                  limit);
}

}  // namespace hearth::cuda
