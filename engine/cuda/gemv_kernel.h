// The fused dequantize-GEMV kernel shared by gemv_legacy.cu and gemv_k.cu,
// and the device helpers of its per-type "units".
//
// Layout: one warp per output row, kGemvWarps rows per CUDA block. A row of
// n_blocks GGUF blocks is cut into n_blocks * T::kParts units of 32 weights;
// lane l takes units l, l + 32, ... so a warp's loads sweep the row once,
// front to back, and neighbouring lanes read neighbouring bytes. Each unit is
// unpacked once into eight int8x4 words (`Unit::v`, element order = the
// activation block's) and dotted with __dp4a against the matching 32 codes of
// every token's quantized activation row; the lanes' float partial sums are
// then added with warp shuffles. grid.y slices the tokens, kGemvTokens each,
// so W is read once per slice (once in all for decode).
//
// Weights: row r at w + r * row_bytes. Activations (quantize_act.cu): token t's
// row of ABlock at xq + t * act_stride. y: [n_tokens][n_out].
#pragma once

#include "cuda/kernels.h"
#include "quant/blocks_k.h"

namespace hearth::cuda {

constexpr int kGemvWarps = 4;   // rows per CUDA block
constexpr int kGemvTokens = 8;  // tokens per grid.y slice when n_tokens > 1 (the backend sends up to 8)

// ---- loads and byte tricks ---------------------------------------------------

// Little-endian 32-bit word at p. The *_a2 form needs only 2-byte alignment:
// blocks of 18, 22, 34, 110 and 210 bytes leave their quants 2-byte aligned.
// The emulator checks the alignment each form needs (the host load itself
// would not fault).
__device__ __forceinline__ int load_i32_a2(const void * p) {
#if defined(__CUDA_ARCH__)
    const uint16_t * h = static_cast<const uint16_t *>(p);
    return int(uint32_t(h[0]) | (uint32_t(h[1]) << 16));
#else
    HEARTH_DEVICE_CHECK(reinterpret_cast<uintptr_t>(p) % 2 == 0, "misaligned load_i32_a2: not 2-byte aligned");
    int v;
    memcpy(&v, p, 4);
    return v;
#endif
}

__device__ __forceinline__ int load_i32_a4(const void * p) {
#if defined(__CUDA_ARCH__)
    return *static_cast<const int *>(p);
#else
    HEARTH_DEVICE_CHECK(reinterpret_cast<uintptr_t>(p) % 4 == 0, "misaligned load_i32_a4: not 4-byte aligned");
    int v;
    memcpy(&v, p, 4);
    return v;
#endif
}

// Four unsigned bytes b (b < bias + 128) to the signed bytes b - bias, without
// carries between bytes: b + 128 - bias stays in [0, 255], and xor 0x80 then
// subtracts 128 modulo 256.
__device__ __forceinline__ int sub_bytes(uint32_t v, uint32_t bias) {
    return int((v + (0x80u - bias) * 0x01010101u) ^ 0x80808080u);
}

// Bit k of the 4-bit h moved to bit 4 of byte k (the 5th bit of Q5 quants).
__device__ __forceinline__ uint32_t spread_bit4(uint32_t h) {
    return ((h & 1u) << 4) | ((h & 2u) << 11) | ((h & 4u) << 18) | ((h & 8u) << 25);
}

__device__ __forceinline__ uint32_t byte_perm(uint32_t x, uint32_t y, uint32_t s) {
#if defined(__CUDA_ARCH__)
    return __byte_perm(x, y, s);
#else
    const uint64_t v = uint64_t(x) | (uint64_t(y) << 32);
    uint32_t r = 0;
    for (int k = 0; k < 4; ++k) r |= uint32_t((v >> (8 * ((s >> (4 * k)) & 7u))) & 0xffu) << (8 * k);
    return r;
#endif
}

// kvalues_iq4nl[4 w .. 4 w + 3] as one little-endian word.
constexpr uint32_t iq4nl_word(int w) {
    return uint32_t(uint8_t(kvalues_iq4nl[4 * w])) | (uint32_t(uint8_t(kvalues_iq4nl[4 * w + 1])) << 8) |
           (uint32_t(uint8_t(kvalues_iq4nl[4 * w + 2])) << 16) | (uint32_t(uint8_t(kvalues_iq4nl[4 * w + 3])) << 24);
}

// Four IQ4 code-book lookups at once: idx holds four indices 0..15, one per
// byte. Byte permutes pick from the table's low and high 8 bytes by the low
// 3 bits; bit 3 of each index then selects between the two.
__device__ __forceinline__ int iq4_lookup4(uint32_t idx) {
    constexpr uint32_t t0 = iq4nl_word(0), t1 = iq4nl_word(1), t2 = iq4nl_word(2), t3 = iq4nl_word(3);
    const uint32_t sel = (idx & 0x7u) | ((idx >> 4) & 0x70u) | ((idx >> 8) & 0x700u) | ((idx >> 12) & 0x7000u);
    const uint32_t lo = byte_perm(t0, t1, sel), hi = byte_perm(t2, t3, sel);
    const uint32_t m = ((idx >> 3) & 0x01010101u) * 0xffu;
    return int((hi & m) | (lo & ~m));
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

// dp4a of the unit's words v[i0 .. i1) against the codes at a (Q8_0 codes are
// 2-byte aligned, Q8_K codes 4-byte aligned: A4).
template <bool A4>
__device__ __forceinline__ int dot_words(const int * v, const int8_t * a, int i0, int i1) {
    int s = 0;
    for (int i = i0; i < i1; ++i) s = __dp4a(v[i], A4 ? load_i32_a4(a + 4 * i) : load_i32_a2(a + 4 * i), s);
    return s;
}

// ---- the kernel ----------------------------------------------------------------

template <class T, int NT>
struct GemvCfg {
    using Type = T;
    static constexpr int kTokens = NT;
};

template <class Cfg>
__global__ void __launch_bounds__(kWarp * kGemvWarps)
    gemv_q_kernel(const uint8_t * w, size_t row_bytes, int64_t n_out, int n_blocks, const uint8_t * xq,
                  size_t act_stride, float * y, int64_t n_tokens) {
    using T = typename Cfg::Type;
    using WBlock = typename T::WBlock;
    using ABlock = typename T::ABlock;
    constexpr int NT = Cfg::kTokens;
    const int64_t row = int64_t(blockIdx.x) * kGemvWarps + threadIdx.x / kWarp;
    const int lane = int(threadIdx.x % kWarp);
    const int64_t t0 = int64_t(blockIdx.y) * NT;
    const int nt = n_tokens - t0 < NT ? int(n_tokens - t0) : NT;

    float sum[NT];
    for (int t = 0; t < NT; ++t) sum[t] = 0.0f;
    if (row < n_out) {
        const WBlock * wr = reinterpret_cast<const WBlock *>(w + size_t(row) * row_bytes);
        const uint8_t * x0 = xq + size_t(t0) * act_stride;
        const int n_units = n_blocks * T::kParts;
        for (int u = lane; u < n_units; u += kWarp) {
            const int b = u / T::kParts, p = u % T::kParts;
            const typename T::Unit unit = T::load(wr[b], p);
            for (int t = 0; t < NT; ++t)
                if (t < nt) sum[t] += T::dot(unit, reinterpret_cast<const ABlock *>(x0 + size_t(t) * act_stride)[b], p);
        }
    }
    for (int t = 0; t < NT; ++t) {
        const float s = warp_sum(sum[t]);
        if (lane == 0 && row < n_out && t < nt) y[size_t(t0 + t) * size_t(n_out) + size_t(row)] = s;
    }
}

// Launches gemv_q_kernel for the unit type T: one grid slice per kGemvTokens
// tokens, or a single-token kernel for decode.
template <class T>
void launch_gemv_q(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream) {
    if (w.n_out <= 0 || n_tokens <= 0) return;
    const int n_blocks = int(w.n_in / T::kQK);
    const size_t act_stride = size_t(n_blocks) * sizeof(typename T::ABlock);
    const auto * wd = static_cast<const uint8_t *>(w.data);
    const auto * xd = static_cast<const uint8_t *>(xq);
    const dim3 block(kWarp * kGemvWarps);
    if (n_tokens == 1) {
        using Cfg = GemvCfg<T, 1>;
        HEARTH_LAUNCH(gemv_q_kernel<Cfg>, dim3(blocks_for(w.n_out, kGemvWarps)), block, 0, stream, wd, w.row_bytes,
                      w.n_out, n_blocks, xd, act_stride, y, n_tokens);
    } else {
        using Cfg = GemvCfg<T, kGemvTokens>;
        const dim3 grid(blocks_for(w.n_out, kGemvWarps), blocks_for(n_tokens, kGemvTokens));
        HEARTH_LAUNCH(gemv_q_kernel<Cfg>, grid, block, 0, stream, wd, w.row_bytes, w.n_out, n_blocks, xd, act_stride,
                      y, n_tokens);
    }
}

}  // namespace hearth::cuda
