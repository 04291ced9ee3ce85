// RMSNorm: y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w, for the attention and
// FFN norms (rows of n_embd) and qwen3's per-head q/k norm (rows of head_dim).
// Short rows get one warp each; long rows one block each, reduced through
// warp shuffles and a shared array of per-warp partial sums.
#include <math.h>

#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kBlockThreads = 256;
constexpr int kWarpRowMax = 256;  // rows up to this length get a warp, not a block
constexpr int kWarpsPerBlock = 4;

__device__ __forceinline__ float warp_sum(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

// The CPU's scale expression (cpu/ops.cpp rmsnorm_rows), in float.
__device__ __forceinline__ float rms_scale(float sum_sq, int64_t n, float eps) {
    return 1.0f / sqrtf(sum_sq / float(n) + eps);
}

// One warp per row; blockDim.x = kWarp * kWarpsPerBlock. x, y: [n_rows][n].
__global__ void rmsnorm_warp_kernel(const float * x, const float * w, float * y, int64_t n_rows, int64_t n, float eps) {
    const int64_t row = int64_t(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
    const int lane = int(threadIdx.x % kWarp);
    if (row >= n_rows) return;  // the whole warp leaves together
    const float * xr = x + row * n;
    float * yr = y + row * n;
    float ss = 0.0f;
    for (int64_t i = lane; i < n; i += kWarp) ss += xr[i] * xr[i];
    const float scale = rms_scale(warp_sum(ss), n, eps);
    // Each lane rewrites only the elements it read, so y may alias x.
    for (int64_t i = lane; i < n; i += kWarp) yr[i] = xr[i] * scale * w[i];
}

// One block of kBlockThreads per row.
__global__ void rmsnorm_block_kernel(const float * x, const float * w, float * y, int64_t n, float eps) {
    HEARTH_SHARED(float, partial, kBlockThreads / kWarp);
    const float * xr = x + int64_t(blockIdx.x) * n;
    float * yr = y + int64_t(blockIdx.x) * n;
    const int lane = int(threadIdx.x % kWarp), warp = int(threadIdx.x / kWarp);
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += kBlockThreads) ss += xr[i] * xr[i];
    ss = warp_sum(ss);
    if (lane == 0) partial[warp] = ss;
    __syncthreads();
    // Every warp folds the partials itself: no second barrier, and every
    // thread passes the same sync points.
    ss = warp_sum(lane < kBlockThreads / kWarp ? partial[lane] : 0.0f);
    const float scale = rms_scale(ss, n, eps);
    for (int64_t i = threadIdx.x; i < n; i += kBlockThreads) yr[i] = xr[i] * scale * w[i];
}

}  // namespace

void rmsnorm(const float * x, const float * w, float * y, int64_t n_rows, int64_t n, float eps, cudaStream_t stream) {
    if (n_rows <= 0 || n <= 0) return;
    if (n <= kWarpRowMax) {
        HEARTH_LAUNCH(rmsnorm_warp_kernel, dim3(blocks_for(n_rows, kWarpsPerBlock)), dim3(kWarp * kWarpsPerBlock), 0,
                      stream, x, w, y, n_rows, n, eps);
    } else {
        HEARTH_LAUNCH(rmsnorm_block_kernel, dim3(unsigned(n_rows)), dim3(kBlockThreads), 0, stream, x, w, y, n, eps);
    }
}

}  // namespace hearth::cuda
