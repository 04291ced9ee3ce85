// y = W x on the CPU (see matmul.h for shapes).
//
// 1. Activations are quantized once into vec_dot_type(W) rows in `scratch`
//    (float weight types read x directly).
// 2. Output rows are split across the pool in tiles of kRowTile rows. For
//    prefill, each tile's weight rows (a few KB) stay in L1 while they are
//    dotted against a block of up to kTokenBlock tokens, whose quantized rows
//    stay in L2: W is streamed from memory once per token block, not once per
//    token. Groups of four tokens go through the ISA's dot4 kernel where it
//    has one, which unpacks each weight block once for the four.
// 3. Where the ISA has a gemm8 kernel for the type (AVX-512 VNNI: Q4_K,
//    IQ4_XS, Q6_K, Q8_0, Q4_0, Q5_0, IQ4_NL, MXFP4), prefill instead goes 8 rows
//    at a time through it: each weight super-block (or group of 8 blocks) is
//    unpacked once per 128 tokens into a row-interleaved tile. Smaller batches (decode) take the ISA's gemv8 kernel
//    where it has one: 8 rows at a time as well, with the same arithmetic. For the signed 32-element types the
//    activations' codes are flipped to unsigned while they are quantized (gemm8_biased), so no row group flips them
//    again.
#include "cpu/matmul.h"

#include <algorithm>

#include "cpu/thread_pool.h"
#include "cpu/vec_dot.h"
#include "quant/quant.h"

namespace hearth {

namespace {

constexpr int64_t kRowTile = 4;
constexpr int64_t kTokenBlock = 64;
constexpr size_t kAlign = 64;
// Below this many tokens, unpacking a gemm8 tile costs more than it saves.
constexpr int64_t kGemmMinTokens = 4;

size_t align_up(size_t v) {
    return (v + kAlign - 1) / kAlign * kAlign;
}

bool is_float_type(TensorType t) {
    return vec_dot_type(t) == TensorType_F32;
}

}  // namespace

size_t matmul_scratch_bytes(TensorType weight_type, int64_t n_in, int64_t n_tokens) {
    if (is_float_type(weight_type)) return 0;
    return align_up(tensor_row_bytes(vec_dot_type(weight_type), n_in)) * static_cast<size_t>(n_tokens) + kAlign;
}

void matmul(const WeightView & w, const float * x, int64_t n_tokens, float * y, void * scratch, ThreadPool & pool) {
    if (n_tokens <= 0 || w.n_out <= 0) return;
    const VecDotKernels & k = vec_dot_kernels_active();
    const VecDotFn dot = k.dot[w.type];
    const VecDot4Fn dot4 = k.dot4[w.type];
    const TensorType act_type = vec_dot_type(w.type);
    const size_t w_row_bytes = tensor_row_bytes(w.type, w.n_in);
    const auto * w_data = static_cast<const uint8_t *>(w.data);

    // gemm8 (prefill) or gemv8 (decode) where the ISA has one. With every row
    // in 8-row tiles (no leftover rows for dot / dot4), a biased gemm8 can take
    // the activations flipped once here.
    const bool biased = n_tokens >= kGemmMinTokens && k.gemm8_biased[w.type] != nullptr && w.n_out % 8 == 0 &&
                        act_type == TensorType_Q8_0;
    const Gemm8Fn gemm8 = biased                       ? k.gemm8_biased[w.type]
                          : n_tokens >= kGemmMinTokens ? k.gemm8[w.type]
                                                       : k.gemv8[w.type];

    const uint8_t * act = nullptr;
    size_t act_stride = 0;
    if (is_float_type(w.type)) {
        act = reinterpret_cast<const uint8_t *>(x);
        act_stride = static_cast<size_t>(w.n_in) * sizeof(float);
    } else {
        auto * base = reinterpret_cast<uint8_t *>(align_up(reinterpret_cast<uintptr_t>(scratch)));
        act_stride = align_up(tensor_row_bytes(act_type, w.n_in));
        const QuantizeRowFn quantize = act_type == TensorType_Q8_0 ? k.quantize_q8_0 : k.quantize_q8_K;
        const int64_t n_in = w.n_in;
        const auto quantize_rows = [&](int64_t t0, int64_t t1, int) {
            for (int64_t t = t0; t < t1; ++t) {
                quantize(x + t * n_in, base + t * act_stride, n_in);
                if (biased) bias_q8_0_codes(base + t * act_stride, 1, act_stride, n_in);
            }
        };
        if (n_tokens == 1)
            quantize_rows(0, 1, 0);
        else
            pool.parallel_for(n_tokens, quantize_rows);
        act = base;
    }

    const int64_t n_in = w.n_in, n_out = w.n_out;
    // Rows [r_begin, r_end) with the dot / dot4 kernels.
    const auto rows = [&](int64_t r_begin, int64_t r_end) {
        if (n_tokens == 1) {
            for (int64_t r = r_begin; r < r_end; ++r) y[r] = dot(n_in, w_data + r * w_row_bytes, act);
            return;
        }
        for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokenBlock) {
            const int64_t t1 = std::min(n_tokens, t0 + kTokenBlock);
            for (int64_t r0 = r_begin; r0 < r_end; r0 += kRowTile) {
                const int64_t r1 = std::min(r_end, r0 + kRowTile);
                int64_t t = t0;
                if (dot4 != nullptr)
                    for (; t + 4 <= t1; t += 4)
                        for (int64_t r = r0; r < r1; ++r)
                            dot4(n_in, w_data + r * w_row_bytes, act + t * act_stride, act_stride, y + t * n_out + r,
                                 static_cast<size_t>(n_out));
                for (; t < t1; ++t) {
                    const uint8_t * a = act + t * act_stride;
                    float * yt = y + t * n_out;
                    for (int64_t r = r0; r < r1; ++r) yt[r] = dot(n_in, w_data + r * w_row_bytes, a);
                }
            }
        }
    };

    if (gemm8 != nullptr) {
        // Item i < n8 is the 8-row tile at 8 i; item n8 (if any) the leftover rows.
        const int64_t n8 = n_out / 8;
        pool.parallel_for(n8 + (n_out % 8 != 0 ? 1 : 0), [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) {
                if (i == n8)
                    rows(8 * n8, n_out);
                else
                    gemm8(n_in, w_data + size_t(8 * i) * w_row_bytes, w_row_bytes, act, act_stride, n_tokens, y + 8 * i,
                          static_cast<size_t>(n_out));
            }
        });
        return;
    }
    const int64_t n_tiles = (n_out + kRowTile - 1) / kRowTile;
    pool.parallel_for(
        n_tiles, [&](int64_t tile0, int64_t tile1, int) { rows(tile0 * kRowTile, std::min(n_out, tile1 * kRowTile)); });
}

}  // namespace hearth
