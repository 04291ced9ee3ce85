// dequantize_to_f16: W [n_out][n_in] in its GGUF blocks to f16 bits, eight
// consecutive elements per thread (one 16-byte store; neighbouring threads
// read the same block), or one per thread when rows are not multiples of 8. Each value is computed with the same float
// operations, in the same order, as the CPU's dequant_block_* (quant/blocks*.h), then rounded to f16, so the result is
// bit-identical to f32_to_fp16(dequantize_row(...)). Products go through mul_rn so nvcc cannot fuse a multiply and a
// following add into an FMA, which would round differently from the CPU.
#include "cuda/gemv_kernel.h"  // iq4_lookup4, mxfp4_lookup4
#include "cuda/kernels.h"
#include "quant/blocks_iq.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

__device__ __forceinline__ int nibble(const uint8_t * qs, int k) {
    return k < 16 ? (qs[k] & 0x0f) : (qs[k - 16] >> 4);
}

__device__ __forceinline__ int iq4_value(int idx) {
    return int(int8_t(uint32_t(iq4_lookup4(uint32_t(idx))) & 0xffu));
}

// Element k of a block, per type.
struct DeqF32 {
    static constexpr int kQK = 1;
    __device__ static float at(const uint8_t * blk, int) { return load_aligned<float>(blk); }
};
struct DeqBF16 {
    static constexpr int kQK = 1;
    __device__ static float at(const uint8_t * blk, int) { return bf16_to_f32(load_aligned<uint16_t>(blk)); }
};
struct DeqQ4_0 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q4_0 *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(nibble(b.qs, k) - 8));
    }
};
struct DeqQ4_1 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q4_1 *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(nibble(b.qs, k))) + fp16_to_f32(b.m);
    }
};
struct DeqQ5_0 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q5_0 *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(q5_value(b.qs, load_u32_le(b.qh), k) - 16));
    }
};
struct DeqQ5_1 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q5_1 *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(q5_value(b.qs, load_u32_le(b.qh), k))) + fp16_to_f32(b.m);
    }
};
struct DeqQ8_0 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q8_0 *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(b.qs[k]));
    }
};
struct DeqIQ4_NL {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_iq4_nl *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(iq4_value(nibble(b.qs, k))));
    }
};
struct DeqQ2_K {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q2_K *>(blk);
        const uint8_t sc = b.scales[k / 16];
        return mul_rn(mul_rn(fp16_to_f32(b.d), float(sc & 0x0f)), float(q2k_q(b, k))) -
               mul_rn(fp16_to_f32(b.dmin), float(sc >> 4));
    }
};
struct DeqQ3_K {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q3_K *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(q3k_scale(k / 16, b.scales) * q3k_q(b, k)));
    }
};
struct DeqQ4_K {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q4_K *>(blk);
        int sc, m;
        q4k_scale_min(k / 32, b.scales, sc, m);
        const float ds = mul_rn(fp16_to_f32(b.d), float(sc)), dm = mul_rn(fp16_to_f32(b.dmin), float(m));
        return mul_rn(ds, float(q4k_q(b.qs, k))) - dm;
    }
};
struct DeqQ5_K {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q5_K *>(blk);
        int sc, m;
        q4k_scale_min(k / 32, b.scales, sc, m);
        const float ds = mul_rn(fp16_to_f32(b.d), float(sc)), dm = mul_rn(fp16_to_f32(b.dmin), float(m));
        return mul_rn(ds, float(q5k_q(b, k))) - dm;
    }
};
struct DeqQ6_K {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_q6_K *>(blk);
        return mul_rn(fp16_to_f32(b.d), float(b.scales[k / 16] * q6k_q(b, k)));
    }
};
struct DeqIQ4_XS {
    static constexpr int kQK = QK_K;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_iq4_xs *>(blk);
        const uint8_t v = b.qs[16 * (k / 32) + k % 16];
        const int q = iq4_value((k % 32) < 16 ? (v & 0x0f) : (v >> 4));
        return mul_rn(fp16_to_f32(b.d), float(iq4xs_scale(k / 32, b) * q));
    }
};

struct DeqMXFP4 {
    static constexpr int kQK = QK32;
    __device__ static float at(const uint8_t * blk, int k) {
        const auto & b = *reinterpret_cast<const block_mxfp4 *>(blk);
        const int v = int(int8_t(uint32_t(mxfp4_lookup4(uint32_t(nibble(b.qs, k)))) & 0xffu));
        return mul_rn(float(v), e8m0_half(b.e));
    }
};

