// GEMV units of the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL,
// MXFP4) against Q8_0 activations. Layouts: quant/blocks.h.
// Nibble formats hold element j in the low nibble of qs[j] and j + 16 in the
// high one, so word i of qs gives v[i] (elements 4i..4i+3) and v[4 + i]
// (elements 16 + 4i..). Offset formats (Q4_0, Q5_0) are re-centred to signed
// bytes; formats with a min (Q4_1, Q5_1) add m * sum(activations).
//
// The 2-byte-aligned blocks (Q8_0's 34 bytes, Q4_0's and IQ4_NL's 18, Q5_0's
// 22) are cut into quarters of 8 weights (two int8x4 words): four
// neighbouring lanes share a block and read consecutive words of it, so a
// warp's load covers 8 blocks' contiguous bytes instead of 32 lanes 18-34
// bytes apart (llama.cpp's mmvq does the same). Q4_1 and Q5_1 keep one lane
// per (4-byte aligned) block.
#include "cuda/gemv_internal.h"
#include "cuda/gemv_kernel.h"

namespace hearth::cuda {

namespace {

// A whole block, one lane each: for blocks whose words are read a byte at a
// time anyway (MXFP4's 17 bytes).
struct UnitD {
    int v[8];
    float d;
};
// A quarter block: words v[0], v[1] meet activation words a0, a1.
struct Quarter {
    int v[2];
    int a0, a1;
    float d;
};
struct UnitDM {
    int v[8];
    float d, m;
};

__device__ __forceinline__ float scaled(const UnitD & u, const block_q8_0 & a) {
    return u.d * fp16_to_f32(a.d) * float(dot_words<false>(u.v, a.qs, 0, 8));
}

__device__ __forceinline__ float scaled(const Quarter & u, const block_q8_0 & a) {
    const int s = __dp4a(u.v[1], load_i32_a2(a.qs + 4 * u.a1), __dp4a(u.v[0], load_i32_a2(a.qs + 4 * u.a0), 0));
    return u.d * fp16_to_f32(a.d) * float(s);
}

// sum((d q + m) da qa) = d da sum(q qa) + m da sum(qa)
__device__ __forceinline__ float scaled(const UnitDM & u, const block_q8_0 & a) {
    int s = 0, sa = 0;
    for (int i = 0; i < 8; ++i) {
        const int av = load_i32_a2(a.qs + 4 * i);
        s = __dp4a(u.v[i], av, s);
        sa = __dp4a(0x01010101, av, sa);
    }
    const float da = fp16_to_f32(a.d);
    return u.d * da * float(s) + u.m * da * float(sa);
}

// Quarter p: word p of qs, low nibbles (elements 4p..) and high (16 + 4p..).
struct Q4_0 {
    using WBlock = block_q4_0;
    using ABlock = block_q8_0;
    using Unit = Quarter;
    static constexpr int kQK = QK32, kParts = 4;
    __device__ static Unit load(const WBlock & b, int p) {
        const uint32_t q = uint32_t(load_i32_a2(b.qs + 4 * p));
        return {{sub_bytes(q & 0x0f0f0f0fu, 8), sub_bytes((q >> 4) & 0x0f0f0f0fu, 8)}, p, 4 + p, fp16_to_f32(b.d)};
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

struct Q4_1 {
    using WBlock = block_q4_1;
    using ABlock = block_q8_0;
    using Unit = UnitDM;
    static constexpr int kQK = QK32, kParts = 1;
    __device__ static Unit load(const WBlock & b, int) {
        Unit u;
        for (int i = 0; i < 4; ++i) {
            const uint32_t q = uint32_t(load_i32_a4(b.qs + 4 * i));
            u.v[i] = int(q & 0x0f0f0f0fu);
            u.v[4 + i] = int((q >> 4) & 0x0f0f0f0fu);
        }
        u.d = fp16_to_f32(b.d);
        u.m = fp16_to_f32(b.m);
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

// Quarter p as Q4_0's, the 5th bits from qh bits 4p.. and 16 + 4p...
struct Q5_0 {
    using WBlock = block_q5_0;
    using ABlock = block_q8_0;
    using Unit = Quarter;
    static constexpr int kQK = QK32, kParts = 4;
    __device__ static Unit load(const WBlock & b, int p) {
        const uint32_t qh = uint32_t(load_i32_a2(b.qh));
        const uint32_t q = uint32_t(load_i32_a2(b.qs + 4 * p));
        const uint32_t lo = (q & 0x0f0f0f0fu) | spread_bit4((qh >> (4 * p)) & 0xfu);
        const uint32_t hi = ((q >> 4) & 0x0f0f0f0fu) | spread_bit4((qh >> (16 + 4 * p)) & 0xfu);
        return {{sub_bytes(lo, 16), sub_bytes(hi, 16)}, p, 4 + p, fp16_to_f32(b.d)};
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

struct Q5_1 {
    using WBlock = block_q5_1;
    using ABlock = block_q8_0;
    using Unit = UnitDM;
    static constexpr int kQK = QK32, kParts = 1;
    __device__ static Unit load(const WBlock & b, int) {
        Unit u;  // 5-bit codes 0..31: bit j of qh is the 5th bit of element j
        const uint32_t qh = uint32_t(load_i32_a4(b.qh));
        for (int i = 0; i < 4; ++i) {
            const uint32_t q = uint32_t(load_i32_a4(b.qs + 4 * i));
            u.v[i] = int((q & 0x0f0f0f0fu) | spread_bit4((qh >> (4 * i)) & 0xfu));
            u.v[4 + i] = int(((q >> 4) & 0x0f0f0f0fu) | spread_bit4((qh >> (16 + 4 * i)) & 0xfu));
        }
        u.d = fp16_to_f32(b.d);
        u.m = fp16_to_f32(b.m);
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

// Quarter p: codes 8p..8p+7, words 2p and 2p + 1.
struct Q8_0 {
    using WBlock = block_q8_0;
    using ABlock = block_q8_0;
    using Unit = Quarter;
    static constexpr int kQK = QK32, kParts = 4;
    __device__ static Unit load(const WBlock & b, int p) {
        return {{load_i32_a2(b.qs + 8 * p), load_i32_a2(b.qs + 8 * p + 4)}, 2 * p, 2 * p + 1, fp16_to_f32(b.d)};
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

struct IQ4_NL {
    using WBlock = block_iq4_nl;
    using ABlock = block_q8_0;
    using Unit = Quarter;
    static constexpr int kQK = QK32, kParts = 4;
    __device__ static Unit load(const WBlock & b, int p) {
        const uint32_t q = uint32_t(load_i32_a2(b.qs + 4 * p));
        return {{iq4_lookup4(q & 0x0f0f0f0fu), iq4_lookup4((q >> 4) & 0x0f0f0f0fu)}, p, 4 + p, fp16_to_f32(b.d)};
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

// MXFP4: IQ4_NL's nibbles with the doubled E2M1 code book and a power-of-two
// scale. Blocks are 17 bytes, so the quants are read a byte at a time.
struct MXFP4 {
    using WBlock = block_mxfp4;
    using ABlock = block_q8_0;
    using Unit = UnitD;
    static constexpr int kQK = QK32, kParts = 1;
    __device__ static Unit load(const WBlock & b, int) {
        Unit u;
        for (int i = 0; i < 4; ++i) nibble_code_words<true>(load_u32_le(b.qs + 4 * i), i, u.v);
        u.d = e8m0_half(b.e);
        return u;
    }
    __device__ static float dot(const Unit & u, const ABlock & a, int) { return scaled(u, a); }
};

}  // namespace

bool gemv_legacy(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream) {
    switch (w.type) {
    case TensorType_Q4_0: launch_gemv_q<Q4_0>(w, xq, y, n_tokens, stream); return true;
    case TensorType_Q4_1: launch_gemv_q<Q4_1>(w, xq, y, n_tokens, stream); return true;
    case TensorType_Q5_0: launch_gemv_q<Q5_0>(w, xq, y, n_tokens, stream); return true;
    case TensorType_Q5_1: launch_gemv_q<Q5_1>(w, xq, y, n_tokens, stream); return true;
    case TensorType_Q8_0: launch_gemv_q<Q8_0>(w, xq, y, n_tokens, stream); return true;
    case TensorType_IQ4_NL: launch_gemv_q<IQ4_NL>(w, xq, y, n_tokens, stream); return true;
    case TensorType_MXFP4: launch_gemv_q<MXFP4>(w, xq, y, n_tokens, stream); return true;
    default: return false;
    }
}

}  // namespace hearth::cuda
