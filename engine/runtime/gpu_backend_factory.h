// Where GPU backends come from. The evaluator asks for the build's factory
// (the CUDA backend in a CUDA build, none in a CPU-only build) unless its
// EvaluatorOptions name one; the cuda-sim tests pass make_cuda_backend from
// hearth_cuda_sim, the same backend source compiled for the SIMT emulator.
#pragma once

#include <memory>

#include "runtime/backend.h"

namespace hearth {

// engine/cuda/cuda_backend.cu. Uploads the weights of the configured layers
// and allocates the device KV cache and scratch; throws hearth::Error
// (ErrorCode_resources for too little VRAM, ErrorCode_device otherwise) naming
// the failed call.
std::unique_ptr<GpuBackend> make_cuda_backend(const GpuBackendConfig & config);

// make_cuda_backend in a CUDA build, nullptr in a CPU-only build.
GpuBackendFactory default_gpu_backend_factory();

}  // namespace hearth
