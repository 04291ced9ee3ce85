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

// Several one-token products in one hand-off to the pool: y[j] = W[j] x[j]
// for j < n (x[j] is [n_in], y[j] is [W[j].n_out]). Every W[j] has W[0]'s
// type and n_in; x pointers that repeat are quantized once. This is MoE
// decode's shape (llama.cpp's mul_mat_id with one token): the chosen experts'
// gate and up projections read one input, and k experts cost one pass over
// the pool, not 2k. Each y[j] equals matmul(W[j], x[j], 1, ...) bit for bit.
// Returns false, computing nothing, when n exceeds kMatmulManyMax or scratch
// holds fewer than matmul_scratch_bytes(type, n_in, n) bytes.
constexpr int kMatmulManyMax = 64;
bool matmul_many(const WeightView * w, const float * const * x, float * const * y, int n, void * scratch,
                 size_t scratch_bytes, ThreadPool & pool);

}  // namespace hearth
