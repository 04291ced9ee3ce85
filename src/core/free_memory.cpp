#include "core/free_memory.h"

#include "hearth/evaluator.h"

namespace Hearth {

FreeMemory probeFreeMemory() {
    FreeMemory m;
    m.ramBytes = qint64(hearth::available_ram_bytes());
    const hearth::GpuProbe gpus = hearth::probe_gpus();
    m.vramBytes = usableVram(gpus);
    if (!gpus.available()) m.gpuReason = QString::fromStdString(gpus.reason);
    m.gpus = gpus;
    return m;
}

qint64 usableVram(const hearth::GpuProbe & probe) {
    return probe.available() ? qint64(probe.devices.front().vram_free) : 0;
}

}  // namespace Hearth
