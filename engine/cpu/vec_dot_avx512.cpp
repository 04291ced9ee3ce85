// AVX-512 (F/BW/VL/DQ + VNNI) kernels: the 4-token and GEMV kernels of
// vec_dot_tiles.h rebuilt with VPDPBUSD for the u8 x s8 dots and the 32
// vector registers AVX-512VL gives, which keeps the unpacked weight blocks of
// the 4-token kernels out of memory. Types not listed here keep the AVX2 kernels.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#define HEARTH_SIMD_NS avx512vnni
#define HEARTH_SIMD_VNNI 1
#include <cstring>
#include <initializer_list>

#include "cpu/simd_avx2.h"
#include "cpu/vec_dot_tiles.h"
#include "cpu/vec_dot_tiles_iq.h"

namespace hearth {

namespace avx512vnni {

namespace {

// GEMV kernels for the types that have a gemm8 prefill kernel
// (matmul_gemm_avx512.cpp, matmul_gemm32_avx512.cpp) or a gemv8 decode kernel
// (matmul_gemv_avx512.cpp, matmul_gemv32_avx512.cpp),
// with the same float arithmetic per row, so decode and batched prefill give
// bit-identical results (otherwise a last-bit difference can flip an 8-bit
// activation code in the next layer). Per super-block: the integers
// I = sum_j sc_j S_j and M = sum_j m_j A_j are exact in any order; then
// superblock_step (simd_avx2.h): v = d I - (dmin M), acc = a.d v + acc.

// Q4_K: sub-block sums S_j of nibble * activation by VPDPBUSD.
float dot_q4_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q4_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m128 acc = _mm_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        alignas(32) int32_t sc[8], mn[8];
        for (int j = 0; j < 8; ++j) q4k_scale_min(j, w[i].scales, sc[j], mn[j]);
        __m256i s[8];
        for (int g = 0; g < 4; ++g) {
            const __m256i b = loadu(w[i].qs + 32 * g);
            s[2 * g] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_and_si256(b, m4), loadu(a[i].qs + 64 * g));
            s[2 * g + 1] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_and_si256(_mm256_srli_epi16(b, 4), m4),
                                               loadu(a[i].qs + 64 * g + 32));
        }
        const __m256i sums = _mm256_madd_epi16(loadu(a[i].bsums), _mm256_set1_epi16(1));  // lane j: A_j
        const int32_t itot =
            hsum_i32(_mm256_mullo_epi32(lane_sums8(s), _mm256_load_si256(reinterpret_cast<const __m256i *>(sc))));
        const int32_t imin =
            hsum_i32(_mm256_mullo_epi32(sums, _mm256_load_si256(reinterpret_cast<const __m256i *>(mn))));
        acc = superblock_step(acc, fp16(w[i].d), fp16(w[i].dmin), a[i].d, itot, imin);
    }
    return _mm_cvtss_f32(acc);
}

// IQ4_XS: the code book is biased by +128 to unsigned bytes so one VPDPBUSD
// does each sub-block; the bias comes out as M = sum_j 128 ls_j A_j, dmin = d.
float dot_iq4_xs(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_iq4_xs *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i table = iq4nl_table_u8();
    __m128 acc = _mm_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        __m256i s[8];
        for (int j = 0; j < 8; ++j) {
            const __m256i q = _mm256_shuffle_epi8(table, nibbles_32(w[i].qs + 16 * j));
            s[j] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, loadu(a[i].qs + 32 * j));
        }
        const __m256i ls = iq4xs_scales8(w[i]);
        const __m256i sums = _mm256_madd_epi16(loadu(a[i].bsums), _mm256_set1_epi16(1));  // lane j: A_j
        const int32_t itot = hsum_i32(_mm256_mullo_epi32(lane_sums8(s), ls));
        const int32_t imin = hsum_i32(_mm256_mullo_epi32(sums, _mm256_slli_epi32(ls, 7)));
        const float d = fp16(w[i].d);
        acc = superblock_step(acc, d, d, a[i].d, itot, imin);
    }
    return _mm_cvtss_f32(acc);
}

