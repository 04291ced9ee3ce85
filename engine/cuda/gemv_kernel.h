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
#include "quant/blocks_iq.h"

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

// table[4 w .. 4 w + 3] of a 16-entry code book as one little-endian word
// (evaluated at compile time: device code cannot read the host table).
constexpr uint32_t table_word(const int8_t * table, int w) {
    return uint32_t(uint8_t(table[4 * w])) | (uint32_t(uint8_t(table[4 * w + 1])) << 8) |
           (uint32_t(uint8_t(table[4 * w + 2])) << 16) | (uint32_t(uint8_t(table[4 * w + 3])) << 24);
}

// Four lookups at once in the 16-byte code book t0..t3: idx holds four
// indices 0..15, one per byte. Byte permutes pick from the table's low and
// high 8 bytes by the low 3 bits; bit 3 of each index then selects between the two.
__device__ __forceinline__ int lookup16x4(uint32_t t0, uint32_t t1, uint32_t t2, uint32_t t3, uint32_t idx) {
    const uint32_t sel = (idx & 0x7u) | ((idx >> 4) & 0x70u) | ((idx >> 8) & 0x700u) | ((idx >> 12) & 0x7000u);
    const uint32_t lo = byte_perm(t0, t1, sel), hi = byte_perm(t2, t3, sel);
    const uint32_t m = ((idx >> 3) & 0x01010101u) * 0xffu;
    return int((hi & m) | (lo & ~m));
}

__device__ __forceinline__ int iq4_lookup4(uint32_t idx) {
    constexpr uint32_t t0 = table_word(kvalues_iq4nl, 0), t1 = table_word(kvalues_iq4nl, 1);
    constexpr uint32_t t2 = table_word(kvalues_iq4nl, 2), t3 = table_word(kvalues_iq4nl, 3);
    return lookup16x4(t0, t1, t2, t3, idx);
}

__device__ __forceinline__ int mxfp4_lookup4(uint32_t idx) {
    constexpr uint32_t t0 = table_word(kvalues_mxfp4, 0), t1 = table_word(kvalues_mxfp4, 1);
    constexpr uint32_t t2 = table_word(kvalues_mxfp4, 2), t3 = table_word(kvalues_mxfp4, 3);
    return lookup16x4(t0, t1, t2, t3, idx);
}

// Words i and 4 + i of a 16-byte nibble block (element j in the low nibble of
// byte j, j + 16 in the high one; `quad` = bytes 4 i .. 4 i + 3) through a
// 16-entry code book: IQ4's, or MXFP4's.
template <bool Mxfp4>
__device__ __forceinline__ void nibble_code_words(uint32_t quad, int i, int * v) {
    const uint32_t lo = quad & 0x0f0f0f0fu, hi = (quad >> 4) & 0x0f0f0f0fu;
    v[i] = Mxfp4 ? mxfp4_lookup4(lo) : iq4_lookup4(lo);
    v[4 + i] = Mxfp4 ? mxfp4_lookup4(hi) : iq4_lookup4(hi);
}

// Four unsigned bytes g (1 <= g <= 127) with byte j negated where bit j of the
// nibble s is set: (g ^ 0xff) + 1 never carries out of a byte for g >= 1.
__device__ __forceinline__ int signed_word(uint32_t g, uint32_t s) {
    const uint32_t neg = ((s * 0x00204081u) & 0x01010101u);  // bit j to bit 8 j
    return int((g ^ (neg * 0xffu)) + neg);
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

// A unit of 32 elements of a 256-element format with two integer scales (and
// for Q2_K two mins), elements 0-15 and 16-31, times float d (and dmin).
struct Unit2 {
    int v[8];
    int sc0, sc1, m0, m1;
    float d, dmin;
};

// Unit p of a super-block against the Q8_K codes qs[32 p ..]:
// a.d d (sc0 sum(q a) over the first 16 + sc1 over the last 16).
__device__ __forceinline__ float dot_unit2(const Unit2 & u, const block_q8_K & a, int p) {
    const int8_t * q = a.qs + 32 * p;
    const int s = u.sc0 * dot_words<true>(u.v, q, 0, 4) + u.sc1 * dot_words<true>(u.v, q, 4, 8);
    return a.d * u.d * float(s);
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