// The code-book formats: x = (dq ls) w per 8-element group (quant/blocks_iq.h),
// a whole group at a time where the vector kernel asks for 8 elements.
template <class B>
struct DeqIQ {
    static constexpr int kQK = QK_K;
    __device__ static void group(const uint8_t * blk, int g, float * y) {
        const auto & b = *reinterpret_cast<const B *>(blk);
        int8_t w[8];
        const float dl = mul_rn(iq_dq(b), float(iq_group(b, g, w)));
        for (int j = 0; j < 8; ++j) y[j] = mul_rn(dl, float(w[j]));
    }
    __device__ static float at(const uint8_t * blk, int k) {
        float y[8];
        group(blk, k / 8, y);
        return y[k % 8];
    }
};

// Eight consecutive elements i .. i + 7 of a row (i a multiple of 8): one
// element at a time, or one group for the IQ formats.
template <class D>
struct Deq8 {
    __device__ static void run(const uint8_t * row, int64_t i, size_t block_bytes, uint16_t * h) {
        for (int j = 0; j < 8; ++j)
            h[j] = f32_to_fp16(D::at(row + size_t((i + j) / D::kQK) * block_bytes, int((i + j) % D::kQK)));
    }
};
template <class B>
struct Deq8<DeqIQ<B>> {
    __device__ static void run(const uint8_t * row, int64_t i, size_t block_bytes, uint16_t * h) {
        float y[8];
        DeqIQ<B>::group(row + size_t(i / QK_K) * block_bytes, int(i % QK_K) / 8, y);
        for (int j = 0; j < 8; ++j) h[j] = f32_to_fp16(y[j]);
    }
};

template <class D>
__global__ void dequantize_f16_kernel(const uint8_t * w, size_t row_bytes, size_t block_bytes, int64_t n_in,
                                      int64_t n_out, uint16_t * dst) {
    const int64_t n = n_in * n_out;
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += int64_t(gridDim.x) * blockDim.x) {
        const int64_t r = e / n_in, i = e % n_in;
        const uint8_t * blk = w + size_t(r) * row_bytes + size_t(i / D::kQK) * block_bytes;
        dst[e] = f32_to_fp16(D::at(blk, int(i % D::kQK)));
    }
}

// The common case (n_in a multiple of 8, dst 16-byte aligned): thread g
// writes dst[8g .. 8g + 7], one 16-byte store, all in one row and, for the
// block formats, in one block.
constexpr int kVec = 8;
struct alignas(16) Half8 {
    uint16_t h[kVec];
};

template <class D>
__global__ void dequantize_f16_vec_kernel(const uint8_t * w, size_t row_bytes, size_t block_bytes, int64_t n_in,
                                          int64_t n_out, Half8 * dst) {
    const int64_t n = n_in * n_out / kVec;
    for (int64_t g = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; g < n; g += int64_t(gridDim.x) * blockDim.x) {
        const int64_t e = g * kVec, i = e % n_in;
        Half8 v;
        Deq8<D>::run(w + size_t(e / n_in) * row_bytes, i, block_bytes, v.h);
        dst[g] = v;
    }
}

// F16 weights are copied as they are.
__global__ void copy_f16_kernel(const uint8_t * w, size_t row_bytes, int64_t n_in, int64_t n_out, uint16_t * dst) {
    const int64_t n = n_in * n_out;
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += int64_t(gridDim.x) * blockDim.x)
        dst[e] = reinterpret_cast<const uint16_t *>(w + size_t(e / n_in) * row_bytes)[e % n_in];
}

unsigned grid_for(int64_t n) {
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return unsigned(blocks < 65535 * 16 ? blocks : 65535 * 16);  // the kernels loop past the grid
}

template <class D>
void launch_deq(const DeviceMatrix & w, size_t block_bytes, uint16_t * dst, cudaStream_t stream) {
    if (w.n_in % kVec == 0 && reinterpret_cast<uintptr_t>(dst) % sizeof(Half8) == 0) {
        HEARTH_LAUNCH(dequantize_f16_vec_kernel<D>, dim3(grid_for(w.n_in * w.n_out / kVec)), dim3(kThreads), 0, stream,
                      static_cast<const uint8_t *>(w.data), w.row_bytes, block_bytes, w.n_in, w.n_out,
                      reinterpret_cast<Half8 *>(dst));
        return;
    }
    HEARTH_LAUNCH(dequantize_f16_kernel<D>, dim3(grid_for(w.n_in * w.n_out)), dim3(kThreads), 0, stream,
                  static_cast<const uint8_t *>(w.data), w.row_bytes, block_bytes, w.n_in, w.n_out, dst);
}

}  // namespace

