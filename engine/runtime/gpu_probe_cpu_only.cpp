// The CPU-only build's answer to "which GPUs can I use?".
#ifndef HEARTH_HAVE_CUDA

#include "hearth/gpu.h"

namespace hearth {

GpuProbe probe_gpus() {
    GpuProbe probe;
    probe.reason = "this build of Hearth has no CUDA support (built with HEARTH_CUDA=OFF); Hearth will use the CPU";
    return probe;
}

}  // namespace hearth

#endif
