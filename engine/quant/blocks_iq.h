// Block layouts of the code-book formats IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS,
// IQ2_S, IQ3_XXS, IQ3_S (256-element super-blocks, Q8_K activations) and
// MXFP4 (32-element blocks, Q8_0 activations), with their per-block kernels
// (HEARTH_HD, see blocks.h). Structs match ggml-common.h byte for byte.
//
// Every IQ super-block is 8 sub-blocks of 32 elements; sub-block ib covers
// elements 32 ib .. 32 ib + 31 and meets Q8_K codes qs[32 ib ..]. The
// kernels see each one in one integer form (IqSub):
//   x[32 ib + k] = dq * ls[k / 16] * w[k],  k = 0..31,
// with w a signed integer weight that is never 0, ls a positive integer scale
// per 16 elements and dq = d * unit, unit a power of two per format (so the
// float product is exact and the same in every kernel):
//   IQ2_*:   w = +-grid value (8, 25, 43), ls = 2 s + 1,  unit 1/8
//   IQ3_XXS: w = +-grid value (4 .. 62),   ls = 2 s + 1,  unit 1/4
//   IQ3_S:   w = +-grid value (1 .. 15),   ls = 2 s + 1,  unit 1
//   IQ1_*:   w = 8 g + delta, g in {-1, 0, 1}, delta = +-1, ls = 2 s + 1, unit 1/8
//            (ggml: x = d ls (g + delta / 8); the 8 makes the delta an integer)
// Signs: IQ2_XXS, IQ2_XS and IQ3_XXS store 7 sign bits per 8 weights; the
// 8th makes the number of negative weights even. IQ2_S and IQ3_S store all 8.
#pragma once

#include <cstdint>

#include "quant/blocks_k.h"
#include "quant/iq_grids.h"

