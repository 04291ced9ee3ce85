// Several one-token matmuls in one pool pass (see matmul.h).
//
// Work items are row tiles of every product, numbered through: product j
// owns items [first[j], first[j + 1]). A tile is 8 rows through the ISA's
// gemv8 kernel where the type has one, else kRowTile rows of the dot kernel,
// the same kernels and tiles matmul() uses for one token, so the results are
// the same bits.
#include <algorithm>
#include <array>

#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_dot.h"
#include "quant/quant.h"

namespace hearth {

namespace {

constexpr int64_t kRowTile = 4;
constexpr size_t kAlign = 64;
// The kernels prefetch 8 KB ahead along their rows, which at a product's end
// runs into the weights that follow it in the file (another expert, not the
// next chosen one) and leaves the next product's first 8 KB to demand misses
// while the hardware prefetcher retrains: a MoE token switches products every
// ~300 KB (each of 24 expert matrices per layer in the 48-layer benchmark).
// So when a thread starts a product whose successor it will also run, it
// asks for that successor's first 8 KB into L2 (locality 2: prefetcht1).
constexpr size_t kNextPrefetchBytes = 8192;

size_t align_up(size_t v) {
    return (v + kAlign - 1) / kAlign * kAlign;
}

void prefetch_start(const WeightView & w, size_t row_bytes) {
    const auto * p = static_cast<const char *>(w.data);
    const size_t n = std::min(kNextPrefetchBytes, size_t(w.n_out) * row_bytes);
    for (size_t o = 0; o < n; o += kAlign) __builtin_prefetch(p + o, 0, 2);
}

}  // namespace

bool matmul_many(const WeightView * w, const float * const * x, float * const * y, int n, void * scratch,
                 size_t scratch_bytes, ThreadPool & pool) {
    if (n <= 0) return true;
    if (n > kMatmulManyMax) return false;
    const TensorType type = w[0].type;
    const int64_t n_in = w[0].n_in;
    const TensorType act_type = vec_dot_type(type);
    const bool float_weights = act_type == TensorType_F32;
    if (!float_weights && scratch_bytes < matmul_scratch_bytes(type, n_in, n)) return false;

    const VecDotKernels & k = vec_dot_kernels_active();
    const VecDotFn dot = k.dot[type];
    const Gemm8Fn gemv8 = k.gemv8[type];
    const int64_t tile = gemv8 != nullptr ? 8 : kRowTile;

    // The activations of product j: x[j] itself for float weights, else its
    // quantized row in scratch (a repeated x reuses the earlier row).
    std::array<const uint8_t *, kMatmulManyMax> act{};
    auto * base = reinterpret_cast<uint8_t *>(align_up(reinterpret_cast<uintptr_t>(scratch)));
    const size_t act_stride = float_weights ? 0 : align_up(tensor_row_bytes(act_type, n_in));
    const QuantizeRowFn quantize = act_type == TensorType_Q8_0 ? k.quantize_q8_0 : k.quantize_q8_K;
    int n_rows = 0;
    for (int j = 0; j < n; ++j) {
        if (float_weights) {
            act[size_t(j)] = reinterpret_cast<const uint8_t *>(x[j]);
            continue;
        }
        int same = -1;
        for (int i = 0; i < j && same < 0; ++i)
            if (x[i] == x[j]) same = i;
        if (same >= 0) {
            act[size_t(j)] = act[size_t(same)];
            continue;
        }
        uint8_t * row = base + size_t(n_rows++) * act_stride;
        quantize(x[j], row, n_in);
        act[size_t(j)] = row;
    }

    std::array<int64_t, kMatmulManyMax + 1> first{};
    for (int j = 0; j < n; ++j) first[size_t(j) + 1] = first[size_t(j)] + (w[j].n_out + tile - 1) / tile;

    pool.parallel_for(first[size_t(n)], [&](int64_t i0, int64_t i1, int) {
        int j = int(std::upper_bound(first.begin(), first.begin() + n + 1, i0) - first.begin()) - 1;
        const size_t row_bytes = tensor_row_bytes(type, n_in);
        for (int64_t i = i0; i < i1; ++i) {
            while (i >= first[size_t(j) + 1]) ++j;
            const WeightView & wj = w[j];
            if ((i == first[size_t(j)] || i == i0) && j + 1 < n && first[size_t(j) + 1] < i1)
                prefetch_start(w[j + 1], row_bytes);
            const auto * data = static_cast<const uint8_t *>(wj.data);
            const int64_t r0 = (i - first[size_t(j)]) * tile, r1 = std::min(wj.n_out, r0 + tile);
            if (gemv8 != nullptr && r1 - r0 == 8)
                gemv8(n_in, data + size_t(r0) * row_bytes, row_bytes, act[size_t(j)], act_stride, 1, y[j] + r0,
                      size_t(wj.n_out));
            else
                for (int64_t r = r0; r < r1; ++r) y[j][r] = dot(n_in, data + size_t(r) * row_bytes, act[size_t(j)]);
        }
    });
    return true;
}

}  // namespace hearth
