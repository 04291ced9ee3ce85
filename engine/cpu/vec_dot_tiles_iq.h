// AVX2 kernels of the code-book formats (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS,
// IQ2_S, IQ3_XXS, IQ3_S against Q8_K; MXFP4 against Q8_0), templated on the
// number of activation rows NT like vec_dot_tiles.h, whose helpers they use:
// NT = 1 is the decode GEMV, NT = 4 prefill, with the same arithmetic.
//
// A super-block is unpacked once into the integer form of quant/blocks_iq.h,
// per sub-block j of 32 elements (IqBlockV):
//   q[j]  the 32 signed weights w (never 0), u[j] = |w| (unsigned bytes),
//   sc[j] the scales as 16 x i16: ls of elements 0-15 in the low 128 bits,
//         of 16-31 in the high 128 (the lanes maddubs leaves those sums in).
// Code-book entries are fetched by index from quant/iq_grids.h (u64 entries
// with scalar loads, u32 entries with one gather); the signs turn into a
// byte mask m and w = (|w| ^ m) - m. Per token: maddubs(u, sign(a, q)) gives
// |w| * (sign(w) a) = w a in i16 pairs (|w| <= 62, so pairs stay below 2^15),
// madd by the scales to i32, and one float step per super-block:
// acc += (a.d * dq) * I, with I the exact integer sum.
//
// Included after vec_dot_tiles.h by vec_dot_avx2.cpp and vec_dot_avx512.cpp.
#pragma once

#include <cstring>

#include "cpu/simd_avx2.h"
#include "quant/blocks_iq.h"

