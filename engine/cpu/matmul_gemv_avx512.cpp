// Decode GEMV for Q4_K, IQ4_XS, Q6_K and MXFP4 with AVX-512 VNNI: eight weight rows against
// 1-3 tokens (Q8_0's is in matmul_gemv32_avx512.cpp).
//
// The one-row kernels (dot_q4_K, dot_iq4_xs in vec_dot_avx512.cpp) pay, per
// row and super-block, a scalar unpacking of the scales and three horizontal
// reductions; at one token that made Q4_K decode compute-bound at ~7 GB/s of
// weights. Here each format (below) turns a row's super-block into 8 i32 lanes
// that sum to its integers I and M, and the 8 rows' lanes are reduced together
// (row r in lane r). The float arithmetic per row and super-block is then
// exactly gemm8's in matmul_gemm_avx512.cpp (v = d I - dmin M with one fmsub,
// acc = a.d v + acc with one fma, I and M exact integers), so decode stays
// bit-identical to batched prefill.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && \
    defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include "cpu/gemm_tile_avx512.h"  // first: its immintrin.h include is the one GCC 12 must not warn in

#define HEARTH_SIMD_NS avx512vnni
#define HEARTH_SIMD_VNNI 1
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "cpu/gemv8_tokens.h"
#include "cpu/simd_avx2.h"

