// GEMV units of the code-book formats IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S,
// IQ3_XXS and IQ3_S against Q8_K activations. Unit p of a super-block is its
// sub-block p (elements 32 p .. 32 p + 31) in the integer form of
// quant/blocks_iq.h: signed weights w in v[0..8) (group l of 8 elements in
// v[2 l], v[2 l + 1]), the scales of its two halves and dq = d * unit, so the
// dot is gemv_kernel.h's dot_unit2. Code-book entries come from the
// __device__ copy of quant/iq_grids.h.
#include "cuda/gemv_internal.h"
#include "cuda/gemv_kernel.h"

namespace hearth::cuda {

namespace {

// Eight grid bytes (value j in byte j of the u64) with sign bit j of s8 applied.
__device__ __forceinline__ void signed_group(uint64_t entry, uint32_t s8, int * v) {
    v[0] = signed_word(uint32_t(entry), s8 & 0xfu);
    v[1] = signed_word(uint32_t(entry >> 32), (s8 >> 4) & 0xfu);
}

// IQ1: four int8 grid values g (-1, 0, 1) to 8 g + delta by a byte permute:
// the low 2 bits of g (0, 1, 3) pick from the bytes 1, 9, -, -7 (delta = 1)
// or -1, 7, -, -9 (delta = -1).
__device__ __forceinline__ int iq1_word(uint32_t g, bool neg) {
    const uint32_t i = g & 0x03030303u;
    const uint32_t sel = (i & 0x3u) | ((i >> 4) & 0x30u) | ((i >> 8) & 0x300u) | ((i >> 12) & 0x3000u);
    return int(byte_perm(0xf9000901u, 0xf70007ffu, sel | (neg ? 0x4444u : 0u)));
}

__device__ __forceinline__ void iq1_group(uint64_t entry, bool neg, int * v) {
    v[0] = iq1_word(uint32_t(entry), neg);
    v[1] = iq1_word(uint32_t(entry >> 32), neg);
}

__device__ __forceinline__ int half_scale(uint32_t nibble) {
    return int(2 * nibble + 1);
}

__device__ void load_words(const block_iq2_xxs & b, int p, Unit2 & u) {
    const uint32_t idx = uint32_t(load_i32_a2(b.qs + 4 * p)), aux = uint32_t(load_i32_a2(b.qs + 4 * p + 2));
    const uint32_t signs = iq_even_signs4(aux);
    for (int l = 0; l < 4; ++l) signed_group(iq_grids().iq2xxs[(idx >> (8 * l)) & 0xff], signs >> (8 * l), u.v + 2 * l);
    u.sc0 = u.sc1 = half_scale(aux >> 28);
}

__device__ void load_words(const block_iq2_xs & b, int p, Unit2 & u) {
    for (int l = 0; l < 4; ++l) {
        const uint32_t q = b.qs[4 * p + l];
        signed_group(iq_grids().iq2xs[q & 511], iq_add_parity(q >> 9), u.v + 2 * l);
    }
    u.sc0 = half_scale(b.scales[p] & 0x0f);
    u.sc1 = half_scale(b.scales[p] >> 4);
}

__device__ void load_words(const block_iq2_s & b, int p, Unit2 & u) {
    const uint32_t qh = b.qh[p];
    for (int l = 0; l < 4; ++l)
        signed_group(iq_grids().iq2s[b.qs[4 * p + l] | (((qh >> (2 * l)) & 3u) << 8)], b.signs[4 * p + l], u.v + 2 * l);
    u.sc0 = half_scale(b.scales[p] & 0x0f);
    u.sc1 = half_scale(b.scales[p] >> 4);
}

// IQ3: one u32 entry (4 values) per word; word k takes sign bits 4 k .. 4 k + 3.
__device__ void load_words(const block_iq3_xxs & b, int p, Unit2 & u) {
    const uint32_t aux = uint32_t(load_i32_a2(b.scales_signs + 4 * p));
    const uint32_t signs = iq_even_signs4(aux);
    for (int k = 0; k < 8; ++k) u.v[k] = signed_word(iq_grids().iq3xxs[b.qs[8 * p + k]], (signs >> (4 * k)) & 0xfu);
    u.sc0 = u.sc1 = half_scale(aux >> 28);
}

__device__ void load_words(const block_iq3_s & b, int p, Unit2 & u) {
    const uint32_t signs = uint32_t(load_i32_a2(b.signs + 4 * p));
    const uint32_t qh = b.qh[p];
    for (int k = 0; k < 8; ++k)
        u.v[k] = signed_word(iq_grids().iq3s[b.qs[8 * p + k] | (((qh >> k) & 1u) << 8)], (signs >> (4 * k)) & 0xfu);
    u.sc0 = u.sc1 = half_scale((b.scales[p / 2] >> (4 * (p % 2))) & 0x0f);
}

__device__ void load_words(const block_iq1_s & b, int p, Unit2 & u) {
    const uint32_t qh = b.qh[p];
    for (int l = 0; l < 4; ++l)
        iq1_group(iq_grids().iq1s[b.qs[4 * p + l] | (((qh >> (3 * l)) & 7u) << 8)], (qh & 0x8000u) != 0, u.v + 2 * l);
    u.sc0 = u.sc1 = half_scale((qh >> 12) & 7u);
}

__device__ void load_words(const block_iq1_m & b, int p, Unit2 & u) {
    const uint32_t h = uint32_t(b.qh[2 * p]) | (uint32_t(b.qh[2 * p + 1]) << 8);  // nibble l: group l
    for (int l = 0; l < 4; ++l) {
        const uint32_t nib = (h >> (4 * l)) & 0xfu;
        iq1_group(iq_grids().iq1s[b.qs[4 * p + l] | ((nib & 7u) << 8)], (nib & 8u) != 0, u.v + 2 * l);
    }
    const uint32_t sc = iq1m_scale_word(b, p / 2) >> (6 * (p % 2));
    u.sc0 = half_scale(sc & 7u);
    u.sc1 = half_scale((sc >> 3) & 7u);
}

template <class B>
struct IqUnits {
    using WBlock = B;
    using ABlock = block_q8_K;
    using Unit = Unit2;
    static constexpr int kQK = QK_K, kParts = 8;
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        load_words(b, p, u);
        u.m0 = u.m1 = 0;
        u.d = iq_dq(b);
        u.dmin = 0.0f;
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) { return dot_unit2(u, a, p); }
};

}  // namespace

bool gemv_iq(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream,
             const ExpertSel * sel) {
    switch (w.type) {
        case TensorType_IQ2_XXS:
            launch_gemv_q<IqUnits<block_iq2_xxs>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ2_XS:
            launch_gemv_q<IqUnits<block_iq2_xs>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ2_S:
            launch_gemv_q<IqUnits<block_iq2_s>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ3_XXS:
            launch_gemv_q<IqUnits<block_iq3_xxs>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ3_S:
            launch_gemv_q<IqUnits<block_iq3_s>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ1_S:
            launch_gemv_q<IqUnits<block_iq1_s>>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ1_M:
            launch_gemv_q<IqUnits<block_iq1_m>>(w, xq, y, n_tokens, stream, sel);
            return true;
        default:
            return false;
    }
}

}  // namespace hearth::cuda
