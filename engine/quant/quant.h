// Quantized block formats: the contract between the weight formats and the kernels.
//
// Weights stay in their GGUF block format in the mmap. A matmul quantizes the
// activations once per row into the weight type's `vec_dot_type` (Q8_0 for the
// 32-element formats, Q8_K for the 256-element K/IQ formats; F32/F16/BF16 pair
// with F32 activations), then takes integer dot products block by block.
//
// Layout structs and per-block dequantize/dot helpers are HEARTH_HD inline
// functions in quant/blocks.h so that the CUDA backend compiles the same code.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hearth/tensor_type.h"

namespace hearth {

// Dequantize n elements (a whole number of blocks) from `src` to float.
void dequantize_row(TensorType type, const void * src, float * dst, int64_t n);

// The activation format a weight type's dot product consumes. The CPU's row
// entry points (quantize_activations, vec_dot) are in cpu/vec_dot.h.
TensorType vec_dot_type(TensorType weight_type);

}  // namespace hearth
