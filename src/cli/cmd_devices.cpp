// hearth-cli devices: the GPUs this build can use, for choosing one with
// --device (index or part of the name), with each card's memory and peak
// bandwidth (the decode roofline tools/gpu-check.sh measures against), or
// why there is none.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "command.h"
#include "hearth/gpu.h"

namespace Hearth::Cli {

namespace {

int runDevices(int argc, char ** argv) {
    Args args(argc, argv, {}, {{"--json"}});
    if (!args.positional().empty()) throw UsageError("unexpected argument " + args.positional().front());
    const hearth::GpuProbe probe = hearth::probe_gpus();
    if (args.flag("--json")) {
        nlohmann::ordered_json j;
        j["built_with_cuda"] = probe.built_with_cuda;
        j["reason"] = probe.reason;
        j["devices"] = nlohmann::ordered_json::array();
        for (const hearth::GpuDevice & d : probe.devices)
            j["devices"].push_back(
                {{"index", d.index},
                 {"name", d.name},
                 {"compute_capability", std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor)},
                 {"vram_total", d.vram_total},
                 {"vram_free", d.vram_free},
                 {"memory_bandwidth", d.memory_bandwidth},
                 {"multiprocessors", d.multiprocessors}});
        std::printf("%s\n", j.dump().c_str());
        return 0;
    }
    if (!probe.available()) {
        std::printf("no GPU: %s\n", probe.reason.c_str());
        return 0;
    }
    for (const hearth::GpuDevice & d : probe.devices)
        std::printf("%d: %s (compute %d.%d, %d SMs): %.2f GiB, %.2f GiB free, %.0f GB/s\n", d.index, d.name.c_str(),
                    d.compute_major, d.compute_minor, d.multiprocessors, double(d.vram_total) / double(1ull << 30),
                    double(d.vram_free) / double(1ull << 30), d.memory_bandwidth / 1e9);
    return 0;
}

const CommandRegistration reg({"devices", "devices [--json]  (the GPUs --device can pick)", &runDevices});

}  // namespace

}  // namespace Hearth::Cli
