// Activation quantization for the GEMVs: x [n_tokens][n_in] f32 into the
// weight type's vec_dot_type, rounding exactly as the CPU's
// quantize_activations (quant/quantize_q8_0.h holds the shared rounding).
//
// Output layout: token t's row of blocks at xq + t * act_row_bytes, rows
// unpadded, so the whole buffer is one array of blocks (block i covers
// x[i * QK .. i * QK + QK), n_in being a multiple of QK).
//   Q8_0: 8 lanes per 32-element block, 4 consecutive elements per lane.
//   Q8_K: one warp per 256-element block, 8 consecutive elements per lane;
//         lanes 2g and 2g + 1 hold bsums group g.
#include "cuda/kernels.h"
#include "quant/blocks_k.h"
#include "quant/quant.h"  // vec_dot_type: the activation format, as on the CPU
#include "quant/quantize_q8_0.h"

namespace hearth::cuda {

namespace {

constexpr int kWarpsPerBlock = 4;

__device__ __forceinline__ float warp_max(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, m));
    return v;
}

// n_blocks blocks of 32 in all tokens; thread i of the grid quantizes
// x[4i .. 4i + 3], and the 8 lanes 8k .. 8k + 7 of a warp share one block.
__global__ void quantize_q8_0_kernel(const float * x, block_q8_0 * xq, int64_t n_blocks) {
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    const bool live = i / 8 < n_blocks;
    float v[4];
    float amax = 0.0f;
    for (int j = 0; j < 4; ++j) {
        v[j] = live ? x[4 * i + j] : 0.0f;
        amax = fmaxf(amax, fabsf(v[j]));
    }
    for (int m = 1; m < 8; m <<= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, m));
    float inv;
    const float d = q8_0_scale(amax, inv);
    if (!live) return;
    block_q8_0 & b = xq[i / 8];
    const int sub = int(i % 8);
    for (int j = 0; j < 4; ++j) b.qs[4 * sub + j] = static_cast<int8_t>(round_half_even(v[j] * inv));
    if (sub == 0) b.d = f32_to_fp16(d);
}

__global__ void quantize_q8_K_kernel(const float * x, block_q8_K * xq, int64_t n_blocks) {
    const int64_t blk = int64_t(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
    const int lane = int(threadIdx.x % kWarp);
    const bool live = blk < n_blocks;
    float v[8];
    float amax = 0.0f;
    for (int j = 0; j < 8; ++j) {
        v[j] = live ? x[blk * QK_K + 8 * lane + j] : 0.0f;
        amax = fmaxf(amax, fabsf(v[j]));
    }
    float inv;
    const float d = q8_0_scale(warp_max(amax), inv);  // Q8_K keeps this d in f32
    int8_t q[8];
    int s = 0;
    for (int j = 0; j < 8; ++j) {
        const int c = round_half_even(v[j] * inv);
        q[j] = static_cast<int8_t>(c);
        s += c;
    }
    s += __shfl_xor_sync(0xffffffffu, s, 1);  // the other half of this lane's 16-element group
    if (!live) return;
    block_q8_K & b = xq[blk];
    for (int j = 0; j < 8; ++j) b.qs[8 * lane + j] = q[j];
    if (lane % 2 == 0) b.bsums[lane / 2] = static_cast<int16_t>(s);
    if (lane == 0) b.d = d;
}

}  // namespace

size_t act_quant_bytes(TensorType wtype, int64_t n_in, int64_t n_tokens) {
    const size_t rows = size_t(n_tokens > 0 ? n_tokens : 0);
    switch (vec_dot_type(wtype)) {
        case TensorType_Q8_0:
            return rows * size_t(n_in / QK32) * sizeof(block_q8_0);
        case TensorType_Q8_K:
            return rows * size_t(n_in / QK_K) * sizeof(block_q8_K);
        default:
            return 0;
    }
}

void quantize_activations(TensorType wtype, const float * x, void * xq, int64_t n_in, int64_t n_tokens,
                          cudaStream_t stream) {
    if (n_tokens <= 0 || n_in <= 0) return;
    switch (vec_dot_type(wtype)) {
        case TensorType_Q8_0: {
            const int64_t n_blocks = n_tokens * (n_in / QK32);
            if (n_blocks == 0) return;
            HEARTH_LAUNCH(quantize_q8_0_kernel, dim3(blocks_for(n_blocks * 8, kWarp * kWarpsPerBlock)),
                          dim3(kWarp * kWarpsPerBlock), 0, stream, x, static_cast<block_q8_0 *>(xq), n_blocks);
            return;
        }
        case TensorType_Q8_K: {
            const int64_t n_blocks = n_tokens * (n_in / QK_K);
            if (n_blocks == 0) return;
            HEARTH_LAUNCH(quantize_q8_K_kernel, dim3(blocks_for(n_blocks, kWarpsPerBlock)),
                          dim3(kWarp * kWarpsPerBlock), 0, stream, x, static_cast<block_q8_K *>(xq), n_blocks);
            return;
        }
        default:
            return;  // float weights read x directly
    }
}

}  // namespace hearth::cuda