namespace hearth::HEARTH_SIMD_NS {

namespace {

struct IqBlockV {
    __m256i u[8], q[8], sc[8];
};

// The byte masks of the 128 even-parity sign bytes (ggml's keven_signs_q2xs
// as masks): byte j of kEvenSignMasks.m[s] is 0xff where weight j is negative.
struct EvenSignMasks {
    uint64_t m[128];
};
constexpr EvenSignMasks make_even_sign_masks() {
    EvenSignMasks t{};
    for (uint32_t s = 0; s < 128; ++s) {
        const uint32_t bits = iq_add_parity(s);
        for (int j = 0; j < 8; ++j)
            if ((bits >> j) & 1u) t.m[s] |= uint64_t(0xff) << (8 * j);
    }
    return t;
}
inline constexpr EvenSignMasks kEvenSignMasks = make_even_sign_masks();

// u with the bytes of 8-element group l negated as even-parity sign field l says.
inline __m256i apply_even_signs(__m256i u, uint32_t f0, uint32_t f1, uint32_t f2, uint32_t f3) {
    const uint64_t * t = kEvenSignMasks.m;
    const __m256i m = _mm256_set_epi64x(static_cast<int64_t>(t[f3]), static_cast<int64_t>(t[f2]),
                                        static_cast<int64_t>(t[f1]), static_cast<int64_t>(t[f0]));
    return _mm256_sub_epi8(_mm256_xor_si256(u, m), m);
}

// The same for four 7-bit fields packed at bits 0, 7, 14, 21.
inline __m256i apply_even_signs28(__m256i u, uint32_t s) {
    return apply_even_signs(u, s & 127, (s >> 7) & 127, (s >> 14) & 127, (s >> 21) & 127);
}

// u with byte i negated where bit i of `signs` is set.
inline __m256i apply_signs(__m256i u, uint32_t signs) {
    const __m256i m = bits_to_bytes(signs);
    return _mm256_sub_epi8(_mm256_xor_si256(u, m), m);
}

inline __m256i grid4(const uint64_t * grid, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3) {
    return _mm256_set_epi64x(static_cast<int64_t>(grid[i3]), static_cast<int64_t>(grid[i2]),
                             static_cast<int64_t>(grid[i1]), static_cast<int64_t>(grid[i0]));
}

// The u32 entries of 8 groups of 4: lane k = grid[idx[k] | bit k of hi << 8]
// (scalar loads: faster than a gather on the AMD and Intel cores we measured).
inline __m256i grid8(const uint32_t * grid, const uint8_t * idx, uint32_t hi) {
    const auto at = [&](int k) { return static_cast<int>(grid[idx[k] | (((hi >> k) & 1u) << 8)]); };
    return _mm256_setr_epi32(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7));
}

inline __m256i scale_same(uint32_t ls) {
    return _mm256_set1_epi16(static_cast<int16_t>(ls));
}

// IQ2_XS / IQ2_S: the nibble scales of the 8 sub-blocks as 2 s + 1 in i16,
// sub-block j's low nibble in lane j and its high nibble in lane 8 + j: lane
// j of each 128-bit half, so that pick_i16(j) spreads them over the halves.
inline __m256i nibble_scales16(const uint8_t * scales) {
    uint64_t s;
    std::memcpy(&s, scales, sizeof s);
    const __m128i n =
        _mm_and_si128(_mm_set_epi64x(static_cast<int64_t>(s >> 4), static_cast<int64_t>(s)), _mm_set1_epi8(0x0f));
    return _mm256_cvtepu8_epi16(_mm_add_epi8(_mm_add_epi8(n, n), _mm_set1_epi8(1)));
}

inline void iq_unpack(const block_iq2_xxs & b, IqBlockV & v) {
    const uint64_t * grid = kIqGrids.iq2xxs;
    for (int j = 0; j < 8; ++j) {
        uint32_t aux[2];
        std::memcpy(aux, b.qs + 4 * j, sizeof aux);
        v.u[j] = grid4(grid, aux[0] & 0xff, (aux[0] >> 8) & 0xff, (aux[0] >> 16) & 0xff, aux[0] >> 24);
        v.q[j] = apply_even_signs28(v.u[j], aux[1]);
        v.sc[j] = scale_same(2 * (aux[1] >> 28) + 1);
    }
}

inline void iq_unpack(const block_iq2_xs & b, IqBlockV & v) {
    const uint64_t * grid = kIqGrids.iq2xs;
    const __m256i sc = nibble_scales16(b.scales);
    for (int j = 0; j < 8; ++j) {
        uint64_t q4;  // four u16: 9-bit index, 7 sign bits above it
        std::memcpy(&q4, b.qs + 4 * j, sizeof q4);
        v.u[j] = grid4(grid, q4 & 511, (q4 >> 16) & 511, (q4 >> 32) & 511, (q4 >> 48) & 511);
        v.q[j] = apply_even_signs(v.u[j], (q4 >> 9) & 127, (q4 >> 25) & 127, (q4 >> 41) & 127, q4 >> 57);
        v.sc[j] = _mm256_shuffle_epi8(sc, pick_i16(j));
    }
}

inline void iq_unpack(const block_iq2_s & b, IqBlockV & v) {
    const uint64_t * grid = kIqGrids.iq2s;
    const __m256i sc = nibble_scales16(b.scales);
    for (int j = 0; j < 8; ++j) {
        const uint8_t * qs = b.qs + 4 * j;
        const uint32_t h = b.qh[j];
        v.u[j] = grid4(grid, qs[0] | ((h << 8) & 0x300), qs[1] | ((h << 6) & 0x300), qs[2] | ((h << 4) & 0x300),
                       qs[3] | ((h << 2) & 0x300));
        v.q[j] = apply_signs(v.u[j], load_u32_le(b.signs + 4 * j));
        v.sc[j] = _mm256_shuffle_epi8(sc, pick_i16(j));
    }
}

inline void iq_unpack(const block_iq3_xxs & b, IqBlockV & v) {
    for (int j = 0; j < 8; ++j) {
        const uint32_t aux = load_u32_le(b.scales_signs + 4 * j);
        v.u[j] = grid8(kIqGrids.iq3xxs, b.qs + 8 * j, 0);
        v.q[j] = apply_even_signs28(v.u[j], aux);
        v.sc[j] = scale_same(2 * (aux >> 28) + 1);
    }
}

inline void iq_unpack(const block_iq3_s & b, IqBlockV & v) {
    for (int j = 0; j < 8; ++j) {
        v.u[j] = grid8(kIqGrids.iq3s, b.qs + 8 * j, b.qh[j]);
        v.q[j] = apply_signs(v.u[j], load_u32_le(b.signs + 4 * j));
        v.sc[j] = scale_same(2 * ((b.scales[j / 2] >> (4 * (j % 2))) & 0x0f) + 1);
    }
}

// IQ1: w = 8 g + delta from the int8 grid values g (-1, 0, 1) and the deltas
// (+-1 bytes); sign(8, g) = 8 g.
inline void iq1_words(__m256i g, __m256i delta, __m256i & q, __m256i & u) {
    q = _mm256_add_epi8(_mm256_sign_epi8(_mm256_set1_epi8(8), g), delta);
    u = _mm256_abs_epi8(q);
}

inline void iq_unpack(const block_iq1_s & b, IqBlockV & v) {
    const uint64_t * grid = kIqGrids.iq1s;
    for (int j = 0; j < 8; ++j) {
        const uint8_t * qs = b.qs + 4 * j;
        const uint32_t h = b.qh[j];
        const __m256i g = grid4(grid, qs[0] | ((h << 8) & 0x700), qs[1] | ((h << 5) & 0x700),
                                qs[2] | ((h << 2) & 0x700), qs[3] | ((h >> 1) & 0x700));
        iq1_words(g, _mm256_set1_epi8(h & 0x8000 ? -1 : 1), v.q[j], v.u[j]);
        v.sc[j] = scale_same(2 * ((h >> 12) & 7) + 1);
    }
}

// IQ1_M's 16 scales 2 s + 1 as i16, sub-block j's first half in lane j of the
// low 128 bits and its second half in lane j of the high 128 (see
// nibble_scales16): the 3-bit s of half h of sub-block j is at bit
// 6 (j % 2) + 3 h of scale word j / 2.
inline __m256i iq1m_scales16(const block_iq1_m & b) {
    uint64_t words;
    std::memcpy(&words, b.scales, sizeof words);
    const __m256i w = _mm256_permutevar8x32_epi32(  // lane j: word j / 2
        _mm256_cvtepu16_epi32(_mm_cvtsi64_si128(static_cast<int64_t>(words))),
        _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3));
    const __m256i seven = _mm256_set1_epi32(7);
    const __m256i lo = _mm256_and_si256(_mm256_srlv_epi32(w, _mm256_setr_epi32(0, 6, 0, 6, 0, 6, 0, 6)), seven);
    const __m256i hi = _mm256_and_si256(_mm256_srlv_epi32(w, _mm256_setr_epi32(3, 9, 3, 9, 3, 9, 3, 9)), seven);
    // packs interleaves by 128-bit lane: quads lo 0-3, hi 0-3, lo 4-7, hi 4-7.
    const __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xd8);
    return _mm256_add_epi16(_mm256_add_epi16(p, p), _mm256_set1_epi16(1));
}

