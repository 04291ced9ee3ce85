// Shared by the cuda_matmul tests: random GGUF weight rows of every
// computable type (random quant bits, sane f16 scales), the type list, and a
// naive double-precision reference built on the CPU's dequantize_row.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

#include "hearth/tensor_type.h"
#include "quant/blocks_iq.h"
#include "quant/fp16.h"
#include "quant/quant.h"

namespace hearth_test_mm {

using namespace hearth;

inline const std::vector<TensorType> & computable_types() {
    static const std::vector<TensorType> types = {
        TensorType_F32,   TensorType_F16,     TensorType_BF16,  TensorType_Q4_0,    TensorType_Q4_1,
        TensorType_Q5_0,  TensorType_Q5_1,    TensorType_Q8_0,  TensorType_Q2_K,    TensorType_Q3_K,
        TensorType_Q4_K,  TensorType_Q5_K,    TensorType_Q6_K,  TensorType_IQ4_NL,  TensorType_IQ4_XS,
        TensorType_MXFP4, TensorType_IQ1_S,   TensorType_IQ1_M, TensorType_IQ2_XXS, TensorType_IQ2_XS,
        TensorType_IQ2_S, TensorType_IQ3_XXS, TensorType_IQ3_S};
    return types;
}

inline int64_t block_elems(TensorType t) {
    return tensor_type_info(t).block_elems;
}

template <class B>
void set_scales(std::vector<uint8_t> & bytes, std::mt19937 & rng, void (*fix)(B &, std::mt19937 &)) {
    for (size_t off = 0; off + sizeof(B) <= bytes.size(); off += sizeof(B)) {
        B b;
        std::memcpy(&b, bytes.data() + off, sizeof(B));
        fix(b, rng);
        std::memcpy(bytes.data() + off, &b, sizeof(B));
    }
}

inline uint16_t rand_scale(std::mt19937 & rng, float lo = 0.002f, float hi = 0.03f) {
    return f32_to_fp16(std::uniform_real_distribution<float>(lo, hi)(rng));
}

// The f16 d of every block of an IQ format with a plain d field.
template <class B>
void set_iq_d(std::vector<uint8_t> & bytes, std::mt19937 & rng, float lo, float hi) {
    for (size_t off = 0; off + sizeof(B) <= bytes.size(); off += sizeof(B)) {
        const uint16_t d = rand_scale(rng, lo, hi);
        std::memcpy(bytes.data() + off + offsetof(B, d), &d, sizeof d);
    }
}

// n_out rows of n_in weights of type t, rows contiguous (row_bytes each).
inline std::vector<uint8_t> random_weights(TensorType t, int64_t n_out, int64_t n_in, std::mt19937 & rng) {
    const size_t row_bytes = tensor_row_bytes(t, n_in);
    std::vector<uint8_t> w(row_bytes * size_t(n_out));
    std::normal_distribution<float> val(0.0f, 0.5f);
    if (t == TensorType_F32 || t == TensorType_F16 || t == TensorType_BF16) {
        for (int64_t i = 0; i < n_in * n_out; ++i) {
            const float v = val(rng);
            if (t == TensorType_F32)
                std::memcpy(w.data() + 4 * i, &v, 4);
            else {
                const uint16_t h = t == TensorType_F16 ? f32_to_fp16(v) : f32_to_bf16(v);
                std::memcpy(w.data() + 2 * i, &h, 2);
            }
        }
        return w;
    }
    for (uint8_t & b : w) b = uint8_t(rng());
    switch (t) {
        case TensorType_Q4_0:
            set_scales<block_q4_0>(w, rng, [](block_q4_0 & b, std::mt19937 & r) { b.d = rand_scale(r); });
            break;
        case TensorType_Q4_1:
            set_scales<block_q4_1>(w, rng, [](block_q4_1 & b, std::mt19937 & r) {
                b.d = rand_scale(r);
                b.m = rand_scale(r, -0.2f, 0.1f);
            });
            break;
        case TensorType_Q5_0:
            set_scales<block_q5_0>(w, rng, [](block_q5_0 & b, std::mt19937 & r) { b.d = rand_scale(r); });
            break;
        case TensorType_Q5_1:
            set_scales<block_q5_1>(w, rng, [](block_q5_1 & b, std::mt19937 & r) {
                b.d = rand_scale(r);
                b.m = rand_scale(r, -0.2f, 0.1f);
            });
            break;
        case TensorType_Q8_0:
            set_scales<block_q8_0>(w, rng, [](block_q8_0 & b, std::mt19937 & r) { b.d = rand_scale(r); });
            break;
        case TensorType_IQ4_NL:
            set_scales<block_iq4_nl>(w, rng,
                                     [](block_iq4_nl & b, std::mt19937 & r) { b.d = rand_scale(r, 0.0005f, 0.004f); });
            break;
        case TensorType_Q2_K:
            set_scales<block_q2_K>(w, rng, [](block_q2_K & b, std::mt19937 & r) {
                b.d = rand_scale(r);
                b.dmin = rand_scale(r);
            });
            break;
        case TensorType_Q3_K:
            set_scales<block_q3_K>(w, rng,
                                   [](block_q3_K & b, std::mt19937 & r) { b.d = rand_scale(r, 0.001f, 0.01f); });
            break;
        case TensorType_Q4_K:
            set_scales<block_q4_K>(w, rng, [](block_q4_K & b, std::mt19937 & r) {
                b.d = rand_scale(r, 0.0005f, 0.003f);
                b.dmin = rand_scale(r, 0.0005f, 0.003f);
            });
            break;
        case TensorType_Q5_K:
            set_scales<block_q5_K>(w, rng, [](block_q5_K & b, std::mt19937 & r) {
                b.d = rand_scale(r, 0.0002f, 0.0015f);
                b.dmin = rand_scale(r, 0.0005f, 0.003f);
            });
            break;
        case TensorType_Q6_K:
            set_scales<block_q6_K>(w, rng,
                                   [](block_q6_K & b, std::mt19937 & r) { b.d = rand_scale(r, 0.0001f, 0.001f); });
            break;
        case TensorType_IQ4_XS:
            set_scales<block_iq4_xs>(w, rng,
                                     [](block_iq4_xs & b, std::mt19937 & r) { b.d = rand_scale(r, 0.0001f, 0.001f); });
            break;
        case TensorType_MXFP4:  // 2^(e - 128) times doubled E2M1 values up to 12
            set_scales<block_mxfp4>(w, rng, [](block_mxfp4 & b, std::mt19937 & r) { b.e = uint8_t(118 + r() % 5); });
            break;
        case TensorType_IQ2_XXS:
            set_iq_d<block_iq2_xxs>(w, rng, 0.0002f, 0.002f);
            break;
        case TensorType_IQ2_XS:
            set_iq_d<block_iq2_xs>(w, rng, 0.0002f, 0.002f);
            break;
        case TensorType_IQ2_S:
            set_iq_d<block_iq2_s>(w, rng, 0.0002f, 0.002f);
            break;
        case TensorType_IQ3_XXS:
            set_iq_d<block_iq3_xxs>(w, rng, 0.0001f, 0.001f);
            break;
        case TensorType_IQ3_S:
            set_iq_d<block_iq3_s>(w, rng, 0.0001f, 0.001f);
            break;
        case TensorType_IQ1_S:
            set_iq_d<block_iq1_s>(w, rng, 0.002f, 0.02f);
            break;
        case TensorType_IQ1_M:  // d's f16 bits sit in the top nibbles of the 4 scale words
            set_scales<block_iq1_m>(w, rng, [](block_iq1_m & b, std::mt19937 & r) {
                const uint16_t d = rand_scale(r, 0.002f, 0.02f);
                for (int k = 0; k < 4; ++k)
                    b.scales[2 * k + 1] = uint8_t((b.scales[2 * k + 1] & 0x0f) | (((d >> (4 * k)) & 0x0f) << 4));
            });
            break;
        default:
            break;
    }
    return w;
}

inline std::vector<float> random_activations(int64_t n, std::mt19937 & rng) {
    std::vector<float> x(size_t(n < 1 ? 1 : n));
    std::normal_distribution<float> val(0.0f, 1.0f);
    for (float & v : x) v = val(rng);
    // An all-zero block and an outlier keep the scale edge cases in play.
    if (n >= 64)
        for (int j = 32; j < 64; ++j) x[size_t(j)] = 0.0f;
    if (n >= 3) x[2] = 40.0f;
    return x;
}

inline std::vector<float> dequantize(TensorType t, const uint8_t * row, int64_t n_in) {
    std::vector<float> f(static_cast<size_t>(n_in));
    dequantize_row(t, row, f.data(), n_in);
    return f;
}

}  // namespace hearth_test_mm
