// The memory plan's request for a model load, built in one place: the
// evaluator's placement and every front door that shows the plan of a load
// (the app's fit badges, `hearth-cli plan`) ask the planner the same question,
// so what they show is what the load does.
#pragma once

#include <cstdint>

#include "hearth/memory_planner.h"
#include "hearth/model.h"

namespace hearth {

// The load's prefill batch (options.n_batch), KV type and GPU layers
// (options.n_gpu_layers, -1: auto), the context it resolved (`n_ctx`), the
// usable VRAM, and the logit rows a GPU backend computes per step
// (runtime/backend.h's kGpuLogitRows), which size the GPU's scratch.
PlanRequest load_plan_request(const LoadOptions & options, int32_t n_ctx, uint64_t vram_budget);

}  // namespace hearth
