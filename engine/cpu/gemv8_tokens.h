// The gemv8 entry point over a format's 1-, 2- and 3-token kernels: batches
// of up to 3 tokens share each weight read (larger ones go to gemm8). Each
// kernel takes (n_in, 8 weight rows at w with row_bytes between them, the
// tokens' activation rows act with act_stride between them, y, y_stride) and
// writes y[t * y_stride + r] for its NT tokens and the 8 rows.
//
// Included inside the ISA namespace of the kernel files (after simd_avx2.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace hearth {
namespace HEARTH_SIMD_NS {

using Gemv8TokensKernel = void (*)(int64_t, const uint8_t *, size_t, const uint8_t *, size_t, float *, size_t);

template <Gemv8TokensKernel Kernel1, Gemv8TokensKernel Kernel2, Gemv8TokensKernel Kernel3>
void gemv8_tokens(int64_t n_in, const void * w, size_t w_row_bytes, const void * act, size_t act_stride,
                  int64_t n_tokens, float * y, size_t y_stride) {
    const auto * wb = static_cast<const uint8_t *>(w);
    const auto * ab = static_cast<const uint8_t *>(act);
    for (int64_t t = 0; t < n_tokens; t += 3) {
        const uint8_t * at = ab + size_t(t) * act_stride;
        float * yt = y + size_t(t) * y_stride;
        switch (std::min<int64_t>(3, n_tokens - t)) {
            case 3:
                Kernel3(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride);
                break;
            case 2:
                Kernel2(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride);
                break;
            default:
                Kernel1(n_in, wb, w_row_bytes, at, act_stride, yt, y_stride);
                break;
        }
    }
}

}  // namespace HEARTH_SIMD_NS
}  // namespace hearth
