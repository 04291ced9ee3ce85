// Block layouts of the 256-element formats (K-quants, IQ4_XS) and the Q8_K
// activation format, with their per-block kernels (HEARTH_HD, see blocks.h).
//
// A super-block of 256 elements is split into sub-blocks that each carry a
// small integer scale (and for Q2_K/Q4_K/Q5_K a min), multiplied by the f16
// super-block scales d and dmin. Dots against Q8_K compute integer sums per
// sub-block; the mins use Q8_K's bsums (sums of 16 activations) so that
// sum((d sc q - dmin m) a) = d sum(sc sum(q a)) - dmin sum(m sum(a)).
#pragma once

#include <cstdint>

#include "quant/blocks.h"

namespace hearth {

struct block_q8_K {
    float d;  // activation scale: x = d * q
    int8_t qs[256];
    int16_t bsums[16];  // bsums[i] = sum of qs[16 i .. 16 i + 15]
};
struct block_q2_K {
    uint8_t scales[16];  // per 16 elements: low nibble scale, high nibble min
    uint8_t qs[64];      // 2-bit quants: qs[32 h + l] bits 2s..2s+1 = element 128 h + 32 s + l
    uint16_t d, dmin;
};
struct block_q3_K {
    uint8_t hmask[32];   // bit s of hmask[l] (s = 0..7) is the 3rd bit of element 32 s + l
    uint8_t qs[64];      // low 2 bits, laid out as Q2_K
    uint8_t scales[12];  // 16 6-bit scales, stored biased by 32
    uint16_t d;
};
struct block_q4_K {
    uint16_t d, dmin;
    uint8_t scales[12];  // 8 6-bit scales and 8 6-bit mins, one pair per 32 elements
    uint8_t qs[128];     // element 64 g + l: low nibble of qs[32 g + l]; 64 g + 32 + l: high nibble
};
struct block_q5_K {
    uint16_t d, dmin;
    uint8_t scales[12];  // as Q4_K
    uint8_t qh[32];      // bit s of qh[l] is the 5th bit of element 32 s + l
    uint8_t qs[128];     // as Q4_K
};
struct block_q6_K {
    uint8_t ql[128];    // low 4 bits
    uint8_t qh[64];     // high 2 bits
    int8_t scales[16];  // per 16 elements
    uint16_t d;
};
struct block_iq4_xs {
    uint16_t d;
    uint16_t scales_h;    // high 2 bits of the 8 6-bit sub-block scales
    uint8_t scales_l[4];  // low 4 bits, two per byte
    uint8_t qs[128];      // per 32-element sub-block: 16 bytes laid out as IQ4_NL
};

static_assert(sizeof(block_q8_K) == 292, "Q8_K block layout");
static_assert(sizeof(block_q2_K) == 84, "Q2_K block layout");
static_assert(sizeof(block_q3_K) == 110, "Q3_K block layout");
static_assert(sizeof(block_q4_K) == 144, "Q4_K block layout");
static_assert(sizeof(block_q5_K) == 176, "Q5_K block layout");
static_assert(sizeof(block_q6_K) == 210, "Q6_K block layout");
static_assert(sizeof(block_iq4_xs) == 136, "IQ4_XS block layout");

// ---- scale unpacking --------------------------------------------------------

// Q4_K/Q5_K: 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes.
HEARTH_HD inline void q4k_scale_min(int j, const uint8_t * s, int & sc, int & m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4);
        m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// Q3_K: signed scale of sub-block i (0..15): low 4 bits in bytes 0..7, high 2 in bytes 8..11.
HEARTH_HD inline int q3k_scale(int i, const uint8_t * s) {
    const int lo = i < 8 ? (s[i] & 0x0f) : (s[i - 8] >> 4);
    const int hi = (s[8 + (i & 3)] >> (2 * (i >> 2))) & 3;
    return (lo | (hi << 4)) - 32;
}

HEARTH_HD inline int iq4xs_scale(int ib, const block_iq4_xs & b) {
    const int lo = (b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0x0f;
    const int hi = (b.scales_h >> (2 * ib)) & 3;
    return (lo | (hi << 4)) - 32;
}

// ---- quant values by element index (k = 0..255) -------------------------------

HEARTH_HD inline int q2k_q(const block_q2_K & b, int k) {
    return (b.qs[32 * (k / 128) + k % 32] >> (2 * ((k % 128) / 32))) & 3;
}
HEARTH_HD inline int q3k_q(const block_q3_K & b, int k) {
    const int lo = (b.qs[32 * (k / 128) + k % 32] >> (2 * ((k % 128) / 32))) & 3;
    const int hi = (b.hmask[k % 32] >> (k / 32)) & 1;
    return lo - (hi ? 0 : 4);
}
HEARTH_HD inline int q4k_q(const uint8_t * qs, int k) {
    const uint8_t v = qs[32 * (k / 64) + k % 32];
    return (k % 64) < 32 ? (v & 0x0f) : (v >> 4);
}
HEARTH_HD inline int q5k_q(const block_q5_K & b, int k) {
    return q4k_q(b.qs, k) | (((b.qh[k % 32] >> (k / 32)) & 1) << 4);
}
// Q6_K: within each half of 128, l = k % 32 and quarter s = (k % 128) / 32:
// low nibble from ql[64 h + l + 32 (s & 1)] (s < 2: low nibble, else high),
// high bits from qh[32 h + l] bits 2s..2s+1.
HEARTH_HD inline int q6k_q(const block_q6_K & b, int k) {
    const int h = k / 128, s = (k % 128) / 32, l = k % 32;
    const uint8_t lb = b.ql[64 * h + l + 32 * (s & 1)];
    const int lo = s < 2 ? (lb & 0x0f) : (lb >> 4);
    const int hi = (b.qh[32 * h + l] >> (2 * s)) & 3;
    return (lo | (hi << 4)) - 32;
}
HEARTH_HD inline int iq4xs_q(const block_iq4_xs & b, int k) {
    const uint8_t v = b.qs[16 * (k / 32) + k % 16];
    return kvalues_iq4nl[(k % 32) < 16 ? (v & 0x0f) : (v >> 4)];
}

// ---- dequantize one super-block (256 floats) --------------------------------

HEARTH_HD inline void dequant_block_q2_K(const block_q2_K & b, float * y) {
    const float d = fp16_to_f32(b.d), dmin = fp16_to_f32(b.dmin);
    for (int k = 0; k < 256; ++k) {
        const uint8_t sc = b.scales[k / 16];
        y[k] = d * static_cast<float>(sc & 0x0f) * static_cast<float>(q2k_q(b, k)) - dmin * static_cast<float>(sc >> 4);
    }
}

HEARTH_HD inline void dequant_block_q3_K(const block_q3_K & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int k = 0; k < 256; ++k) y[k] = d * static_cast<float>(q3k_scale(k / 16, b.scales) * q3k_q(b, k));
}

HEARTH_HD inline void dequant_block_q4_K(const block_q4_K & b, float * y) {
    const float d = fp16_to_f32(b.d), dmin = fp16_to_f32(b.dmin);
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        q4k_scale_min(j, b.scales, sc, m);
        const float ds = d * static_cast<float>(sc), dm = dmin * static_cast<float>(m);
        for (int l = 0; l < 32; ++l) y[32 * j + l] = ds * static_cast<float>(q4k_q(b.qs, 32 * j + l)) - dm;
    }
}

