// Per-ISA tables of row dot-product kernels, the inner loop of matmul.
//
// dot(n, w, act) = sum over n elements of dequant(w) * dequant(act), where w is
// one weight row in its GGUF block format and act one activation row in
// vec_dot_type(weight type) (Q8_0, Q8_K, or F32). n is a whole number of the
// weight type's blocks. Entries a given ISA does not specialise point to the
// scalar kernel, so every table is complete for the computable types.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cpu/cpu_features.h"
#include "hearth/tensor_type.h"

namespace hearth {

using VecDotFn = float (*)(int64_t n, const void * w, const void * act);
// One weight row against four activation rows (prefill), unpacking each weight
// block once: out[t * out_stride] = dot(n, w, act + t * act_stride), t = 0..3.
using VecDot4Fn = void (*)(int64_t n, const void * w, const void * act, size_t act_stride, float * out,
                           size_t out_stride);
// Prefill GEMM over 8 weight rows (row r at w + r * w_row_bytes) and n_tokens
// activation rows (token t at act + t * act_stride): y[t * y_stride + r] =
// dot(row r, token t), for r = 0..7. Faster than dot4 where an ISA has one.
using Gemm8Fn = void (*)(int64_t n, const void * w, size_t w_row_bytes, const void * act, size_t act_stride,
                         int64_t n_tokens, float * y, size_t y_stride);
// Quantizes one activation row of n floats (n a whole number of blocks).
using QuantizeRowFn = void (*)(const float * x, void * dst, int64_t n);
// n f16 values -> floats (exact: every f16 is a float).
using HalfRowFn = void (*)(const uint16_t * src, float * dst, int64_t n);

struct VecDotKernels {
    VecDotFn dot[TensorType_COUNT] = {};
    VecDot4Fn dot4[TensorType_COUNT] = {};  // nullptr: callers use dot once per token
    Gemm8Fn gemm8[TensorType_COUNT] = {};   // nullptr: callers use dot4 / dot
    // gemm8 for activations whose Q8_0 codes were flipped by bias_q8_0_codes
    // (a + 128 as unsigned bytes), the operand VPDPBUSD wants: matmul flips
    // them once per call instead of gemm8 flipping each byte once per 8 rows.
    // Same results as gemm8 on the unflipped activations.
    Gemm8Fn gemm8_biased[TensorType_COUNT] = {};  // nullptr: gemm8
    // Same contract as gemm8, for batches too small to amortize gemm8's tile
    // (decode): 8 rows per call without unpacking, bit-identical to gemm8.
    Gemm8Fn gemv8[TensorType_COUNT] = {};  // nullptr: callers use dot
    QuantizeRowFn quantize_q8_0 = nullptr;
    QuantizeRowFn quantize_q8_K = nullptr;
    HalfRowFn f16_to_f32 = nullptr;  // the f16 KV cache's reads (attention, every decode step)
};

// The table for `isa`; an ISA the machine lacks gives the best one it has.
const VecDotKernels & vec_dot_kernels(CpuIsa isa);
inline const VecDotKernels & vec_dot_kernels_active() {
    return vec_dot_kernels(cpu_isa_active());
}

// Fillers, one per ISA translation unit: each overrides what it implements.
void fill_vec_dot_scalar(VecDotKernels & k);
void fill_vec_dot_avx2(VecDotKernels & k);    // no-op when not built for x86-64
void fill_vec_dot_avx512(VecDotKernels & k);  // no-op when not built for x86-64
void fill_gemm_avx512(VecDotKernels & k);     // matmul_gemm_avx512.cpp; called by fill_vec_dot_avx512
void fill_gemm32_avx512(VecDotKernels & k);   // matmul_gemm32_avx512.cpp; called by fill_vec_dot_avx512
void fill_gemv_avx512(VecDotKernels & k);     // matmul_gemv_avx512.cpp; called by fill_vec_dot_avx512
void fill_gemv32_avx512(VecDotKernels & k);   // matmul_gemv32_avx512.cpp; called by fill_vec_dot_avx512

// Row entry points over the active ISA's table, for callers outside matmul
// (the KV cache's Q8_0 rows, tests).
// Quantize n floats into `type` (Q8_0, Q8_K, or F32 as a plain copy). `dst`
// holds tensor_row_bytes(type, n) bytes.
void quantize_activations(TensorType type, const float * src, void * dst, int64_t n);

// XOR 0x80 into the codes of n_tokens Q8_0 activation rows of n_in elements
// (row t at act + t * stride): the input gemm8_biased wants.
void bias_q8_0_codes(void * act, int64_t n_tokens, size_t stride, int64_t n_in);

// dot(weight_row, activation_row) over n elements. `act` is in
// vec_dot_type(weight_type). Uses the best ISA found at run time.
float vec_dot(TensorType weight_type, int64_t n, const void * weight_row, const void * act);

// Scalar activation quantizers (also the reference for the SIMD ones).
void quantize_row_q8_0_scalar(const float * x, void * dst, int64_t n);
void quantize_row_q8_K_scalar(const float * x, void * dst, int64_t n);

}  // namespace hearth