// The 32-element formats (Q8_0, Q4_0, Q5_0, IQ4_NL, MXFP4: simd_avx2.h's
// *Codes): per block, acc = (float)S * (dw * da) + acc with S the exact block
// sum, as gemm8_signed32 does per row; eight blocks' sums come from one reduction.
template <class F>
float dot_signed32(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const typename F::Block *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    const int64_t nb = n / QK32;
    __m128 acc = _mm_setzero_ps();
    int64_t b = 0;
    for (; b + 8 <= nb; b += 8) {
        __m256i s[8];
        for (int j = 0; j < 8; ++j) s[j] = dot_ss8(F::codes(w[b + j]), loadu(a[b + j].qs));
        alignas(32) int32_t sums[8];
        _mm256_store_si256(reinterpret_cast<__m256i *>(sums), lane_sums8(s));
        for (int j = 0; j < 8; ++j)
            acc = _mm_fmadd_ss(_mm_set_ss(static_cast<float>(sums[j])),
                               _mm_mul_ss(_mm_set_ss(F::scale(w[b + j])), _mm_set_ss(fp16(a[b + j].d))), acc);
    }
    for (; b < nb; ++b) {
        const int32_t sum = hsum_i32(dot_ss8(F::codes(w[b]), loadu(a[b].qs)));
        acc = _mm_fmadd_ss(_mm_set_ss(static_cast<float>(sum)),
                           _mm_mul_ss(_mm_set_ss(F::scale(w[b])), _mm_set_ss(fp16(a[b].d))), acc);
    }
    return _mm_cvtss_f32(acc);
}

}  // namespace

}  // namespace avx512vnni

void fill_vec_dot_avx512(VecDotKernels & k) {
    avx512vnni::fill_vec_dot_tiles(k);
    avx512vnni::fill_vec_dot_tiles_iq(k);
    // Q4_K, IQ4_XS and the 32-element formats: GEMV and gemm8 share their arithmetic
    // (see above); the dot4 kernels would not, so matmul sends small batches to the GEMV.
    k.dot[TensorType_Q4_K] = avx512vnni::dot_q4_K;
    k.dot[TensorType_IQ4_XS] = avx512vnni::dot_iq4_xs;
    k.dot4[TensorType_Q4_K] = nullptr;
    k.dot4[TensorType_IQ4_XS] = nullptr;
    // Q6_K: the tile kernels with superblock_step per block (dot, and dot4 for
    // the rows past the last 8-row tile), its gemm8 (prefill) and gemv8
    // (decode) share their bits.
    k.dot[TensorType_Q6_K] = avx512vnni::as_dot<avx512vnni::q6_K_rows<1, true>>;
    k.dot4[TensorType_Q6_K] = avx512vnni::q6_K_rows<4, true>;
    k.dot[TensorType_Q8_0] = avx512vnni::dot_signed32<avx512vnni::Q8_0Codes>;
    k.dot[TensorType_Q4_0] = avx512vnni::dot_signed32<avx512vnni::Q4_0Codes>;
    k.dot[TensorType_Q5_0] = avx512vnni::dot_signed32<avx512vnni::Q5_0Codes>;
    k.dot[TensorType_IQ4_NL] = avx512vnni::dot_signed32<avx512vnni::IQ4NLCodes>;
    k.dot[TensorType_MXFP4] = avx512vnni::dot_signed32<avx512vnni::Mxfp4Codes>;
    for (TensorType t : {TensorType_Q8_0, TensorType_Q4_0, TensorType_Q5_0, TensorType_IQ4_NL, TensorType_MXFP4})
        k.dot4[t] = nullptr;
    fill_gemm_avx512(k);
    fill_gemm32_avx512(k);
    fill_gemv_avx512(k);
    fill_gemv32_avx512(k);
}

}  // namespace hearth

#else

namespace hearth {
void fill_vec_dot_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
