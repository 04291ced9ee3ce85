// Inline AVX2 helpers shared by the SIMD kernel files. Include only from
// translation units compiled with -mavx2 -mfma -mf16c (or the AVX-512 set).
//
// The includer defines HEARTH_SIMD_NS, a namespace private to its ISA, so
// that the same inline helpers compiled with different flags never merge at
// link time (an AVX-512 instruction must not leak into the AVX2 path). With
// HEARTH_SIMD_VNNI, u8 x s8 dots use one VPDPBUSD instead of maddubs + madd.
#pragma once

#if !defined(HEARTH_SIMD_NS)
#error "define HEARTH_SIMD_NS (the ISA's private namespace) before including simd_avx2.h"
#endif

#include <immintrin.h>

#include <cstring>

#include "cpu/vec_dot.h"
#include "quant/blocks_iq.h"

// Before a loop over a compile-time register tile (tokens, rows, groups,
// sub-blocks; at most 16): unrolled fully, the tile's arrays live in registers
// (GCC otherwise may keep them in memory, as it did in the attention kernel).
#define HEARTH_UNROLL _Pragma("GCC unroll 16")

namespace hearth::HEARTH_SIMD_NS {

inline float fp16(uint16_t h) {
    return _cvtsh_ss(h);
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// 16 packed bytes of nibbles -> 32 bytes: low nibbles (elements 0-15), then high (16-31).
inline __m256i nibbles_32(const uint8_t * p) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m256i v = _mm256_set_m128i(_mm_srli_epi16(t, 4), t);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x0f));
}

// 32 bits -> 32 bytes, 0xff where the bit is set.
inline __m256i bits_to_bytes(uint32_t x) {
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(x)), shuf);
    b = _mm256_or_si256(b, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1));
}

inline __m256i loadu(const void * p) {
    return _mm256_loadu_si256(static_cast<const __m256i *>(p));
}

// sum over pairs of u8 x s8 -> 8 x i32
inline __m256i dot_us8(__m256i u, __m256i s) {
#if defined(HEARTH_SIMD_VNNI)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}
// sum + the i32 pair sums of p (i16) times the i16 scales sc (exact: VPDPWSSD
// does not saturate, and madd + add wraps the same way).
inline __m256i madd_acc(__m256i sum, __m256i p, __m256i sc) {
#if defined(HEARTH_SIMD_VNNI)
    return _mm256_dpwssd_epi32(sum, p, sc);
#else
    return _mm256_add_epi32(sum, _mm256_madd_epi16(p, sc));
#endif
}

// (lo & 0x0f) | hi per byte, for hi with only bits 4-7 set (one VPTERNLOGD with AVX-512).
inline __m256i merge_nibble(__m256i lo, __m256i hi) {
#if defined(HEARTH_SIMD_VNNI)
    return _mm256_ternarylogic_epi32(_mm256_set1_epi8(0x0f), lo, hi, 0xea);  // (A & B) | C
#else
    return _mm256_or_si256(_mm256_and_si256(lo, _mm256_set1_epi8(0x0f)), hi);
#endif
}

// Software prefetch of the weights 8 KB ahead into L2, for the one-row decode
// kernels: the rows of a GEMV are adjacent, so this runs on into the next rows
// (as in the gemv8 kernels, where it lifted DRAM reads by a quarter).
template <typename Block>
inline void prefetch_ahead(const Block * b) {
    const char * next = reinterpret_cast<const char *>(b) + 8192;
    for (int l = 0; l < int(sizeof(Block)); l += 64) _mm_prefetch(next + l, _MM_HINT_T1);
}

// s8 x s8 (x != -128 in a, any in w) -> 8 x i32
inline __m256i dot_ss8(__m256i w, __m256i a) {
    return dot_us8(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
}

// The 16 lanes of an i16 product of 32 elements: lanes 0-7 cover elements 0-15
// (scale s0), lanes 8-15 elements 16-31 (scale s1).
inline __m256i scales_pair(int s0, int s1) {
    return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(s1)), _mm_set1_epi16(static_cast<int16_t>(s0)));
}

