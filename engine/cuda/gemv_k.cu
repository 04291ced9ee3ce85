// GEMV units of the 256-element formats (Q2_K..Q6_K, IQ4_XS) against Q8_K
// activations. A super-block is 8 units: unit p holds elements 32p..32p+31,
// which every one of these layouts keeps in one plane of its quant arrays
// (quant/blocks_k.h), and which meet Q8_K codes qs[32p..] and bsums[2p],
// bsums[2p + 1]. Formats with 16-element sub-blocks carry two scales per unit
// (v[0..3] and v[4..7]).
#include "cuda/gemv_internal.h"
#include "cuda/gemv_kernel.h"

namespace hearth::cuda {

namespace {

// Q2_K, Q3_K, Q6_K: two integer scales per unit (and for Q2_K two mins): Unit2
// of gemv_kernel.h. Q4_K, Q5_K, IQ4_XS: one scale (and min) per unit, folded into floats.
struct Unit1 {
    int v[8];
    float dsc, dm;
};

// a.d (d sc sum(q a) - dmin m sum(a)), sum(a) from the bsums of the unit.
__device__ __forceinline__ float dot_unit1(const Unit1 & u, const block_q8_K & a, int p) {
    const int s = dot_words<true>(u.v, a.qs + 32 * p, 0, 8);
    return a.d * (u.dsc * float(s) - u.dm * float(a.bsums[2 * p] + a.bsums[2 * p + 1]));
}

// Unit p = 4h + s of the Q2_K/Q3_K/Q6_K layouts: elements 128h + 32s + l.
struct Q2_K {
    using WBlock = block_q2_K;
    using ABlock = block_q8_K;
    using Unit = Unit2;
    static constexpr int kQK = QK_K, kParts = 8;
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        const int h = p / 4, s = p % 4;
        for (int i = 0; i < 8; ++i)
            u.v[i] = int((uint32_t(load_i32_a4(b.qs + 32 * h + 4 * i)) >> (2 * s)) & 0x03030303u);
        u.sc0 = b.scales[2 * p] & 0x0f;
        u.sc1 = b.scales[2 * p + 1] & 0x0f;
        u.m0 = b.scales[2 * p] >> 4;
        u.m1 = b.scales[2 * p + 1] >> 4;
        u.d = fp16_to_f32(b.d);
        u.dmin = fp16_to_f32(b.dmin);
        return u;
    }
    // a.d (d sum(sc sum(q a)) - dmin sum(m bsum))
    __device__ static float dot(const Unit & u, const ABlock & a, int p) {
        const int8_t * q = a.qs + 32 * p;
        const int s = u.sc0 * dot_words<true>(u.v, q, 0, 4) + u.sc1 * dot_words<true>(u.v, q, 4, 8);
        const int m = u.m0 * a.bsums[2 * p] + u.m1 * a.bsums[2 * p + 1];
        return a.d * (u.d * float(s) - u.dmin * float(m));
    }
};

struct Q3_K {
    using WBlock = block_q3_K;
    using ABlock = block_q8_K;
    using Unit = Unit2;
    static constexpr int kQK = QK_K, kParts = 8;
    // q = low 2 bits | high bit << 2, minus 4 (the high bit set means "no -4").
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        const int h = p / 4, s = p % 4;
        for (int i = 0; i < 8; ++i) {
            const uint32_t lo = (uint32_t(load_i32_a2(b.qs + 32 * h + 4 * i)) >> (2 * s)) & 0x03030303u;
            const uint32_t hi = (uint32_t(load_i32_a2(b.hmask + 4 * i)) >> p) & 0x01010101u;
            u.v[i] = sub_bytes(lo | (hi << 2), 4);
        }
        u.sc0 = q3k_scale(2 * p, b.scales);
        u.sc1 = q3k_scale(2 * p + 1, b.scales);
        u.m0 = u.m1 = 0;
        u.d = fp16_to_f32(b.d);
        u.dmin = 0.0f;
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) { return dot_unit2(u, a, p); }
};

