// Prefill GEMM for the 32-element block formats with AVX-512 VNNI: Q8_0,
// Q4_0, Q5_0, IQ4_NL (llama-quantize's fallbacks for rows that are not a
// multiple of 256, e.g. Qwen2.5-0.5B's 896) and MXFP4. Eight weight rows
// against a block of tokens; groups of up to 8 blocks (32 signed codes, one
// scale each: simd_avx2.h's Q8_0Codes and friends) per tile, in the lane-pair
// layout of gemm_tile_avx512.h.
//
// The weights are signed, so VPDPBUSD takes the activations biased to
// unsigned (a + 128, a XOR 0x80) against the signed codes, and the bias comes
// out through the row's block sums: sum a w = S - 128 sum w. Per block, each
// row's float chain is acc = (float)(S - 128 W) * (dw * da) + acc, which
// dot_signed32 (vec_dot_avx512.cpp) and the gemv32 kernels repeat exactly.
// S needs the two lanes of a row summed once per block; two tokens share that
// step: token A's pair sums land in the even lanes, token B's in the odd ones,
// so one blend gives lane 2 r + t = (row r, token t) and the float step runs
// on 16 (row, token) lanes at once. The accumulators stay in that interleaved
// order until the token block is stored.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && \
    defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include <algorithm>

#include "cpu/gemm_tile_avx512.h"

#define HEARTH_SIMD_NS avx512vnni
#include "cpu/simd_avx2.h"

