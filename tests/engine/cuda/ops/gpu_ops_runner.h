// rope and rmsnorm through the CUDA launchers with device buffers (cudaMalloc,
// cudaMemcpy): gpu_ops_runner.cu, built by nvcc for test_cuda_ops_gpu (label
// gpu) and as host C++ on the emulator for test_cuda_ops_sim (label cuda-sim).
// Host vectors in, host vectors out; `error` names the first failed call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpu/ops.h"  // RopeParams

namespace hearth_test_ops {

std::vector<float> run_rmsnorm(const std::vector<float> & x, const std::vector<float> & w, int64_t n_rows, int64_t n,
                               float eps, std::string & error);

// x [n_tokens][n_heads * head_dim], rotated in place on the device.
std::vector<float> run_rope(const hearth::RopeParams & rp, const std::vector<float> & x, int64_t n_tokens,
                            int64_t n_heads, int64_t head_dim, int32_t pos0, std::string & error);

}  // namespace hearth_test_ops
