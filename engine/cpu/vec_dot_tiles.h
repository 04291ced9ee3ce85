// AVX2 kernels of every quantized weight type, templated on the number of
// activation rows NT they dot one weight row against. NT = 1 is the decode
// GEMV kernel; NT = 4 serves prefill: each weight block is loaded and its
// nibbles, high bits and scales unpacked once, then reused for four tokens,
// which roughly halves the work per multiply-add compared with four NT = 1 calls.
//
// Activation row t is at act + t * act_stride bytes (vec_dot_type blocks).
// Included by vec_dot_avx2.cpp and vec_dot_avx512.cpp, each with its own
// HEARTH_SIMD_NS (see simd_avx2.h).
#pragma once

#include <type_traits>

#include "cpu/simd_avx2.h"
#include "quant/blocks_iq.h"

namespace hearth::HEARTH_SIMD_NS {

namespace {

// The float scale of a 32-element block: f16 d, or MXFP4's E8M0 exponent.
template <typename B>
inline float block_scale(const B & b) {
    return fp16(b.d);
}
inline float block_scale(const block_mxfp4 & b) {
    return e8m0_half(b.e);
}

template <typename B>
inline const B & act_block(const void * act, size_t stride, int t, int64_t i) {
    return reinterpret_cast<const B *>(static_cast<const uint8_t *>(act) + t * stride)[i];
}

template <int NT>
void q4_0_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const auto * w = static_cast<const block_q4_0 *>(vw);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i q = _mm256_sub_epi8(nibbles_32(w[i].qs), _mm256_set1_epi8(8));
        const __m256i aq = _mm256_sign_epi8(q, q);
        const float dw = fp16(w[i].d);
        for (int t = 0; t < NT; ++t) {
            const block_q8_0 & a = act_block<block_q8_0>(act, stride, t, i);
            const __m256i p = dot_us8(aq, _mm256_sign_epi8(loadu(a.qs), q));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * fp16(a.d)), _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(acc[t]);
}

// Q8_0, IQ4_NL and MXFP4: 32 signed 8-bit weights per block (IQ4_NL's and
// MXFP4's after their table lookup) and one scale, against Q8_0 activations. `Codes` gives a
// block's 32 weights as int8.
template <int NT, typename Block, typename Codes>
void signed32_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride,
                   Codes codes) {
    const auto * w = static_cast<const Block *>(vw);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i q = codes(w[i]);
        const __m256i aq = _mm256_sign_epi8(q, q);
        const float dw = block_scale(w[i]);
        for (int t = 0; t < NT; ++t) {
            const block_q8_0 & a = act_block<block_q8_0>(act, stride, t, i);
            const __m256i p = dot_us8(aq, _mm256_sign_epi8(loadu(a.qs), q));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * fp16(a.d)), _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(acc[t]);
}

template <int NT>
void q8_0_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    signed32_rows<NT, block_q8_0>(n, vw, act, stride, out, out_stride,
                                  [](const block_q8_0 & b) { return loadu(b.qs); });
}

// Bit J of each qh byte moved to bit 4: the mask leaves only bit J, so the
// i16 shifts carry nothing across bytes.
template <int J>
inline __m256i qh_bit_to_4(__m256i qh) {
    const __m256i b = _mm256_and_si256(qh, _mm256_set1_epi8(static_cast<char>(1 << J)));
    if constexpr (J < 4)
        return _mm256_slli_epi16(b, 4 - J);
    else if constexpr (J == 4)
        return b;
    else
        return _mm256_srli_epi16(b, J - 4);
}

// Sub-blocks 2 G and 2 G + 1 of a Q4_K/Q5_K block (low / high nibbles of bytes
// 32 G .. + 31), unsigned, with the 5th bit from qh for Q5_K.
template <int G, bool Five>
inline void q45_K_pair(const uint8_t * qs, __m256i qh, __m256i * q) {
    const __m256i b = loadu(qs + 32 * G), b_hi = _mm256_srli_epi16(b, 4);
    if constexpr (Five) {
        q[2 * G] = merge_nibble(b, qh_bit_to_4<2 * G>(qh));
        q[2 * G + 1] = merge_nibble(b_hi, qh_bit_to_4<2 * G + 1>(qh));
    } else {
        const __m256i m4 = _mm256_set1_epi8(0x0f);
        q[2 * G] = _mm256_and_si256(b, m4);
        q[2 * G + 1] = _mm256_and_si256(b_hi, m4);
    }
}

