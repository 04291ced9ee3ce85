// Float -> GGUF block quantizers for weights (Q8_0, Q4_0, Q5_0, Q5_1, IQ4_NL,
// Q4_K, Q5_K, Q6_K, IQ4_XS, MXFP4: every type of llama.cpp's Q4_K_M, IQ4_XS and
// Q8_0 mixtures; the IQ1-IQ3 formats need an importance matrix and are not written).
//
// These write the on-disk block formats of quant/blocks*.h, so
// that Hearth can build model files itself (synthetic benchmark models, test
// models). They are straightforward round-to-nearest quantizers: every output
// decodes through dequantize_row() with the per-element error of one quant
// step, but they do not search for optimal scales the way llama-quantize's
// do, so they are not meant for shipping real models.
#pragma once

#include <cstdint>

#include "hearth/tensor_type.h"

namespace hearth {

// True for the types quantize_weight_row() can write.
bool can_quantize_weights(TensorType type);

// Quantizes n floats (a whole number of `type`'s blocks) into `dst`, which
// holds tensor_row_bytes(type, n) bytes. F32/F16/BF16 are plain conversions.
// Precondition: can_quantize_weights(type).
void quantize_weight_row(TensorType type, const float * src, void * dst, int64_t n);

}  // namespace hearth
