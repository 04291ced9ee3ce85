// CUDA device discovery through the runtime API (device_probe.h). In the
// CUDA build probe_gpus() (gpu_probe.cu) returns it; the CPU-only build uses
// runtime/gpu_probe_cpu_only.cpp instead, and the emulator build runs
// probe_devices() on emulated devices.
#include "cuda/cuda_compat.h"
#include "cuda/device_probe.h"

namespace hearth {

namespace {

std::string explain(cudaError_t err) {
    switch (err) {
        case cudaErrorInsufficientDriver:
            return "no usable NVIDIA driver was found (the installed driver is missing or older than "
                   "this build's CUDA runtime); Hearth will use the CPU";
        case cudaErrorNoDevice:
            return "no NVIDIA GPU was found; Hearth will use the CPU";
        default:
            return std::string("the CUDA runtime could not start (") + cudaGetErrorName(err) + ": " +
                   cudaGetErrorString(err) + "); Hearth will use the CPU";
    }
}

}  // namespace

namespace cuda {

GpuProbe probe_devices() {
    GpuProbe probe;
    probe.built_with_cuda = true;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        probe.reason = explain(err == cudaSuccess ? cudaErrorNoDevice : err);
        cudaGetLastError();  // clear the sticky error so later probes start clean
        return probe;
    }
    int previous = 0;
    const bool restore = cudaGetDevice(&previous) == cudaSuccess;
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
        GpuDevice dev;
        dev.index = i;
        dev.name = prop.name;
        dev.compute_major = prop.major;
        dev.compute_minor = prop.minor;
        dev.vram_total = prop.totalGlobalMem;
        dev.multiprocessors = prop.multiProcessorCount;
        int clock_khz = 0, bus_bits = 0;  // attributes: CUDA 13 dropped cudaDeviceProp::memoryClockRate
        if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, i) == cudaSuccess &&
            cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, i) == cudaSuccess)
            dev.memory_bandwidth = 2.0 * double(clock_khz) * 1e3 * double(bus_bits) / 8.0;
        size_t free_bytes = 0, total_bytes = 0;
        if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess)
            dev.vram_free = free_bytes;
        probe.devices.push_back(dev);
    }
    // The caller's thread stays on its device: a backend running there must
    // not find its launches aimed at the last GPU probed.
    if (restore) cudaSetDevice(previous);
    cudaGetLastError();
    if (probe.devices.empty()) probe.reason = "no NVIDIA GPU could be queried; Hearth will use the CPU";
    return probe;
}

}  // namespace cuda

}  // namespace hearth