struct Q4_K {
    using WBlock = block_q4_K;
    using ABlock = block_q8_K;
    using Unit = Unit1;
    static constexpr int kQK = QK_K, kParts = 8;
    // Unit p: nibble p % 2 of qs[32 (p / 2) + l].
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        for (int i = 0; i < 8; ++i)
            u.v[i] = int((uint32_t(load_i32_a4(b.qs + 32 * (p / 2) + 4 * i)) >> (4 * (p % 2))) & 0x0f0f0f0fu);
        int sc, m;
        q4k_scale_min(p, b.scales, sc, m);
        u.dsc = fp16_to_f32(b.d) * float(sc);
        u.dm = fp16_to_f32(b.dmin) * float(m);
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) { return dot_unit1(u, a, p); }
};

struct Q5_K {
    using WBlock = block_q5_K;
    using ABlock = block_q8_K;
    using Unit = Unit1;
    static constexpr int kQK = QK_K, kParts = 8;
    // As Q4_K, with the 5th bit of element 32p + l in bit p of qh[l].
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        for (int i = 0; i < 8; ++i) {
            const uint32_t lo = (uint32_t(load_i32_a4(b.qs + 32 * (p / 2) + 4 * i)) >> (4 * (p % 2))) & 0x0f0f0f0fu;
            const uint32_t hi = (uint32_t(load_i32_a4(b.qh + 4 * i)) >> p) & 0x01010101u;
            u.v[i] = int(lo | (hi << 4));
        }
        int sc, m;
        q4k_scale_min(p, b.scales, sc, m);
        u.dsc = fp16_to_f32(b.d) * float(sc);
        u.dm = fp16_to_f32(b.dmin) * float(m);
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) { return dot_unit1(u, a, p); }
};

struct Q6_K {
    using WBlock = block_q6_K;
    using ABlock = block_q8_K;
    using Unit = Unit2;
    static constexpr int kQK = QK_K, kParts = 8;
    // Low nibble: ql[64h + 32 (s & 1) + l], high nibble when s >= 2; high
    // 2 bits: qh[32h + l] bits 2s..2s+1; q = 6-bit value - 32.
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        const int h = p / 4, s = p % 4;
        for (int i = 0; i < 8; ++i) {
            const uint32_t ql = uint32_t(load_i32_a2(b.ql + 64 * h + 32 * (s & 1) + 4 * i));
            const uint32_t lo = (ql >> (4 * (s / 2))) & 0x0f0f0f0fu;
            const uint32_t hi = (uint32_t(load_i32_a2(b.qh + 32 * h + 4 * i)) >> (2 * s)) & 0x03030303u;
            u.v[i] = sub_bytes(lo | (hi << 4), 32);
        }
        u.sc0 = b.scales[2 * p];
        u.sc1 = b.scales[2 * p + 1];
        u.m0 = u.m1 = 0;
        u.d = fp16_to_f32(b.d);
        u.dmin = 0.0f;
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) { return dot_unit2(u, a, p); }
};

struct IQ4_XS {
    using WBlock = block_iq4_xs;
    using ABlock = block_q8_K;
    using Unit = Unit1;
    static constexpr int kQK = QK_K, kParts = 8;
    // Unit p: 16 bytes of qs laid out as an IQ4_NL block.
    __device__ static Unit load(const WBlock & b, int p) {
        Unit u;
        for (int i = 0; i < 4; ++i) nibble_code_words<false>(uint32_t(load_i32_a4(b.qs + 16 * p + 4 * i)), i, u.v);
        u.dsc = fp16_to_f32(b.d) * float(iq4xs_scale(p, b));
        u.dm = 0.0f;
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int p) {
        return a.d * u.dsc * float(dot_words<true>(u.v, a.qs + 32 * p, 0, 8));
    }
};

}  // namespace

bool gemv_kquant(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream,
                 const ExpertSel * sel) {
    switch (w.type) {
        case TensorType_Q2_K:
            launch_gemv_q<Q2_K>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_Q3_K:
            launch_gemv_q<Q3_K>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_Q4_K:
            launch_gemv_q<Q4_K>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_Q5_K:
            launch_gemv_q<Q5_K>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_Q6_K:
            launch_gemv_q<Q6_K>(w, xq, y, n_tokens, stream, sel);
            return true;
        case TensorType_IQ4_XS:
            launch_gemv_q<IQ4_XS>(w, xq, y, n_tokens, stream, sel);
            return true;
        default:
            return false;
    }
}

}  // namespace hearth::cuda
