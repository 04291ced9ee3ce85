// Decode GEMV for Q4_K with AVX-512 VNNI: eight weight rows against 1-3 tokens.
//
// The one-row kernel (dot_q4_K in vec_dot_avx512.cpp) pays, per row and
// super-block, a scalar unpacking of the 12 scale bytes and three horizontal
// reductions; at one token that made Q4_K decode compute-bound at ~7 GB/s of
// weights. Here, per super-block (256 elements):
//   - the scales and mins of a row come out of its 12 bytes with u32 masks;
//   - each sub-block j costs maddubs (nibbles x activations -> i16 pairs) and
//     one VPDPWSSD with sc_j broadcast to every i16 lane by a byte shuffle,
//     so the scale is applied before any reduction: s = sum_j sc_j S_j, as
//     8 i32 lanes;
//   - the mins use the token's bsums, A_j = bsums[2 j] + bsums[2 j + 1];
//   - the 8 rows' lanes are reduced together, giving row r in lane r.
// The float arithmetic per row and super-block is then exactly gemm8's in
// matmul_gemm_avx512.cpp (v = d I - dmin M with one fmsub, acc = a.d v + acc
// with one fma, I and M exact integers), so decode stays bit-identical to
// batched prefill. Integer ranges: the i16 pair of maddubs is at most
// 2 * 15 * 128 = 3840; sum_j sc_j S_j < 2^31 as in gemm8.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#define HEARTH_SIMD_NS avx512vnni
#define HEARTH_SIMD_VNNI 1
#include "cpu/simd_avx2.h"

#include <algorithm>
#include <cstring>