namespace hearth {

namespace avx512vnni {

namespace {

constexpr int kRows = 8;

// A format supplies, per super-block: Act, what one token's Q8_K block is
// turned into once for all 8 rows; row_sums, a row's integer sums as 8 i32
// lanes that add up to I (itot) and M (imin); and d/dmin from the u32 at the
// start of the block.

// Q4_K: maddubs of nibbles and activations, then VPDPWSSD with the sub-block's
// scale shuffled into every i16 lane, so the scale is applied before any
// reduction. M = sum_j m_j A_j with A_j = bsums[2 j] + bsums[2 j + 1]. The i16
// pair of maddubs is at most 2 * 15 * 128 = 3840; |I| < 2^31 as in gemm8.
// q4k_scales_mins (simd_avx2.h) without its scalar work and four-lane insert,
// once per row and super-block here: the same 16 bytes (scales, then mins).
// u32 lanes of the 12 scale bytes u0 u1 u2 (the 16-byte load's 4th lane is
// the block's first quants, unused): sc_lo = u0 & k6, m_lo = u1 & k6,
// sc_hi = (u2 & k4) | high 2 bits of u0's bytes, m_hi = (u2 >> 4 & k4) | u1's.
inline __m128i q4k_scales_mins_vec(const uint8_t * s) {
    const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s));
    const __m128i p = _mm_shuffle_epi32(u, _MM_SHUFFLE(2, 1, 2, 0));  // u0 u2 u1 u2
    const __m128i q = _mm_shuffle_epi32(u, _MM_SHUFFLE(1, 1, 0, 0));  // u0 u0 u1 u1
    const int k6 = 0x3f3f3f3f, k4 = 0x0f0f0f0f, k2hi = 0x30303030;    // k2hi: ((x >> 6) & k2) << 4 == (x >> 2) & k2hi
    const __m128i lo = _mm_and_si128(_mm_srlv_epi32(p, _mm_setr_epi32(0, 0, 0, 4)), _mm_setr_epi32(k6, k4, k6, k4));
    const __m128i hi = _mm_and_si128(_mm_srli_epi32(q, 2), _mm_setr_epi32(0, k2hi, 0, k2hi));
    return _mm_or_si128(lo, hi);
}

// Two 32-byte groups of quants per 512-bit vector: one load, one nibble split
// and one maddubs + VPDPWSSD pair per 128 elements. On Zen 4 the zmm forms
// issue about as fast as the ymm ones, so this halves the row's operations.
// Act::lo[p] / hi[p]: the activations of the low / high nibbles of quant
// groups 2 p (low 256 bits) and 2 p + 1 (high 256 bits), regrouped once per token.
struct Q4K {
    using Block = block_q4_K;
    static constexpr size_t kHead = 0;  // d and dmin: the block's first u32
    static constexpr bool kMins = true;
    struct Act {
        __m512i lo[2], hi[2];
        __m256i bsum;  // i16 lane j (j < 8): A_j
    };
    static __m512i join(const int8_t * p0, const int8_t * p1) {
        return _mm512_inserti64x4(_mm512_zextsi256_si512(loadu(p0)), loadu(p1), 1);
    }
    static Act act(const block_q8_K & a) {
        const __m128i b = _mm_hadd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(a.bsums)),
                                         _mm_loadu_si128(reinterpret_cast<const __m128i *>(a.bsums + 8)));
        Act r;
        for (int p = 0; p < 2; ++p) {  // group g: elements 64 g .. + 31 (low nibbles), 64 g + 32 .. + 63 (high)
            r.lo[p] = join(a.qs + 128 * p, a.qs + 128 * p + 64);
            r.hi[p] = join(a.qs + 128 * p + 32, a.qs + 128 * p + 96);
        }
        r.bsum = _mm256_zextsi128_si256(b);
        return r;
    }
    // Shuffle control: i16 lane j0 of each 128-bit quarter in the low half, j1 in the high half.
    static __m512i pick2(int j0, int j1) {
        return _mm512_inserti64x4(_mm512_zextsi256_si512(pick_i16(j0)), pick_i16(j1), 1);
    }
    template <int NT>
    static void row_sums(const Block & b, const Act * const * a, __m256i * itot, __m256i * imin) {
        const __m512i m4 = _mm512_set1_epi8(0x0f);
        const __m128i scm = q4k_scales_mins_vec(b.scales);
        const __m512i sc = _mm512_broadcast_i32x4(_mm_cvtepu8_epi16(scm));
        const __m256i mn = _mm256_zextsi128_si256(_mm_cvtepu8_epi16(_mm_srli_si128(scm, 8)));
        // Two chains per token (low and high nibbles) hide VPDPWSSD's latency.
        __m512i s0[NT], s1[NT];
        for (int t = 0; t < NT; ++t) s0[t] = s1[t] = _mm512_setzero_si512();
        HEARTH_UNROLL
        for (int p = 0; p < 2; ++p) {  // groups 2 p, 2 p + 1: sub-blocks 4 p, 4 p + 2 (low), 4 p + 1, 4 p + 3 (high)
            const __m512i bytes = _mm512_loadu_si512(b.qs + 64 * p);
            const __m512i lo = _mm512_and_si512(bytes, m4), hi = _mm512_and_si512(_mm512_srli_epi16(bytes, 4), m4);
            const __m512i sc_lo = _mm512_shuffle_epi8(sc, pick2(4 * p, 4 * p + 2));
            const __m512i sc_hi = _mm512_shuffle_epi8(sc, pick2(4 * p + 1, 4 * p + 3));
            for (int t = 0; t < NT; ++t) {
                s0[t] = _mm512_dpwssd_epi32(s0[t], _mm512_maddubs_epi16(lo, a[t]->lo[p]), sc_lo);
                s1[t] = _mm512_dpwssd_epi32(s1[t], _mm512_maddubs_epi16(hi, a[t]->hi[p]), sc_hi);
            }
        }
        for (int t = 0; t < NT; ++t) {
            const __m512i s = _mm512_add_epi32(s0[t], s1[t]);
            itot[t] = _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
            imin[t] = _mm256_madd_epi16(mn, a[t]->bsum);
        }
    }
    static __m256 d(__m256i dm) { return _mm256_cvtph_ps(_mm256_cvtepi32_epi16(dm)); }
    static __m256 dmin(__m256i dm) { return _mm256_cvtph_ps(_mm256_cvtepi32_epi16(_mm256_srli_epi32(dm, 16))); }
};

