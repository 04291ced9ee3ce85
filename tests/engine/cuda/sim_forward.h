// Helpers of the emulated CUDA backend's whole-model tests: a fixture model
// evaluated through the Evaluator with the CUDA backend compiled for the SIMT
// emulator (hearth_cuda_sim), or on the CPU, in the step shapes the backend
// distinguishes:
//   a prefill batch of kPrefill tokens (> kGemvMaxTokens: the f16 GEMM for
//   F16/BF16 weights; quantized and f32 weights stay on their GEMVs),
//   a short batch of kShort tokens at positions > 0 (quantized GEMV),
//   kDecode single tokens (the CUDA Graph path),
// so every position has a golden row.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/gpu.h"
#include "hearth/model.h"
#include "runtime/gpu_backend_factory.h"

namespace sim_forward {

using namespace hearth;

constexpr int32_t kPrefill = 9;
constexpr int32_t kShort = 2;
constexpr int32_t kDecode = 2;
constexpr int32_t kPositions = kPrefill + kShort + kDecode;
constexpr uint64_t kVram = 1ull << 30;  // the emulated device's free VRAM

struct Run {
    std::vector<float> logits;  // [n_positions][n_vocab]
    std::string backend;
    std::string note;
    MemoryPlan plan;  // the placement's
};

struct RunShape {
    int32_t n_gpu_layers = 0;
    int32_t n_cpu_moe = -1;  // LoadOptions::n_cpu_moe (-1: the planner's choice)
    KvType kv_type = KvType_f16;
    bool emulated_gpu = false;
    int32_t n_decode = kDecode;  // single-token steps after the two batches
    int32_t n_ctx = 32;
    // EvaluatorOptions for the emulated GPU.
    bool warm_up = true;
    uint64_t vram_free = kVram;
    const GpuProbe * probe = nullptr;
    std::string device;  // LoadOptions::gpu_device
};

// prompt: at least kPrefill + kShort + n_decode ids.
inline Run run_model(const std::string & model_path, const std::vector<int32_t> & prompt, int32_t n_vocab,
                     const RunShape & shape) {
    LoadOptions lo;
    lo.n_ctx = shape.n_ctx;
    lo.n_batch = 16;
    lo.n_threads = 2;
    lo.n_gpu_layers = shape.n_gpu_layers;
    lo.n_cpu_moe = shape.n_cpu_moe;
    lo.kv_type = shape.kv_type;
    lo.gpu_device = shape.device;
    auto model = Model::load(model_path, lo);
    EvaluatorOptions eo;
    if (shape.emulated_gpu) {
        eo.gpu_factory = &make_cuda_backend;
        eo.gpu_vram_free = shape.vram_free;
        eo.gpu_probe = shape.probe;
        eo.gpu_warm_up = shape.warm_up;
    }
    Evaluator ev(model, eo);
    Run r;
    r.backend = ev.backend_name();
    r.note = ev.placement_note();
    r.plan = ev.placement().plan;
    const size_t nv = size_t(n_vocab);
    const int32_t n_positions = kPrefill + kShort + shape.n_decode;
    r.logits.resize(size_t(n_positions) * nv);
    const int32_t * ids = prompt.data();
    ev.eval(ids, kPrefill, r.logits.data());
    ev.eval(ids + kPrefill, kShort, r.logits.data() + size_t(kPrefill) * nv);
    for (int32_t p = kPrefill + kShort; p < n_positions; ++p) {
        ev.eval(ids + p, 1);
        std::memcpy(r.logits.data() + size_t(p) * nv, ev.last_logits(), nv * sizeof(float));
    }
    return r;
}

inline Run run_model(const runtime_test::Golden & g, int32_t n_gpu_layers, KvType kv_type, bool emulated_gpu) {
    RunShape shape;
    shape.n_gpu_layers = n_gpu_layers;
    shape.kv_type = kv_type;
    shape.emulated_gpu = emulated_gpu;
    return run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
}

inline std::vector<float> golden_rows(const runtime_test::Golden & g, int32_t n_positions = kPositions) {
    return std::vector<float>(g.logits.begin(), g.logits.begin() + ptrdiff_t(n_positions) * g.n_vocab);
}

// "cuda (2/2 layers + output)", or with the experts of `experts_in_ram` GPU
// layers in RAM "cuda (2/2 layers + output, experts of 1 on the CPU)".
inline std::string expected_label(int32_t n_gpu_layers, int32_t n_layer, int32_t experts_in_ram = 0) {
    const int32_t layers = std::min(n_gpu_layers, n_layer);
    return "cuda (" + std::to_string(layers) + "/" + std::to_string(n_layer) + " layers" +
           (n_gpu_layers > n_layer ? " + output" : "") +
           (experts_in_ram > 0 ? ", experts of " + std::to_string(experts_in_ram) + " on the CPU" : "") + ")";
}

}  // namespace sim_forward