// Q4_K and Q5_K share everything but the 5th bit. As for Q6_K below, i32 lane
// L of a block's sum collects elements 32 j + 4 L .. + 3 of every sub-block j
// times its scale; only the order of the exact integer work may change.
template <int NT, bool Five>
void q45_K_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    using Block = std::conditional_t<Five, block_q5_K, block_q4_K>;
    const auto * w = static_cast<const Block *>(vw);
    // Mins are accumulated as vectors too: one horizontal sum per row, not per block.
    __m256 acc[NT], acc_m[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps(), acc_m[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        if constexpr (NT == 1) prefetch_ahead(w + i);
        // Scales and mins by vector ops: narrow stores read back by a wide load
        // stalled store forwarding (a third of the decode time).
        const __m128i scm = q4k_scales_mins(w[i].scales);
        const __m256i sc16 = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(scm));
        const __m256i mins = _mm256_cvtepu8_epi16(  // m_j twice: pairs with bsums 2 j, 2 j + 1
            _mm_shuffle_epi8(scm, _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15)));
        __m256i q[8];  // sub-block j's 32 quants, unsigned
        __m256i qh = _mm256_setzero_si256();
        if constexpr (Five) qh = loadu(w[i].qh);
        q45_K_pair<0, Five>(w[i].qs, qh, q);
        q45_K_pair<1, Five>(w[i].qs, qh, q);
        q45_K_pair<2, Five>(w[i].qs, qh, q);
        q45_K_pair<3, Five>(w[i].qs, qh, q);
        __m256i scv[8];
        for (int j = 0; j < 8; ++j) scv[j] = _mm256_shuffle_epi8(sc16, pick_i16(j));
        const float dw = fp16(w[i].d), dmin = fp16(w[i].dmin);
        for (int t = 0; t < NT; ++t) {
            const block_q8_K & a = act_block<block_q8_K>(act, stride, t, i);
            __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
            for (int j = 0; j < 8; j += 2) {
                s0 = madd_acc(s0, _mm256_maddubs_epi16(q[j], loadu(a.qs + 32 * j)), scv[j]);
                s1 = madd_acc(s1, _mm256_maddubs_epi16(q[j + 1], loadu(a.qs + 32 * j + 32)), scv[j + 1]);
            }
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dw), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc[t]);
            const __m256i m = _mm256_madd_epi16(loadu(a.bsums), mins);
            acc_m[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dmin), _mm256_cvtepi32_ps(m), acc_m[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(_mm256_sub_ps(acc[t], acc_m[t]));
}

// Q6_K (q6k_unpack, q6k_lanes in simd_avx2.h): per block and token, 8 i32
// lanes of the exact scaled sum. Exact = false: the lanes, their float
// conversion and one fma per block (8 float lanes per row, summed at the end),
// what dot and dot4 share. Exact = true: the lanes summed to I and one
// superblock_step per block, as the AVX-512 gemv8 does (no dmin, no M).
template <int NT, bool Exact = false>
void q6_K_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const auto * w = static_cast<const block_q6_K *>(vw);
    __m256 acc[NT];
    __m128 acc_s[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps(), acc_s[t] = _mm_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        if constexpr (NT == 1) prefetch_ahead(w + i);
        Q6KUnpacked u;
        q6k_unpack(w[i], u);
        const float dw = fp16(w[i].d);
        for (int t = 0; t < NT; ++t) {
            const block_q8_K & a = act_block<block_q8_K>(act, stride, t, i);
            const __m256i sumi = q6k_lanes(u, a.qs, loadu(a.bsums));
            if constexpr (Exact)
                acc_s[t] = superblock_step(acc_s[t], dw, 0.0f, a.d, hsum_i32(sumi), 0);
            else
                acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dw), _mm256_cvtepi32_ps(sumi), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = Exact ? _mm_cvtss_f32(acc_s[t]) : hsum(acc[t]);
}

