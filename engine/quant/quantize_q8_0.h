// Q8_0 quantization of one 32-float block, HEARTH_HD so the CUDA kernels
// (the q8_0 KV cache store, activation quantization) round exactly as the CPU
// backend's quantize_activations(TensorType_Q8_0, ...) does: d = max|x| / 127
// stored as f16, codes = round-half-to-even(x * (1 / d)) in [-127, 127] (1/d
// from the f32 d, not the rounded f16 one, as ggml does).
#pragma once

#include <math.h>

#include "quant/blocks.h"

// --use_fast_math turns amax / 127 and 1 / d into approximate divisions, and
// the codes would no longer match the CPU's bit for bit (tests/cuda_* compare
// them exactly).
#if defined(__CUDACC__) && defined(__USE_FAST_MATH__)
#error "quant/quantize_q8_0.h needs IEEE division: build the CUDA backend without --use_fast_math"
#endif

namespace hearth {

// Round to nearest, ties to even (the FPU default; lrintf on the host).
HEARTH_HD inline int round_half_even(float v) {
#if defined(__CUDA_ARCH__)
    return __float2int_rn(v);
#else
    return static_cast<int>(lrintf(v));
#endif
}

// The f32 scale of a block whose largest magnitude is amax, and its inverse
// (0 for an all-zero block).
HEARTH_HD inline float q8_0_scale(float amax, float & inv) {
    const float d = amax / 127.0f;
    inv = d != 0.0f ? 1.0f / d : 0.0f;
    return d;
}

HEARTH_HD inline void quantize_block_q8_0(const float * x, block_q8_0 & out) {
    float amax = 0.0f;
    for (int j = 0; j < QK32; ++j) amax = fmaxf(amax, fabsf(x[j]));
    float inv;
    out.d = f32_to_fp16(q8_0_scale(amax, inv));
    for (int j = 0; j < QK32; ++j) out.qs[j] = static_cast<int8_t>(round_half_even(x[j] * inv));
}

}  // namespace hearth
