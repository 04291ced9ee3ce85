// AVX2 + FMA + F16C dot kernels. Compiled with those flags (see
// engine/CMakeLists.txt) and reached only through vec_dot_kernels() when
// cpu_features reports AVX2, so the rest of the binary stays baseline x86-64.
//
// Integer dots use _mm256_maddubs_epi16 (u8 x s8 -> pairwise i16) and
// _mm256_madd_epi16 (-> i32). maddubs needs an unsigned operand: unsigned
// quants (Q4_K, Q5_K, Q6_K + offset, Q2_K, Q3_K + offset) go in directly, with
// the offset or mins taken out through Q8_K's bsums; signed weights (Q4_0,
// Q8_0, IQ4) use |w| and sign(a, w), which is exact because activations are
// in [-127, 127]. Pair sums stay below 2^15: at most 2 * 128 * 127.
#include "cpu/vec_dot.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include <immintrin.h>

#define HEARTH_SIMD_NS avx2
#include "cpu/simd_avx2.h"
#include "cpu/vec_dot_tiles.h"
#include "cpu/vec_dot_tiles_iq.h"

namespace hearth {

namespace {

using namespace avx2;

// ---- float weights vs F32 activations ------------------------------------------

inline __m256 load8_f32(const void * w, int64_t i) {
    return _mm256_loadu_ps(static_cast<const float *>(w) + i);
}
inline __m256 load8_f16(const void * w, int64_t i) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(w) + i)));
}
inline __m256 load8_bf16(const void * w, int64_t i) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(w) + i));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
inline float load1_f32(const void * w, int64_t i) {
    return static_cast<const float *>(w)[i];
}
inline float load1_f16(const void * w, int64_t i) {
    return fp16(static_cast<const uint16_t *>(w)[i]);
}
inline float load1_bf16(const void * w, int64_t i) {
    return bf16_to_f32(static_cast<const uint16_t *>(w)[i]);
}

// F16C, 8 at a time: the KV cache's per-position reads went through a 256 KB
// lookup table, which cost more than the attention itself at decode and
// pushed the weights' prefetches out of L2.
void f16_to_f32_row(const uint16_t * src, float * dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load8_f16(src, i));
    for (; i < n; ++i) dst[i] = load1_f16(src, i);
}

// Four independent accumulators hide the FMA latency.
template <__m256 (*Load8)(const void *, int64_t), float (*Load1)(const void *, int64_t)>
float dot_float(int64_t n, const void * w, const void * va) {
    const auto * x = static_cast<const float *>(va);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; ++k)
            acc[k] = _mm256_fmadd_ps(Load8(w, i + 8 * k), _mm256_loadu_ps(x + i + 8 * k), acc[k]);
    for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(Load8(w, i), _mm256_loadu_ps(x + i), acc[0]);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; ++i) sum += Load1(w, i) * x[i];
    return sum;
}

// Four activation rows per weight row (prefill): each weight vector is
// loaded and converted once; two accumulators per token hide the FMA latency.
template <__m256 (*Load8)(const void *, int64_t), float (*Load1)(const void *, int64_t)>
void dot_float4(int64_t n, const void * w, const void * va, size_t stride, float * out, size_t out_stride) {
    const float * x[4];
    for (int t = 0; t < 4; ++t) x[t] = reinterpret_cast<const float *>(static_cast<const uint8_t *>(va) + t * stride);
    __m256 acc0[4], acc1[4];
    for (int t = 0; t < 4; ++t) acc0[t] = _mm256_setzero_ps(), acc1[t] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 w0 = Load8(w, i), w1 = Load8(w, i + 8);
        for (int t = 0; t < 4; ++t) {
            acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + i), acc0[t]);
            acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[t] + i + 8), acc1[t]);
        }
    }
    for (; i + 8 <= n; i += 8) {
        const __m256 w0 = Load8(w, i);
        for (int t = 0; t < 4; ++t) acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + i), acc0[t]);
    }
    for (int t = 0; t < 4; ++t) {
        float sum = hsum(_mm256_add_ps(acc0[t], acc1[t]));
        for (int64_t j = i; j < n; ++j) sum += Load1(w, j) * x[t][j];
        out[t * out_stride] = sum;
    }
}

// ---- activation quantizers ------------------------------------------------------
// Same rule as the scalar ones (d = max|x| / 127, round half to even, which is
// what _mm256_cvtps_epi32 and lrintf both do in the default rounding mode).

inline float max_abs(const float * x, int n8) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int j = 0; j < n8; ++j) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * j)));
    __m128 r = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    r = _mm_max_ps(r, _mm_movehl_ps(r, r));
    r = _mm_max_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

// 32 floats * id -> 32 int8, in order.
inline __m256i quantize_32(const float * x, float id) {
    const __m256 s = _mm256_set1_ps(id);
    const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), s));
    const __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), s));
    const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), s));
    const __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), s));
    // packs work within 128-bit lanes; the permute restores element order.
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    return _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void quantize_q8_0(const float * x, void * dst, int64_t n) {
    auto * out = static_cast<block_q8_0 *>(dst);
    for (int64_t b = 0; b < n / QK32; ++b, x += QK32) {
        const float d = max_abs(x, 4) / 127.0f;
        out[b].d = f32_to_fp16(d);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out[b].qs), quantize_32(x, d != 0.0f ? 1.0f / d : 0.0f));
    }
}

void quantize_q8_K(const float * x, void * dst, int64_t n) {
    auto * out = static_cast<block_q8_K *>(dst);
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        const float d = max_abs(x, 32) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out[b].d = d;
        for (int j = 0; j < 8; ++j) {
            const __m256i q = quantize_32(x + 32 * j, id);
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(out[b].qs + 32 * j), q);
            // Sums of each 16 codes: widen to i16, add pairs, then fold.
            const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q);  // 16 x i16, pairs
            const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1));  // 8 x i32, quads
            alignas(32) int32_t v[8];
            _mm256_store_si256(reinterpret_cast<__m256i *>(v), s32);
            out[b].bsums[2 * j] = static_cast<int16_t>(v[0] + v[1] + v[2] + v[3]);
            out[b].bsums[2 * j + 1] = static_cast<int16_t>(v[4] + v[5] + v[6] + v[7]);
        }
    }
}

}  // namespace

void fill_vec_dot_avx2(VecDotKernels & k) {
    k.dot[TensorType_F32] = dot_float<load8_f32, load1_f32>;
    k.dot[TensorType_F16] = dot_float<load8_f16, load1_f16>;
    k.dot[TensorType_BF16] = dot_float<load8_bf16, load1_bf16>;
    k.dot4[TensorType_F32] = dot_float4<load8_f32, load1_f32>;
    k.dot4[TensorType_F16] = dot_float4<load8_f16, load1_f16>;
    k.dot4[TensorType_BF16] = dot_float4<load8_bf16, load1_bf16>;
    k.quantize_q8_0 = quantize_q8_0;
    k.quantize_q8_K = quantize_q8_K;
    k.f16_to_f32 = f16_to_f32_row;
    avx2::fill_vec_dot_tiles(k);  // every quantized type, with 4-token variants
    avx2::fill_vec_dot_tiles_iq(k);
}

}  // namespace hearth

#else

namespace hearth {
void fill_vec_dot_avx2(VecDotKernels &) {}
}  // namespace hearth

#endif
