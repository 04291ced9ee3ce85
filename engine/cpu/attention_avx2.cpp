// AVX2 + FMA attention tile kernels (see attention_tile.h), 8 floats wide.
//
// Scores: R rows x NK vectors of 8 keys in registers (R NK = 8 independent
// FMA chains, enough to cover the FMA latency); per element d one load of
// K^T per 8 keys serves all R rows, and each row adds a broadcast q[d].
// Softmax weights by a vector e^x. P V: R rows x NB vectors of the output in
// registers, one load of v_j per 8 outputs serving all R rows, a broadcast
// weight per row and key. The tile transpose goes 8 x 8 through registers.
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

// Lanes [0, n) set (n any int: <= 0 none, >= 8 all).
inline __m256i first_lanes(int32_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

// Rows r0 .. r0 + R: s_r[j] = (q_r . k_j) * scale for j < n, -inf from n up to
// the next multiple of 8 NK; smax[r] = the row's largest score. Reads K^T up
// to 8 NK - 1 floats past n (masked).
template <int R, int NK>
void scores_rows(const TileRows & rows, int r0, const float * kt, int32_t kt_stride, int32_t n, int32_t D, float scale,
                 float * s, int32_t sn, float * smax) {
    __m256 vmax[R];
    HEARTH_UNROLL
    for (int r = 0; r < R; ++r) vmax[r] = _mm256_set1_ps(-INFINITY);
    for (int32_t j = 0; j < n; j += 8 * NK) {
        __m256 a[R][NK];
        HEARTH_UNROLL
        for (int r = 0; r < R; ++r) {
            HEARTH_UNROLL
            for (int c = 0; c < NK; ++c) a[r][c] = _mm256_setzero_ps();
        }
        for (int32_t d = 0; d < D; ++d) {
            const float * kr = kt + size_t(d) * kt_stride + j;
            __m256 k[NK];
            HEARTH_UNROLL
            for (int c = 0; c < NK; ++c) k[c] = _mm256_loadu_ps(kr + 8 * c);
            HEARTH_UNROLL
            for (int r = 0; r < R; ++r) {
                const __m256 qd = _mm256_broadcast_ss(rows.q[r0 + r] + d);
                HEARTH_UNROLL
                for (int c = 0; c < NK; ++c) a[r][c] = _mm256_fmadd_ps(qd, k[c], a[r][c]);
            }
        }
        HEARTH_UNROLL
        for (int r = 0; r < R; ++r) {
            HEARTH_UNROLL
            for (int c = 0; c < NK; ++c) {
                __m256 v = _mm256_mul_ps(a[r][c], _mm256_set1_ps(scale));
                v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), v, _mm256_castsi256_ps(first_lanes(n - j - 8 * c)));
                _mm256_storeu_ps(s + size_t(r) * sn + j + 8 * c, v);
                vmax[r] = _mm256_max_ps(vmax[r], v);
            }
        }
    }
    HEARTH_UNROLL
    for (int r = 0; r < R; ++r) smax[r] = hmax(vmax[r]);
}

// One row's scores to weights e^(s - m') in place; the running max and sum
// move on. Returns the rescale e^(m - m') of the row's accumulator.
inline float softmax_step(float * s, int32_t n, float smax, float & run_max, float & run_sum) {
    const float mx = std::max(run_max, smax);
    const float rescale = std::exp(run_max - mx);  // 0 on the first tile
    __m256 psum = _mm256_setzero_ps();
    const __m256 vmx = _mm256_set1_ps(mx);
    for (int32_t j = 0; j < n; j += 8) {
        // exp(-inf - mx) lanes past n come out as 2^-126: zero them.
        __m256 p = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(s + j), vmx));
        p = _mm256_and_ps(p, _mm256_castsi256_ps(first_lanes(n - j)));
        _mm256_storeu_ps(s + j, p);
        psum = _mm256_add_ps(psum, p);
    }
    run_sum = run_sum * rescale + hsum(psum);
    run_max = mx;
    return rescale;
}

// acc_r[i0 .. i0 + 8 NB) = acc_r * rescale_r + sum_j p_r[j] v_j over that slice, for R rows.
template <int R, int NB>
inline void pv_rows(const TileRows & rows, int r0, const float * p, int32_t sn, const float * v, int32_t n, int32_t DV,
                    int32_t i0, const float * rescale) {
    __m256 a[R][NB];
    HEARTH_UNROLL
    for (int r = 0; r < R; ++r) {
        HEARTH_UNROLL
        for (int b = 0; b < NB; ++b)
            a[r][b] = _mm256_mul_ps(_mm256_loadu_ps(rows.acc[r0 + r] + i0 + 8 * b), _mm256_set1_ps(rescale[r]));
    }
    for (int32_t j = 0; j < n; ++j) {
        const float * vr = v + size_t(j) * DV + i0;
        __m256 vv[NB];
        HEARTH_UNROLL
        for (int b = 0; b < NB; ++b) vv[b] = _mm256_loadu_ps(vr + 8 * b);
        HEARTH_UNROLL
        for (int r = 0; r < R; ++r) {
            const __m256 pj = _mm256_broadcast_ss(p + size_t(r) * sn + j);
            HEARTH_UNROLL
            for (int b = 0; b < NB; ++b) a[r][b] = _mm256_fmadd_ps(pj, vv[b], a[r][b]);
        }
    }
    HEARTH_UNROLL
    for (int r = 0; r < R; ++r) {
        HEARTH_UNROLL
        for (int b = 0; b < NB; ++b) _mm256_storeu_ps(rows.acc[r0 + r] + i0 + 8 * b, a[r][b]);
    }
}

