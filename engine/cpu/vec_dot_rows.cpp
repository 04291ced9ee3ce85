// The row entry points of cpu/vec_dot.h: one activation row quantized, or one
// dot product, through the best kernel table the machine supports.
#include <cstring>

#include "cpu/vec_dot.h"

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

float vec_dot(TensorType weight_type, int64_t n, const void * weight_row, const void * act) {
    const VecDotFn fn =
        vec_dot_kernels_active().dot[weight_type < TensorType_COUNT ? static_cast<int>(weight_type) : 0];
    return fn != nullptr ? fn(n, weight_row, act) : 0.0f;
}

}  // namespace hearth