namespace hearth {

struct block_mxfp4 {
    uint8_t e;       // E8M0 scale: x = kvalues_mxfp4[nibble] * 2^(e - 128)
    uint8_t qs[16];  // nibbles as Q4_0: element j low, j + 16 high
};
struct block_iq2_xxs {
    uint16_t d;
    uint16_t qs[32];  // per sub-block, two u32: 4 grid indices (bytes); 4 x 7 sign bits, scale in bits 28-31
};
struct block_iq2_xs {
    uint16_t d;
    uint16_t qs[32];    // per 8 elements: 9-bit grid index, 7 sign bits above it
    uint8_t scales[8];  // per sub-block: low nibble elements 0-15, high nibble 16-31
};
struct block_iq2_s {
    uint16_t d;
    uint8_t qs[32];     // per 8 elements: low 8 bits of a 10-bit grid index
    uint8_t signs[32];  // per 8 elements: 8 sign bits
    uint8_t qh[8];      // per sub-block: bits 2l, 2l + 1 = index bits 8, 9 of group l
    uint8_t scales[8];  // as IQ2_XS
};
struct block_iq3_xxs {
    uint16_t d;
    uint8_t qs[64];            // per 4 elements: grid index
    uint8_t scales_signs[32];  // per sub-block, a u32: 4 x 7 sign bits, scale in bits 28-31
};
struct block_iq3_s {
    uint16_t d;
    uint8_t qs[64];     // per 4 elements: low 8 bits of a 9-bit grid index
    uint8_t qh[8];      // per sub-block: bit k = index bit 8 of group k
    uint8_t signs[32];  // per 8 elements: 8 sign bits
    uint8_t scales[4];  // 4-bit scales, sub-block 2 i low nibble, 2 i + 1 high
};
struct block_iq1_s {
    uint16_t d;
    uint8_t qs[32];  // per 8 elements: low 8 bits of an 11-bit grid index
    uint16_t qh[8];  // per sub-block: bits 3l..3l+2 index bits 8-10 of group l;
                     // bits 12-14 scale; bit 15 set: delta = -1
};
struct block_iq1_m {
    uint8_t qs[32];     // per 8 elements: low 8 bits of an 11-bit grid index
    uint8_t qh[16];     // per 8 elements, a nibble: bits 0-2 index bits 8-10, bit 3 set: delta = -1
    uint8_t scales[8];  // 4 u16: 3-bit scales per 16 elements in bits 0-11; the f16 d in bits 12-15 of each
};

static_assert(sizeof(block_mxfp4) == 17, "MXFP4 block layout");
static_assert(sizeof(block_iq2_xxs) == 66, "IQ2_XXS block layout");
static_assert(sizeof(block_iq2_xs) == 74, "IQ2_XS block layout");
static_assert(sizeof(block_iq2_s) == 82, "IQ2_S block layout");
static_assert(sizeof(block_iq3_xxs) == 98, "IQ3_XXS block layout");
static_assert(sizeof(block_iq3_s) == 110, "IQ3_S block layout");
static_assert(sizeof(block_iq1_s) == 50, "IQ1_S block layout");
static_assert(sizeof(block_iq1_m) == 56, "IQ1_M block layout");

// The E2M1 values of MXFP4, doubled to integers (ggml's kvalues_mxfp4); the
// E8M0 scale is halved to match (e8m0_half).
inline constexpr int8_t kvalues_mxfp4[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

// 2^(e - 128) as a float, built from bits (e < 2 gives the subnormals 2^-128, 2^-127).
HEARTH_HD inline float e8m0_half(uint8_t e) {
    return f32_from_bits(e < 2 ? 0x00200000u << e : uint32_t(e - 1) << 23);
}

// ---- signs -------------------------------------------------------------------

// Four bytes of 7 sign bits each, completed with the parity bit 7 that makes
// each byte's count of set bits even.
HEARTH_HD constexpr uint32_t iq_add_parity(uint32_t b) {
    uint32_t p = b ^ (b >> 4);  // bit 0 of each byte ends as the parity of its 8 bits
    p ^= p >> 2;
    p ^= p >> 1;
    return b | ((p & 0x01010101u) << 7);
}

// Four 7-bit sign fields (bits 7 l .. 7 l + 6 of s28) to four even-parity sign bytes.
HEARTH_HD constexpr uint32_t iq_even_signs4(uint32_t s28) {
    return iq_add_parity((s28 & 0x7fu) | ((s28 << 1) & 0x7f00u) | ((s28 << 2) & 0x7f0000u) |
                         ((s28 << 3) & 0x7f000000u));
}

// ---- 8-element groups in integer form --------------------------------------
// iq_group(b, g, w) writes the signed weights of group g (elements 8 g .. 8 g + 7,
// g = 0..31; sub-block g / 4) to w[0..8) and returns the group's scale ls.

// Eight grid bytes of `entry` (value j in byte j; a u32 entry gives 4) with
// sign bit j of `signs` applied to value j, into w[0..n).
template <typename Word>
HEARTH_HD inline void iq_put_signed(Word entry, uint32_t signs, int n, int8_t * w) {
    for (int j = 0; j < n; ++j) {
        const int v = int((entry >> (8 * j)) & 0xff);
        w[j] = int8_t((signs >> j) & 1u ? -v : v);
    }
}

// IQ2_XXS, sub-block ib = g / 4: u32 words qs[4 ib], qs[4 ib + 2] (as u16 pairs).
HEARTH_HD inline int iq_group(const block_iq2_xxs & b, int g, int8_t * w) {
    const int ib = g / 4, l = g % 4;
    const uint32_t aux = uint32_t(b.qs[4 * ib + 2]) | (uint32_t(b.qs[4 * ib + 3]) << 16);
    const int idx = (b.qs[4 * ib + l / 2] >> (8 * (l % 2))) & 0xff;
    iq_put_signed(iq_grids().iq2xxs[idx], iq_add_parity((aux >> (7 * l)) & 0x7fu), 8, w);
    return int(2 * (aux >> 28) + 1);
}

HEARTH_HD inline int iq_group(const block_iq2_xs & b, int g, int8_t * w) {
    const uint32_t q = b.qs[g];
    iq_put_signed(iq_grids().iq2xs[q & 511], iq_add_parity(q >> 9), 8, w);
    return 2 * ((b.scales[g / 4] >> (4 * ((g % 4) / 2))) & 0x0f) + 1;
}

HEARTH_HD inline int iq_group(const block_iq2_s & b, int g, int8_t * w) {
    const int idx = b.qs[g] | (((b.qh[g / 4] >> (2 * (g % 4))) & 3) << 8);
    iq_put_signed(iq_grids().iq2s[idx], b.signs[g], 8, w);
    return 2 * ((b.scales[g / 4] >> (4 * ((g % 4) / 2))) & 0x0f) + 1;
}

// IQ3_XXS: sign byte l of the sub-block's u32 covers both 4-value entries of group l.
HEARTH_HD inline int iq_group(const block_iq3_xxs & b, int g, int8_t * w) {
    const uint32_t aux = load_u32_le(b.scales_signs + 4 * (g / 4));
    const uint32_t signs = iq_add_parity((aux >> (7 * (g % 4))) & 0x7fu);
    iq_put_signed(iq_grids().iq3xxs[b.qs[2 * g]], signs, 4, w);
    iq_put_signed(iq_grids().iq3xxs[b.qs[2 * g + 1]], signs >> 4, 4, w + 4);
    return int(2 * (aux >> 28) + 1);
}

// IQ3_S: index bit 8 of the 4-value entry k of sub-block ib is bit k of qh[ib].
HEARTH_HD inline int iq_group(const block_iq3_s & b, int g, int8_t * w) {
    const int ib = g / 4, k = 2 * (g % 4);
    const int qh = b.qh[ib];
    iq_put_signed(iq_grids().iq3s[b.qs[2 * g] | (((qh >> k) & 1) << 8)], b.signs[g], 4, w);
    iq_put_signed(iq_grids().iq3s[b.qs[2 * g + 1] | (((qh >> (k + 1)) & 1) << 8)], uint32_t(b.signs[g]) >> 4, 4, w + 4);
    return 2 * ((b.scales[ib / 2] >> (4 * (ib % 2))) & 0x0f) + 1;
}

// IQ1: w = 8 g + delta for the int8 grid values g.
HEARTH_HD inline void iq1_put(uint64_t entry, int delta, int8_t * w) {
    for (int j = 0; j < 8; ++j) w[j] = int8_t(8 * int8_t((entry >> (8 * j)) & 0xff) + delta);
}

HEARTH_HD inline int iq_group(const block_iq1_s & b, int g, int8_t * w) {
    const uint32_t qh = b.qh[g / 4];
    iq1_put(iq_grids().iq1s[b.qs[g] | (((qh >> (3 * (g % 4))) & 7) << 8)], qh & 0x8000u ? -1 : 1, w);
    return int(2 * ((qh >> 12) & 7) + 1);
}

HEARTH_HD inline uint32_t iq1m_scale_word(const block_iq1_m & b, int k) {
    return uint32_t(b.scales[2 * k]) | (uint32_t(b.scales[2 * k + 1]) << 8);
}

// The f16 super-block scale, spread over the top nibbles of the 4 scale words.
HEARTH_HD inline uint16_t iq1m_d(const block_iq1_m & b) {
    return uint16_t((iq1m_scale_word(b, 0) >> 12) | ((iq1m_scale_word(b, 1) >> 8) & 0x00f0u) |
                    ((iq1m_scale_word(b, 2) >> 4) & 0x0f00u) | (iq1m_scale_word(b, 3) & 0xf000u));
}

// IQ1_M: group g's nibble (bits 0-2: index bits 8-10, bit 3: delta = -1) is
// nibble g % 2 of qh[g / 2]; its 3-bit scale is field g % 4 / 2 of the
// sub-block's 6 bits at 6 (ib % 2) in scale word ib / 2.
HEARTH_HD inline int iq_group(const block_iq1_m & b, int g, int8_t * w) {
    const int ib = g / 4;
    const int h = (b.qh[g / 2] >> (4 * (g % 2))) & 0x0f;
    iq1_put(iq_grids().iq1s[b.qs[g] | ((h & 7) << 8)], h & 8 ? -1 : 1, w);
    const uint32_t sc = iq1m_scale_word(b, ib / 2) >> (6 * (ib % 2) + 3 * ((g % 4) / 2));
    return int(2 * (sc & 7) + 1);
}

// One 32-element sub-block: the weights of its four groups and the scales of
// its two halves (groups 0-1 share one, 2-3 the other).
struct IqSub {
    int8_t w[32];  // signed weights, never 0
    int ls[2];     // scales of elements 0-15 and 16-31
};

template <typename B>
HEARTH_HD inline void iq_sub(const B & b, int ib, IqSub & s) {
    for (int l = 0; l < 4; ++l) s.ls[l / 2] = iq_group(b, 4 * ib + l, s.w + 8 * l);
}

// The f16 bits of d, and the unit (see the top of this file).
template <typename B>
HEARTH_HD inline uint16_t iq_d_bits(const B & b) {
    return b.d;
}
HEARTH_HD inline uint16_t iq_d_bits(const block_iq1_m & b) {
    return iq1m_d(b);
}
HEARTH_HD inline float iq_unit(const block_iq3_xxs &) {
    return 0.25f;
}
HEARTH_HD inline float iq_unit(const block_iq3_s &) {
    return 1.0f;
}
template <typename B>
HEARTH_HD inline float iq_unit(const B &) {
    return 0.125f;
}

template <typename B>
HEARTH_HD inline float iq_dq(const B & b) {
    return fp16_to_f32(iq_d_bits(b)) * iq_unit(b);
}

// ---- dequantize one block ------------------------------------------------------

// x = (d ls) unit w: ggml's d (ls / 2) / 4 grid sign (IQ2) and the like round
// the same way, as unit is a power of two.
template <typename B>
HEARTH_HD inline void dequant_block_iq(const B & b, float * y) {
    const float dq = iq_dq(b);
    for (int ib = 0; ib < 8; ++ib) {
        IqSub s;
        iq_sub(b, ib, s);
        for (int k = 0; k < 32; ++k) y[32 * ib + k] = dq * float(s.ls[k / 16]) * float(s.w[k]);
    }
}

HEARTH_HD inline void dequant_block_mxfp4(const block_mxfp4 & b, float * y) {
    const float d = e8m0_half(b.e);
    for (int j = 0; j < 16; ++j) {
        y[j] = float(kvalues_mxfp4[b.qs[j] & 0x0f]) * d;
        y[j + 16] = float(kvalues_mxfp4[b.qs[j] >> 4]) * d;
    }
}

// ---- dot one block against its activation block --------------------------------

// a.d dq sum_ib sum_h ls_h (w . a over the half), the sums exact in int.
template <typename B>
HEARTH_HD inline float dot_block_iq_q8_K(const B & b, const block_q8_K & a) {
    int sum = 0;
    for (int ib = 0; ib < 8; ++ib) {
        IqSub s;
        iq_sub(b, ib, s);
        for (int h = 0; h < 2; ++h) {
            int acc = 0;
            for (int k = 16 * h; k < 16 * h + 16; ++k) acc += s.w[k] * a.qs[32 * ib + k];
            sum += s.ls[h] * acc;
        }
    }
    return a.d * iq_dq(b) * float(sum);
}

HEARTH_HD inline float dot_block_mxfp4_q8_0(const block_mxfp4 & b, const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 16; ++j) {
        s += kvalues_mxfp4[b.qs[j] & 0x0f] * a.qs[j];
        s += kvalues_mxfp4[b.qs[j] >> 4] * a.qs[j + 16];
    }
    return fp16_to_f32(a.d) * e8m0_half(b.e) * float(s);
}

}  // namespace hearth
