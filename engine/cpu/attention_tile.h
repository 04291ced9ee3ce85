// One step of the online softmax: a query row against a tile of keys, the
// inner loop of attention.cpp, with one kernel per ISA.
//
// q: [D] (RoPE applied); k: [n][D] and v: [n][DV], the tile's keys and values
// as floats (dequantized from the cache). For scores s_j = (q . k_j) * scale,
// j < n, the row's running max m, sum l and unnormalized output acc[DV]
// become, with m' = max(m, max_j s_j):
//   acc = acc e^(m - m') + sum_j e^(s_j - m') v_j,   l = l e^(m - m') + sum_j e^(s_j - m'),
// the terms taken in key order. m = -inf (an untouched row) counts as weight 0.
// `scores` is scratch for at least n rounded up to 8 floats.
//
// A row's arithmetic depends only on the row and the tile, never on which
// other rows are attended in the same call, so decode and batched prefill
// agree bit for bit on one ISA.
#pragma once

#include <cstdint>

#include "cpu/cpu_features.h"

namespace hearth {

using AttendTileFn = void (*)(const float * q, const float * k, const float * v, int32_t n, int32_t D, int32_t DV,
                              float scale, float * scores, float & run_max, float & run_sum, float * acc);

// The kernel for `isa` (the best one available at or below it).
AttendTileFn attend_tile_kernel(CpuIsa isa);

void attend_tile_scalar(const float * q, const float * k, const float * v, int32_t n, int32_t D, int32_t DV,
                        float scale, float * scores, float & run_max, float & run_sum, float * acc);
// nullptr when the binary is not built for x86-64.
AttendTileFn attend_tile_avx2_kernel();

}  // namespace hearth