namespace hearth {

namespace {

using avx512vnni::fp16;
using avx512vnni::IQ4NLCodes;
using avx512vnni::Mxfp4Codes;
using avx512vnni::Q4_0Codes;
using avx512vnni::Q5_0Codes;
using avx512vnni::Q8_0Codes;
using namespace gemm_avx512;

struct alignas(64) Tile32 {
    __m512i q[8][4];  // [block j][h]: lane 2 r + p = row r's codes 8 h + 4 p .. + 3
    __m512i w128[8];  // [j] lanes 2 r, 2 r + 1: 128 * the sum of row r's codes in block j
    __m512 dw[8];     // [j] lanes 2 r, 2 r + 1: row r's scale of block j
};

template <class F>
void unpack_signed32(const uint8_t * w, size_t row_bytes, int64_t b0, int nb, Tile32 & t) {
    alignas(32) __m256i q[8][kRows];
    alignas(32) float dw[8][kRows];
    for (int r = 0; r < kRows; ++r) {
        const auto * b = reinterpret_cast<const typename F::Block *>(w + size_t(r) * row_bytes) + b0;
        for (int j = 0; j < nb; ++j) {
            q[j][r] = F::codes(b[j]);
            dw[j][r] = F::scale(b[j]);
        }
    }
    const __m512i ones = _mm512_set1_epi8(1);
    const __m512i dup = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    for (int j = 0; j < nb; ++j) {
        transpose_qwords_8x4(q[j], t.q[j]);
        __m512i sum = _mm512_setzero_si512();
        for (int h = 0; h < 4; ++h) sum = _mm512_dpbusd_epi32(sum, ones, t.q[j][h]);
        t.w128[j] = _mm512_slli_epi32(dup_low_dwords(sum_lane_pairs(sum)), 7);
        t.dw[j] = _mm512_permutexvar_ps(dup, _mm512_zextps256_ps512(_mm256_load_ps(dw[j])));
    }
}

// The 16 lanes of one token's S for block j (lanes 2 r, 2 r + 1: row r).
template <bool kBiased>
inline __m512i token_lanes(const __m512i (&q)[4], const int8_t * qs) {
    const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i s = _mm512_setzero_si512();
    HEARTH_UNROLL
    for (int h = 0; h < 4; ++h) {
        __m512i a = bcast8(qs + 8 * h);
        if constexpr (!kBiased) a = _mm512_xor_si512(a, bias);
        s = _mm512_dpbusd_epi32(s, a, q[h]);
    }
    return s;
}

// NP token pairs (tok[2 p], tok[2 p + 1]: their activation rows, super-block
// blocks from b0) against one tile; acc + 16 p: pair p's interleaved lanes.
template <int NP, bool kBiased>
inline void tile_pairs(const Tile32 & t, int nb, const uint8_t * const * tok, int64_t b0, float * acc) {
    const block_q8_0 * a[2 * NP];
    __m512 sum[NP];
    HEARTH_UNROLL
    for (int p = 0; p < NP; ++p) {
        a[2 * p] = reinterpret_cast<const block_q8_0 *>(tok[2 * p]) + b0;
        a[2 * p + 1] = reinterpret_cast<const block_q8_0 *>(tok[2 * p + 1]) + b0;
        sum[p] = _mm512_load_ps(acc + 16 * p);
    }
    for (int j = 0; j < nb; ++j) {
        HEARTH_UNROLL
        for (int p = 0; p < NP; ++p) {
            const __m512i sa = sum_lane_pairs(token_lanes<kBiased>(t.q[j], a[2 * p][j].qs));
            const __m512i sb = token_lanes<kBiased>(t.q[j], a[2 * p + 1][j].qs);
            // Token B's pair sums into the odd lanes: lane 2 r + 1 += lane 2 r.
            const __m512i s = _mm512_mask_blend_epi32(0xaaaa, sa, _mm512_add_epi32(sb, _mm512_slli_epi64(sb, 32)));
            const __m512 da =
                _mm512_unpacklo_ps(_mm512_set1_ps(fp16(a[2 * p][j].d)), _mm512_set1_ps(fp16(a[2 * p + 1][j].d)));
            const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(s, t.w128[j]));
            sum[p] = _mm512_fmadd_ps(v, _mm512_mul_ps(t.dw[j], da), sum[p]);
        }
    }
    HEARTH_UNROLL
    for (int p = 0; p < NP; ++p) _mm512_store_ps(acc + 16 * p, sum[p]);
}

// kBiased: the activations' codes come flipped (bias_q8_0_codes), so the
// inner loop loses one XOR per VPDPBUSD; the integer sums are the same.
template <class F, bool kBiased>
void gemm8_signed32(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride,
                    int64_t n_tokens, float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    const int64_t n_blocks = n_in / QK32;
    alignas(64) float acc[kTokBlock * kRows];  // pair p: 16 lanes, lane 2 r + t = (row r, token 2 p + t)
    const uint8_t * tok[kTokBlock];
    // Even lanes of a pair's lanes to the low 8 floats (token A), odd ones to the high 8 (B).
    const __m512i split = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    Tile32 tile;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokBlock) {
        const int64_t nt = std::min<int64_t>(kTokBlock, n_tokens - t0);
        const int64_t n_pairs = (nt + 1) / 2;
        for (int64_t tt = 0; tt < 2 * n_pairs; ++tt)  // an odd count's last token is paired with itself
            tok[tt] = ab + size_t(t0 + std::min(tt, nt - 1)) * act_stride;
        std::memset(acc, 0, sizeof(float) * 16 * size_t(n_pairs));
        for (int64_t b0 = 0; b0 < n_blocks; b0 += 8) {
            const int nb = int(std::min<int64_t>(8, n_blocks - b0));
            unpack_signed32<F>(wb, w_row_bytes, b0, nb, tile);
            int64_t p = 0;
            for (; p + 2 <= n_pairs; p += 2) tile_pairs<2, kBiased>(tile, nb, tok + 2 * p, b0, acc + 16 * p);
            if (p < n_pairs) tile_pairs<1, kBiased>(tile, nb, tok + 2 * p, b0, acc + 16 * p);
        }
        for (int64_t p = 0; p < n_pairs; ++p) {
            const __m512 rows = _mm512_permutexvar_ps(split, _mm512_load_ps(acc + 16 * p));
            _mm256_storeu_ps(y + size_t(t0 + 2 * p) * y_stride, _mm512_castps512_ps256(rows));
            if (2 * p + 1 < nt)
                _mm256_storeu_ps(y + size_t(t0 + 2 * p + 1) * y_stride, _mm512_extractf32x8_ps(rows, 1));
        }
    }
}

}  // namespace

void fill_gemm32_avx512(VecDotKernels & k) {
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
void fill_gemm32_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
