// Where GPU backends come from. A backend library registers itself with the
// runtime when it is linked into a program (engine/cuda/cuda_registration.cu;
// the CUDA build links hearth_cuda whole, see engine/CMakeLists.txt), so the
// runtime never names a backend and the CUDA library depends on the engine,
// not both ways. The evaluator asks for the registered factory unless its
// EvaluatorOptions name one; the cuda-sim tests pass make_cuda_backend from
// hearth_cuda_sim, the same backend source compiled for the SIMT emulator.
#pragma once

#include <memory>

#include "hearth/gpu.h"
#include "runtime/backend.h"

namespace hearth {

struct GpuBackendProvider {
    GpuBackendFactory make = nullptr;
    GpuProbe (*probe)() = nullptr;  // the devices it can use; never throws
};

// Called by a backend library at static initialisation; the last one wins.
// Returns true, so that the caller can initialise a static with it.
bool register_gpu_backend(const GpuBackendProvider & provider);

// The registered backend's factory, or nullptr when none is linked (a
// CPU-only build). probe_gpus() (hearth/gpu.h) asks the registered backend.
GpuBackendFactory default_gpu_backend_factory();

// Defined by engine/cuda/cuda_backend.cu (and by hearth_cuda_sim). Uploads the
// weights of the configured layers and allocates the device KV cache and
// scratch; throws hearth::Error (ErrorCode_resources for too little VRAM,
// ErrorCode_device otherwise) naming the failed call.
std::unique_ptr<GpuBackend> make_cuda_backend(const GpuBackendConfig & config);

}  // namespace hearth
