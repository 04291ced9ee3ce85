// Prefill GEMM for the 256-element super-block types Q4_K, IQ4_XS and Q6_K
// with AVX-512 VNNI: eight weight rows against a block of tokens at a time
// (the 32-element block types are in matmul_gemm32_avx512.cpp).
//
// The dot4 kernels of vec_dot_tiles.h unpack a weight block once per four
// tokens and then still spend ~3 vector ops per 32 multiply-adds per token on
// maddubs + madd + add. Here one super-block of 8 rows is unpacked once per
// block of up to kTokBlock tokens into a tile in gemm_tile_avx512.h's
// lane-pair layout (q[j][h] lane 2 r + p = the 4 unsigned quants
// 32 j + 8 h + 4 p .. + 3 of row r), so one VPDPBUSD zmm against 8 activation
// bytes broadcast to every qword does 64 multiply-adds for 8 rows, and each
// scale costs one VPMULLD per sub-block. All three formats take the same form:
//   dot(row r) = d_r sum_j sc_rj S_j - dmin_r sum_j m_rj A_j
// with S_j = sum over sub-block j of q * a (q unsigned) and A_j = sum of a,
// which Q8_K's bsums give (A_j = bsums[2 j] + bsums[2 j + 1]):
//   Q4_K:   q = nibble, sc/m the 6-bit scale/min, d/dmin the f16 ones;
//   IQ4_XS: q = kvalues_iq4nl[nibble] + 128 (so unsigned), sc = ls, and the
//           +128 bias comes out as m = 128 ls with dmin = d;
//   Q6_K:   q = the 6-bit code (value + 32), two scales per sub-block (one
//           per 16 elements), m = 32 sc subtracted from I in i32 (no dmin).
// The two lanes of a row are summed once per super-block; the integers and
// the float step are those of dot and gemv8, so prefill and decode agree to
// the bit (test_quant_vec_dot tileKernels).
// Integer ranges: |S_j| < 241 * 127 * 32, |sc| <= 63, so sum_j sc S_j < 2^31
// (Q6_K: 16 scales of |sc| <= 128 times sums of 16 elements <= 63 * 127,
// < 2^28); m fits i16 (|128 ls| <= 4096, |32 sc| <= 4096), as VPDPWSSD needs.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && \
    defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include <algorithm>

#include "cpu/gemm_tile_avx512.h"
#include "quant/blocks_k.h"

#define HEARTH_SIMD_NS avx512vnni
#include "cpu/simd_avx2.h"

namespace hearth {

namespace {

using avx512vnni::fp16;
using avx512vnni::iq4nl_table_u8;
using avx512vnni::loadu;
using avx512vnni::q4k_scales_mins;
using avx512vnni::q6k_unpack;
using avx512vnni::Q6KUnpacked;

using namespace gemm_avx512;

// One super-block of kRows rows, unpacked (see the file comment).
// K = 1: one scale per sub-block j (Q4_K, IQ4_XS); K = 2: one per 16
// elements (Q6_K), sc[j][0] for h = 0, 1 and sc[j][1] for h = 2, 3.
template <int K>
struct alignas(64) TileK {
    __m512i q[8][4];   // [sub-block j][h]
    __m512i sc[8][K];  // [j][half] lanes 2 r, 2 r + 1: row r's i32 scale
    __m256i mn[8];     // [j] lane r: the i16 offsets for bsums 2 j and 2 j + 1 (m_rj twice for K = 1)
    __m256 d, dmin;    // lane r
};
using Tile = TileK<1>;
using Tile6 = TileK<2>;

// Byte k of every qword, sign-extended to 64 bits.
inline __m512i qword_byte(__m512i rows, int k) {
    return _mm512_srai_epi64(_mm512_slli_epi64(rows, 56 - 8 * k), 56);
}

// Lane r = the low 16 bits of qword r of lo, then those of hi (VPDPWSSD's pair).
inline __m256i i16_pairs(__m512i lo, __m512i hi) {
    const __m512i low16 = _mm512_set1_epi64(0xffff);
    return _mm512_cvtepi64_epi32(
        _mm512_or_si512(_mm512_and_si512(lo, low16), _mm512_slli_epi64(_mm512_and_si512(hi, low16), 16)));
}

// Finishes a tile from per-row unpacked sub-blocks q[j][r], the rows' 8
// signed sub-block scales (bytes sc[r][j]) and offsets (m_rj = mn[r][j] << kMinShift).
template <int kMinShift>
inline void finish_tile(__m256i (&q)[8][kRows], const int8_t (&sc)[kRows][8], const int8_t (&mn)[kRows][8],
                        const float (&d)[kRows], const float (&dmin)[kRows], Tile & t) {
    const __m512i sc_rows = _mm512_loadu_si512(sc), mn_rows = _mm512_loadu_si512(mn);  // qword r: row r
    HEARTH_UNROLL
    for (int j = 0; j < 8; ++j) {
        transpose_qwords_8x4(q[j], t.q[j]);
        t.sc[j][0] = dup_low_dwords(qword_byte(sc_rows, j));
        const __m512i m = _mm512_slli_epi64(qword_byte(mn_rows, j), kMinShift);
        t.mn[j] = i16_pairs(m, m);
    }
    t.d = _mm256_loadu_ps(d);
    t.dmin = _mm256_loadu_ps(dmin);
}

void unpack_q4_K(const uint8_t * w, size_t row_bytes, int64_t i, Tile & t) {
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    alignas(32) __m256i q[8][kRows];
    alignas(64) int8_t sc[kRows][8], mn[kRows][8];
    alignas(32) float d[kRows], dmin[kRows];
    for (int r = 0; r < kRows; ++r) {
        const block_q4_K & b = reinterpret_cast<const block_q4_K *>(w + size_t(r) * row_bytes)[i];
        d[r] = fp16(b.d);
        dmin[r] = fp16(b.dmin);
        const __m128i sm = q4k_scales_mins(b.scales);  // bytes 0-7 scales, 8-15 mins
        _mm_storel_epi64(reinterpret_cast<__m128i *>(sc[r]), sm);
        _mm_storel_epi64(reinterpret_cast<__m128i *>(mn[r]), _mm_unpackhi_epi64(sm, sm));
        for (int g = 0; g < 4; ++g) {  // elements 64 g .. + 31: low nibbles; 64 g + 32 .. + 63: high
            const __m256i bytes = loadu(b.qs + 32 * g);
            q[2 * g][r] = _mm256_and_si256(bytes, m4);
            q[2 * g + 1][r] = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), m4);
        }
    }
    finish_tile<0>(q, sc, mn, d, dmin, t);
}