// Lane j of the result = the sum of the 8 lanes of s[j].
inline __m256i lane_sums8(const __m256i * s) {
    const __m256i h01 = _mm256_hadd_epi32(s[0], s[1]), h23 = _mm256_hadd_epi32(s[2], s[3]);
    const __m256i h45 = _mm256_hadd_epi32(s[4], s[5]), h67 = _mm256_hadd_epi32(s[6], s[7]);
    const __m256i a = _mm256_hadd_epi32(h01, h23), b = _mm256_hadd_epi32(h45, h67);  // per 128-bit half
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
}

// Lane j = the signed 6-bit scale of IQ4_XS sub-block j: low 4 bits at bit 4 j
// of the little-endian scales_l word, high 2 bits at bit 2 j of scales_h.
inline __m256i iq4xs_scales8(const block_iq4_xs & b) {
    uint32_t sl;
    std::memcpy(&sl, b.scales_l, sizeof sl);
    const __m256i lo = _mm256_and_si256(
        _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(sl)), _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28)),
        _mm256_set1_epi32(15));
    const __m256i hi =
        _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(b.scales_h), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14)),
                         _mm256_set1_epi32(3));
    return _mm256_sub_epi32(_mm256_or_si256(lo, _mm256_slli_epi32(hi, 4)), _mm256_set1_epi32(32));
}