void dequantize_to_f16(const DeviceMatrix & w, uint16_t * dst, cudaStream_t stream) {
    if (w.n_in <= 0 || w.n_out <= 0) return;
    switch (w.type) {
        case TensorType_F32:
            return launch_deq<DeqF32>(w, 4, dst, stream);
        case TensorType_F16:
            HEARTH_LAUNCH(copy_f16_kernel, dim3(grid_for(w.n_in * w.n_out)), dim3(kThreads), 0, stream,
                          static_cast<const uint8_t *>(w.data), w.row_bytes, w.n_in, w.n_out, dst);
            return;
        case TensorType_BF16:
            return launch_deq<DeqBF16>(w, 2, dst, stream);
        case TensorType_Q4_0:
            return launch_deq<DeqQ4_0>(w, sizeof(block_q4_0), dst, stream);
        case TensorType_Q4_1:
            return launch_deq<DeqQ4_1>(w, sizeof(block_q4_1), dst, stream);
        case TensorType_Q5_0:
            return launch_deq<DeqQ5_0>(w, sizeof(block_q5_0), dst, stream);
        case TensorType_Q5_1:
            return launch_deq<DeqQ5_1>(w, sizeof(block_q5_1), dst, stream);
        case TensorType_Q8_0:
            return launch_deq<DeqQ8_0>(w, sizeof(block_q8_0), dst, stream);
        case TensorType_IQ4_NL:
            return launch_deq<DeqIQ4_NL>(w, sizeof(block_iq4_nl), dst, stream);
        case TensorType_Q2_K:
            return launch_deq<DeqQ2_K>(w, sizeof(block_q2_K), dst, stream);
        case TensorType_Q3_K:
            return launch_deq<DeqQ3_K>(w, sizeof(block_q3_K), dst, stream);
        case TensorType_Q4_K:
            return launch_deq<DeqQ4_K>(w, sizeof(block_q4_K), dst, stream);
        case TensorType_Q5_K:
            return launch_deq<DeqQ5_K>(w, sizeof(block_q5_K), dst, stream);
        case TensorType_Q6_K:
            return launch_deq<DeqQ6_K>(w, sizeof(block_q6_K), dst, stream);
        case TensorType_IQ4_XS:
            return launch_deq<DeqIQ4_XS>(w, sizeof(block_iq4_xs), dst, stream);
        case TensorType_MXFP4:
            return launch_deq<DeqMXFP4>(w, sizeof(block_mxfp4), dst, stream);
        case TensorType_IQ2_XXS:
            return launch_deq<DeqIQ<block_iq2_xxs>>(w, sizeof(block_iq2_xxs), dst, stream);
        case TensorType_IQ2_XS:
            return launch_deq<DeqIQ<block_iq2_xs>>(w, sizeof(block_iq2_xs), dst, stream);
        case TensorType_IQ2_S:
            return launch_deq<DeqIQ<block_iq2_s>>(w, sizeof(block_iq2_s), dst, stream);
        case TensorType_IQ3_XXS:
            return launch_deq<DeqIQ<block_iq3_xxs>>(w, sizeof(block_iq3_xxs), dst, stream);
        case TensorType_IQ3_S:
            return launch_deq<DeqIQ<block_iq3_s>>(w, sizeof(block_iq3_s), dst, stream);
        case TensorType_IQ1_S:
            return launch_deq<DeqIQ<block_iq1_s>>(w, sizeof(block_iq1_s), dst, stream);
        case TensorType_IQ1_M:
            return launch_deq<DeqIQ<block_iq1_m>>(w, sizeof(block_iq1_m), dst, stream);
        default:
            // Not computable (the loader keeps such tensors off the GPU): zeros, as the CPU's dequantize_row.
            cudaMemsetAsync(dst, 0, size_t(w.n_in) * size_t(w.n_out) * sizeof(uint16_t), stream);
            return;
    }
}

}  // namespace hearth::cuda
