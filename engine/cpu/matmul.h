// y = W x for quantized weights, the CPU backend's one hot loop.
//
// W is a GGUF tensor [n_in, n_out] in its block format (row r at
// data + r * row_bytes). x is [n_tokens, n_in] float, y is [n_tokens, n_out]
// float, both row-major. Activations are quantized once into `scratch` (see
// matmul_scratch_bytes), then output rows are split across the pool. With
// n_tokens > 1 (prefill) each weight row is read once for all tokens.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hearth/tensor_type.h"
#include "model/weight_view.h"

namespace hearth {

class ThreadPool;

// Bytes `scratch` must hold for matmul with these shapes (0 for F32/F16/BF16
// weights, which read x directly; scratch may then be nullptr). Reuse one
// buffer sized for the largest call: matmul itself never allocates.
size_t matmul_scratch_bytes(TensorType weight_type, int64_t n_in, int64_t n_tokens);

// W must be a computable type (tensor_type_info(type).can_compute) with n_in a
// whole number of its blocks. y must not alias x or scratch. Uses the ISA from
// cpu_isa_active().
void matmul(const WeightView & w, const float * x, int64_t n_tokens, float * y, void * scratch, ThreadPool & pool);

}  // namespace hearth
