// CUDA device discovery through the runtime API. Compiled only into the CUDA
// build; the CPU-only build uses runtime/gpu_probe_cpu_only.cpp instead.
#include <cuda_runtime.h>

#include "hearth/gpu.h"

namespace hearth {

namespace {

std::string explain(cudaError_t err) {
    switch (err) {
        case cudaErrorInsufficientDriver:
            return "no usable NVIDIA driver was found (the installed driver is missing or older than "
                   "this build's CUDA runtime); Hearth will use the CPU";
        case cudaErrorNoDevice: return "no NVIDIA GPU was found; Hearth will use the CPU";
        default:
            return std::string("the CUDA runtime could not start (") + cudaGetErrorName(err) + ": " +
                   cudaGetErrorString(err) + "); Hearth will use the CPU";
    }
}

}  // namespace

GpuProbe probe_gpus() {
    GpuProbe probe;
    probe.built_with_cuda = true;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        probe.reason = explain(err == cudaSuccess ? cudaErrorNoDevice : err);
        cudaGetLastError();  // clear the sticky error so later probes start clean
        return probe;
    }
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
        GpuDevice dev;
        dev.index = i;
        dev.name = prop.name;
        dev.compute_major = prop.major;
        dev.compute_minor = prop.minor;
        dev.vram_total = prop.totalGlobalMem;
        size_t free_bytes = 0, total_bytes = 0;
        if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess)
            dev.vram_free = free_bytes;
        probe.devices.push_back(dev);
    }
    if (probe.devices.empty()) probe.reason = "no NVIDIA GPU could be queried; Hearth will use the CPU";
    return probe;
}

}  // namespace hearth