// An 8 x 8 transpose of 32-bit lanes: out[g] lane r = lane g of rows[r].
inline void transpose8x8(const __m256i * rows, __m256i * out) {
    const __m256i t0 = _mm256_unpacklo_epi32(rows[0], rows[1]), t1 = _mm256_unpackhi_epi32(rows[0], rows[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(rows[2], rows[3]), t3 = _mm256_unpackhi_epi32(rows[2], rows[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(rows[4], rows[5]), t5 = _mm256_unpackhi_epi32(rows[4], rows[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(rows[6], rows[7]), t7 = _mm256_unpackhi_epi32(rows[6], rows[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    out[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    out[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    out[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    out[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    out[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    out[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    out[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    out[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

// The 12 scale bytes of a Q4_K block -> bytes 0-7: the 6-bit scales of
// sub-blocks 0-7, bytes 8-15: their mins (the packing q4k_scale_min reads).
inline __m128i q4k_scales_mins(const uint8_t * s) {
    uint32_t u[3];
    std::memcpy(u, s, sizeof u);
    constexpr uint32_t k6 = 0x3f3f3f3f, k4 = 0x0f0f0f0f, k2 = 0x03030303;
    const uint32_t sc_lo = u[0] & k6, m_lo = u[1] & k6;
    const uint32_t sc_hi = (u[2] & k4) | (((u[0] >> 6) & k2) << 4);
    const uint32_t m_hi = ((u[2] >> 4) & k4) | (((u[1] >> 6) & k2) << 4);
    return _mm_setr_epi32(static_cast<int>(sc_lo), static_cast<int>(sc_hi), static_cast<int>(m_lo),
                          static_cast<int>(m_hi));
}

// The 12 scale bytes of a Q3_K block -> its 16 signed 6-bit scales as i16
// (q3k_scale's packing: low 4 bits in bytes 0-7, high 2 bits in bytes 8-11).
inline __m256i q3k_scales16(const uint8_t * s) {
    uint32_t a[3];
    std::memcpy(a, s, sizeof a);
    constexpr uint32_t k4 = 0x0f0f0f0f, k2 = 0x03030303;
    const __m128i v = _mm_setr_epi32(static_cast<int>((a[0] & k4) | ((a[2] & k2) << 4)),
                                     static_cast<int>((a[1] & k4) | (((a[2] >> 2) & k2) << 4)),
                                     static_cast<int>(((a[0] >> 4) & k4) | (((a[2] >> 4) & k2) << 4)),
                                     static_cast<int>(((a[1] >> 4) & k4) | (((a[2] >> 6) & k2) << 4)));
    return _mm256_sub_epi16(_mm256_cvtepu8_epi16(v), _mm256_set1_epi16(32));
}

// Shuffle control that copies i16 lane j of each 128-bit half to all its lanes.
inline __m256i pick_i16(int j) {
    return _mm256_set1_epi16(static_cast<int16_t>(((2 * j + 1) << 8) | (2 * j)));
}

// A Q6_K block unpacked: element e = ql nibble | 2 qh bits << 4, unsigned
// (value + 32); 16 signed 8-bit scales, one per 16 elements. q[4 h + s]:
// elements 128 h + 32 s .. + 31 (quarter j = 4 h + s); scv[j]: quarter j's two
// scales as i16 lanes (low 128-bit half scale 2 j, high half 2 j + 1); sc16:
// the 16 scales as i16, against the activations' bsums for the +32 bias.
struct Q6KUnpacked {
    __m256i q[8], scv[8], sc16;
};

inline void q6k_unpack(const block_q6_K & b, Q6KUnpacked & u) {
    // The 2-bit pairs of qh moved to bits 4-5 by masks that keep the i16 shifts
    // from carrying bits across bytes, so the nibble merge is one select.
    const __m256i m03 = _mm256_set1_epi8(0x03), m0c = _mm256_set1_epi8(0x0c);
    const __m256i m30 = _mm256_set1_epi8(0x30), mc0 = _mm256_set1_epi8(static_cast<char>(0xc0));
    // Scale bytes reordered even | odd: as i16, the low half's lane k is scale
    // 2 k, the high half's 2 k + 1, so pick_i16(j) gives quarter j's pair.
    const __m128i even_odd = _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    const __m128i s8 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(b.scales));
    u.sc16 = _mm256_cvtepi8_epi16(s8);
    const __m256i sc_eo = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(s8, even_odd));
    HEARTH_UNROLL
    for (int h = 0; h < 2; ++h) {
        const __m256i ql0 = loadu(b.ql + 64 * h), ql1 = loadu(b.ql + 64 * h + 32);
        const __m256i qh = loadu(b.qh + 32 * h);
        u.q[4 * h + 0] = merge_nibble(ql0, _mm256_slli_epi16(_mm256_and_si256(qh, m03), 4));
        u.q[4 * h + 1] = merge_nibble(ql1, _mm256_slli_epi16(_mm256_and_si256(qh, m0c), 2));
        u.q[4 * h + 2] = merge_nibble(_mm256_srli_epi16(ql0, 4), _mm256_and_si256(qh, m30));
        u.q[4 * h + 3] = merge_nibble(_mm256_srli_epi16(ql1, 4), _mm256_srli_epi16(_mm256_and_si256(qh, mc0), 2));
    }
    HEARTH_UNROLL
    for (int j = 0; j < 8; ++j) u.scv[j] = _mm256_shuffle_epi8(sc_eo, pick_i16(j));
}

// 8 i32 lanes that sum to the block's exact I = sum_e sc (q_e - 32) a_e for one
// token (qs, bsums: its Q8_K block); lane L holds elements 32 j + 4 L .. + 3 of
// every quarter j, the +32 bias taken out lane-wise through the bsums.
inline __m256i q6k_lanes(const Q6KUnpacked & u, const int8_t * qs, __m256i bsums) {
    // Two chains hide the multiply-add latency; the i32 sums are exact in any order.
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    HEARTH_UNROLL
    for (int j = 0; j < 8; j += 2) {
        s0 = madd_acc(s0, _mm256_maddubs_epi16(u.q[j], loadu(qs + 32 * j)), u.scv[j]);
        s1 = madd_acc(s1, _mm256_maddubs_epi16(u.q[j + 1], loadu(qs + 32 * j + 32)), u.scv[j + 1]);
    }
    return _mm256_sub_epi32(_mm256_add_epi32(s0, s1), _mm256_slli_epi32(_mm256_madd_epi16(bsums, u.sc16), 5));
}

// The float step of the kernels that reduce a super-block to exact integers
// (the AVX-512 dot, gemv8 and gemm8 of the K and IQ4_XS types): I = the
// scaled sum, M = the min (or bias) sum; v = d I - (dmin M) (one fmsub),
// acc = a.d v + acc (one fma). dmin = M = 0 for a type without mins.
inline __m128 superblock_step(__m128 acc, float d, float dmin, float ad, int32_t itot, int32_t imin) {
    const __m128 v = _mm_fmsub_ss(_mm_set_ss(d), _mm_set_ss(static_cast<float>(itot)),
                                  _mm_mul_ss(_mm_set_ss(dmin), _mm_set_ss(static_cast<float>(imin))));
    return _mm_fmadd_ss(_mm_set_ss(ad), v, acc);
}

inline __m256i iq4nl_table() {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(kvalues_iq4nl));
    return _mm256_set_m128i(t, t);
}

// The code book + 128 (XOR 0x80 is +128 mod 256): unsigned bytes, the u8
// operand VPDPBUSD needs; the bias comes out through the activations' sums.
inline __m256i iq4nl_table_u8() {
    return _mm256_xor_si256(iq4nl_table(), _mm256_set1_epi8(static_cast<char>(0x80)));
}

// 32-element blocks of signed 8-bit codes with one float scale, against Q8_0
// activations: Q8_0 itself, Q4_0 and Q5_0 (nibbles, a 5th bit, an offset),
// IQ4_NL and MXFP4 (code books by a byte shuffle). The AVX-512 dot, gemv8 and
// gemm8 kernels take any of them.
struct Q8_0Codes {
    using Block = block_q8_0;
    static __m256i codes(const Block & b) { return loadu(b.qs); }
    static float scale(const Block & b) { return fp16(b.d); }
};
struct Q4_0Codes {
    using Block = block_q4_0;
    static __m256i codes(const Block & b) { return _mm256_sub_epi8(nibbles_32(b.qs), _mm256_set1_epi8(8)); }
    static float scale(const Block & b) { return fp16(b.d); }
};
struct Q5_0Codes {
    using Block = block_q5_0;
    // (nibble | bit << 4) - 16 == nibble | 0xf0 (as int8) where the bit is clear.
    static __m256i codes(const Block & b) {
        const __m256i bits = bits_to_bytes(load_u32_le(b.qh));
        return _mm256_or_si256(nibbles_32(b.qs), _mm256_andnot_si256(bits, _mm256_set1_epi8(static_cast<char>(0xf0))));
    }
    static float scale(const Block & b) { return fp16(b.d); }
};
struct IQ4NLCodes {
    using Block = block_iq4_nl;
    static __m256i codes(const Block & b) { return _mm256_shuffle_epi8(iq4nl_table(), nibbles_32(b.qs)); }
    static float scale(const Block & b) { return fp16(b.d); }
};
struct Mxfp4Codes {
    using Block = block_mxfp4;
    // The code book in both 128-bit halves; `bias` is added to every entry
    // (0x80: +128, the unsigned codes VPDPBUSD takes).
    static __m256i table(char bias = 0) {
        const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(kvalues_mxfp4));
        return _mm256_xor_si256(_mm256_set_m128i(t, t), _mm256_set1_epi8(bias));
    }
    static __m256i codes(const Block & b) { return _mm256_shuffle_epi8(table(), nibbles_32(b.qs)); }
    static float scale(const Block & b) { return e8m0_half(b.e); }
};

}  // namespace hearth::HEARTH_SIMD_NS
