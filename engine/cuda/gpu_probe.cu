// The CUDA backend registers itself with the runtime (runtime/
// gpu_backend_factory.h) when hearth_cuda is linked into a program: its
// factory, and its probe of the real devices (device_probe.cu).
//
// Nothing in the engine calls into this file, so the link names
// hearth_cuda_backend_link (engine/CMakeLists.txt: --undefined) to pull this
// object, and its registration, out of the static library.
//
// nvcc only: the emulator's build of the backend (tests/engine/cuda/sim) compiles
// every .cu too, and its tests pass make_cuda_backend explicitly instead.
#include "cuda/cuda_compat.h"
#include "cuda/device_probe.h"
#include "runtime/gpu_backend_factory.h"

namespace hearth {

#if defined(__CUDACC__)
namespace {

GpuProbe probe_cuda_gpus() {
    return cuda::probe_devices();
}

[[maybe_unused]] const bool kRegistered = register_gpu_backend({&make_cuda_backend, &probe_cuda_gpus});

}  // namespace
#endif

}  // namespace hearth

#if defined(__CUDACC__)
extern "C" void hearth_cuda_backend_link() {}
#endif
