// Prefill GEMM for Q4_K, IQ4_XS, Q8_0 and MXFP4 with AVX-512 VNNI: eight weight
// rows against a block of tokens at a time (Q8_0 and MXFP4 at the end of the file).
//
// The dot4 kernels of vec_dot_tiles.h unpack a weight block once per four
// tokens and then still spend ~3 vector ops per 32 multiply-adds per token on
// maddubs + madd + add. Here one super-block (256 elements) of 8 rows is
// unpacked once per block of up to kTokBlock tokens into an interleaved tile:
//   q[j][g] lane r = the 4 unsigned quants 32 j + 4 g .. + 3 of row r,
// so one VPDPBUSD against 4 activation bytes broadcast to every lane does 32
// multiply-adds for 8 rows at once, and the per-sub-block scale is one
// VPMULLD per 256. Both formats are brought to the same form:
//   dot(row r) = d_r sum_j sc_rj S_j - dmin_r sum_j m_rj A_j
// with S_j = sum over sub-block j of q * a (q unsigned) and A_j = sum of a,
// which Q8_K's bsums give (A_j = bsums[2 j] + bsums[2 j + 1]):
//   Q4_K:   q = nibble, sc/m the 6-bit scale/min, d/dmin the f16 ones;
//   IQ4_XS: q = kvalues_iq4nl[nibble] + 128 (so unsigned), sc = ls, and the
//           +128 bias comes out as m = 128 ls with dmin = d.
// Integer ranges: |S_j| < 241 * 127 * 32, |sc| <= 63, so sum_j sc S_j < 2^31;
// m fits i16 (|128 ls| <= 4096), as VPDPWSSD needs.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "quant/blocks_k.h"

#define HEARTH_SIMD_NS avx512vnni
#include "cpu/simd_avx2.h"

namespace hearth {

namespace {

using avx512vnni::fp16;
using avx512vnni::iq4nl_table_u8;
using avx512vnni::IQ4NLCodes;
using avx512vnni::loadu;
using avx512vnni::Mxfp4Codes;
using avx512vnni::Q4_0Codes;
using avx512vnni::Q5_0Codes;
using avx512vnni::Q8_0Codes;
using avx512vnni::transpose8x8;

constexpr int kRows = 8;

// Tokens per unpacked tile: 128 (not 64) halves the unpacking for a prompt of
// 128+ tokens; their activation rows (<= 128 x 5.2 KB at n_in 4864) still fit
// a 1 MB L2 (bench_matmul -p 128, 4864 x 896: Q4_K/IQ4_XS ~ +6%).
constexpr int64_t kTokBlock = 128;

inline int32_t load_i32(const void * p) {
    int32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// One super-block of kRows rows, unpacked (see the file comment).
struct alignas(32) Tile {
    __m256i q[8][8];  // [sub-block j][group g], lane r
    __m256i sc[8];    // [j] lane r: i32 scale
    __m256i mn[8];    // [j] lane r: the i16 offset m_rj twice (pairs with bsums 2j, 2j + 1)
    __m256 d, dmin;   // lane r
};

inline int32_t pair_i16(int m) {
    const auto u = static_cast<uint32_t>(static_cast<uint16_t>(static_cast<int16_t>(m)));
    return static_cast<int32_t>(u | (u << 16));
}

// Finishes a tile from per-row unpacked sub-blocks q[j][r] and scalar scales.
inline void finish_tile(__m256i (&q)[8][kRows], const int32_t (&sc)[8][kRows], const int32_t (&mn)[8][kRows],
                        const float (&d)[kRows], const float (&dmin)[kRows], Tile & t) {
    for (int j = 0; j < 8; ++j) {
        transpose8x8(q[j], t.q[j]);
        t.sc[j] = loadu(sc[j]);
        t.mn[j] = loadu(mn[j]);
    }
    t.d = _mm256_loadu_ps(d);
    t.dmin = _mm256_loadu_ps(dmin);
}

void unpack_q4_K(const uint8_t * w, size_t row_bytes, int64_t i, Tile & t) {
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    alignas(32) __m256i q[8][kRows];
    alignas(32) int32_t sc[8][kRows], mn[8][kRows];
    alignas(32) float d[kRows], dmin[kRows];
    for (int r = 0; r < kRows; ++r) {
        const block_q4_K & b = reinterpret_cast<const block_q4_K *>(w + size_t(r) * row_bytes)[i];
        d[r] = fp16(b.d);
        dmin[r] = fp16(b.dmin);
        for (int j = 0; j < 8; ++j) {
            int s, m;
            q4k_scale_min(j, b.scales, s, m);
            sc[j][r] = s;
            mn[j][r] = pair_i16(m);
        }
        for (int g = 0; g < 4; ++g) {  // elements 64 g .. + 31: low nibbles; 64 g + 32 .. + 63: high
            const __m256i bytes = loadu(b.qs + 32 * g);
            q[2 * g][r] = _mm256_and_si256(bytes, m4);
            q[2 * g + 1][r] = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), m4);
        }
    }
    finish_tile(q, sc, mn, d, dmin, t);
}

void unpack_iq4_xs(const uint8_t * w, size_t row_bytes, int64_t i, Tile & t) {
    const __m256i table = iq4nl_table_u8(), m4 = _mm256_set1_epi8(0x0f);
    alignas(32) __m256i q[8][kRows];
    alignas(32) int32_t sc[8][kRows], mn[8][kRows];
    alignas(32) float d[kRows], dmin[kRows];
    for (int r = 0; r < kRows; ++r) {
        const block_iq4_xs & b = reinterpret_cast<const block_iq4_xs *>(w + size_t(r) * row_bytes)[i];
        d[r] = dmin[r] = fp16(b.d);
        for (int j = 0; j < 8; ++j) {
            const int ls = iq4xs_scale(j, b);
            sc[j][r] = ls;
            mn[j][r] = pair_i16(128 * ls);
            // 16 bytes of nibbles: low nibbles are elements 0-15, high ones 16-31.
            const __m128i n = _mm_loadu_si128(reinterpret_cast<const __m128i *>(b.qs + 16 * j));
            const __m256i idx = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(n, 4), n), m4);
            q[j][r] = _mm256_shuffle_epi8(table, idx);
        }
    }
    finish_tile(q, sc, mn, d, dmin, t);
}

