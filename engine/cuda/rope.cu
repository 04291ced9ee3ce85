// RoPE on q or k, [n_tokens][n_heads * head_dim], in place: the angle math is
// model/rope_math.h, shared with the CPU's rope_rows. The position is read in
// the kernel (StepPos), so a captured decode graph stays valid. Grid: (token, group of
// kHeadsPerBlock heads); each thread computes the cos/sin of its pairs once
// and rotates them in every head of the group. Dims past n_rot are untouched.
#include "cuda/kernels.h"
#include "model/rope_math.h"

namespace hearth::cuda {

namespace {

constexpr int kHeadsPerBlock = 4;
constexpr int kMaxThreads = 128;

__global__ void rope_kernel(RopeParams rp, float * x, int64_t n_heads, int64_t head_dim, StepPos pos) {
    const int64_t t = blockIdx.x;
    const int64_t pos0 = pos.get();
    const int64_t h0 = int64_t(blockIdx.y) * kHeadsPerBlock;
    const int64_t h1 = h0 + kHeadsPerBlock < n_heads ? h0 + kHeadsPerBlock : n_heads;
    const int64_t half = rp.n_rot / 2;
    for (int64_t pair = threadIdx.x; pair < half; pair += blockDim.x) {
        float c, s;
        rope_cos_sin(rp, pos0 + t, pair, c, s);
        int64_t a, b;
        rope_pair_index(rp, pair, a, b);
        for (int64_t h = h0; h < h1; ++h) {
            float * v = x + (t * n_heads + h) * head_dim;
            rope_rotate(v[a], v[b], c, s);
        }
    }
}

}  // namespace

void rope(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, StepPos pos0,
          cudaStream_t stream) {
    const int64_t half = rp.n_rot / 2;
    if (n_tokens <= 0 || n_heads <= 0 || half <= 0) return;
    const int threads = half >= kMaxThreads ? kMaxThreads : int((half + kWarp - 1) / kWarp * kWarp);
    HEARTH_LAUNCH(rope_kernel, dim3(unsigned(n_tokens), blocks_for(n_heads, kHeadsPerBlock)), dim3(threads), 0, stream,
                  rp, x, n_heads, head_dim, pos0);
}

}  // namespace hearth::cuda