// IQ4_XS: codes biased by +128 to unsigned bytes (as gemm8 does), so one
// VPDPBUSD per 32 multiply-adds; M = sum_j 128 ls_j A_j takes the bias out,
// with dmin = d. Sub-blocks j = 2 p and 2 p + 1 are read as one 32-byte load
// whose low nibbles hold the first 16 elements of both and whose high nibbles
// the last 16: the token's activations are permuted to match once, so the
// weights need no permute. Lanes 0-3 of a pair's sum belong to 2 p, 4-7 to
// 2 p + 1; two hadd rounds give S_j in lane order 0 2 4 6 1 3 5 7.
struct IQ4XS {
    using Block = block_iq4_xs;
    static constexpr size_t kHead = 0;  // d and the scales' high bits
    static constexpr bool kMins = true;
    // Pairs 2 q and 2 q + 1 side by side in one 512-bit vector (one load,
    // one nibble split and one VPDPBUSD pair per two pairs; zmm issues about
    // as fast as ymm on Zen 4).
    struct Act {
        __m512i lo[2], hi[2];  // [q]: pair 2 q's elements 0-15 / 16-31 of sub-blocks 4 q | 4 q + 1, then pair 2 q + 1's
        __m256i a;             // i32 lane k: A_j, j in the order above
    };
    static Act act(const block_q8_K & a) {
        Act r;
        __m256i lo[4], hi[4];
        for (int p = 0; p < 4; ++p) {
            const __m256i x = loadu(a.qs + 64 * p), y = loadu(a.qs + 64 * p + 32);
            lo[p] = _mm256_permute2x128_si256(x, y, 0x20);
            hi[p] = _mm256_permute2x128_si256(x, y, 0x31);
        }
        for (int q = 0; q < 2; ++q) {
            r.lo[q] = _mm512_inserti64x4(_mm512_zextsi256_si512(lo[2 * q]), lo[2 * q + 1], 1);
            r.hi[q] = _mm512_inserti64x4(_mm512_zextsi256_si512(hi[2 * q]), hi[2 * q + 1], 1);
        }
        const __m256i sums = _mm256_madd_epi16(loadu(a.bsums), _mm256_set1_epi16(1));  // lane j: A_j
        r.a = _mm256_permutevar8x32_epi32(sums, kOrder());
        return r;
    }
    static __m256i kOrder() { return _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7); }
    template <int NT>
    static void row_sums(const Block & b, const Act * const * a, __m256i * itot, __m256i * imin) {
        const __m512i table = _mm512_broadcast_i32x4(_mm256_castsi256_si128(iq4nl_table_u8()));
        const __m512i m4 = _mm512_set1_epi8(0x0f);
        const __m256i ls = _mm256_permutevar8x32_epi32(iq4xs_scales8(b), kOrder());
        __m512i s[NT][2];
        HEARTH_UNROLL
        for (int q = 0; q < 2; ++q) {
            const __m512i bytes = _mm512_loadu_si512(b.qs + 64 * q);
            const __m512i lo = _mm512_shuffle_epi8(table, _mm512_and_si512(bytes, m4));
            const __m512i hi = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(bytes, 4), m4));
            for (int t = 0; t < NT; ++t)
                s[t][q] =
                    _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, a[t]->lo[q]), hi, a[t]->hi[q]);
        }
        for (int t = 0; t < NT; ++t) {
            const __m256i s0 = _mm512_castsi512_si256(s[t][0]), s1 = _mm512_extracti64x4_epi64(s[t][0], 1);
            const __m256i s2 = _mm512_castsi512_si256(s[t][1]), s3 = _mm512_extracti64x4_epi64(s[t][1], 1);
            const __m256i sj = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
            itot[t] = _mm256_mullo_epi32(sj, ls);
            imin[t] = _mm256_slli_epi32(_mm256_mullo_epi32(a[t]->a, ls), 7);
        }
    }
    static __m256 d(__m256i dm) { return _mm256_cvtph_ps(_mm256_cvtepi32_epi16(dm)); }
    static __m256 dmin(__m256i dm) { return d(dm); }
};

