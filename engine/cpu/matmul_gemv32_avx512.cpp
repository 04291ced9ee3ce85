// Decode GEMV for the 32-element block formats with AVX-512 VNNI: Q4_0, Q5_0,
// IQ4_NL (the fallbacks llama-quantize writes for rows that are not a
// multiple of 256, e.g. Qwen2.5-0.5B's 896) and Q8_0 (those files' tied output
// matrix, a third of their bytes), eight weight rows against 1-3 tokens.
// MXFP4 has its own kernel in matmul_gemv_avx512.cpp.
//
// These formats carry one scale per 32 weights, so each row's float chain is
// per block: acc_r = (float)S_rj * (dw_rj * da_j) + acc_r over blocks j in
// order, with S_rj the exact integer dot of block j (gemm8_signed32 and
// dot_signed32 do the same, which keeps decode bit-identical to prefill).
// The work is getting S_rj for 8 rows into the 8 lanes of one vector cheaply:
//   - the 8 rows are read a block at a time, row r and row r + 4 side by side
//     in one 512-bit vector: [row r's 32 codes | row r + 4's 32 codes], as
//     unsigned bytes (code + bias: the IQ4_NL code book +128, Q4_0's
//     nibbles as stored (+8), Q5_0's 5-bit values (+16), Q8_0's codes +128);
//   - one VPDPBUSD per pair against the token's 32 activations in both
//     halves, its accumulator preset to -bias x the activations' partial
//     sums, so the bias is gone once the lanes are added;
//   - one 12-instruction reduction turns the 4 pair vectors into 8 row sums
//     (lane r = row r) with no horizontal add;
//   - the 8 scales of block j come from eight 16-bit inserts.
// At n_in 896 (Qwen2.5-0.5B) this was ~3x the one-row-at-a-time kernel from
// L2 (bench_matmul -p 1). Reading 8 rows a block at a time is 8 sequential
// streams; the 8 rows one or two calls ahead (contiguous) are prefetched
// meanwhile (prefetch_groups_ahead).
// For Q8_0 it replaced a kernel that read each row whole and transposed
// blocks of row sums: ~2x from L2 and L3 (n_in 896 and 4096), no slower from
// DRAM (bench_matmul -t 1 -p 1, CPU time, loaded machine).
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__) && defined(__AVX2__) && \
    defined(__FMA__) && defined(__F16C__)

#define HEARTH_SIMD_NS avx512vnni
#define HEARTH_SIMD_VNNI 1
#include <algorithm>

#include "cpu/gemv8_tokens.h"
#include "cpu/simd_avx2.h"

// GCC 12's 512-bit intrinsics pass _mm512_undefined_epi32() (a self-initialised
// variable) as the masked-off source, which -Wmaybe-uninitialized reports in
// every caller once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace hearth {

namespace avx512vnni {

namespace {

constexpr int kRows = 8;
constexpr _mm_hint kPrefetchHint = _MM_HINT_T0;

// How many 8-row groups ahead to prefetch: two while they span at most 16 KB
// (rows up to ~1 KB, as Qwen2.5-0.5B's 896-wide ones), else one. On the tied
// 151936 x 896 output from DRAM (bench_matmul -t 1 -p 1, CPU time, loaded
// machine, 3 alternating rounds) one group ahead gave Q8_0 ~34 and Q5_0 ~55
// GFLOP/s, two ~45 and ~65, four ~43 and ~55; on 4096-wide rows (35 KB
// groups) two were no better than one.
inline int64_t prefetch_groups_ahead(int64_t group_bytes) {
    return 2 * group_bytes <= 16384 ? 2 : 1;
}

inline __m512i pair512(__m256i lo, __m256i hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// The 16 nibble bytes of two blocks -> [q0 low | q0 high | q1 low | q1 high]
// nibbles as bytes: elements 0-31 of each block in order.
inline __m512i nibbles_pair(const uint8_t * q0, const uint8_t * q1) {
    const __m256i both = _mm256_set_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i *>(q1)),
                                          _mm_loadu_si128(reinterpret_cast<const __m128i *>(q0)));
    const __m512i x = _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 1, 0, 1, 2, 3, 2, 3), _mm512_castsi256_si512(both));
    const __m512i s = _mm512_srlv_epi64(x, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4));
    return _mm512_and_si512(s, _mm512_set1_epi8(0x0f));
}