void unpack_iq4_xs(const uint8_t * w, size_t row_bytes, int64_t i, Tile & t) {
    const __m256i table = iq4nl_table_u8(), m4 = _mm256_set1_epi8(0x0f);
    alignas(32) __m256i q[8][kRows];
    alignas(64) int8_t sc[kRows][8];
    alignas(32) float d[kRows], dmin[kRows];
    for (int r = 0; r < kRows; ++r) {
        const block_iq4_xs & b = reinterpret_cast<const block_iq4_xs *>(w + size_t(r) * row_bytes)[i];
        d[r] = dmin[r] = fp16(b.d);
        for (int j = 0; j < 8; ++j) {
            sc[r][j] = static_cast<int8_t>(iq4xs_scale(j, b));
            // 16 bytes of nibbles: low nibbles are elements 0-15, high ones 16-31.
            const __m128i n = _mm_loadu_si128(reinterpret_cast<const __m128i *>(b.qs + 16 * j));
            const __m256i idx = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(n, 4), n), m4);
            q[j][r] = _mm256_shuffle_epi8(table, idx);
        }
    }
    finish_tile<7>(q, sc, sc, d, dmin, t);  // m = 128 ls: the +128 bias of the codes
}

// Q6_K: q = the unsigned 6-bit code (value + 32, q6k_unpack), 16 scales of
// 16 elements; the +32 bias comes out through the bsums as m = 32 sc, which
// tile_tokens subtracts from I in i32 (kIntMin): dot_q6_K's exact
// I = sum sc (q - 32) a, with no float min.
void unpack_q6_K(const uint8_t * w, size_t row_bytes, int64_t i, Tile6 & t) {
    alignas(32) __m256i q[8][kRows];
    alignas(64) int8_t sc[2][kRows][8];  // [scales 0-7 | 8-15][row]
    alignas(32) float d[kRows];
    for (int r = 0; r < kRows; ++r) {
        const block_q6_K & b = reinterpret_cast<const block_q6_K *>(w + size_t(r) * row_bytes)[i];
        d[r] = fp16(b.d);
        Q6KUnpacked u;
        q6k_unpack(b, u);
        HEARTH_UNROLL
        for (int j = 0; j < 8; ++j) q[j][r] = u.q[j];
        std::memcpy(sc[0][r], b.scales, 8);
        std::memcpy(sc[1][r], b.scales + 8, 8);
    }
    const __m512i lo = _mm512_loadu_si512(sc[0]), hi = _mm512_loadu_si512(sc[1]);
    HEARTH_UNROLL
    for (int j = 0; j < 8; ++j) {
        transpose_qwords_8x4(q[j], t.q[j]);
        const __m512i rows = j < 4 ? lo : hi;
        const __m512i s0 = qword_byte(rows, (2 * j) % 8), s1 = qword_byte(rows, (2 * j + 1) % 8);
        t.sc[j][0] = dup_low_dwords(s0);
        t.sc[j][1] = dup_low_dwords(s1);
        t.mn[j] = i16_pairs(_mm512_slli_epi64(s0, 5), _mm512_slli_epi64(s1, 5));
    }
    t.d = _mm256_loadu_ps(d);
    t.dmin = _mm256_setzero_ps();
}