// NT tokens (act rows at act + tt * stride, super-block i) against one tile;
// acc[tt * 8 + r] += dot of row r with token tt over this super-block.
template <int NT>
inline void tile_tokens(const Tile & t, const uint8_t * act, size_t stride, int64_t i, float * acc) {
    const block_q8_K * a[NT];
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) a[tt] = reinterpret_cast<const block_q8_K *>(act + size_t(tt) * stride) + i;
    __m256i itot[NT], imin[NT];
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) itot[tt] = imin[tt] = _mm256_setzero_si256();
    HEARTH_UNROLL
    for (int j = 0; j < 8; ++j) {
        // Two partial sums per token: independent VPDPBUSD chains hide its latency.
        __m256i s0[NT], s1[NT];
        HEARTH_UNROLL
        for (int tt = 0; tt < NT; ++tt) s0[tt] = s1[tt] = _mm256_setzero_si256();
        HEARTH_UNROLL
        for (int g = 0; g < 8; g += 2) {
            const __m256i b0 = t.q[j][g], b1 = t.q[j][g + 1];
            HEARTH_UNROLL
            for (int tt = 0; tt < NT; ++tt) {
                const int8_t * qs = a[tt]->qs + 32 * j + 4 * g;
                s0[tt] = _mm256_dpbusd_epi32(s0[tt], b0, _mm256_set1_epi32(load_i32(qs)));
                s1[tt] = _mm256_dpbusd_epi32(s1[tt], b1, _mm256_set1_epi32(load_i32(qs + 4)));
            }
        }
        HEARTH_UNROLL
        for (int tt = 0; tt < NT; ++tt) {
            itot[tt] = _mm256_add_epi32(itot[tt], _mm256_mullo_epi32(_mm256_add_epi32(s0[tt], s1[tt]), t.sc[j]));
            imin[tt] = _mm256_dpwssd_epi32(imin[tt], t.mn[j], _mm256_set1_epi32(load_i32(a[tt]->bsums + 2 * j)));
        }
    }
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) {
        const __m256 v =
            _mm256_fmsub_ps(t.d, _mm256_cvtepi32_ps(itot[tt]), _mm256_mul_ps(t.dmin, _mm256_cvtepi32_ps(imin[tt])));
        float * out = acc + 8 * tt;
        _mm256_store_ps(out, _mm256_fmadd_ps(_mm256_set1_ps(a[tt]->d), v, _mm256_load_ps(out)));
    }
}