namespace hearth {

namespace avx512vnni {

namespace {

constexpr int kRows = 8;

#define HEARTH_UNROLL _Pragma("GCC unroll 8")

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

// Shuffle control that copies i16 lane j of each 128-bit half to all its lanes.
inline __m256i pick_i16(int j) { return _mm256_set1_epi16(static_cast<int16_t>(((2 * j + 1) << 8) | (2 * j))); }

// Lane r of the result = the sum of the 4 lanes of v[r] (rows as 128-bit vectors).
inline __m256i lane_sums4x8(const __m128i * v) {
    const __m256i p01 = _mm256_set_m128i(v[1], v[0]), p23 = _mm256_set_m128i(v[3], v[2]);
    const __m256i p45 = _mm256_set_m128i(v[5], v[4]), p67 = _mm256_set_m128i(v[7], v[6]);
    // Per 128-bit half: low halves hold rows 0, 2, 4, 6 and high halves rows 1, 3, 5, 7.
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(p01, p23), _mm256_hadd_epi32(p45, p67));
    return _mm256_permutevar8x32_epi32(h, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// Row r's integer sums over one super-block: itot lanes (sum to I), imin lanes
// (sum to M), per token.
template <int NT>
inline void q4_K_row_sums(const block_q4_K & b, const block_q8_K * const * a, const __m128i * bsum, __m256i * itot,
                          __m128i * imin) {
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m128i scm = q4k_scales_mins(b.scales);
    const __m256i sc = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(scm));
    const __m128i mn = _mm_cvtepu8_epi16(_mm_srli_si128(scm, 8));
    // Two chains per token (low and high nibbles) hide VPDPWSSD's latency.
    __m256i s0[NT], s1[NT];
    for (int t = 0; t < NT; ++t) s0[t] = s1[t] = _mm256_setzero_si256();
    HEARTH_UNROLL
    for (int g = 0; g < 4; ++g) {  // elements 64 g .. + 31: low nibbles; 64 g + 32 .. + 63: high
        const __m256i bytes = loadu(b.qs + 32 * g);
        const __m256i lo = _mm256_and_si256(bytes, m4), hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), m4);
        const __m256i sc_lo = _mm256_shuffle_epi8(sc, pick_i16(2 * g));
        const __m256i sc_hi = _mm256_shuffle_epi8(sc, pick_i16(2 * g + 1));
        for (int t = 0; t < NT; ++t) {
            s0[t] = _mm256_dpwssd_epi32(s0[t], _mm256_maddubs_epi16(lo, loadu(a[t]->qs + 64 * g)), sc_lo);
            s1[t] = _mm256_dpwssd_epi32(s1[t], _mm256_maddubs_epi16(hi, loadu(a[t]->qs + 64 * g + 32)), sc_hi);
        }
    }
    for (int t = 0; t < NT; ++t) {
        itot[t] = _mm256_add_epi32(s0[t], s1[t]);
        imin[t] = _mm_madd_epi16(mn, bsum[t]);
    }
}

// Super-blocks are taken kChunk at a time, and within a chunk one row after
// the other: the weights are read as long contiguous runs (what the hardware
// prefetchers follow best from DRAM), the per-row sums wait in a small buffer.
constexpr int64_t kChunk = 16;

template <int NT>
void gemv8_q4_K_nt(int64_t n_in, const uint8_t * w, size_t row_bytes, const uint8_t * act, size_t act_stride, float * y,
                   size_t y_stride) {
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    const int64_t nb = n_in / QK_K;
    const __m256i row_offsets = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                                   _mm256_set1_epi32(static_cast<int>(row_bytes)));
    __m256i itot[kChunk][NT][kRows];
    __m128i imin[kChunk][NT][kRows];
    const block_q8_K * a[kChunk][NT];
    __m128i bsum[kChunk][NT];  // i16 lane j: A_j of token t
    for (int64_t i0 = 0; i0 < nb; i0 += kChunk) {
        const int64_t nc = std::min(kChunk, nb - i0);
        for (int64_t c = 0; c < nc; ++c)
            for (int t = 0; t < NT; ++t) {
                a[c][t] = reinterpret_cast<const block_q8_K *>(act + size_t(t) * act_stride) + i0 + c;
                bsum[c][t] = _mm_hadd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(a[c][t]->bsums)),
                                            _mm_loadu_si128(reinterpret_cast<const __m128i *>(a[c][t]->bsums + 8)));
            }
        for (int r = 0; r < kRows; ++r) {
            const block_q4_K * b = reinterpret_cast<const block_q4_K *>(w + size_t(r) * row_bytes) + i0;
            for (int64_t c = 0; c < nc; ++c) {
                // This row's next chunk: the prefetchers lose the stream at each jump to the next row.
                if (i0 + c + kChunk < nb)
                    for (int l = 0; l < int(sizeof(block_q4_K)); l += 64)
                        _mm_prefetch(reinterpret_cast<const char *>(b + c + kChunk) + l, _MM_HINT_T0);
                __m256i it[NT];
                __m128i im[NT];
                q4_K_row_sums<NT>(b[c], a[c], bsum[c], it, im);
                for (int t = 0; t < NT; ++t) itot[c][t][r] = it[t], imin[c][t][r] = im[t];
            }
        }
        for (int64_t c = 0; c < nc; ++c) {
            // d | dmin << 16 of each row's block (gathered: separate narrow stores
            // would stall the wide load that reads them back).
            const __m256i dm = _mm256_i32gather_epi32(reinterpret_cast<const int *>(w + size_t(i0 + c) * sizeof(block_q4_K)),
                                                      row_offsets, 1);
            const __m256 d = _mm256_cvtph_ps(_mm256_cvtepi32_epi16(dm));
            const __m256 dmin = _mm256_cvtph_ps(_mm256_cvtepi32_epi16(_mm256_srli_epi32(dm, 16)));
            for (int t = 0; t < NT; ++t) {
                const __m256 v = _mm256_fmsub_ps(d, _mm256_cvtepi32_ps(lane_sums8(itot[c][t])),
                                                 _mm256_mul_ps(dmin, _mm256_cvtepi32_ps(lane_sums4x8(imin[c][t]))));
                acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(a[c][t]->d), v, acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; ++t) _mm256_storeu_ps(y + size_t(t) * y_stride, acc[t]);
}

void gemv8_q4_K(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride, int64_t n_tokens,
                float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    for (int64_t t = 0; t < n_tokens; t += 3) {
        const uint8_t * at = ab + size_t(t) * act_stride;
        float * yt = y + size_t(t) * y_stride;
        switch (std::min<int64_t>(3, n_tokens - t)) {
        case 3: gemv8_q4_K_nt<3>(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride); break;
        case 2: gemv8_q4_K_nt<2>(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride); break;
        default: gemv8_q4_K_nt<1>(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride); break;
        }
    }
}

}  // namespace

}  // namespace avx512vnni

void fill_gemv_avx512(VecDotKernels & k) { k.gemv8[TensorType_Q4_K] = avx512vnni::gemv8_q4_K; }

}  // namespace hearth

#else

namespace hearth {
void fill_gemv_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
