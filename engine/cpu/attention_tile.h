// One step of the online softmax: up to kTileRows query rows against a tile
// of keys, the inner loop of attention.cpp, with one kernel per ISA.
//
// The rows of one call see the same keys (the query heads of one GQA group,
// and tokens whose causal limit lies past the tile), so each key and value is
// loaded once for all of them.
//
// kt: the tile's keys transposed, [D][kt_stride]: key j's element d at
// kt[d * kt_stride + j], so one vector load gives eight keys' element d and a
// score is a chain of FMAs over d against a broadcast query element (no
// horizontal sums). v: [n][DV], values as rows. For scores
// s_j = (q . k_j) * scale, j < n, a row's running max m, sum l and
// unnormalized output acc[DV] become, with m' = max(m, max_j s_j):
//   acc = acc e^(m - m') + sum_j e^(s_j - m') v_j,   l = l e^(m - m') + sum_j e^(s_j - m'),
// the terms taken in key order. m = -inf (an untouched row) counts as weight 0.
//
// A row's arithmetic depends only on the row and the tile, never on which
// other rows share the call (each score lane is its own FMA chain over d in
// order; each output element its own chain over j), so decode and batched
// prefill agree bit for bit on one ISA.
//
// Kernels read up to kTilePad floats past a K^T row's n keys (lanes they
// mask), so the buffer behind kt[(D - 1) * kt_stride + n] must hold them.
// `scores` is scratch of tile_scores_floats(n) floats.
#pragma once

#include <cstdint>

#include "cpu/cpu_features.h"

namespace hearth {

inline constexpr int kTileRows = 4;
inline constexpr int32_t kTilePad = 64;

struct TileRows {
    int n = 0;  // 1..kTileRows
    const float * q[kTileRows] = {};
    float * run_max[kTileRows] = {};
    float * run_sum[kTileRows] = {};
    float * acc[kTileRows] = {};
};

inline int32_t tile_scores_stride(int32_t n) {
    return (n + 7) / 8 * 8 + kTilePad;
}
inline int32_t tile_scores_floats(int32_t n) {
    return kTileRows * tile_scores_stride(n);
}

using AttendTileFn = void (*)(const TileRows & rows, const float * kt, int32_t kt_stride, const float * v, int32_t n,
                              int32_t D, int32_t DV, float scale, float * scores);
// dst[d * stride + j] = src[j * D + d] for j < n, d < D: a tile's K rows to K^T.
using TransposeTileFn = void (*)(const float * src, int32_t n, int32_t D, float * dst, int32_t stride);

struct AttentionKernels {
    AttendTileFn attend;
    TransposeTileFn transpose;
};

// The kernels for `isa` (the best ones available at or below it).
AttentionKernels attention_kernels(CpuIsa isa);

void attend_tile_scalar(const TileRows & rows, const float * kt, int32_t kt_stride, const float * v, int32_t n,
                        int32_t D, int32_t DV, float scale, float * scores);
void transpose_tile_scalar(const float * src, int32_t n, int32_t D, float * dst, int32_t stride);
// {nullptr, nullptr} when the binary is not built for x86-64.
AttentionKernels attention_avx2_kernels();

}  // namespace hearth
