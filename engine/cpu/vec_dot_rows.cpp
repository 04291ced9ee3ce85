// The row entry points of cpu/vec_dot.h: one activation row quantized, or one
// dot product, through the best kernel table the machine supports.
#include <cstring>

#include "cpu/vec_dot.h"
#include "quant/blocks.h"

namespace hearth {

void quantize_activations(TensorType type, const float * src, void * dst, int64_t n) {
    const VecDotKernels & k = vec_dot_kernels_active();
    switch (type) {
        case TensorType_Q8_0:
            k.quantize_q8_0(src, dst, n);
            return;
        case TensorType_Q8_K:
            k.quantize_q8_K(src, dst, n);
            return;
        default:
            std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
            return;
    }
}

void bias_q8_0_codes(void * act, int64_t n_tokens, size_t stride, int64_t n_in) {
    for (int64_t t = 0; t < n_tokens; ++t) {
        auto * b = reinterpret_cast<block_q8_0 *>(static_cast<uint8_t *>(act) + size_t(t) * stride);
        for (int64_t i = 0; i < n_in / 32; ++i)
            for (int8_t & q : b[i].qs) q = static_cast<int8_t>(static_cast<uint8_t>(q) ^ 0x80u);
    }
}

float vec_dot(TensorType weight_type, int64_t n, const void * weight_row, const void * act) {
    const VecDotFn fn =
        vec_dot_kernels_active().dot[weight_type < TensorType_COUNT ? static_cast<int>(weight_type) : 0];
    return fn != nullptr ? fn(n, weight_row, act) : 0.0f;
}

}  // namespace hearth
