// Shared by the AVX-512 VNNI prefill GEMMs (matmul_gemm_avx512.cpp: the
// 256-element super-block types; matmul_gemm32_avx512.cpp: the 32-element
// block types). Both hold 8 weight rows per tile with two 4-byte groups per
// 512-bit lane pair: lane 2 r + p of q[h] = row r's bytes 8 h + 4 p .. + 3 of
// a 32-byte block, so one 8-byte activation broadcast (bytes 8 h .. + 7 in
// every qword) meets the right 4 bytes in both lanes of each pair and one
// VPDPBUSD zmm does 64 multiply-adds. On Zen 4 a zmm VPDPBUSD issues as fast
// as a ymm one (a 12-chain loop: 7.0 G/s for both), so 256-bit tiles used
// half the multiply-add rate and needed twice the broadcasts.
// Include only from *_avx512.cpp files (compiled with AVX-512 F/BW/VL/DQ/VNNI).
#pragma once

// GCC 12's 512-bit intrinsics pass _mm512_undefined_*() as the masked-off
// source, which -Wuninitialized reports inside them once inlined (GCC bug
// 105593, fixed in 13). The warning is located in the intrinsics' header, so
// silencing it around this include keeps it on for the kernels' own code; the
// include must be the translation unit's first of immintrin.h.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include <cstdint>
#include <cstring>

namespace hearth::gemm_avx512 {

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

// Bytes p[0..7] in every qword.
inline __m512i bcast8(const void * p) {
    int64_t v;
    std::memcpy(&v, p, sizeof v);
    return _mm512_set1_epi64(v);
}

// rows[r] = 32 bytes of row r (qwords 0-3) -> out[h] qword r = rows[r] qword h.
inline void transpose_qwords_8x4(const __m256i (&rows)[kRows], __m512i (&out)[4]) {
    const __m512i z01 = _mm512_inserti64x4(_mm512_zextsi256_si512(rows[0]), rows[1], 1);
    const __m512i z23 = _mm512_inserti64x4(_mm512_zextsi256_si512(rows[2]), rows[3], 1);
    const __m512i z45 = _mm512_inserti64x4(_mm512_zextsi256_si512(rows[4]), rows[5], 1);
    const __m512i z67 = _mm512_inserti64x4(_mm512_zextsi256_si512(rows[6]), rows[7], 1);
    // even: qwords 0 and 1 of rows 0-3 (4-7); odd: qwords 2 and 3.
    const __m512i even = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13);
    const __m512i odd = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i x0 = _mm512_permutex2var_epi64(z01, even, z23), x1 = _mm512_permutex2var_epi64(z01, odd, z23);
    const __m512i y0 = _mm512_permutex2var_epi64(z45, even, z67), y1 = _mm512_permutex2var_epi64(z45, odd, z67);
    out[0] = _mm512_shuffle_i64x2(x0, y0, _MM_SHUFFLE(1, 0, 1, 0));
    out[1] = _mm512_shuffle_i64x2(x0, y0, _MM_SHUFFLE(3, 2, 3, 2));
    out[2] = _mm512_shuffle_i64x2(x1, y1, _MM_SHUFFLE(1, 0, 1, 0));
    out[3] = _mm512_shuffle_i64x2(x1, y1, _MM_SHUFFLE(3, 2, 3, 2));
}

// Lanes 2 r and 2 r + 1 summed into the low dword of qword r (exact in i32).
inline __m512i sum_lane_pairs(__m512i x) {
    return _mm512_add_epi32(x, _mm512_srli_epi64(x, 32));
}

// The low dword of each qword in both of its dwords (the lane pair of a row).
inline __m512i dup_low_dwords(__m512i x) {
    return _mm512_shuffle_epi32(x, static_cast<_MM_PERM_ENUM>(0xa0));
}

}  // namespace hearth::gemm_avx512
