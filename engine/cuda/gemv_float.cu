// GEMV for float weights (F32, F16, BF16) against f32 activations: one warp
// per row, kGemvWarps rows per CUDA block, grid.y slices of kGemvTokens
// tokens. Lanes take element pairs 2l, 2l + 64, ... (one 4-byte F16/BF16 or
// 8-byte F32 load each, 128 or 256 contiguous bytes per warp) when rows are
// even and aligned, single elements otherwise.
#include "cuda/gemv_internal.h"
#include "cuda/gemv_kernel.h"

namespace hearth::cuda {

namespace {

struct alignas(8) FloatPair {
    float x, y;
};

struct F32 {
    __device__ static float at(const uint8_t * row, int64_t i) { return load_aligned<float>(row + i * 4); }
    __device__ static void pair(const uint8_t * row, int64_t i, float & a, float & b) {
        const FloatPair v = load_aligned<FloatPair>(row + (i / 2) * 8);
        a = v.x;
        b = v.y;
    }
    static constexpr size_t kPairAlign = 8;
};
struct F16 {
    __device__ static float at(const uint8_t * row, int64_t i) {
        return fp16_to_f32(load_aligned<uint16_t>(row + i * 2));
    }
    __device__ static void pair(const uint8_t * row, int64_t i, float & a, float & b) {
        const uint32_t v = load_aligned<uint32_t>(row + (i / 2) * 4);
        a = fp16_to_f32(uint16_t(v & 0xffffu));
        b = fp16_to_f32(uint16_t(v >> 16));
    }
    static constexpr size_t kPairAlign = 4;
};
struct BF16 {
    __device__ static float at(const uint8_t * row, int64_t i) {
        return bf16_to_f32(load_aligned<uint16_t>(row + i * 2));
    }
    __device__ static void pair(const uint8_t * row, int64_t i, float & a, float & b) {
        const uint32_t v = load_aligned<uint32_t>(row + (i / 2) * 4);
        a = bf16_to_f32(uint16_t(v & 0xffffu));
        b = bf16_to_f32(uint16_t(v >> 16));
    }
    static constexpr size_t kPairAlign = 4;
};

template <class L, int NT, bool Pairs>
struct FloatCfg {
    using Load = L;
    static constexpr int kTokens = NT;
    static constexpr bool kPairs = Pairs;
};

template <class Cfg>
__global__ void __launch_bounds__(kWarp * kGemvWarps)
    gemv_float_kernel(const uint8_t * w, size_t row_bytes, int64_t n_in, int64_t n_out, const float * x, float * y,
                      int64_t n_tokens, ExpertSel sel) {
    using L = typename Cfg::Load;
    constexpr int NT = Cfg::kTokens;
    const int64_t row = int64_t(blockIdx.x) * kGemvWarps + threadIdx.x / kWarp;
    const int lane = int(threadIdx.x % kWarp);
    const int64_t t0 = int64_t(blockIdx.y) * NT;
    const int nt = n_tokens - t0 < NT ? int(n_tokens - t0) : NT;
    // Experts (NT == 1): slot t0 reads expert ids[t0] and activation row t0 / act_div.
    if (sel.ids) w += size_t(sel.ids[t0]) * sel.stride;
    const float * x0 = x + size_t(sel.ids ? t0 / sel.act_div : t0) * size_t(n_in);

    float sum[NT];
    for (int t = 0; t < NT; ++t) sum[t] = 0.0f;
    if (row < n_out) {
        const uint8_t * wr = w + size_t(row) * row_bytes;
        if (Cfg::kPairs) {
            for (int64_t i = 2 * lane; i < n_in; i += 2 * kWarp) {
                float a, b;
                L::pair(wr, i, a, b);
                for (int t = 0; t < NT; ++t)
                    if (t < nt) {
                        const FloatPair xv = reinterpret_cast<const FloatPair *>(x0 + size_t(t) * size_t(n_in))[i / 2];
                        sum[t] += a * xv.x + b * xv.y;
                    }
            }
        } else {
            for (int64_t i = lane; i < n_in; i += kWarp) {
                const float a = L::at(wr, i);
                for (int t = 0; t < NT; ++t)
                    if (t < nt) sum[t] += a * x0[size_t(t) * size_t(n_in) + size_t(i)];
            }
        }
    }
    for (int t = 0; t < NT; ++t) {
        const float s = warp_sum(sum[t]);
        if (lane == 0 && row < n_out && t < nt) y[size_t(t0 + t) * size_t(n_out) + size_t(row)] = s;
    }
}

template <class L, int NT, bool Pairs>
void launch_float_cfg(const DeviceMatrix & w, const float * x, float * y, int64_t n_tokens, cudaStream_t stream,
                      const ExpertSel & sel) {
    using Cfg = FloatCfg<L, NT, Pairs>;
    const dim3 grid(blocks_for(w.n_out, kGemvWarps), blocks_for(n_tokens, NT));
    HEARTH_LAUNCH(gemv_float_kernel<Cfg>, grid, dim3(kWarp * kGemvWarps), 0, stream,
                  static_cast<const uint8_t *>(w.data), w.row_bytes, w.n_in, w.n_out, x, y, n_tokens, sel);
}

template <class L>
void launch_float(const DeviceMatrix & w, const float * x, float * y, int64_t n_tokens, cudaStream_t stream,
                  const ExpertSel * sel) {
    if (w.n_out <= 0 || n_tokens <= 0) return;
    // Pairs need every weight row and activation row aligned for the wide loads
    // (every expert too: its stride keeps the alignment).
    const bool pairs = w.n_in % 2 == 0 && w.row_bytes % L::kPairAlign == 0 &&
                       reinterpret_cast<uintptr_t>(w.data) % L::kPairAlign == 0 &&
                       reinterpret_cast<uintptr_t>(x) % 8 == 0 && (!sel || sel->stride % L::kPairAlign == 0);
    const ExpertSel none{};
    if (n_tokens == 1 || sel) {  // experts: one slot per grid row, each its own matrix
        const ExpertSel & s = sel ? *sel : none;
        if (pairs)
            launch_float_cfg<L, 1, true>(w, x, y, n_tokens, stream, s);
        else
            launch_float_cfg<L, 1, false>(w, x, y, n_tokens, stream, s);
    } else {
        if (pairs)
            launch_float_cfg<L, kGemvTokens, true>(w, x, y, n_tokens, stream, none);
        else
            launch_float_cfg<L, kGemvTokens, false>(w, x, y, n_tokens, stream, none);
    }
}

}  // namespace

bool gemv_float(const DeviceMatrix & w, const float * x, float * y, int64_t n_tokens, cudaStream_t stream,
                const ExpertSel * sel) {
    switch (w.type) {
        case TensorType_F32:
            launch_float<F32>(w, x, y, n_tokens, stream, sel);
            return true;
        case TensorType_F16:
            launch_float<F16>(w, x, y, n_tokens, stream, sel);
            return true;
        case TensorType_BF16:
            launch_float<BF16>(w, x, y, n_tokens, stream, sel);
            return true;
        default:
            return false;
    }
}

}  // namespace hearth::cuda