// Q6_K: the tile kernels' integer lanes (q6k_unpack, q6k_lanes: scales
// applied in i16 before any reduction, the +32 bias out through the bsums),
// 8 lanes per row that sum to I; no mins (M = 0, dmin = 0), so the float step
// is dot_q6_K's (vec_dot_avx512.cpp: q6_K_rows<1, true>). d is the block's
// last two bytes: the u32 read ends there (bytes 206-209: scales 14-15, d).
struct Q6K {
    using Block = block_q6_K;
    static constexpr size_t kHead = offsetof(block_q6_K, d) - 2;
    static_assert(kHead + 4 == sizeof(block_q6_K), "the u32 at kHead ends with the block");
    static constexpr bool kMins = false;
    struct Act {
        const int8_t * qs;
        __m256i bsums;  // i16 lane k: the sum of elements 16 k .. + 15
    };
    static Act act(const block_q8_K & a) { return {a.qs, loadu(a.bsums)}; }
    template <int NT>
    static void row_sums(const Block & b, const Act * const * a, __m256i * itot, __m256i *) {
        Q6KUnpacked u;
        q6k_unpack(b, u);
        for (int t = 0; t < NT; ++t) itot[t] = q6k_lanes(u, a[t]->qs, a[t]->bsums);
    }
    static __m256 d(__m256i dm) { return _mm256_cvtph_ps(_mm256_cvtepi32_epi16(_mm256_srli_epi32(dm, 16))); }
    static __m256 dmin(__m256i) { return _mm256_setzero_ps(); }
};

// Each row is read whole (up to kChunk / NT super-blocks) before the next:
// the 8 rows of a call are adjacent in memory, so the weights stream from DRAM
// as one sequential run, which the hardware prefetchers follow best (reading
// the 8 rows a super-block at a time halves the bandwidth on rows of 22 or
// more super-blocks). A row's I and M lanes per super-block wait unreduced
// (64 KB per chunk), so after the 8 rows one lane_sums8 (9 ops) reduces all 8
// rows of a super-block, against 8 hsum_i32 of 7 ops and a scalar store each.
// Same integers, same float steps, same bits. (bench_matmul -t 1, weights in
// L2, best of 3 alternating runs, GB/s: Q4_K 3584 x 256 26.7 -> 28.3, IQ4_XS
// 3584 x 256 20.4 -> 22.6, IQ4_XS 18944 x 64 18.3 -> 20.0.)
constexpr int64_t kChunk = 128;
// Software prefetch along that run: the hardware prefetchers alone leave the
// kernel waiting on DRAM (it computes at ~24 GB/s from L3). Into L2, 8 KB
// ahead: prefetches into L1 hold its few miss buffers and stalled the loads
// (bench_matmul Q8_0 5632 x 16384, 1 thread: 18.1 GB/s with T0 at 4 KB, 22.8
// with T1 at 8 KB; Q4_K 18.5 -> 19.6).
constexpr int kPrefetchBytes = 8192;
constexpr _mm_hint kPrefetchHint = _MM_HINT_T1;

// The float step of one super-block for one token, shared by both orders so
// they stay the same bits: v = d I - dmin M (one fmsub), acc = a.d v + acc.
inline __m256 block_step(__m256 d, __m256 dmin, __m256i vi, __m256i vm, float ad, __m256 acc) {
    const __m256 v = _mm256_fmsub_ps(d, _mm256_cvtepi32_ps(vi), _mm256_mul_ps(dmin, _mm256_cvtepi32_ps(vm)));
    return _mm256_fmadd_ps(_mm256_set1_ps(ad), v, acc);
}

