// Round-to-nearest weight quantizers (see quantize_weights.h). Each block is
// written to match the decoders of quant/blocks*.h bit for bit.
#include "hearth/quantize_weights.h"

#include <algorithm>
#include <cmath>

#include "hearth/error.h"
#include "quant/blocks_iq.h"
#include "quant/quantize_q8_0.h"

namespace hearth {

namespace {

int clamp_round(float v, int lo, int hi) {
    return std::clamp(static_cast<int>(std::lround(v)), lo, hi);
}

// The signed element of largest magnitude (so the extreme code maps onto it).
float signed_amax(const float * x, int n) {
    float m = 0.0f;
    for (int j = 0; j < n; ++j)
        if (std::fabs(x[j]) > std::fabs(m)) m = x[j];
    return m;
}

void quantize_q4_0(const float * x, block_q4_0 & b) {
    // x = d (q - 8), q in 0..15: the extreme maps to code 0 (-8 d).
    const float d = signed_amax(x, QK32) / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = f32_to_fp16(d);
    for (int j = 0; j < 16; ++j) {
        const int lo = clamp_round(x[j] * id + 8.0f, 0, 15), hi = clamp_round(x[j + 16] * id + 8.0f, 0, 15);
        b.qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
}

// 32 five-bit codes: low nibbles as Q4_0 (elements 0-15 low, 16-31 high),
// the 5th bit of element j at bit j of the little-endian qh.
void pack_q5(const int * q, uint8_t * qs, uint8_t * qh) {
    uint32_t h = 0;
    for (int j = 0; j < 16; ++j) qs[j] = static_cast<uint8_t>((q[j] & 0x0f) | ((q[j + 16] & 0x0f) << 4));
    for (int j = 0; j < 32; ++j) h |= static_cast<uint32_t>(q[j] >> 4) << j;
    for (int k = 0; k < 4; ++k) qh[k] = static_cast<uint8_t>(h >> (8 * k));
}

void quantize_q5_0(const float * x, block_q5_0 & b) {
    // x = d (q - 16), q in 0..31: the extreme maps to code 0 (-16 d).
    const float d = signed_amax(x, QK32) / -16.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = f32_to_fp16(d);
    int q[32];
    for (int j = 0; j < 32; ++j) q[j] = clamp_round(x[j] * id + 16.0f, 0, 31);
    pack_q5(q, b.qs, b.qh);
}

void quantize_q5_1(const float * x, block_q5_1 & b) {
    // x = d q + m, q in 0..31, m the block's minimum.
    const float lo = *std::min_element(x, x + QK32), hi = *std::max_element(x, x + QK32);
    const float d = (hi - lo) / 31.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = f32_to_fp16(d);
    b.m = f32_to_fp16(lo);
    int q[32];
    for (int j = 0; j < 32; ++j) q[j] = clamp_round((x[j] - lo) * id, 0, 31);
    pack_q5(q, b.qs, b.qh);
}

// Q4_K and Q5_K: per 32-element sub-block j, x = d sc_j q - dmin m_j with q in
// 0..15 (0..31) and 6-bit sc_j, m_j. The sub-block's range [min(x, 0), max(x)]
// sets sc and m. Fills q (one code per element) and the shared header.
template <typename B>
void quantize_k_codes(const float * x, int levels, B & b, uint8_t * q) {
    float scale[8], min[8];
    for (int j = 0; j < 8; ++j) {
        const float * s = x + 32 * j;
        const float lo = std::min(0.0f, *std::min_element(s, s + 32)), hi = *std::max_element(s, s + 32);
        scale[j] = (hi - lo) / static_cast<float>(levels);
        min[j] = -lo;
    }
    const float d = *std::max_element(scale, scale + 8) / 63.0f, dmin = *std::max_element(min, min + 8) / 63.0f;
    b.d = f32_to_fp16(d);
    b.dmin = f32_to_fp16(dmin);
    const float dq = fp16_to_f32(b.d), dmq = fp16_to_f32(b.dmin);
    uint8_t sc[8], m[8];
    for (int j = 0; j < 8; ++j) {
        sc[j] = static_cast<uint8_t>(dq > 0.0f ? clamp_round(scale[j] / dq, 0, 63) : 0);
        m[j] = static_cast<uint8_t>(dmq > 0.0f ? clamp_round(min[j] / dmq, 0, 63) : 0);
    }
    // Packing inverse to q4k_scale_min: bytes 0-3 scales 0-3, 4-7 mins 0-3 (top two bits
    // carry the high bits of sub-blocks 4-7), 8-11 the low nibbles of sub-blocks 4-7.
    for (int j = 0; j < 4; ++j) {
        b.scales[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
        b.scales[j + 4] = static_cast<uint8_t>(m[j] | ((m[j + 4] >> 4) << 6));
        b.scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0f) | ((m[j + 4] & 0x0f) << 4));
    }
    for (int j = 0; j < 8; ++j) {
        const float ds = dq * sc[j], dm = dmq * m[j];
        const float id = ds > 0.0f ? 1.0f / ds : 0.0f;
        for (int l = 0; l < 32; ++l)
            q[32 * j + l] = static_cast<uint8_t>(clamp_round((x[32 * j + l] + dm) * id, 0, levels));
    }
}

// Element 64 g + l: low nibble of qs[32 g + l]; 64 g + 32 + l: its high nibble.
void pack_k_nibbles(const uint8_t * q, uint8_t * qs) {
    for (int g = 0; g < 4; ++g)
        for (int l = 0; l < 32; ++l)
            qs[32 * g + l] = static_cast<uint8_t>((q[64 * g + l] & 0x0f) | ((q[64 * g + 32 + l] & 0x0f) << 4));
}

void quantize_q4_K(const float * x, block_q4_K & b) {
    uint8_t q[256];
    quantize_k_codes(x, 15, b, q);
    pack_k_nibbles(q, b.qs);
}

// Q5_K: Q4_K's layout plus the 5th bit of element 32 s + l in bit s of qh[l].
void quantize_q5_K(const float * x, block_q5_K & b) {
    uint8_t q[256];
    quantize_k_codes(x, 31, b, q);
    pack_k_nibbles(q, b.qs);
    std::fill(std::begin(b.qh), std::end(b.qh), uint8_t{0});
    for (int k = 0; k < 256; ++k) b.qh[k % 32] |= static_cast<uint8_t>((q[k] >> 4) << (k / 32));
}

// Q6_K: per 16 elements, x = d sc_i (q - 32) with q in 0..63 and int8 sc_i.
void quantize_q6_K(const float * x, block_q6_K & b) {
    float scale[16];
    for (int i = 0; i < 16; ++i) {
        float amax = 0.0f;
        for (int l = 0; l < 16; ++l) amax = std::max(amax, std::fabs(x[16 * i + l]));
        scale[i] = amax / 31.0f;
    }
    const float d = *std::max_element(scale, scale + 16) / 127.0f;
    b.d = f32_to_fp16(d);
    const float dq = fp16_to_f32(b.d);
    uint8_t q[256];
    for (int i = 0; i < 16; ++i) {
        const int sc = dq > 0.0f ? clamp_round(scale[i] / dq, 0, 127) : 0;
        b.scales[i] = static_cast<int8_t>(sc);
        const float id = sc > 0 ? 1.0f / (dq * static_cast<float>(sc)) : 0.0f;
        for (int l = 0; l < 16; ++l)
            q[16 * i + l] = static_cast<uint8_t>(clamp_round(x[16 * i + l] * id, -32, 31) + 32);
    }
    // Half h, quarter s, l = 0..31 (element 128 h + 32 s + l): low nibble in
    // ql[64 h + l + 32 (s & 1)] (s >= 2: high nibble), high 2 bits in qh[32 h + l] bits 2s.
    std::fill(std::begin(b.ql), std::end(b.ql), uint8_t{0});
    std::fill(std::begin(b.qh), std::end(b.qh), uint8_t{0});
    for (int h = 0; h < 2; ++h)
        for (int s = 0; s < 4; ++s)
            for (int l = 0; l < 32; ++l) {
                const uint8_t v = q[128 * h + 32 * s + l];
                b.ql[64 * h + l + 32 * (s & 1)] |= static_cast<uint8_t>((v & 0x0f) << (s < 2 ? 0 : 4));
                b.qh[32 * h + l] |= static_cast<uint8_t>((v >> 4) << (2 * s));
            }
}

int nearest_iq4nl(float v) {
    int best = 0;
    for (int k = 1; k < 16; ++k)
        if (std::fabs(v - kvalues_iq4nl[k]) < std::fabs(v - kvalues_iq4nl[best])) best = k;
    return best;
}

// IQ4_XS: per 32 elements, x = d (ls - 32) kvalues_iq4nl[q] with a 6-bit ls.
// The sub-block's extreme maps onto the code book's -127.
void quantize_iq4_xs(const float * x, block_iq4_xs & b) {
    float sub[8];
    for (int j = 0; j < 8; ++j) sub[j] = signed_amax(x + 32 * j, 32) / static_cast<float>(kvalues_iq4nl[0]);
    float amax = 0.0f;
    for (float s : sub) amax = std::max(amax, std::fabs(s));
    b.d = f32_to_fp16(amax / 31.0f);
    const float dq = fp16_to_f32(b.d);
    b.scales_h = 0;
    std::fill(std::begin(b.scales_l), std::end(b.scales_l), uint8_t{0});
    for (int j = 0; j < 8; ++j) {
        const int ls = dq > 0.0f ? clamp_round(sub[j] / dq, -32, 31) : 0;
        const int biased = ls + 32;
        b.scales_l[j / 2] |= static_cast<uint8_t>((biased & 0x0f) << (4 * (j % 2)));
        b.scales_h = static_cast<uint16_t>(b.scales_h | ((biased >> 4) << (2 * j)));
        const float ds = dq * static_cast<float>(ls);
        const float id = ds != 0.0f ? 1.0f / ds : 0.0f;
        for (int l = 0; l < 16; ++l) {
            const int lo = nearest_iq4nl(x[32 * j + l] * id), hi = nearest_iq4nl(x[32 * j + l + 16] * id);
            b.qs[16 * j + l] = static_cast<uint8_t>(lo | (hi << 4));
        }
    }
}

// IQ4_NL: x = d kvalues_iq4nl[q]; the block's extreme maps onto -127.
void quantize_iq4_nl(const float * x, block_iq4_nl & b) {
    const float d = signed_amax(x, QK32) / static_cast<float>(kvalues_iq4nl[0]);
    b.d = f32_to_fp16(d);
    const float dq = fp16_to_f32(b.d);
    const float id = dq != 0.0f ? 1.0f / dq : 0.0f;
    for (int l = 0; l < 16; ++l)
        b.qs[l] = static_cast<uint8_t>(nearest_iq4nl(x[l] * id) | (nearest_iq4nl(x[l + 16] * id) << 4));
}

// MXFP4 as ggml's quantize_row_mxfp4_ref: the power-of-two scale puts the
// block's largest |x| in [8, 16) steps (the code book reaches 12), and each
// element takes the nearest code, the first of equals.
void quantize_mxfp4(const float * x, block_mxfp4 & b) {
    float amax = 0.0f;
    for (int j = 0; j < QK32; ++j) amax = std::max(amax, std::fabs(x[j]));
    const int e = amax > 0.0f ? static_cast<int>(std::floor(std::log2(amax))) - 2 + 127 : 0;
    b.e = static_cast<uint8_t>(std::clamp(e, 0, 254));
    const float d = e8m0_half(b.e);
    const auto nearest = [d](float v) {
        int best = 0;
        for (int k = 1; k < 16; ++k)
            if (std::fabs(kvalues_mxfp4[k] * d - v) < std::fabs(kvalues_mxfp4[best] * d - v)) best = k;
        return best;
    };
    for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(nearest(x[j]) | (nearest(x[j + 16]) << 4));
}

template <typename B, int QK, void (*Quantize)(const float *, B &)>
void quantize_blocks(const float * src, void * dst, int64_t n) {
    auto * out = static_cast<B *>(dst);
    for (int64_t i = 0; i < n / QK; ++i) Quantize(src + i * QK, out[i]);
}

}  // namespace

bool can_quantize_weights(TensorType type) {
    switch (type) {
        case TensorType_F32:
        case TensorType_F16:
        case TensorType_BF16:
        case TensorType_Q4_0:
        case TensorType_Q5_0:
        case TensorType_Q5_1:
        case TensorType_Q8_0:
        case TensorType_IQ4_NL:
        case TensorType_Q4_K:
        case TensorType_Q5_K:
        case TensorType_Q6_K:
        case TensorType_IQ4_XS:
        case TensorType_MXFP4:
            return true;
        default:
            return false;
    }
}

void quantize_weight_row(TensorType type, const float * src, void * dst, int64_t n) {
    switch (type) {
        case TensorType_F32:
            std::copy(src, src + n, static_cast<float *>(dst));
            return;
        case TensorType_F16: {
            auto * h = static_cast<uint16_t *>(dst);
            for (int64_t i = 0; i < n; ++i) h[i] = f32_to_fp16(src[i]);
            return;
        }
        case TensorType_BF16: {
            auto * h = static_cast<uint16_t *>(dst);
            for (int64_t i = 0; i < n; ++i) h[i] = f32_to_bf16(src[i]);
            return;
        }
        case TensorType_Q4_0:
            return quantize_blocks<block_q4_0, QK32, quantize_q4_0>(src, dst, n);
        case TensorType_Q5_0:
            return quantize_blocks<block_q5_0, QK32, quantize_q5_0>(src, dst, n);
        case TensorType_Q5_1:
            return quantize_blocks<block_q5_1, QK32, quantize_q5_1>(src, dst, n);
        case TensorType_Q8_0:
            return quantize_blocks<block_q8_0, QK32, quantize_block_q8_0>(src, dst, n);
        case TensorType_IQ4_NL:
            return quantize_blocks<block_iq4_nl, QK32, quantize_iq4_nl>(src, dst, n);
        case TensorType_Q4_K:
            return quantize_blocks<block_q4_K, QK_K, quantize_q4_K>(src, dst, n);
        case TensorType_Q5_K:
            return quantize_blocks<block_q5_K, QK_K, quantize_q5_K>(src, dst, n);
        case TensorType_Q6_K:
            return quantize_blocks<block_q6_K, QK_K, quantize_q6_K>(src, dst, n);
        case TensorType_IQ4_XS:
            return quantize_blocks<block_iq4_xs, QK_K, quantize_iq4_xs>(src, dst, n);
        case TensorType_MXFP4:
            return quantize_blocks<block_mxfp4, QK32, quantize_mxfp4>(src, dst, n);
        default:
            HEARTH_ASSERT(!"quantize_weight_row: type without a quantizer");
    }
}

}  // namespace hearth
