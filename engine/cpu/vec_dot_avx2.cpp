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

#include "quant/blocks_k.h"

namespace hearth {

namespace {

inline float fp16(uint16_t h) { return _cvtsh_ss(h); }

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// 16 packed bytes of nibbles -> 32 bytes: low nibbles (elements 0-15), then high (16-31).
inline __m256i nibbles_32(const uint8_t * p) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m256i v = _mm256_set_m128i(_mm_srli_epi16(t, 4), t);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x0f));
}

// 32 bits -> 32 bytes, 0xff where the bit is set.
inline __m256i bits_to_bytes(uint32_t x) {
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(x)), shuf);
    b = _mm256_or_si256(b, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1));
}

inline __m256i loadu(const void * p) { return _mm256_loadu_si256(static_cast<const __m256i *>(p)); }

// sum over pairs of u8 x s8 -> 8 x i32
inline __m256i dot_us8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}
// s8 x s8 (x != -128 in a, any in w) -> 8 x i32
inline __m256i dot_ss8(__m256i w, __m256i a) {
    return dot_us8(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
}

// The 16 lanes of an i16 product of 32 elements: lanes 0-7 cover elements 0-15
// (scale s0), lanes 8-15 elements 16-31 (scale s1).
inline __m256i scales_pair(int s0, int s1) {
    return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(s1)), _mm_set1_epi16(static_cast<int16_t>(s0)));
}

// ---- 32-element formats vs Q8_0 ----------------------------------------------

float dot_q4_0(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q4_0 *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i q = _mm256_sub_epi8(nibbles_32(w[i].qs), _mm256_set1_epi8(8));
        const __m256 p = _mm256_cvtepi32_ps(dot_ss8(q, loadu(a[i].qs)));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * fp16(a[i].d)), p, acc);
    }
    return hsum(acc);
}

float dot_q4_1(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q4_1 *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0.0f;
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i y = loadu(a[i].qs);
        const float da = fp16(a[i].d);
        const __m256i p = dot_us8(nibbles_32(w[i].qs), y);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * da), _mm256_cvtepi32_ps(p), acc);
        acc_m += fp16(w[i].m) * da * static_cast<float>(hsum_i32(dot_us8(_mm256_set1_epi8(1), y)));
    }
    return hsum(acc) + acc_m;
}

float dot_q5_0(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q5_0 *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        // (nibble | bit << 4) - 16 == nibble | 0xf0 (as int8) where the bit is clear.
        const __m256i hi = _mm256_andnot_si256(bits_to_bytes(load_u32_le(w[i].qh)), _mm256_set1_epi8(static_cast<char>(0xf0)));
        const __m256i q = _mm256_or_si256(nibbles_32(w[i].qs), hi);
        const __m256 p = _mm256_cvtepi32_ps(dot_ss8(q, loadu(a[i].qs)));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * fp16(a[i].d)), p, acc);
    }
    return hsum(acc);
}

float dot_q5_1(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q5_1 *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0.0f;
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i y = loadu(a[i].qs);
        const float da = fp16(a[i].d);
        const __m256i hi = _mm256_and_si256(bits_to_bytes(load_u32_le(w[i].qh)), _mm256_set1_epi8(0x10));
        const __m256i p = dot_us8(_mm256_or_si256(nibbles_32(w[i].qs), hi), y);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * da), _mm256_cvtepi32_ps(p), acc);
        acc_m += fp16(w[i].m) * da * static_cast<float>(hsum_i32(dot_us8(_mm256_set1_epi8(1), y)));
    }
    return hsum(acc) + acc_m;
}

float dot_q8_0(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q8_0 *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    const int64_t nb = n / QK32;
    int64_t i = 0;
    for (; i + 2 <= nb; i += 2) {
        const __m256 p0 = _mm256_cvtepi32_ps(dot_ss8(loadu(w[i].qs), loadu(a[i].qs)));
        const __m256 p1 = _mm256_cvtepi32_ps(dot_ss8(loadu(w[i + 1].qs), loadu(a[i + 1].qs)));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * fp16(a[i].d)), p0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i + 1].d) * fp16(a[i + 1].d)), p1, acc1);
    }
    for (; i < nb; ++i) {
        const __m256 p = _mm256_cvtepi32_ps(dot_ss8(loadu(w[i].qs), loadu(a[i].qs)));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * fp16(a[i].d)), p, acc0);
    }
    return hsum(_mm256_add_ps(acc0, acc1));
}

inline __m256i iq4nl_table() {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i *>(kvalues_iq4nl));
    return _mm256_set_m128i(t, t);
}

float dot_iq4_nl(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_iq4_nl *>(vw);
    const auto * a = static_cast<const block_q8_0 *>(va);
    const __m256i table = iq4nl_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK32; ++i) {
        const __m256i q = _mm256_shuffle_epi8(table, nibbles_32(w[i].qs));
        const __m256 p = _mm256_cvtepi32_ps(dot_ss8(q, loadu(a[i].qs)));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(fp16(w[i].d) * fp16(a[i].d)), p, acc);
    }
    return hsum(acc);
}