// Lane r = the u32 at p + r * row_bytes (a super-block's d and dmin, or d and
// the scales' high bits, in row r), by eight 32-bit inserts: on Zen 4 cheaper
// than one VPGATHERDD, as in the 32-element kernels (matmul_gemv32_avx512.cpp).
// Loaded whole from the weights, never from narrow stores (which a wide load
// would stall on).
inline __m256i block_heads8(const uint8_t * p, size_t row_bytes) {
    const auto u32 = [&](int r) { return static_cast<int>(load_u32_le(p + size_t(r) * row_bytes)); };
    __m128i lo = _mm_cvtsi32_si128(u32(0)), hi = _mm_cvtsi32_si128(u32(4));
    lo = _mm_insert_epi32(lo, u32(1), 1);
    hi = _mm_insert_epi32(hi, u32(5), 1);
    lo = _mm_insert_epi32(lo, u32(2), 2);
    hi = _mm_insert_epi32(hi, u32(6), 2);
    lo = _mm_insert_epi32(lo, u32(3), 3);
    hi = _mm_insert_epi32(hi, u32(7), 3);
    return _mm256_set_m128i(hi, lo);
}

// One row's super-block b against the NT tokens' Acts (8 i32 lanes each for
// I and M), prefetching along the run kPrefetchBytes ahead (prefetch_ahead:
// 8 KB into L2, the one-row kernels' helper).
template <typename F, int NT>
inline void row_block(const typename F::Block * b, const typename F::Act * acts, __m256i * vi, __m256i * vm) {
    static_assert(kPrefetchBytes == 8192 && kPrefetchHint == _MM_HINT_T1, "prefetch_ahead's distance and level");
    prefetch_ahead(b);
    const typename F::Act * at[NT];
    for (int t = 0; t < NT; ++t) at[t] = &acts[t];
    F::template row_sums<NT>(*b, at, vi, vm);
}