template <void (*Unpack)(const uint8_t *, size_t, int64_t, Tile &)>
void gemm8(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride, int64_t n_tokens,
           float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    alignas(32) float acc[kTokBlock * kRows];
    Tile tile;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokBlock) {
        const int64_t nt = std::min<int64_t>(kTokBlock, n_tokens - t0);
        std::memset(acc, 0, sizeof(float) * size_t(nt) * kRows);
        const uint8_t * at = ab + size_t(t0) * act_stride;
        for (int64_t i = 0; i < n_in / QK_K; ++i) {
            Unpack(wb, w_row_bytes, i, tile);
            int64_t tt = 0;
            for (; tt + 4 <= nt; tt += 4)
                tile_tokens<4>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
            switch (nt - tt) {
                case 3:
                    tile_tokens<3>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                case 2:
                    tile_tokens<2>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                case 1:
                    tile_tokens<1>(tile, at + size_t(tt) * act_stride, act_stride, i, acc + 8 * tt);
                    break;
                default:
                    break;
            }
        }
        for (int64_t tt = 0; tt < nt; ++tt)
            _mm256_storeu_ps(y + size_t(t0 + tt) * y_stride, _mm256_load_ps(acc + 8 * tt));
    }
}

// ---- Q8_0 and MXFP4 -----------------------------------------------------------
// Groups of up to 8 blocks (32 elements of signed codes, one scale each:
// simd_avx2.h's Q8_0Codes, Mxfp4Codes) per tile. The
// weights are signed, so the roles flip: VPDPBUSD takes the activations biased
// to unsigned (a + 128, a XOR 0x80) against the signed weights, and the bias
// comes out through the row's block sums: sum a w = S - 128 sum w. Per block:
// acc = (float)(S - 128 W) * (dw * da) + acc, which dot_signed32 in
// vec_dot_avx512.cpp repeats exactly for decode.
struct alignas(32) Tile0 {
    __m256i q[8][8];  // [block j][group g], lane r: 4 signed quants
    __m256i w128[8];  // [j] lane r: 128 * sum of row r's quants in block j
    __m256 dw[8];     // [j] lane r: the block's scale
};

template <class F>
void unpack_signed32(const uint8_t * w, size_t row_bytes, int64_t b0, int nb, Tile0 & t) {
    alignas(32) __m256i q[8][kRows];
    alignas(32) float dw[8][kRows];
    for (int r = 0; r < kRows; ++r) {
        const auto * b = reinterpret_cast<const typename F::Block *>(w + size_t(r) * row_bytes) + b0;
        for (int j = 0; j < nb; ++j) {
            q[j][r] = F::codes(b[j]);
            dw[j][r] = F::scale(b[j]);
        }
    }
    const __m256i ones = _mm256_set1_epi8(1);
    for (int j = 0; j < nb; ++j) {
        transpose8x8(q[j], t.q[j]);
        __m256i sum = _mm256_setzero_si256();
        for (int g = 0; g < 8; ++g) sum = _mm256_dpbusd_epi32(sum, ones, t.q[j][g]);
        t.w128[j] = _mm256_slli_epi32(sum, 7);
        t.dw[j] = _mm256_load_ps(dw[j]);
    }
}