// ---- 256-element formats vs Q8_K -----------------------------------------------

// sum_i bsums[i] * s[i] over the 16 groups of 16, s as 16 x i16.
inline int bsums_dot(const block_q8_K & a, __m256i s16) {
    return hsum_i32(_mm256_madd_epi16(loadu(a.bsums), s16));
}

float dot_q2_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q2_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m3 = _mm256_set1_epi8(3);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const __m128i sc8 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(w[i].scales));
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc8, 4), _mm_set1_epi8(0x0f)));
        const int sum_m = bsums_dot(a[i], mins);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q2 = loadu(w[i].qs + 32 * h);
            for (int p = 0; p < 4; ++p) {
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(q2, 2 * p), m3);
                const int s = 8 * h + 2 * p;
                const __m256i prod = _mm256_maddubs_epi16(q, loadu(a[i].qs + 128 * h + 32 * p));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(prod, scales_pair(w[i].scales[s] & 0x0f, w[i].scales[s + 1] & 0x0f)));
            }
        }
        sum += a[i].d * (fp16(w[i].d) * static_cast<float>(hsum_i32(sumi)) - fp16(w[i].dmin) * static_cast<float>(sum_m));
    }
    return sum;
}

float dot_q3_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q3_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m3 = _mm256_set1_epi8(3), m1 = _mm256_set1_epi8(1);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        alignas(32) int16_t sc[16];
        for (int j = 0; j < 16; ++j) sc[j] = static_cast<int16_t>(q3k_scale(j, w[i].scales));
        const __m256i sc16 = _mm256_load_si256(reinterpret_cast<const __m256i *>(sc));
        // value = (q2 | hbit << 2) - 4: the -4 comes out through the bsums.
        const int offset = 4 * bsums_dot(a[i], sc16);
        const __m256i hm = loadu(w[i].hmask);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q2 = loadu(w[i].qs + 32 * h);
            for (int p = 0; p < 4; ++p) {
                const __m256i lo = _mm256_and_si256(_mm256_srli_epi16(q2, 2 * p), m3);
                const __m256i hb = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hm, 4 * h + p), m1), 2);
                const int s = 8 * h + 2 * p;
                const __m256i prod = _mm256_maddubs_epi16(_mm256_or_si256(lo, hb), loadu(a[i].qs + 128 * h + 32 * p));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(prod, scales_pair(sc[s], sc[s + 1])));
            }
        }
        sum += a[i].d * fp16(w[i].d) * static_cast<float>(hsum_i32(sumi) - offset);
    }
    return sum;
}

// Q4_K/Q5_K: 8 sub-blocks of 32 with a 6-bit scale and min each.
inline int q45k_mins(const block_q8_K & a, const uint8_t * scales, int sc[8]) {
    alignas(32) int16_t m16[16];
    for (int j = 0; j < 8; ++j) {
        int m;
        q4k_scale_min(j, scales, sc[j], m);
        m16[2 * j] = m16[2 * j + 1] = static_cast<int16_t>(m);
    }
    return bsums_dot(a, _mm256_load_si256(reinterpret_cast<const __m256i *>(m16)));
}

float dot_q4_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q4_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0.0f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        int sc[8];
        const int sum_m = q45k_mins(a[i], w[i].scales, sc);
        __m256i sumi = _mm256_setzero_si256();
        for (int g = 0; g < 4; ++g) {
            const __m256i q = loadu(w[i].qs + 32 * g);
            const __m256i lo = _mm256_and_si256(q, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            const __m256i p_lo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, loadu(a[i].qs + 64 * g)),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g])));
            const __m256i p_hi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, loadu(a[i].qs + 64 * g + 32)),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g + 1])));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p_lo, p_hi));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(a[i].d * fp16(w[i].d)), _mm256_cvtepi32_ps(sumi), acc);
        acc_m += a[i].d * fp16(w[i].dmin) * static_cast<float>(sum_m);
    }
    return hsum(acc) - acc_m;
}

float dot_q5_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q5_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m4 = _mm256_set1_epi8(0x0f), m1 = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0.0f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        int sc[8];
        const int sum_m = q45k_mins(a[i], w[i].scales, sc);
        const __m256i qh = loadu(w[i].qh);
        __m256i sumi = _mm256_setzero_si256();
        for (int g = 0; g < 4; ++g) {
            const __m256i q = loadu(w[i].qs + 32 * g);
            const __m256i h_lo = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * g), m1), 4);
            const __m256i h_hi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * g + 1), m1), 4);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(q, m4), h_lo);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), m4), h_hi);
            const __m256i p_lo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, loadu(a[i].qs + 64 * g)),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g])));
            const __m256i p_hi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, loadu(a[i].qs + 64 * g + 32)),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g + 1])));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p_lo, p_hi));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(a[i].d * fp16(w[i].d)), _mm256_cvtepi32_ps(sumi), acc);
        acc_m += a[i].d * fp16(w[i].dmin) * static_cast<float>(sum_m);
    }
    return hsum(acc) - acc_m;
}

