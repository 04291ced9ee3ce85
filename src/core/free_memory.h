// Free memory now, as the engine's loader sees it: the app's fit badges and
// `hearth-cli models` plan against these figures, so they and the real load
// use the same numbers. RAM is hearth::available_ram_bytes() (MemAvailable,
// the figure require_ram checks); VRAM is the first device's free memory,
// which the evaluator plans "auto" GPU layers against.
#pragma once

#include <QString>

#include "hearth/gpu.h"

namespace Hearth {

struct FreeMemory {
    qint64 ramBytes = 0;    // 0 when unknown
    qint64 vramBytes = 0;   // 0 without a usable GPU
    QString gpuReason;      // why there is no GPU; empty when there is one
    hearth::GpuProbe gpus;  // the probe itself: the app's GPU picker lists its devices
};

// Probes the GPUs (blocking: call it off the GUI thread) and reads MemAvailable.
FreeMemory probeFreeMemory();

// The VRAM the evaluator plans against when it loads a model: the first
// device's free memory at probe time; 0 without a GPU.
qint64 usableVram(const hearth::GpuProbe & probe);

}  // namespace Hearth
