#include "runtime/gpu_backend_factory.h"

namespace hearth {

namespace {

// A function-local static: registration runs during static initialisation of
// other translation units, in an order C++ does not define.
GpuBackendProvider & registered() {
    static GpuBackendProvider provider;
    return provider;
}

}  // namespace

bool register_gpu_backend(const GpuBackendProvider & provider) {
    registered() = provider;
    return true;
}

GpuBackendFactory default_gpu_backend_factory() {
    return registered().make;
}

GpuProbe probe_gpus() {
    if (registered().probe) return registered().probe();
    GpuProbe probe;
    probe.reason = "this build of Hearth has no CUDA support (built with HEARTH_CUDA=OFF); Hearth will use the CPU";
    return probe;
}

}  // namespace hearth