template <int NT>
void iq4_xs_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const auto * w = static_cast<const block_iq4_xs *>(vw);
    const __m256i table = iq4nl_table(), m4 = _mm256_set1_epi8(0x0f);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        // Sub-blocks 2 p and 2 p + 1 from one 32-byte load: the low nibbles
        // hold both blocks' elements 0-15, the high nibbles their 16-31.
        __m256i q[8], aq[8];
        for (int p = 0; p < 4; ++p) {
            const __m256i bytes = loadu(w[i].qs + 32 * p);
            const __m256i lo = _mm256_and_si256(bytes, m4), hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), m4);
            q[2 * p] = _mm256_shuffle_epi8(table, _mm256_permute2x128_si256(lo, hi, 0x20));
            q[2 * p + 1] = _mm256_shuffle_epi8(table, _mm256_permute2x128_si256(lo, hi, 0x31));
        }
        for (int j = 0; j < 8; ++j) aq[j] = _mm256_sign_epi8(q[j], q[j]);
        // i16 lane j of each half: sub-block j's scale, picked out per j by a shuffle.
        const __m256i ls = iq4xs_scales8(w[i]);
        const __m256i sc =
            _mm256_broadcastsi128_si256(_mm_packs_epi32(_mm256_castsi256_si128(ls), _mm256_extracti128_si256(ls, 1)));
        const float dw = fp16(w[i].d);
        for (int t = 0; t < NT; ++t) {
            const block_q8_K & a = act_block<block_q8_K>(act, stride, t, i);
            __m256i sumi = _mm256_setzero_si256();
            for (int j = 0; j < 8; ++j) {
                const __m256i p = _mm256_maddubs_epi16(aq[j], _mm256_sign_epi8(loadu(a.qs + 32 * j), q[j]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_shuffle_epi8(sc, pick_i16(j))));
            }
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dw), _mm256_cvtepi32_ps(sumi), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(acc[t]);
}

template <int NT>
void iq4_nl_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const __m256i table = iq4nl_table();
    signed32_rows<NT, block_iq4_nl>(n, vw, act, stride, out, out_stride, [table](const block_iq4_nl & b) {
        return _mm256_shuffle_epi8(table, nibbles_32(b.qs));
    });
}

// Q4_1, Q5_0, Q5_1: 32-element blocks with a min (Q4_1/Q5_1) or a 5th bit.
// sum((d q + m) da qa) = d da sum(q qa) + m da sum(qa), the sums as vectors.
template <int NT, typename Block>
void q451_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    constexpr bool kMin = std::is_same_v<Block, block_q4_1> || std::is_same_v<Block, block_q5_1>;
    constexpr bool kFive = !std::is_same_v<Block, block_q4_1>;
    const auto * w = static_cast<const Block *>(vw);
    __m256 acc[NT], acc_m[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps(), acc_m[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        __m256i q = nibbles_32(w[i].qs);
        if constexpr (kFive) {
            const __m256i bits = bits_to_bytes(load_u32_le(w[i].qh));
            if constexpr (kMin) q = _mm256_or_si256(q, _mm256_and_si256(bits, _mm256_set1_epi8(0x10)));
            // (nibble | bit << 4) - 16 == nibble | 0xf0 (as int8) where the bit is clear.
            else
                q = _mm256_or_si256(q, _mm256_andnot_si256(bits, _mm256_set1_epi8(static_cast<char>(0xf0))));
        }
        const __m256i aq = kMin ? q : _mm256_sign_epi8(q, q);
        const float dw = fp16(w[i].d);
        float mw = 0.0f;
        if constexpr (kMin) mw = fp16(w[i].m);
        for (int t = 0; t < NT; ++t) {
            const block_q8_0 & a = act_block<block_q8_0>(act, stride, t, i);
            const __m256i y = loadu(a.qs);
            const float da = fp16(a.d);
            const __m256i p = dot_us8(aq, kMin ? y : _mm256_sign_epi8(y, q));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * da), _mm256_cvtepi32_ps(p), acc[t]);
            if constexpr (kMin)
                acc_m[t] = _mm256_fmadd_ps(_mm256_set1_ps(mw * da), _mm256_cvtepi32_ps(dot_us8(_mm256_set1_epi8(1), y)),
                                           acc_m[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(_mm256_add_ps(acc[t], acc_m[t]));
}

// Q2_K and Q3_K: 2-bit planes, 16 scales per block. Q3_K adds a high bit and
// a -4 offset; Q2_K a per-16 min. Offsets and mins come out through the bsums.
template <int NT, bool Three>
void q23_K_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    using Block = std::conditional_t<Three, block_q3_K, block_q2_K>;
    const auto * w = static_cast<const Block *>(vw);
    const __m256i m3 = _mm256_set1_epi8(3), m1 = _mm256_set1_epi8(1);
    __m256 acc[NT], acc_m[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps(), acc_m[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        alignas(32) int16_t sc[16];
        __m256i mins;  // Q2_K: per-16 mins; Q3_K: 4 * scales (the offset)
        if constexpr (Three) {
            // One wide store (narrow stores read back wide would stall store forwarding).
            const __m256i sc16 = q3k_scales16(w[i].scales);
            _mm256_store_si256(reinterpret_cast<__m256i *>(sc), sc16);
            mins = _mm256_slli_epi16(sc16, 2);
        } else {
            const __m128i s8 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(w[i].scales));
            _mm256_store_si256(reinterpret_cast<__m256i *>(sc),
                               _mm256_cvtepu8_epi16(_mm_and_si128(s8, _mm_set1_epi8(0x0f))));
            mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(s8, 4), _mm_set1_epi8(0x0f)));
        }
        __m256i q[8], scv[8];  // plane p of half h at [4 h + p]: elements 128 h + 32 p .. + 31
        for (int h = 0; h < 2; ++h) {
            const __m256i q2 = loadu(w[i].qs + 32 * h);
            for (int p = 0; p < 4; ++p) {
                q[4 * h + p] = _mm256_and_si256(_mm256_srli_epi16(q2, 2 * p), m3);
                if constexpr (Three) {
                    const __m256i hb = _mm256_and_si256(_mm256_srli_epi16(loadu(w[i].hmask), 4 * h + p), m1);
                    q[4 * h + p] = _mm256_or_si256(q[4 * h + p], _mm256_slli_epi16(hb, 2));
                }
                scv[4 * h + p] = scales_pair(sc[8 * h + 2 * p], sc[8 * h + 2 * p + 1]);
            }
        }
        float dw, dm;
        if constexpr (Three)
            dw = dm = fp16(w[i].d);
        else
            dw = fp16(w[i].d), dm = fp16(w[i].dmin);
        for (int t = 0; t < NT; ++t) {
            const block_q8_K & a = act_block<block_q8_K>(act, stride, t, i);
            __m256i sumi = _mm256_setzero_si256();
            for (int j = 0; j < 8; ++j)
                sumi =
                    _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_maddubs_epi16(q[j], loadu(a.qs + 32 * j)), scv[j]));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dw), _mm256_cvtepi32_ps(sumi), acc[t]);
            const __m256i m = _mm256_madd_epi16(loadu(a.bsums), mins);
            acc_m[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dm), _mm256_cvtepi32_ps(m), acc_m[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(_mm256_sub_ps(acc[t], acc_m[t]));
}

