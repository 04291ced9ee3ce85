// AVX2 + FMA attention tile kernel (see attention_tile.h), 8 floats wide.
//
// Scores: eight keys at a time, each an FMA chain over the row in blocks of 8
// (the eight chains are independent), then one transposing reduction gives
// the eight scores in one vector. Softmax weights by a vector e^x. P V: the
// output row in registers, 64 floats at a time, one broadcast weight and
// eight FMAs per key.
#include "cpu/attention_tile.h"

#if defined(__AVX2__) && defined(__FMA__)

#include <cmath>

#define HEARTH_SIMD_NS avx2
#include "cpu/simd_avx2.h"

namespace hearth {

namespace {

using avx2::hsum;

// e^x for x <= 0: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two for
// precision), e^r by Cephes expf's degree-6 polynomial, 2^n through the
// exponent bits. About 2 ulp; inputs below -87.3 give 2^-126, not 0 (callers
// zero the lanes that must be 0).
inline __m256 exp_nonpositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

// Lane k of the result = the sum of the 8 lanes of a[k].
inline __m256 lane_sums8(const __m256 * a) {
    const __m256 h01 = _mm256_hadd_ps(a[0], a[1]), h23 = _mm256_hadd_ps(a[2], a[3]);
    const __m256 h45 = _mm256_hadd_ps(a[4], a[5]), h67 = _mm256_hadd_ps(a[6], a[7]);
    const __m256 x = _mm256_hadd_ps(h01, h23), y = _mm256_hadd_ps(h45, h67);  // per 128-bit half
    return _mm256_add_ps(_mm256_permute2f128_ps(x, y, 0x20), _mm256_permute2f128_ps(x, y, 0x31));
}

// Lanes [0, n) set (n in 0..8).
inline __m256i first_lanes(int32_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

// s[j] = (q . k_j) * scale for j < n; lanes from n up to the next multiple of 8 get -inf.
// Returns the largest score.
float scores8(const float * q, const float * k, int32_t n, int32_t D, float scale, float * s) {
    const int32_t full = D & ~7;
    const __m256i tail = first_lanes(D - full);
    __m256 vmax = _mm256_set1_ps(-INFINITY);
    for (int32_t j = 0; j < n; j += 8) {
        const int32_t m = n - j < 8 ? n - j : 8;
        __m256 acc[8];
        for (int u = 0; u < 8; ++u) {
            __m256 a = _mm256_setzero_ps();
            if (u < m) {
                const float * kr = k + size_t(j + u) * D;
                for (int32_t d = 0; d < full; d += 8)
                    a = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(kr + d), a);
                if (full < D)
                    a = _mm256_fmadd_ps(_mm256_maskload_ps(q + full, tail), _mm256_maskload_ps(kr + full, tail), a);
            }
            acc[u] = a;
        }
        __m256 v = _mm256_mul_ps(lane_sums8(acc), _mm256_set1_ps(scale));
        v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), v, _mm256_castsi256_ps(first_lanes(m)));
        _mm256_storeu_ps(s + j, v);
        vmax = _mm256_max_ps(vmax, v);
    }
    return hmax(vmax);
}

// acc[i0 .. i0 + 8 NB) = acc * rescale + sum_j p_j v_j over that slice; NB vectors in registers.
template <int NB>
inline void pv_block(const float * p, const float * v, int32_t n, int32_t DV, int32_t i0, float rescale, float * acc) {
    __m256 a[NB];
    for (int b = 0; b < NB; ++b) a[b] = _mm256_mul_ps(_mm256_loadu_ps(acc + i0 + 8 * b), _mm256_set1_ps(rescale));
    for (int32_t j = 0; j < n; ++j) {
        const __m256 pj = _mm256_broadcast_ss(p + j);
        const float * vr = v + size_t(j) * DV + i0;
        for (int b = 0; b < NB; ++b) a[b] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vr + 8 * b), a[b]);
    }
    for (int b = 0; b < NB; ++b) _mm256_storeu_ps(acc + i0 + 8 * b, a[b]);
}

void attend_tile_avx2(const float * q, const float * k, const float * v, int32_t n, int32_t D, int32_t DV, float scale,
                      float * scores, float & run_max, float & run_sum, float * acc) {
    const float mx = std::max(run_max, scores8(q, k, n, D, scale, scores));
    const float rescale = std::exp(run_max - mx);  // 0 on the first tile
    __m256 psum = _mm256_setzero_ps();
    const __m256 vmx = _mm256_set1_ps(mx);
    for (int32_t j = 0; j < n; j += 8) {
        // exp(-inf - mx) lanes past n come out as 2^-126: zero them.
        __m256 p = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmx));
        p = _mm256_and_ps(p, _mm256_castsi256_ps(first_lanes(n - j)));
        _mm256_storeu_ps(scores + j, p);
        psum = _mm256_add_ps(psum, p);
    }
    run_sum = run_sum * rescale + hsum(psum);
    run_max = mx;
    int32_t i0 = 0;
    for (; i0 + 64 <= DV; i0 += 64) pv_block<8>(scores, v, n, DV, i0, rescale, acc);
    for (; i0 + 8 <= DV; i0 += 8) pv_block<1>(scores, v, n, DV, i0, rescale, acc);
    for (; i0 < DV; ++i0) {  // DV not a multiple of 8
        float a = acc[i0] * rescale;
        for (int32_t j = 0; j < n; ++j) a = std::fma(scores[j], v[size_t(j) * DV + i0], a);
        acc[i0] = a;
    }
}

}  // namespace

AttendTileFn attend_tile_avx2_kernel() {
    return attend_tile_avx2;
}

}  // namespace hearth

#else

namespace hearth {
AttendTileFn attend_tile_avx2_kernel() {
    return nullptr;
}
}  // namespace hearth

#endif