inline void iq_unpack(const block_iq1_m & b, IqBlockV & v) {
    const uint64_t * grid = kIqGrids.iq1s;
    const __m256i sc = iq1m_scales16(b);
    // Group l's delta bit is bit 3 + 4 (l % 2) of byte l / 2 of the sub-block's
    // two qh bytes: spread byte l / 2 over the group's 8 bytes, test the bit.
    const __m256i spread = _mm256_setr_epi64x(0, 0, 0x0101010101010101, 0x0101010101010101);
    const __m256i bit = _mm256_setr_epi64x(0x0808080808080808, static_cast<int64_t>(0x8080808080808080ULL),
                                           0x0808080808080808, static_cast<int64_t>(0x8080808080808080ULL));
    for (int j = 0; j < 8; ++j) {
        const uint8_t * qs = b.qs + 4 * j;
        const uint32_t h = uint32_t(b.qh[2 * j]) | (uint32_t(b.qh[2 * j + 1]) << 8);  // nibble l: group l
        const __m256i g = grid4(grid, qs[0] | ((h << 8) & 0x700), qs[1] | ((h << 4) & 0x700), qs[2] | (h & 0x700),
                                qs[3] | ((h >> 4) & 0x700));
        const __m256i hb = _mm256_shuffle_epi8(_mm256_set1_epi16(static_cast<int16_t>(h)), spread);
        const __m256i m = _mm256_cmpeq_epi8(_mm256_and_si256(hb, bit), bit);  // 0xff: delta = -1
        iq1_words(g, _mm256_or_si256(m, _mm256_set1_epi8(1)), v.q[j], v.u[j]);
        v.sc[j] = _mm256_shuffle_epi8(sc, pick_i16(j));
    }
}

template <int NT, typename Block>
void iq_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const auto * w = static_cast<const Block *>(vw);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        IqBlockV v;
        iq_unpack(w[i], v);
        const float dq = fp16(iq_d_bits(w[i])) * iq_unit(w[i]);
        for (int t = 0; t < NT; ++t) {
            const block_q8_K & a = act_block<block_q8_K>(act, stride, t, i);
            __m256i sumi = _mm256_setzero_si256();
            for (int j = 0; j < 8; ++j)
                sumi = madd_acc(sumi, _mm256_maddubs_epi16(v.u[j], _mm256_sign_epi8(loadu(a.qs + 32 * j), v.q[j])),
                                v.sc[j]);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a.d * dq), _mm256_cvtepi32_ps(sumi), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) out[t * out_stride] = hsum(acc[t]);
}

// MXFP4: 32-element blocks as IQ4_NL, with the doubled E2M1 values as code
// book and the halved E8M0 scale in place of the f16 d.
template <int NT>
void mxfp4_rows(int64_t n, const void * vw, const void * act, size_t stride, float * out, size_t out_stride) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(kvalues_mxfp4));
    const __m256i table = _mm256_set_m128i(t, t);
    signed32_rows<NT, block_mxfp4>(n, vw, act, stride, out, out_stride, [table](const block_mxfp4 & b) {
        return _mm256_shuffle_epi8(table, nibbles_32(b.qs));
    });
}

}  // namespace

template <typename B>
inline void fill_iq(VecDotKernels & k, TensorType t) {
    k.dot[t] = as_dot<iq_rows<1, B>>;
    k.dot4[t] = iq_rows<4, B>;
}

inline void fill_vec_dot_tiles_iq(VecDotKernels & k) {
    fill_iq<block_iq2_xxs>(k, TensorType_IQ2_XXS);
    fill_iq<block_iq2_xs>(k, TensorType_IQ2_XS);
    fill_iq<block_iq2_s>(k, TensorType_IQ2_S);
    fill_iq<block_iq3_xxs>(k, TensorType_IQ3_XXS);
    fill_iq<block_iq3_s>(k, TensorType_IQ3_S);
    fill_iq<block_iq1_s>(k, TensorType_IQ1_S);
    fill_iq<block_iq1_m>(k, TensorType_IQ1_M);
    k.dot[TensorType_MXFP4] = as_dot<mxfp4_rows<1>>;
    k.dot4[TensorType_MXFP4] = mxfp4_rows<4>;
}

}  // namespace hearth::HEARTH_SIMD_NS
