// Block layouts of the 32-element GGUF formats and their per-block kernels.
//
// Every struct matches ggml's on-disk layout byte for byte (see ggml-common.h;
// sizes are static_asserted). Scales are raw f16 bit patterns. Nibble formats
// put element j in the low nibble of qs[j] and element j + 16 in the high one.
//
// The per-block helpers are HEARTH_HD so the CUDA backend can compile them:
//   dequant_block_X(block, y)        writes 32 floats
//   dot_block_X_q8_0(block, act)     the dot product against one Q8_0 block,
//                                    integer multiply-adds then one float scale
// The K-quant formats (256 elements) are in blocks_k.h.
#pragma once

#include <cstdint>

#include "quant/fp16.h"

namespace hearth {

constexpr int QK32 = 32;   // elements per block of the legacy formats and IQ4_NL
constexpr int QK_K = 256;  // elements per super-block of the K formats and IQ4_XS

struct block_q4_0 {
    uint16_t d;      // f16 scale
    uint8_t qs[16];  // x = d * (nibble - 8)
};
struct block_q4_1 {
    uint16_t d, m;   // f16 scale and min
    uint8_t qs[16];  // x = d * nibble + m
};
struct block_q5_0 {
    uint16_t d;
    uint8_t qh[4];   // bit j of the little-endian u32 = 5th bit of element j
    uint8_t qs[16];  // x = d * (q5 - 16)
};
struct block_q5_1 {
    uint16_t d, m;
    uint8_t qh[4];
    uint8_t qs[16];  // x = d * q5 + m
};
struct block_q8_0 {
    uint16_t d;
    int8_t qs[32];  // x = d * q
};
struct block_iq4_nl {
    uint16_t d;
    uint8_t qs[16];  // x = d * kvalues_iq4nl[nibble]
};

static_assert(sizeof(block_q4_0) == 18, "Q4_0 block layout");
static_assert(sizeof(block_q4_1) == 20, "Q4_1 block layout");
static_assert(sizeof(block_q5_0) == 22, "Q5_0 block layout");
static_assert(sizeof(block_q5_1) == 24, "Q5_1 block layout");
static_assert(sizeof(block_q8_0) == 34, "Q8_0 block layout");
static_assert(sizeof(block_iq4_nl) == 18, "IQ4_NL block layout");

// The non-linear 4-bit code book shared by IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl).
// (Device code indexing it at run time needs --expt-relaxed-constexpr, which
// hearth_cuda sets, or a __constant__ copy.)
inline constexpr int8_t kvalues_iq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

HEARTH_HD inline uint32_t load_u32_le(const uint8_t * p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
           (static_cast<uint32_t>(p[3]) << 24);
}

// ---- dequantize one block (32 floats) --------------------------------------

HEARTH_HD inline void dequant_block_q4_0(const block_q4_0 & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * static_cast<float>((b.qs[j] & 0x0f) - 8);
        y[j + 16] = d * static_cast<float>((b.qs[j] >> 4) - 8);
    }
}

HEARTH_HD inline void dequant_block_q4_1(const block_q4_1 & b, float * y) {
    const float d = fp16_to_f32(b.d), m = fp16_to_f32(b.m);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * static_cast<float>(b.qs[j] & 0x0f) + m;
        y[j + 16] = d * static_cast<float>(b.qs[j] >> 4) + m;
    }
}

HEARTH_HD inline int q5_value(const uint8_t * qs, uint32_t qh, int j) {
    const int lo = j < 16 ? (qs[j] & 0x0f) : (qs[j - 16] >> 4);
    return lo | static_cast<int>(((qh >> j) & 1u) << 4);
}

HEARTH_HD inline void dequant_block_q5_0(const block_q5_0 & b, float * y) {
    const float d = fp16_to_f32(b.d);
    const uint32_t qh = load_u32_le(b.qh);
    for (int j = 0; j < 32; ++j) y[j] = d * static_cast<float>(q5_value(b.qs, qh, j) - 16);
}

