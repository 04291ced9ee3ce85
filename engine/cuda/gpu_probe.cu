// probe_gpus() in the CUDA build: the real devices (device_probe.cu).
//
// A file of its own: a test linking both the emulator's build of the backend
// (tests/cuda_sim, which has probe_devices() too) and the real one pulls this
// object for the engine's probe_gpus() without a second probe_devices().
#include "cuda/cuda_compat.h"
#include "cuda/device_probe.h"

namespace hearth {

#if defined(__CUDACC__)
GpuProbe probe_gpus() {
    return cuda::probe_devices();
}
#endif

}  // namespace hearth