HEARTH_HD inline void dequant_block_q5_K(const block_q5_K & b, float * y) {
    const float d = fp16_to_f32(b.d), dmin = fp16_to_f32(b.dmin);
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        q4k_scale_min(j, b.scales, sc, m);
        const float ds = d * static_cast<float>(sc), dm = dmin * static_cast<float>(m);
        for (int l = 0; l < 32; ++l) y[32 * j + l] = ds * static_cast<float>(q5k_q(b, 32 * j + l)) - dm;
    }
}

HEARTH_HD inline void dequant_block_q6_K(const block_q6_K & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int k = 0; k < 256; ++k) y[k] = d * static_cast<float>(b.scales[k / 16] * q6k_q(b, k));
}

HEARTH_HD inline void dequant_block_iq4_xs(const block_iq4_xs & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int k = 0; k < 256; ++k) y[k] = d * static_cast<float>(iq4xs_scale(k / 32, b) * iq4xs_q(b, k));
}

// ---- dot one super-block against one Q8_K block -----------------------------
// Loops follow the storage order (fixed plane / shift per inner loop) so that
// compilers vectorise them; element k of the block is noted in each loop.

HEARTH_HD inline float dot_block_q2_K_q8_K(const block_q2_K & b, const block_q8_K & a) {
    int sum_q = 0, sum_m = 0;
    for (int h = 0; h < 2; ++h)
        for (int p = 0; p < 4; ++p)
            for (int g = 0; g < 2; ++g) {
                const int i = 8 * h + 2 * p + g;  // 16-element group: k = 128 h + 32 p + 16 g + l
                int s = 0;
                for (int l = 16 * g; l < 16 * g + 16; ++l)
                    s += ((b.qs[32 * h + l] >> (2 * p)) & 3) * a.qs[128 * h + 32 * p + l];
                sum_q += (b.scales[i] & 0x0f) * s;
                sum_m += (b.scales[i] >> 4) * a.bsums[i];
            }
    return a.d * (fp16_to_f32(b.d) * static_cast<float>(sum_q) - fp16_to_f32(b.dmin) * static_cast<float>(sum_m));
}

