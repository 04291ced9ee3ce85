// Runs the CUDA matmul launchers on a real GPU for test_cuda_matmul_gpu
// (gpu_matmul_runner.cu, built by nvcc only when HEARTH_HAVE_CUDA). Plain C++
// API: host buffers in, host results out, so the Qt test needs no CUDA headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/tensor_type.h"

namespace hearth_test_gpu {

struct GpuRun {
    std::vector<float> y;         // [n_tokens][n_out]
    std::vector<uint8_t> xq;      // the quantized activations (gemv)
    std::vector<uint16_t> w_f16;  // the dequantized weights (gemm)
    std::string error;            // the failing CUDA/cuBLAS call, or ""
};

// quantize_activations + gemv over n_tokens rows of x.
GpuRun run_gemv(hearth::TensorType type, const std::vector<uint8_t> & w, int64_t n_in, int64_t n_out,
                const std::vector<float> & x, int64_t n_tokens);

// gemm_prefill (dequantize_to_f16 + cublasGemmEx).
GpuRun run_gemm(hearth::TensorType type, const std::vector<uint8_t> & w, int64_t n_in, int64_t n_out,
                const std::vector<float> & x, int64_t n_tokens);

// Decode GEMV speed on random weights of `type`: microseconds per gemv call
// (averaged over `reps` launches after a warm-up) and the weight bytes it read.
// The launches rotate over copies of the weights four times the L2 cache in
// all, so the bytes come from device memory.
struct GemvTiming {
    double us = 0.0;
    double weight_bytes = 0.0;
    std::string error;
};
GemvTiming time_gemv(hearth::TensorType type, int64_t n_in, int64_t n_out, int reps);

}  // namespace hearth_test_gpu