template <typename F, int NT>
void gemv8_nt(int64_t n_in, const uint8_t * w, size_t row_bytes, const uint8_t * act, size_t act_stride, float * y,
              size_t y_stride) {
    using Block = typename F::Block;
    using Act = typename F::Act;
    constexpr int64_t kBlocks = kChunk / NT;
    const int64_t nb = n_in / QK_K;
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    const auto act_block = [&](int t, int64_t c) -> const block_q8_K & {
        return reinterpret_cast<const block_q8_K *>(act + size_t(t) * act_stride)[c];
    };
    Act acts[kBlocks][NT];  // at most 40 KB (Q4_K, IQ4_XS)
    // [block][token][row]: 8 i32 lanes that sum to I / M.
    __m256i it[kBlocks][NT][kRows], im[kBlocks][NT][kRows];
    for (int64_t i0 = 0; i0 < nb; i0 += kBlocks) {
        const int64_t nc = std::min(kBlocks, nb - i0);
        for (int64_t c = 0; c < nc; ++c)
            for (int t = 0; t < NT; ++t) acts[c][t] = F::act(act_block(t, i0 + c));
        for (int r = 0; r < kRows; ++r) {
            const Block * b = reinterpret_cast<const Block *>(w + size_t(r) * row_bytes) + i0;
            for (int64_t c = 0; c < nc; ++c) {
                __m256i vi[NT], vm[NT];
                row_block<F, NT>(b + c, acts[c], vi, vm);
                for (int t = 0; t < NT; ++t) {
                    it[c][t][r] = vi[t];
                    if constexpr (F::kMins) im[c][t][r] = vm[t];
                }
            }
        }
        for (int64_t c = 0; c < nc; ++c) {
            const __m256i dm = block_heads8(w + size_t(i0 + c) * sizeof(Block) + F::kHead, row_bytes);
            const __m256 d = F::d(dm), dmin = F::dmin(dm);
            for (int t = 0; t < NT; ++t) {
                __m256i vm = _mm256_setzero_si256();
                if constexpr (F::kMins) vm = lane_sums8(im[c][t]);
                acc[t] = block_step(d, dmin, lane_sums8(it[c][t]), vm, act_block(t, i0 + c).d, acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; ++t) _mm256_storeu_ps(y + size_t(t) * y_stride, acc[t]);
}

// ---- MXFP4 --------------------------------------------------------------------
// The arithmetic of the 32-element formats (and of gemm8_signed32 / dot_signed32 for MXFP4):
// per block, acc = (float)S_j * (dw_j * da_j) + acc, with dw_j = 2^(e_j - 128).
// The 17-byte blocks are unpacked two at a time: one 256-bit vector holds
// both blocks' 16 nibble bytes, so its low nibbles are elements 0-15 of
// block j | of block j + 1 and its high nibbles elements 16-31; the tokens'
// activations are regrouped the same way once per call. The codes go into
// VPDPBUSD biased to unsigned (+128), the bias coming out through the
// activations' block sums. The scales of 8 blocks, read from the row just
// read (L1), wait as floats beside the sums. On gpt-oss-20b's expert shape
// (2880 x 2880, bench_matmul -t 1) this decodes within ~6% of the one-row
// kernel of vec_dot_tiles_iq.h, and keeps prefill (gemm8) bit-identical.
constexpr int64_t kChunkM = 512;  // blocks per pass (16384 elements)

struct PairAct {
    __m256i lo, hi;  // elements 0-15 / 16-31 of blocks 2 p | 2 p + 1
};

// 2^(e - 128) per i32 lane (e8m0_half), e in 0..255.
inline __m256 e8m0_half8(__m256i e) {
    const __m256i big = _mm256_slli_epi32(_mm256_sub_epi32(e, _mm256_set1_epi32(1)), 23);
    const __m256i small = _mm256_sllv_epi32(_mm256_set1_epi32(0x00200000), e);
    return _mm256_castsi256_ps(_mm256_blendv_epi8(small, big, _mm256_cmpgt_epi32(e, _mm256_set1_epi32(1))));
}

template <int NT>
void gemv8_mxfp4_nt(int64_t n_in, const uint8_t * w, size_t row_bytes, const uint8_t * act, size_t act_stride,
                    float * y, size_t y_stride) {
    const int64_t nb = n_in / QK32;
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
    alignas(32) int32_t sums[kRows][NT][kChunkM];
    alignas(32) float dws[kRows][kChunkM];
    PairAct pa[NT][kChunkM / 2];
    __m256i a128[NT][kChunkM / 8];  // lane k: 128 * the sum of block c + k's activations
    const __m256i table = Mxfp4Codes::table(char(0x80)), m4 = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();

    const auto act_row = [&](int t) { return reinterpret_cast<const block_q8_0 *>(act + size_t(t) * act_stride); };
    for (int64_t i0 = 0; i0 < nb; i0 += kChunkM) {
        const int64_t nc = std::min(kChunkM, nb - i0);
        for (int t = 0; t < NT; ++t) {
            const block_q8_0 * a = act_row(t) + i0;
            for (int64_t p = 0; 2 * p < nc; ++p) {
                const __m256i x = loadu(a[2 * p].qs), y2 = 2 * p + 1 < nc ? loadu(a[2 * p + 1].qs) : zero;
                pa[t][p] = {_mm256_permute2x128_si256(x, y2, 0x20), _mm256_permute2x128_si256(x, y2, 0x31)};
            }
            for (int64_t c = 0; c < nc; c += 8) {
                __m256i s[8];
                for (int k = 0; k < 8; ++k)
                    s[k] = c + k < nc ? _mm256_dpbusd_epi32(zero, _mm256_set1_epi8(1), loadu(a[c + k].qs)) : zero;
                a128[t][c / 8] = _mm256_slli_epi32(lane_sums8(s), 7);
            }
        }
        for (int r = 0; r < kRows; ++r) {
            const block_mxfp4 * b = reinterpret_cast<const block_mxfp4 *>(w + size_t(r) * row_bytes) + i0;
            for (int64_t c = 0; c < nc; c += 8) {
                const char * next = reinterpret_cast<const char *>(b + c) + kPrefetchBytes;
                for (int l = 0; l < int(8 * sizeof(block_mxfp4)); l += 64) _mm_prefetch(next + l, kPrefetchHint);
                const int m = int(std::min<int64_t>(8, nc - c));
                __m256i lo[4], hi[4];
                HEARTH_UNROLL
                for (int q = 0; q < 4; ++q) {
                    const auto half = [&](int k) {
                        return k < m ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(b[c + k].qs))
                                     : _mm_setzero_si128();
                    };
                    const __m256i x = _mm256_set_m128i(half(2 * q + 1), half(2 * q));
                    lo[q] = _mm256_shuffle_epi8(table, _mm256_and_si256(x, m4));
                    hi[q] = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), m4));
                }
                for (int t = 0; t < NT; ++t) {
                    __m256i s[4];
                    HEARTH_UNROLL
                    for (int q = 0; q < 4; ++q) {
                        const PairAct & ap = pa[t][c / 2 + q];
                        s[q] = 2 * q < m ? _mm256_dpbusd_epi32(_mm256_dpbusd_epi32(zero, lo[q], ap.lo), hi[q], ap.hi)
                                         : zero;
                    }
                    // Lanes 0-3 of s[q] sum block 2 q, lanes 4-7 block 2 q + 1: two hadd
                    // rounds leave blocks 0 2 4 6 | 1 3 5 7, put back in order.
                    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]), _mm256_hadd_epi32(s[2], s[3]));
                    const __m256i v = _mm256_permutevar8x32_epi32(h, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
                    _mm256_store_si256(reinterpret_cast<__m256i *>(sums[r][t] + c),
                                       _mm256_sub_epi32(v, a128[t][c / 8]));
                }
                // Blocks past the row's end (k >= m) are never used: any scale will do.
                const auto eb = [&](int k) { return k < m ? int(b[c + k].e) : 0; };
                _mm256_store_ps(dws[r] + c,
                                e8m0_half8(_mm256_setr_epi32(eb(0), eb(1), eb(2), eb(3), eb(4), eb(5), eb(6), eb(7))));
            }
        }
        for (int64_t c = 0; c < nc; c += 8) {
            const int m = int(std::min<int64_t>(8, nc - c));
            __m256i rows[kRows], dwi[8];
            for (int r = 0; r < kRows; ++r) rows[r] = _mm256_castps_si256(_mm256_load_ps(dws[r] + c));
            transpose8x8(rows, dwi);  // dwi[k] lane r: row r's scale of block c + k
            __m256 dw[8];
            for (int k = 0; k < 8; ++k) dw[k] = _mm256_castsi256_ps(dwi[k]);
            for (int t = 0; t < NT; ++t) {
                __m256i sv[8];
                for (int r = 0; r < kRows; ++r)
                    rows[r] = _mm256_load_si256(reinterpret_cast<const __m256i *>(sums[r][t] + c));
                transpose8x8(rows, sv);  // sv[k] lane r: row r's sum of block c + k
                const block_q8_0 * a = act_row(t) + i0 + c;
                for (int k = 0; k < m; ++k)
                    acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sv[k]),
                                             _mm256_mul_ps(dw[k], _mm256_set1_ps(fp16(a[k].d))), acc[t]);
            }
        }
    }
    for (int t = 0; t < NT; ++t) _mm256_storeu_ps(y + size_t(t) * y_stride, acc[t]);
}

}  // namespace

}  // namespace avx512vnni

void fill_gemv_avx512(VecDotKernels & k) {
    using namespace avx512vnni;
    k.gemv8[TensorType_Q4_K] = gemv8_tokens<gemv8_nt<Q4K, 1>, gemv8_nt<Q4K, 2>, gemv8_nt<Q4K, 3>>;
    k.gemv8[TensorType_IQ4_XS] = gemv8_tokens<gemv8_nt<IQ4XS, 1>, gemv8_nt<IQ4XS, 2>, gemv8_nt<IQ4XS, 3>>;
    k.gemv8[TensorType_Q6_K] = gemv8_tokens<gemv8_nt<Q6K, 1>, gemv8_nt<Q6K, 2>, gemv8_nt<Q6K, 3>>;
    k.gemv8[TensorType_MXFP4] = gemv8_tokens<gemv8_mxfp4_nt<1>, gemv8_mxfp4_nt<2>, gemv8_mxfp4_nt<3>>;
}

}  // namespace hearth

#else

namespace hearth {
void fill_gemv_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
