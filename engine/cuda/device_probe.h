// CUDA device discovery (device_probe.cu): what probe_gpus() returns in a
// CUDA build. Its own function so the emulator build (tests/engine/cuda/sim) runs it
// against emulated devices. Header included by .cu files and tests: C++17.
#pragma once

#include "hearth/gpu.h"

namespace hearth::cuda {

// Every device with its name, compute capability, total and free memory, or
// the reason there is none. Leaves the calling thread's current device as it
// found it (cudaMemGetInfo needs each device current in turn).
GpuProbe probe_devices();

}  // namespace hearth::cuda
