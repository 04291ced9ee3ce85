// The memory planner's verdict in the app's words: the fit badge and the
// one-line placement shown in the Hub browser and the model settings.
#pragma once

#include <QString>

#include "core/memory_estimate.h"
#include "hearth/memory_planner.h"

namespace Hearth {

// What the planner needs from the app: the context, the KV type, the layers
// asked for (-1: auto) and the usable VRAM (0: no GPU).
hearth::PlanRequest makePlanRequest(int contextLength, KvCacheType kvType, int nGpuLayers, qint64 vramBytes);

// Fits the GPU when every layer and the output are offloaded; partial offload
// when some are and the rest fits in RAM; CPU only when none are and RAM holds
// the model; too big otherwise.
FitBadge fitBadgeFromPlan(const hearth::MemoryPlan & plan, qint64 freeRamBytes);

// "All 6 layers + output on the GPU · 1.3 MiB VRAM" / "20 of 64 layers on the
// GPU · 9.5 GiB VRAM, 11.2 GiB RAM" / "CPU only · 1.2 MiB RAM".
QString planSummary(const hearth::MemoryPlan & plan);

QString kvTypeName(KvCacheType type);  // "f16", "q8_0"
KvCacheType kvTypeFromName(const QString & name, bool * ok = nullptr);

}  // namespace Hearth
