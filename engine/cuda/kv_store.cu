// KV cache store: rows [pos0, pos0 + n_tokens) of one layer's K and V, from
// f32 activations, as KvCache::store writes them (runtime/kv_cache.cpp): f16
// bits (round to nearest even), or Q8_0 blocks quantized by the same
// HEARTH_HD helper the rounding of the CPU's quantize_activations matches.
// blockIdx.y selects K (0) or V (1). The position is read in the kernel
// (StepPos), so a captured decode graph stays valid.
#include "cuda/kernels.h"
#include "quant/quantize_q8_0.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

struct StoreSide {
    const float * src;  // [n_tokens][n_embd]
    uint8_t * cache;    // row 0 of the cache; the kernel adds the position
    size_t row_bytes;
    int64_t n_embd;
    __device__ uint8_t * row(StepPos pos, int64_t t) const { return cache + size_t(pos.get() + t) * row_bytes; }
};

// One thread per element.
__global__ void kv_store_f16_kernel(StoreSide k, StoreSide v, StepPos pos, int64_t n_tokens) {
    const StoreSide side = blockIdx.y == 0 ? k : v;
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n_tokens * side.n_embd) return;
    const int64_t t = i / side.n_embd, e = i % side.n_embd;
    reinterpret_cast<uint16_t *>(side.row(pos, t))[e] = f32_to_fp16(side.src[i]);
}

// One thread per 32-element block (a row holds n_embd / 32 of them).
__global__ void kv_store_q8_0_kernel(StoreSide k, StoreSide v, StepPos pos, int64_t n_tokens) {
    const StoreSide side = blockIdx.y == 0 ? k : v;
    const int64_t blocks_per_row = side.n_embd / QK32;
    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n_tokens * blocks_per_row) return;
    const int64_t t = i / blocks_per_row, b = i % blocks_per_row;
    quantize_block_q8_0(side.src + i * QK32, reinterpret_cast<block_q8_0 *>(side.row(pos, t))[b]);
}

}  // namespace

void kv_store(const DeviceKvLayer & kv, const AttentionShape & s, StepPos pos0, int32_t n_tokens, const float * k,
              const float * v, cudaStream_t stream) {
    if (n_tokens <= 0) return;
    const StoreSide ks{k, static_cast<uint8_t *>(kv.k), kv.k_row_bytes, int64_t(s.n_head_kv) * s.head_dim};
    const StoreSide vs{v, static_cast<uint8_t *>(kv.v), kv.v_row_bytes, int64_t(s.n_head_kv) * s.head_dim_v};
    const int64_t widest = ks.n_embd > vs.n_embd ? ks.n_embd : vs.n_embd;
    if (kv.type == KvType_f16) {
        HEARTH_LAUNCH(kv_store_f16_kernel, dim3(blocks_for(n_tokens * widest, kThreads), 2), dim3(kThreads), 0, stream,
                      ks, vs, pos0, int64_t(n_tokens));
    } else {
        HEARTH_LAUNCH(kv_store_q8_0_kernel, dim3(blocks_for(n_tokens * (widest / QK32), kThreads), 2), dim3(kThreads),
                      0, stream, ks, vs, pos0, int64_t(n_tokens));
    }
}

}  // namespace hearth::cuda