float dot_q6_K(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_q6_K *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i m4 = _mm256_set1_epi8(0x0f), m3 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(w[i].scales)));
        // value = q6 - 32: the -32 comes out through the bsums.
        const int offset = 32 * bsums_dot(a[i], sc16);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i ql0 = loadu(w[i].ql + 64 * h), ql1 = loadu(w[i].ql + 64 * h + 32);
            const __m256i qh = loadu(w[i].qh + 32 * h);
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4)),
                _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4)),
            };
            for (int s = 0; s < 4; ++s) {
                const int k = 8 * h + 2 * s;
                const __m256i prod = _mm256_maddubs_epi16(q[s], loadu(a[i].qs + 128 * h + 32 * s));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(prod, scales_pair(w[i].scales[k], w[i].scales[k + 1])));
            }
        }
        // Fold the offset into lane 0 so one float conversion covers both.
        sumi = _mm256_sub_epi32(sumi, _mm256_setr_epi32(offset, 0, 0, 0, 0, 0, 0, 0));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(a[i].d * fp16(w[i].d)), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum(acc);
}

float dot_iq4_xs(int64_t n, const void * vw, const void * va) {
    const auto * w = static_cast<const block_iq4_xs *>(vw);
    const auto * a = static_cast<const block_q8_K *>(va);
    const __m256i table = iq4nl_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK_K; ++i) {
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib += 2) {
            const __m256i q0 = _mm256_shuffle_epi8(table, nibbles_32(w[i].qs + 16 * ib));
            const __m256i q1 = _mm256_shuffle_epi8(table, nibbles_32(w[i].qs + 16 * ib + 16));
            const __m256i a0 = loadu(a[i].qs + 32 * ib), a1 = loadu(a[i].qs + 32 * ib + 32);
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_sign_epi8(q0, q0), _mm256_sign_epi8(a0, q0));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_sign_epi8(q1, q1), _mm256_sign_epi8(a1, q1));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p0, _mm256_set1_epi16(static_cast<int16_t>(iq4xs_scale(ib, w[i])))));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p1, _mm256_set1_epi16(static_cast<int16_t>(iq4xs_scale(ib + 1, w[i])))));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(a[i].d * fp16(w[i].d)), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum(acc);
}

// ---- float weights vs F32 activations ------------------------------------------

inline __m256 load8_f32(const void * w, int64_t i) { return _mm256_loadu_ps(static_cast<const float *>(w) + i); }
inline __m256 load8_f16(const void * w, int64_t i) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(w) + i)));
}
inline __m256 load8_bf16(const void * w, int64_t i) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(w) + i));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
inline float load1_f32(const void * w, int64_t i) { return static_cast<const float *>(w)[i]; }
inline float load1_f16(const void * w, int64_t i) { return fp16(static_cast<const uint16_t *>(w)[i]); }
inline float load1_bf16(const void * w, int64_t i) { return bf16_to_f32(static_cast<const uint16_t *>(w)[i]); }

// Four independent accumulators hide the FMA latency.
template <__m256 (*Load8)(const void *, int64_t), float (*Load1)(const void *, int64_t)>
float dot_float(int64_t n, const void * w, const void * va) {
    const auto * x = static_cast<const float *>(va);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; ++k) acc[k] = _mm256_fmadd_ps(Load8(w, i + 8 * k), _mm256_loadu_ps(x + i + 8 * k), acc[k]);
    for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(Load8(w, i), _mm256_loadu_ps(x + i), acc[0]);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; ++i) sum += Load1(w, i) * x[i];
    return sum;
}

}  // namespace

void fill_vec_dot_avx2(VecDotKernels & k) {
    k.dot[TensorType_F32] = dot_float<load8_f32, load1_f32>;
    k.dot[TensorType_F16] = dot_float<load8_f16, load1_f16>;
    k.dot[TensorType_BF16] = dot_float<load8_bf16, load1_bf16>;
    k.dot[TensorType_Q4_0] = dot_q4_0;
    k.dot[TensorType_Q4_1] = dot_q4_1;
    k.dot[TensorType_Q5_0] = dot_q5_0;
    k.dot[TensorType_Q5_1] = dot_q5_1;
    k.dot[TensorType_Q8_0] = dot_q8_0;
    k.dot[TensorType_IQ4_NL] = dot_iq4_nl;
    k.dot[TensorType_Q2_K] = dot_q2_K;
    k.dot[TensorType_Q3_K] = dot_q3_K;
    k.dot[TensorType_Q4_K] = dot_q4_K;
    k.dot[TensorType_Q5_K] = dot_q5_K;
    k.dot[TensorType_Q6_K] = dot_q6_K;
    k.dot[TensorType_IQ4_XS] = dot_iq4_xs;
}

}  // namespace hearth

#else

namespace hearth {
void fill_vec_dot_avx2(VecDotKernels &) {}
}  // namespace hearth

#endif