// NT tokens (act rows at act + tt * stride, super-block i) against one tile;
// acc[tt * 8 + r] += dot of row r with token tt over this super-block.
// kIntMin: M is subtracted from I in i32 and the float step has no min.
template <int NT, int K, bool kIntMin>
inline void tile_tokens(const TileK<K> & t, const uint8_t * act, size_t stride, int64_t i, float * acc) {
    const block_q8_K * a[NT];
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) a[tt] = reinterpret_cast<const block_q8_K *>(act + size_t(tt) * stride) + i;
    __m512i itot[NT];
    __m256i imin[NT];
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) {
        itot[tt] = _mm512_setzero_si512();
        imin[tt] = _mm256_setzero_si256();
    }
    HEARTH_UNROLL
    for (int j = 0; j < 8; ++j) {
        // One VPDPBUSD chain per token and scale: the chains of the next
        // sub-block are independent, so the core overlaps them.
        HEARTH_UNROLL
        for (int tt = 0; tt < NT; ++tt) {
            const int8_t * qs = a[tt]->qs + 32 * j;
            __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), t.q[j][0], bcast8(qs));
            s = _mm512_dpbusd_epi32(s, t.q[j][1], bcast8(qs + 8));
            if constexpr (K == 1) {
                s = _mm512_dpbusd_epi32(s, t.q[j][2], bcast8(qs + 16));
                s = _mm512_dpbusd_epi32(s, t.q[j][3], bcast8(qs + 24));
                itot[tt] = _mm512_add_epi32(itot[tt], _mm512_mullo_epi32(s, t.sc[j][0]));
            } else {
                __m512i s1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), t.q[j][2], bcast8(qs + 16));
                s1 = _mm512_dpbusd_epi32(s1, t.q[j][3], bcast8(qs + 24));
                itot[tt] = _mm512_add_epi32(
                    itot[tt], _mm512_add_epi32(_mm512_mullo_epi32(s, t.sc[j][0]), _mm512_mullo_epi32(s1, t.sc[j][1])));
            }
            imin[tt] = _mm256_dpwssd_epi32(imin[tt], t.mn[j], _mm256_set1_epi32(load_i32(a[tt]->bsums + 2 * j)));
        }
    }
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) {
        // Lanes 2 r and 2 r + 1 -> lane r (the sum lands in the low dword of each qword).
        const __m512i pairs = sum_lane_pairs(itot[tt]);
        __m256i vi = _mm512_cvtepi64_epi32(pairs), vm = imin[tt];
        if constexpr (kIntMin) vi = _mm256_sub_epi32(vi, vm), vm = _mm256_setzero_si256();
        const __m256 v = _mm256_fmsub_ps(t.d, _mm256_cvtepi32_ps(vi), _mm256_mul_ps(t.dmin, _mm256_cvtepi32_ps(vm)));
        float * out = acc + 8 * tt;
        _mm256_store_ps(out, _mm256_fmadd_ps(_mm256_set1_ps(a[tt]->d), v, _mm256_load_ps(out)));
    }
}

template <int K, void (*Unpack)(const uint8_t *, size_t, int64_t, TileK<K> &), bool kIntMin = false>
void gemm8(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride, int64_t n_tokens,
           float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    alignas(32) float acc[kTokBlock * kRows];
    TileK<K> tile;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokBlock) {
        const int64_t nt = std::min<int64_t>(kTokBlock, n_tokens - t0);
        std::memset(acc, 0, sizeof(float) * size_t(nt) * kRows);
        const uint8_t * at = ab + size_t(t0) * act_stride;
        for (int64_t i = 0; i < n_in / QK_K; ++i) {
            Unpack(wb, w_row_bytes, i, tile);
            int64_t tt = 0;
            for (; tt + 4 <= nt; tt += 4)
                tile_tokens<4, K, kIntMin>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
            switch (nt - tt) {
                case 3:
                    tile_tokens<3, K, kIntMin>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                case 2:
                    tile_tokens<2, K, kIntMin>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                case 1:
                    tile_tokens<1, K, kIntMin>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                default:
                    break;
            }
        }
        for (int64_t tt = 0; tt < nt; ++tt)
            _mm256_storeu_ps(y + size_t(t0 + tt) * y_stride, _mm256_load_ps(acc + 8 * tt));
    }
}

}  // namespace

void fill_gemm_avx512(VecDotKernels & k) {
    k.gemm8[TensorType_Q4_K] = gemm8<1, unpack_q4_K>;
    k.gemm8[TensorType_IQ4_XS] = gemm8<1, unpack_iq4_xs>;
    k.gemm8[TensorType_Q6_K] = gemm8<2, unpack_q6_K, true>;
}

}  // namespace hearth

#else

namespace hearth {
void fill_gemm_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