// Lane r = the f16 scale of block j of row r, by eight 16-bit inserts: on
// Zen 4 cheaper than one VPGATHERDD (bench_matmul -t 1 -p 1, 896 x 4864 from
// L2, CPU time, 3 alternating rounds: Q5_0 59-65 -> 72-77 GFLOP/s, Q8_0
// 67-73 -> 93-96; from DRAM within the noise).
template <class Block>
inline __m256 scales8(const Block * const * rows, int64_t j) {
    __m128i h = _mm_cvtsi32_si128(rows[0][j].d);
    h = _mm_insert_epi16(h, rows[1][j].d, 1);
    h = _mm_insert_epi16(h, rows[2][j].d, 2);
    h = _mm_insert_epi16(h, rows[3][j].d, 3);
    h = _mm_insert_epi16(h, rows[4][j].d, 4);
    h = _mm_insert_epi16(h, rows[5][j].d, 5);
    h = _mm_insert_epi16(h, rows[6][j].d, 6);
    h = _mm_insert_epi16(h, rows[7][j].d, 7);
    return _mm256_cvtph_ps(h);
}

// A format: Block; kBiasShift (the unsigned codes are code + 2^kBiasShift);
// pair(b0, b1) = [b0's codes | b1's codes] as unsigned bytes. Every Block
// starts with its f16 scale d.
struct Q4_0Pair {
    using Block = block_q4_0;
    static constexpr int kBiasShift = 3;
    static __m512i pair(const Block & b0, const Block & b1) { return nibbles_pair(b0.qs, b1.qs); }
};

struct Q5_0Pair {
    using Block = block_q5_0;
    static constexpr int kBiasShift = 4;
    static __m512i pair(const Block & b0, const Block & b1) {
        const uint64_t bits = uint64_t(load_u32_le(b0.qh)) | (uint64_t(load_u32_le(b1.qh)) << 32);
        const __m512i n = nibbles_pair(b0.qs, b1.qs);
        return _mm512_mask_add_epi8(n, _cvtu64_mask64(bits), n, _mm512_set1_epi8(16));
    }
};

// Q8_0: the int8 codes +128 (a sign-bit flip) are unsigned; exact for every
// byte, so S_rj is the same integer dot_ss8 gives (activations are never -128).
struct Q8_0Pair {
    using Block = block_q8_0;
    static constexpr int kBiasShift = 7;
    static __m512i pair(const Block & b0, const Block & b1) {
        return _mm512_xor_si512(pair512(loadu(b0.qs), loadu(b1.qs)), _mm512_set1_epi8(static_cast<char>(0x80)));
    }
};

// A 16-entry int8 code book in every 128-bit lane, +128 (unsigned).
inline __m512i table_u8(const int8_t * values) {
    const __m128i t = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i *>(values)),
                                    _mm_set1_epi8(static_cast<char>(0x80)));
    return _mm512_broadcast_i32x4(t);
}

struct IQ4NLPair {
    using Block = block_iq4_nl;
    static constexpr int kBiasShift = 7;
    static __m512i pair(const Block & b0, const Block & b1) {
        return _mm512_shuffle_epi8(table_u8(kvalues_iq4nl), nibbles_pair(b0.qs, b1.qs));
    }
};