HEARTH_HD inline void dequant_block_q5_1(const block_q5_1 & b, float * y) {
    const float d = fp16_to_f32(b.d), m = fp16_to_f32(b.m);
    const uint32_t qh = load_u32_le(b.qh);
    for (int j = 0; j < 32; ++j) y[j] = d * static_cast<float>(q5_value(b.qs, qh, j)) + m;
}

HEARTH_HD inline void dequant_block_q8_0(const block_q8_0 & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int j = 0; j < 32; ++j) y[j] = d * static_cast<float>(b.qs[j]);
}

HEARTH_HD inline void dequant_block_iq4_nl(const block_iq4_nl & b, float * y) {
    const float d = fp16_to_f32(b.d);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * static_cast<float>(kvalues_iq4nl[b.qs[j] & 0x0f]);
        y[j + 16] = d * static_cast<float>(kvalues_iq4nl[b.qs[j] >> 4]);
    }
}

// ---- dot one block against one Q8_0 activation block -----------------------

HEARTH_HD inline int q8_sum(const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 32; ++j) s += a.qs[j];
    return s;
}

HEARTH_HD inline float dot_block_q4_0_q8_0(const block_q4_0 & b, const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 16; ++j) {
        s += ((b.qs[j] & 0x0f) - 8) * a.qs[j];
        s += ((b.qs[j] >> 4) - 8) * a.qs[j + 16];
    }
    return fp16_to_f32(b.d) * fp16_to_f32(a.d) * static_cast<float>(s);
}

// sum((d q + m) da qa) = d da sum(q qa) + m da sum(qa)
HEARTH_HD inline float dot_block_q4_1_q8_0(const block_q4_1 & b, const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 16; ++j) s += (b.qs[j] & 0x0f) * a.qs[j] + (b.qs[j] >> 4) * a.qs[j + 16];
    const float da = fp16_to_f32(a.d);
    return fp16_to_f32(b.d) * da * static_cast<float>(s) + fp16_to_f32(b.m) * da * static_cast<float>(q8_sum(a));
}

HEARTH_HD inline float dot_block_q5_0_q8_0(const block_q5_0 & b, const block_q8_0 & a) {
    const uint32_t qh = load_u32_le(b.qh);
    int s = 0;
    for (int j = 0; j < 32; ++j) s += (q5_value(b.qs, qh, j) - 16) * a.qs[j];
    return fp16_to_f32(b.d) * fp16_to_f32(a.d) * static_cast<float>(s);
}

HEARTH_HD inline float dot_block_q5_1_q8_0(const block_q5_1 & b, const block_q8_0 & a) {
    const uint32_t qh = load_u32_le(b.qh);
    int s = 0;
    for (int j = 0; j < 32; ++j) s += q5_value(b.qs, qh, j) * a.qs[j];
    const float da = fp16_to_f32(a.d);
    return fp16_to_f32(b.d) * da * static_cast<float>(s) + fp16_to_f32(b.m) * da * static_cast<float>(q8_sum(a));
}

HEARTH_HD inline float dot_block_q8_0_q8_0(const block_q8_0 & b, const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 32; ++j) s += b.qs[j] * a.qs[j];
    return fp16_to_f32(b.d) * fp16_to_f32(a.d) * static_cast<float>(s);
}

HEARTH_HD inline float dot_block_iq4_nl_q8_0(const block_iq4_nl & b, const block_q8_0 & a) {
    int s = 0;
    for (int j = 0; j < 16; ++j) {
        s += kvalues_iq4nl[b.qs[j] & 0x0f] * a.qs[j];
        s += kvalues_iq4nl[b.qs[j] >> 4] * a.qs[j + 16];
    }
    return fp16_to_f32(b.d) * fp16_to_f32(a.d) * static_cast<float>(s);
}

}  // namespace hearth