// R rows through scores, softmax and P V; R NK = 8 score chains and R NB <= 8
// output vectors keep everything in the 16 registers.
template <int R>
void attend_rows(const TileRows & rows, int r0, const float * kt, int32_t kt_stride, const float * v, int32_t n,
                 int32_t D, int32_t DV, float scale, float * scores) {
    constexpr int NK = R == 1 ? 8 : R == 2 ? 4 : 2;
    constexpr int NB = R == 1 ? 8 : R == 2 ? 4 : 2;
    const int32_t sn = tile_scores_stride(n);
    float smax[R], rescale[R];
    scores_rows<R, NK>(rows, r0, kt, kt_stride, n, D, scale, scores, sn, smax);
    HEARTH_UNROLL
    for (int r = 0; r < R; ++r)
        rescale[r] = softmax_step(scores + size_t(r) * sn, n, smax[r], *rows.run_max[r0 + r], *rows.run_sum[r0 + r]);
    int32_t i0 = 0;
    for (; i0 + 8 * NB <= DV; i0 += 8 * NB) pv_rows<R, NB>(rows, r0, scores, sn, v, n, DV, i0, rescale);
    for (; i0 + 8 <= DV; i0 += 8) pv_rows<R, 1>(rows, r0, scores, sn, v, n, DV, i0, rescale);
    for (; i0 < DV; ++i0)  // DV not a multiple of 8
        HEARTH_UNROLL
    for (int r = 0; r < R; ++r) {
        const float * p = scores + size_t(r) * sn;
        float a = rows.acc[r0 + r][i0] * rescale[r];
        for (int32_t j = 0; j < n; ++j) a = std::fma(p[j], v[size_t(j) * DV + i0], a);
        rows.acc[r0 + r][i0] = a;
    }
}

void attend_tile_avx2(const TileRows & rows, const float * kt, int32_t kt_stride, const float * v, int32_t n, int32_t D,
                      int32_t DV, float scale, float * scores) {
    switch (rows.n) {
        case 4:
            attend_rows<4>(rows, 0, kt, kt_stride, v, n, D, DV, scale, scores);
            break;
        case 3:
            attend_rows<3>(rows, 0, kt, kt_stride, v, n, D, DV, scale, scores);
            break;
        case 2:
            attend_rows<2>(rows, 0, kt, kt_stride, v, n, D, DV, scale, scores);
            break;
        default:
            attend_rows<1>(rows, 0, kt, kt_stride, v, n, D, DV, scale, scores);
            break;
    }
}

// dst[d * stride + j] = src[j * D + d]: 8 keys x 8 elements per register transpose.
void transpose_tile_avx2(const float * src, int32_t n, int32_t D, float * dst, int32_t stride) {
    int32_t j = 0;
    for (; j + 8 <= n; j += 8) {
        int32_t d = 0;
        for (; d + 8 <= D; d += 8) {
            __m256 r[8];
            HEARTH_UNROLL
            for (int u = 0; u < 8; ++u) r[u] = _mm256_loadu_ps(src + size_t(j + u) * D + d);
            const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
            const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
            const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
            const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            const __m256 o[8] = {_mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
                                 _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
                                 _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
                                 _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31)};
            HEARTH_UNROLL
            for (int u = 0; u < 8; ++u) _mm256_storeu_ps(dst + size_t(d + u) * stride + j, o[u]);
        }
        for (; d < D; ++d)
            for (int u = 0; u < 8; ++u) dst[size_t(d) * stride + j + u] = src[size_t(j + u) * D + d];
    }
    for (; j < n; ++j)
        for (int32_t d = 0; d < D; ++d) dst[size_t(d) * stride + j] = src[size_t(j) * D + d];
}

}  // namespace

AttentionKernels attention_avx2_kernels() {
    return {attend_tile_avx2, transpose_tile_avx2};
}

}  // namespace hearth

#else

namespace hearth {
AttentionKernels attention_avx2_kernels() {
    return {nullptr, nullptr};
}
}  // namespace hearth

#endif