// s[p] = [row p's 8 partial sums | row p + 4's] -> lane r = row r's total.
inline __m256i reduce_pairs(const __m512i * s) {
    const __m512i u0 = _mm512_add_epi32(_mm512_unpacklo_epi32(s[0], s[1]), _mm512_unpackhi_epi32(s[0], s[1]));
    const __m512i u1 = _mm512_add_epi32(_mm512_unpacklo_epi32(s[2], s[3]), _mm512_unpackhi_epi32(s[2], s[3]));
    // 128-bit lane L of v: [s0, s1, s2, s3]'s sums over their lane L. L = 0, 1
    // belong to rows 0-3, L = 2, 3 to rows 4-7.
    const __m512i v = _mm512_add_epi32(_mm512_unpacklo_epi64(u0, u1), _mm512_unpackhi_epi64(u0, u1));
    const __m512i w = _mm512_shuffle_i32x4(v, v, _MM_SHUFFLE(3, 1, 2, 0));  // L0 L2 L1 L3
    return _mm256_add_epi32(_mm512_castsi512_si256(w), _mm512_extracti64x4_epi64(w, 1));
}

template <class F, int NT>
void gemv8_nt(int64_t n_in, const uint8_t * w, size_t row_bytes, const uint8_t * act, size_t act_stride, float * y,
              size_t y_stride) {
    using Block = typename F::Block;
    const int64_t nb = n_in / QK32;
    const __m512i ones = _mm512_set1_epi8(1);
    const Block * rows[kRows];
    for (int r = 0; r < kRows; ++r) rows[r] = reinterpret_cast<const Block *>(w + size_t(r) * row_bytes);
    const int64_t group = int64_t(kRows * row_bytes);
    const char * next = reinterpret_cast<const char *>(w) + prefetch_groups_ahead(group) * group;
    const char * pf = next;
    const block_q8_0 * a[NT];
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t) {
        a[t] = reinterpret_cast<const block_q8_0 *>(act + size_t(t) * act_stride);
        acc[t] = _mm256_setzero_ps();
    }
    for (int64_t j = 0; j < nb; ++j) {
        // The next 8 rows (the next call's, contiguous), spread evenly over this call's blocks.
        for (const char * end = next + (j + 1) * group / nb; pf < end; pf += 64) _mm_prefetch(pf, kPrefetchHint);
        __m512i q[4];
        HEARTH_UNROLL
        for (int p = 0; p < 4; ++p) q[p] = F::pair(rows[p][j], rows[p + 4][j]);
        const __m256 dw = scales8(rows, j);
        HEARTH_UNROLL
        for (int t = 0; t < NT; ++t) {
            const __m512i aa = _mm512_broadcast_i64x4(loadu(a[t][j].qs));
            // -bias x the activations' partial sums, in every lane the pairs use.
            const __m512i corr = _mm512_sub_epi32(
                _mm512_setzero_si512(),
                _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), ones, aa), F::kBiasShift));
            __m512i s[4];
            HEARTH_UNROLL
            for (int p = 0; p < 4; ++p) s[p] = _mm512_dpbusd_epi32(corr, q[p], aa);
            const __m256 v = _mm256_cvtepi32_ps(reduce_pairs(s));
            acc[t] = _mm256_fmadd_ps(v, _mm256_mul_ps(dw, _mm256_set1_ps(fp16(a[t][j].d))), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) _mm256_storeu_ps(y + size_t(t) * y_stride, acc[t]);
}

}  // namespace

}  // namespace avx512vnni

void fill_gemv32_avx512(VecDotKernels & k) {
    using namespace avx512vnni;
    k.gemv8[TensorType_Q4_0] = gemv8_tokens<gemv8_nt<Q4_0Pair, 1>, gemv8_nt<Q4_0Pair, 2>, gemv8_nt<Q4_0Pair, 3>>;
    k.gemv8[TensorType_Q5_0] = gemv8_tokens<gemv8_nt<Q5_0Pair, 1>, gemv8_nt<Q5_0Pair, 2>, gemv8_nt<Q5_0Pair, 3>>;
    k.gemv8[TensorType_IQ4_NL] = gemv8_tokens<gemv8_nt<IQ4NLPair, 1>, gemv8_nt<IQ4NLPair, 2>, gemv8_nt<IQ4NLPair, 3>>;
    k.gemv8[TensorType_Q8_0] = gemv8_tokens<gemv8_nt<Q8_0Pair, 1>, gemv8_nt<Q8_0Pair, 2>, gemv8_nt<Q8_0Pair, 3>>;
}

}  // namespace hearth

#else

namespace hearth {
void fill_gemv32_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
