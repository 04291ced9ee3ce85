// What GPUs the engine can use, and if none, why not.
//
// probe_gpus() never throws: a missing driver or device is a normal outcome
// that the app reports to the user before it falls back to the CPU.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hearth {

struct GpuDevice {
    int index = 0;
    std::string name;
    size_t vram_total = 0;  // bytes
    size_t vram_free = 0;   // bytes, at probe time
    int compute_major = 0;
    int compute_minor = 0;
    // Peak memory bandwidth in bytes/s (memory clock x bus width x 2, as the
    // data sheets count it), 0 when unknown: the roofline of decoding.
    double memory_bandwidth = 0.0;
    int multiprocessors = 0;
};

struct GpuProbe {
    bool built_with_cuda = false;
    std::vector<GpuDevice> devices;
    std::string reason;  // when devices is empty: a sentence a person understands

    bool available() const { return !devices.empty(); }
};

GpuProbe probe_gpus();

// The device `which` names among probe.devices: "" the first one; a decimal
// number, the device of that CUDA index; anything else, the first device
// whose name contains it, case-insensitively ("4090", "rtx a6000"). nullptr
// when none does, with `why` saying so and listing the devices.
const GpuDevice * select_gpu(const GpuProbe & probe, const std::string & which, std::string & why);

}  // namespace hearth