HEARTH_HD inline float dot_block_q3_K_q8_K(const block_q3_K & b, const block_q8_K & a) {
    int sum = 0;
    for (int h = 0; h < 2; ++h)
        for (int p = 0; p < 4; ++p)
            for (int g = 0; g < 2; ++g) {
                int s = 0;  // k = 128 h + 32 p + l; the high bit of k is bit k / 32 = 4 h + p of hmask[l]
                for (int l = 16 * g; l < 16 * g + 16; ++l) {
                    const int q = ((b.qs[32 * h + l] >> (2 * p)) & 3) - (((b.hmask[l] >> (4 * h + p)) & 1) ? 0 : 4);
                    s += q * a.qs[128 * h + 32 * p + l];
                }
                sum += q3k_scale(8 * h + 2 * p + g, b.scales) * s;
            }
    return a.d * fp16_to_f32(b.d) * static_cast<float>(sum);
}

HEARTH_HD inline float dot_block_q4_K_q8_K(const block_q4_K & b, const block_q8_K & a) {
    int sum_q = 0, sum_m = 0;
    for (int g = 0; g < 4; ++g) {
        int sc0, m0, sc1, m1, s0 = 0, s1 = 0;
        q4k_scale_min(2 * g, b.scales, sc0, m0);
        q4k_scale_min(2 * g + 1, b.scales, sc1, m1);
        for (int l = 0; l < 32; ++l) {  // k = 64 g + l (low nibble) and 64 g + 32 + l (high)
            s0 += (b.qs[32 * g + l] & 0x0f) * a.qs[64 * g + l];
            s1 += (b.qs[32 * g + l] >> 4) * a.qs[64 * g + 32 + l];
        }
        sum_q += sc0 * s0 + sc1 * s1;
        sum_m += m0 * (a.bsums[4 * g] + a.bsums[4 * g + 1]) + m1 * (a.bsums[4 * g + 2] + a.bsums[4 * g + 3]);
    }
    return a.d * (fp16_to_f32(b.d) * static_cast<float>(sum_q) - fp16_to_f32(b.dmin) * static_cast<float>(sum_m));
}

HEARTH_HD inline float dot_block_q5_K_q8_K(const block_q5_K & b, const block_q8_K & a) {
    int sum_q = 0, sum_m = 0;
    for (int g = 0; g < 4; ++g) {
        int sc0, m0, sc1, m1, s0 = 0, s1 = 0;
        q4k_scale_min(2 * g, b.scales, sc0, m0);
        q4k_scale_min(2 * g + 1, b.scales, sc1, m1);
        for (int l = 0; l < 32; ++l) {  // as Q4_K; the 5th bit of k is bit k / 32 of qh[l]
            s0 += ((b.qs[32 * g + l] & 0x0f) | (((b.qh[l] >> (2 * g)) & 1) << 4)) * a.qs[64 * g + l];
            s1 += ((b.qs[32 * g + l] >> 4) | (((b.qh[l] >> (2 * g + 1)) & 1) << 4)) * a.qs[64 * g + 32 + l];
        }
        sum_q += sc0 * s0 + sc1 * s1;
        sum_m += m0 * (a.bsums[4 * g] + a.bsums[4 * g + 1]) + m1 * (a.bsums[4 * g + 2] + a.bsums[4 * g + 3]);
    }
    return a.d * (fp16_to_f32(b.d) * static_cast<float>(sum_q) - fp16_to_f32(b.dmin) * static_cast<float>(sum_m));
}

HEARTH_HD inline float dot_block_q6_K_q8_K(const block_q6_K & b, const block_q8_K & a) {
    int sum = 0;
    for (int h = 0; h < 2; ++h)
        for (int s = 0; s < 4; ++s)
            for (int g = 0; g < 2; ++g) {
                int acc = 0;  // k = 128 h + 32 s + l, laid out as in q6k_q
                for (int l = 16 * g; l < 16 * g + 16; ++l) {
                    const uint8_t lb = b.ql[64 * h + l + 32 * (s & 1)];
                    const int lo = s < 2 ? (lb & 0x0f) : (lb >> 4);
                    const int q = (lo | (((b.qh[32 * h + l] >> (2 * s)) & 3) << 4)) - 32;
                    acc += q * a.qs[128 * h + 32 * s + l];
                }
                sum += b.scales[8 * h + 2 * s + g] * acc;
            }
    return a.d * fp16_to_f32(b.d) * static_cast<float>(sum);
}

HEARTH_HD inline float dot_block_iq4_xs_q8_K(const block_iq4_xs & b, const block_q8_K & a) {
    int sum = 0;
    for (int ib = 0; ib < 8; ++ib) {
        int s = 0;
        for (int l = 0; l < 16; ++l) {  // k = 32 ib + l (low nibble) and 32 ib + 16 + l (high)
            s += kvalues_iq4nl[b.qs[16 * ib + l] & 0x0f] * a.qs[32 * ib + l];
            s += kvalues_iq4nl[b.qs[16 * ib + l] >> 4] * a.qs[32 * ib + 16 + l];
        }
        sum += iq4xs_scale(ib, b) * s;
    }
    return a.d * fp16_to_f32(b.d) * static_cast<float>(sum);
}

}  // namespace hearth
