// Scalar dot kernels for every computable weight type, and the kernel tables.
//
// These are the portable reference: the per-block integer dots of
// quant/blocks.h summed over a row. SIMD tables start from this one and
// override the types they specialise.
#include <cmath>

#include "cpu/vec_dot.h"
#include "quant/blocks_iq.h"

namespace hearth {

namespace {

template <typename WB, typename AB, float (*Dot)(const WB &, const AB &), int QK>
float dot_row(int64_t n, const void * w, const void * act) {
    const auto * wb = static_cast<const WB *>(w);
    const auto * ab = static_cast<const AB *>(act);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / QK; ++i) sum += Dot(wb[i], ab[i]);
    return sum;
}

template <typename B>
float iq_dot_row(int64_t n, const void * w, const void * act) {
    return dot_row<B, block_q8_K, dot_block_iq_q8_K<B>, QK_K>(n, w, act);
}

// Float rows: four partial sums in double keep F16/F32 models within their
// tight logit tolerance regardless of row length.
template <float (*Load)(const void *, int64_t)>
float dot_float_row(int64_t n, const void * w, const void * act) {
    const auto * x = static_cast<const float *>(act);
    double s[4] = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; ++k) s[k] += static_cast<double>(Load(w, i + k)) * x[i + k];
    for (; i < n; ++i) s[0] += static_cast<double>(Load(w, i)) * x[i];
    return static_cast<float>((s[0] + s[1]) + (s[2] + s[3]));
}

float load_f32(const void * w, int64_t i) {
    return static_cast<const float *>(w)[i];
}
float load_f16(const void * w, int64_t i) {
    return fp16_to_f32(static_cast<const uint16_t *>(w)[i]);
}
float load_bf16(const void * w, int64_t i) {
    return bf16_to_f32(static_cast<const uint16_t *>(w)[i]);
}

int nearest_int(float v) {
    return static_cast<int>(std::lrintf(v));
}

}  // namespace

// Symmetric 8-bit blocks: d = max|x| / 127, so codes stay in [-127, 127] (the
// SIMD kernels rely on -128 never appearing).
void quantize_row_q8_0_scalar(const float * x, void * dst, int64_t n) {
    auto * out = static_cast<block_q8_0 *>(dst);
    for (int64_t b = 0; b < n / QK32; ++b, x += QK32) {
        float amax = 0.0f;
        for (int j = 0; j < QK32; ++j) amax = std::fmax(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out[b].d = f32_to_fp16(d);
        for (int j = 0; j < QK32; ++j) out[b].qs[j] = static_cast<int8_t>(nearest_int(x[j] * id));
    }
}

void quantize_row_q8_K_scalar(const float * x, void * dst, int64_t n) {
    auto * out = static_cast<block_q8_K *>(dst);
    for (int64_t b = 0; b < n / QK_K; ++b, x += QK_K) {
        float amax = 0.0f;
        for (int j = 0; j < QK_K; ++j) amax = std::fmax(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out[b].d = d;
        for (int g = 0; g < 16; ++g) {
            int s = 0;
            for (int j = 16 * g; j < 16 * g + 16; ++j) {
                const int q = nearest_int(x[j] * id);
                out[b].qs[j] = static_cast<int8_t>(q);
                s += q;
            }
            out[b].bsums[g] = static_cast<int16_t>(s);
        }
    }
}

static void f16_to_f32_row_scalar(const uint16_t * src, float * dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_f32(src[i]);
}

void fill_vec_dot_scalar(VecDotKernels & k) {
    k.f16_to_f32 = f16_to_f32_row_scalar;
    k.dot[TensorType_F32] = dot_float_row<load_f32>;
    k.dot[TensorType_F16] = dot_float_row<load_f16>;
    k.dot[TensorType_BF16] = dot_float_row<load_bf16>;
    k.dot[TensorType_Q4_0] = dot_row<block_q4_0, block_q8_0, dot_block_q4_0_q8_0, QK32>;
    k.dot[TensorType_Q4_1] = dot_row<block_q4_1, block_q8_0, dot_block_q4_1_q8_0, QK32>;
    k.dot[TensorType_Q5_0] = dot_row<block_q5_0, block_q8_0, dot_block_q5_0_q8_0, QK32>;
    k.dot[TensorType_Q5_1] = dot_row<block_q5_1, block_q8_0, dot_block_q5_1_q8_0, QK32>;
    k.dot[TensorType_Q8_0] = dot_row<block_q8_0, block_q8_0, dot_block_q8_0_q8_0, QK32>;
    k.dot[TensorType_IQ4_NL] = dot_row<block_iq4_nl, block_q8_0, dot_block_iq4_nl_q8_0, QK32>;
    k.dot[TensorType_Q2_K] = dot_row<block_q2_K, block_q8_K, dot_block_q2_K_q8_K, QK_K>;
    k.dot[TensorType_Q3_K] = dot_row<block_q3_K, block_q8_K, dot_block_q3_K_q8_K, QK_K>;
    k.dot[TensorType_Q4_K] = dot_row<block_q4_K, block_q8_K, dot_block_q4_K_q8_K, QK_K>;
    k.dot[TensorType_Q5_K] = dot_row<block_q5_K, block_q8_K, dot_block_q5_K_q8_K, QK_K>;
    k.dot[TensorType_Q6_K] = dot_row<block_q6_K, block_q8_K, dot_block_q6_K_q8_K, QK_K>;
    k.dot[TensorType_IQ4_XS] = dot_row<block_iq4_xs, block_q8_K, dot_block_iq4_xs_q8_K, QK_K>;
    k.dot[TensorType_MXFP4] = dot_row<block_mxfp4, block_q8_0, dot_block_mxfp4_q8_0, QK32>;
    k.dot[TensorType_IQ2_XXS] = iq_dot_row<block_iq2_xxs>;
    k.dot[TensorType_IQ2_XS] = iq_dot_row<block_iq2_xs>;
    k.dot[TensorType_IQ2_S] = iq_dot_row<block_iq2_s>;
    k.dot[TensorType_IQ3_XXS] = iq_dot_row<block_iq3_xxs>;
    k.dot[TensorType_IQ3_S] = iq_dot_row<block_iq3_s>;
    k.dot[TensorType_IQ1_S] = iq_dot_row<block_iq1_s>;
    k.dot[TensorType_IQ1_M] = iq_dot_row<block_iq1_m>;
    k.quantize_q8_0 = quantize_row_q8_0_scalar;
    k.quantize_q8_K = quantize_row_q8_K_scalar;
}

namespace {

struct AllTables {
    VecDotKernels t[3];
    AllTables() {
        for (auto & k : t) fill_vec_dot_scalar(k);
        fill_vec_dot_avx2(t[CpuIsa_avx2]);
        fill_vec_dot_avx2(t[CpuIsa_avx512]);
        fill_vec_dot_avx512(t[CpuIsa_avx512]);
    }
};

}  // namespace

const VecDotKernels & vec_dot_kernels(CpuIsa isa) {
    static const AllTables tables;
    const CpuIsa best = cpu_isa_detected();
    return tables.t[isa > best ? best : isa];
}

}  // namespace hearth