template <void (*Rows)(int64_t, const void *, const void *, size_t, float *, size_t)>
float as_dot(int64_t n, const void * w, const void * act) {
    float out;
    Rows(n, w, act, 0, &out, 0);
    return out;
}

}  // namespace

inline void fill_vec_dot_tiles(VecDotKernels & k) {
    k.dot[TensorType_Q4_0] = as_dot<q4_0_rows<1>>;
    k.dot4[TensorType_Q4_0] = q4_0_rows<4>;
    k.dot[TensorType_Q8_0] = as_dot<q8_0_rows<1>>;
    k.dot4[TensorType_Q8_0] = q8_0_rows<4>;
    k.dot[TensorType_Q4_K] = as_dot<q45_K_rows<1, false>>;
    k.dot4[TensorType_Q4_K] = q45_K_rows<4, false>;
    k.dot[TensorType_Q5_K] = as_dot<q45_K_rows<1, true>>;
    k.dot4[TensorType_Q5_K] = q45_K_rows<4, true>;
    k.dot[TensorType_Q6_K] = as_dot<q6_K_rows<1>>;
    k.dot4[TensorType_Q6_K] = q6_K_rows<4>;
    k.dot[TensorType_IQ4_XS] = as_dot<iq4_xs_rows<1>>;
    k.dot4[TensorType_IQ4_XS] = iq4_xs_rows<4>;
    k.dot[TensorType_Q4_1] = as_dot<q451_rows<1, block_q4_1>>;
    k.dot4[TensorType_Q4_1] = q451_rows<4, block_q4_1>;
    k.dot[TensorType_Q5_0] = as_dot<q451_rows<1, block_q5_0>>;
    k.dot4[TensorType_Q5_0] = q451_rows<4, block_q5_0>;
    k.dot[TensorType_Q5_1] = as_dot<q451_rows<1, block_q5_1>>;
    k.dot4[TensorType_Q5_1] = q451_rows<4, block_q5_1>;
    k.dot[TensorType_IQ4_NL] = as_dot<iq4_nl_rows<1>>;
    k.dot4[TensorType_IQ4_NL] = iq4_nl_rows<4>;
    k.dot[TensorType_Q2_K] = as_dot<q23_K_rows<1, false>>;
    k.dot4[TensorType_Q2_K] = q23_K_rows<4, false>;
    k.dot[TensorType_Q3_K] = as_dot<q23_K_rows<1, true>>;
    k.dot4[TensorType_Q3_K] = q23_K_rows<4, true>;
}

}  // namespace hearth::HEARTH_SIMD_NS