template <int NT, bool kBiased>
inline void tile0_tokens(const Tile0 & t, int nb, const uint8_t * act, size_t stride, int64_t b0, float * acc) {
    const block_q8_0 * a[NT];
    __m256 sum[NT];
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) {
        a[tt] = reinterpret_cast<const block_q8_0 *>(act + size_t(tt) * stride) + b0;
        sum[tt] = _mm256_load_ps(acc + 8 * tt);
    }
    const __m256i bias = _mm256_set1_epi8(static_cast<char>(0x80));
    for (int j = 0; j < nb; ++j) {
        __m256i s0[NT], s1[NT];
        HEARTH_UNROLL
        for (int tt = 0; tt < NT; ++tt) s0[tt] = s1[tt] = _mm256_setzero_si256();
        HEARTH_UNROLL
        for (int g = 0; g < 8; g += 2) {
            const __m256i q0 = t.q[j][g], q1 = t.q[j][g + 1];
            HEARTH_UNROLL
            for (int tt = 0; tt < NT; ++tt) {
                const int8_t * qs = a[tt][j].qs + 4 * g;
                __m256i a0 = _mm256_set1_epi32(load_i32(qs)), a1 = _mm256_set1_epi32(load_i32(qs + 4));
                if constexpr (!kBiased) a0 = _mm256_xor_si256(a0, bias), a1 = _mm256_xor_si256(a1, bias);
                s0[tt] = _mm256_dpbusd_epi32(s0[tt], a0, q0);
                s1[tt] = _mm256_dpbusd_epi32(s1[tt], a1, q1);
            }
        }
        HEARTH_UNROLL
        for (int tt = 0; tt < NT; ++tt) {
            const __m256 v = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_add_epi32(s0[tt], s1[tt]), t.w128[j]));
            sum[tt] = _mm256_fmadd_ps(v, _mm256_mul_ps(t.dw[j], _mm256_set1_ps(fp16(a[tt][j].d))), sum[tt]);
        }
    }
    HEARTH_UNROLL
    for (int tt = 0; tt < NT; ++tt) _mm256_store_ps(acc + 8 * tt, sum[tt]);
}

// kBiased: the activations' codes come flipped (bias_q8_0_codes), so the
// inner loop loses one XOR per VPDPBUSD; the integer sums are the same.
template <class F, bool kBiased>
void gemm8_signed32(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride,
                    int64_t n_tokens, float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    const int64_t n_blocks = n_in / QK32;
    alignas(32) float acc[kTokBlock * kRows];
    Tile0 tile;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokBlock) {
        const int64_t nt = std::min<int64_t>(kTokBlock, n_tokens - t0);
        std::memset(acc, 0, sizeof(float) * size_t(nt) * kRows);
        const uint8_t * at = ab + size_t(t0) * act_stride;
        for (int64_t b0 = 0; b0 < n_blocks; b0 += 8) {
            const int nb = int(std::min<int64_t>(8, n_blocks - b0));
            unpack_signed32<F>(wb, w_row_bytes, b0, nb, tile);
            int64_t tt = 0;
            for (; tt + 4 <= nt; tt += 4)
                tile0_tokens<4, kBiased>(tile, nb, at + size_t(tt) * act_stride, act_stride, b0, acc + 8 * tt);
            switch (nt - tt) {
                case 3:
                    tile0_tokens<3, kBiased>(tile, nb, at + size_t(tt) * act_stride, act_stride, b0, acc + 8 * tt);
                    break;
                case 2:
                    tile0_tokens<2, kBiased>(tile, nb, at + size_t(tt) * act_stride, act_stride, b0, acc + 8 * tt);
                    break;
                case 1:
                    tile0_tokens<1, kBiased>(tile, nb, at + size_t(tt) * act_stride, act_stride, b0, acc + 8 * tt);
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
    k.gemm8[TensorType_Q4_K] = gemm8<unpack_q4_K>;
    k.gemm8[TensorType_IQ4_XS] = gemm8<unpack_iq4_xs>;
    k.gemm8[TensorType_Q8_0] = gemm8_signed32<Q8_0Codes, false>;
    k.gemm8[TensorType_Q4_0] = gemm8_signed32<Q4_0Codes, false>;
    k.gemm8[TensorType_Q5_0] = gemm8_signed32<Q5_0Codes, false>;
    k.gemm8[TensorType_IQ4_NL] = gemm8_signed32<IQ4NLCodes, false>;
    k.gemm8[TensorType_MXFP4] = gemm8_signed32<Mxfp4Codes, false>;
    k.gemm8_biased[TensorType_Q8_0] = gemm8_signed32<Q8_0Codes, true>;
    k.gemm8_biased[TensorType_Q4_0] = gemm8_signed32<Q4_0Codes, true>;
    k.gemm8_biased[TensorType_Q5_0] = gemm8_signed32<Q5_0Codes, true>;
    k.gemm8_biased[TensorType_IQ4_NL] = gemm8_signed32<IQ4NLCodes, true>;
    k.gemm8_biased[TensorType_MXFP4] = gemm8_signed32<Mxfp4Codes, true>;
}

}  // namespace hearth

#else

namespace hearth {
void fill_gemm_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
