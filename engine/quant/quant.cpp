// Row-level entry points of quant.h: dispatch on the tensor type to the
// per-block helpers of blocks.h / blocks_k.h, or to the active ISA's kernels.
#include "quant/quant.h"

#include <cstring>

#include "quant/blocks_iq.h"

namespace hearth {

namespace {

template <typename B, void (*Deq)(const B &, float *), int QK>
void dequant_rows(const void * src, float * dst, int64_t n) {
    const auto * b = static_cast<const B *>(src);
    for (int64_t i = 0; i < n / QK; ++i) Deq(b[i], dst + i * QK);
}

template <typename B>
void dequant_iq_rows(const void * src, float * dst, int64_t n) {
    dequant_rows<B, dequant_block_iq<B>, QK_K>(src, dst, n);
}

}  // namespace

void dequantize_row(TensorType type, const void * src, float * dst, int64_t n) {
    switch (type) {
        case TensorType_F32:
            std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
            return;
        case TensorType_F16: {
            const auto * h = static_cast<const uint16_t *>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_f32(h[i]);
            return;
        }
        case TensorType_BF16: {
            const auto * h = static_cast<const uint16_t *>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(h[i]);
            return;
        }
        case TensorType_Q4_0:
            return dequant_rows<block_q4_0, dequant_block_q4_0, QK32>(src, dst, n);
        case TensorType_Q4_1:
            return dequant_rows<block_q4_1, dequant_block_q4_1, QK32>(src, dst, n);
        case TensorType_Q5_0:
            return dequant_rows<block_q5_0, dequant_block_q5_0, QK32>(src, dst, n);
        case TensorType_Q5_1:
            return dequant_rows<block_q5_1, dequant_block_q5_1, QK32>(src, dst, n);
        case TensorType_Q8_0:
            return dequant_rows<block_q8_0, dequant_block_q8_0, QK32>(src, dst, n);
        case TensorType_IQ4_NL:
            return dequant_rows<block_iq4_nl, dequant_block_iq4_nl, QK32>(src, dst, n);
        case TensorType_Q2_K:
            return dequant_rows<block_q2_K, dequant_block_q2_K, QK_K>(src, dst, n);
        case TensorType_Q3_K:
            return dequant_rows<block_q3_K, dequant_block_q3_K, QK_K>(src, dst, n);
        case TensorType_Q4_K:
            return dequant_rows<block_q4_K, dequant_block_q4_K, QK_K>(src, dst, n);
        case TensorType_Q5_K:
            return dequant_rows<block_q5_K, dequant_block_q5_K, QK_K>(src, dst, n);
        case TensorType_Q6_K:
            return dequant_rows<block_q6_K, dequant_block_q6_K, QK_K>(src, dst, n);
        case TensorType_IQ4_XS:
            return dequant_rows<block_iq4_xs, dequant_block_iq4_xs, QK_K>(src, dst, n);
        case TensorType_MXFP4:
            return dequant_rows<block_mxfp4, dequant_block_mxfp4, QK32>(src, dst, n);
        case TensorType_IQ2_XXS:
            return dequant_iq_rows<block_iq2_xxs>(src, dst, n);
        case TensorType_IQ2_XS:
            return dequant_iq_rows<block_iq2_xs>(src, dst, n);
        case TensorType_IQ2_S:
            return dequant_iq_rows<block_iq2_s>(src, dst, n);
        case TensorType_IQ3_XXS:
            return dequant_iq_rows<block_iq3_xxs>(src, dst, n);
        case TensorType_IQ3_S:
            return dequant_iq_rows<block_iq3_s>(src, dst, n);
        case TensorType_IQ1_S:
            return dequant_iq_rows<block_iq1_s>(src, dst, n);
        case TensorType_IQ1_M:
            return dequant_iq_rows<block_iq1_m>(src, dst, n);
        case TensorType_Q8_K: {
            const auto * b = static_cast<const block_q8_K *>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = b[i / QK_K].d * static_cast<float>(b[i / QK_K].qs[i % QK_K]);
            return;
        }
        default:
            break;
    }
    // Types the engine cannot compute never reach a kernel: the model loader
    // rejects them (tensor_type_info().can_compute), so zeros flag a bug loudly in tests.
    std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float));
}

TensorType vec_dot_type(TensorType weight_type) {
    switch (weight_type) {
        case TensorType_Q4_0:
        case TensorType_Q4_1:
        case TensorType_Q5_0:
        case TensorType_Q5_1:
        case TensorType_Q8_0:
        case TensorType_IQ4_NL:
        case TensorType_MXFP4:
            return TensorType_Q8_0;
        case TensorType_Q2_K:
        case TensorType_Q3_K:
        case TensorType_Q4_K:
        case TensorType_Q5_K:
        case TensorType_Q6_K:
        case TensorType_IQ4_XS:
        case TensorType_IQ1_S:
        case TensorType_IQ1_M:
        case TensorType_IQ2_XXS:
        case TensorType_IQ2_XS:
        case TensorType_IQ2_S:
        case TensorType_IQ3_XXS:
        case TensorType_IQ3_S:
            return TensorType_Q8_K;
        default:
            return TensorType_F32;
    }
}

}  // namespace hearth
