// The memory planner's verdict in the app's words: the fit badge and the
// one-line placement shown on the library cards, in the Hub browser, in the
// model settings and by `hearth-cli models`. Every badge is derived from a
// hearth::MemoryPlan, the same plan the evaluator places the layers by, so a
// badge and the real load agree for the same file and settings.
#pragma once

#include <QString>

#include "hearth/memory_planner.h"
#include "hearth/model.h"

namespace Hearth {

enum class FitBadge { FitsGpu, PartialOffload, CpuOnly, TooBig, Unsupported };

// What a load with these settings asks the planner for
// (hearth::load_plan_request, as the evaluator plans it): the context the
// engine picks (choose_context_size: `contextSetting`, or min(trained,
// kDefaultContextSize) for 0), the KV type, the layers asked for (-1: auto)
// and the usable VRAM (0: no GPU).
hearth::PlanRequest makePlanRequest(const hearth::ModelFootprint & fp, int contextSetting, hearth::KvType kvType,
                                    int nGpuLayers, qint64 vramBytes);

// Fits the GPU when every layer and the output are offloaded; partial offload
// when some are and the rest fits in RAM; CPU only when none are and RAM holds
// the model; too big otherwise.
FitBadge fitBadgeFromPlan(const hearth::MemoryPlan & plan, qint64 freeRamBytes);

// "fits GPU", "partial offload", "CPU only", "too big", "not supported".
QString fitBadgeName(FitBadge badge);

// Everything the plan puts in memory: VRAM and RAM together.
qint64 planTotalBytes(const hearth::MemoryPlan & plan);

// "All 6 layers + output on the GPU · 1.3 MiB VRAM" / "20 of 64 layers on the
// GPU · 9.5 GiB VRAM, 11.2 GiB RAM" / "CPU only · 1.2 MiB RAM".
QString planSummary(const hearth::MemoryPlan & plan);

QString kvTypeName(hearth::KvType type);  // "f16", "q8_0"
hearth::KvType kvTypeFromName(const QString & name, bool * ok = nullptr);

}  // namespace Hearth
