// One fixture model's golden prompt through the evaluator, on the CPU or with
// the CUDA backend compiled for the SIMT emulator (hearth_cuda_sim), shared by
// the cuda-sim forward tests. A run evaluates the first kPositions tokens as
//   a prefill batch of kPrefill tokens (> kGemvMaxTokens: dequantize + GEMM,
//   except for f32 weights, which stay on the f32 GEMV),
//   a short batch of kShort tokens at positions > 0 (quantized GEMV),
//   kDecode single tokens (the CUDA Graph path),
// so every position has a golden row.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "runtime/gpu_backend_factory.h"

namespace sim_run {

using hearth::KvType;
using runtime_test::Golden;

constexpr int32_t kPrefill = 9;
constexpr int32_t kShort = 2;
constexpr int32_t kDecode = 2;
constexpr int32_t kPositions = kPrefill + kShort + kDecode;
constexpr uint64_t kVram = 1ull << 30;  // the emulated device's free VRAM

struct Run {
    std::vector<float> logits;  // [kPositions][n_vocab]
    std::string backend;
    std::string note;
};

inline Run run_model(const Golden & g, int32_t n_gpu_layers, KvType kv_type, bool emulated_gpu) {
    hearth::LoadOptions lo;
    lo.n_ctx = 32;
    lo.n_batch = 16;
    lo.n_threads = 2;
    lo.n_gpu_layers = n_gpu_layers;
    lo.kv_type = kv_type;
    auto model = hearth::Model::load(g.model_path, lo);
    hearth::EvaluatorOptions eo;
    if (emulated_gpu) {
        eo.gpu_factory = &hearth::make_cuda_backend;
        eo.gpu_vram_free = kVram;
    }
    hearth::Evaluator ev(model, eo);
    Run r;
    r.backend = ev.backend_name();
    r.note = ev.placement_note();
    const size_t nv = size_t(g.n_vocab);
    r.logits.resize(size_t(kPositions) * nv);
    const int32_t * ids = g.prompt_ids.data();
    ev.eval(ids, kPrefill, r.logits.data());
    ev.eval(ids + kPrefill, kShort, r.logits.data() + size_t(kPrefill) * nv);
    for (int32_t p = kPrefill + kShort; p < kPositions; ++p) {
        ev.eval(ids + p, 1);
        std::memcpy(r.logits.data() + size_t(p) * nv, ev.last_logits(), nv * sizeof(float));
    }
    return r;
}

inline std::vector<float> golden_rows(const Golden & g) {
    return std::vector<float>(g.logits.begin(), g.logits.begin() + ptrdiff_t(kPositions) * g.n_vocab);
}

// The evaluator's backend name for -ngl n_gpu_layers of n_layer.
inline std::string expected_label(int32_t n_gpu_layers, int32_t n_layer) {
    const int32_t layers = std::min(n_gpu_layers, n_layer);
    return "cuda (" + std::to_string(layers) + "/" + std::to_string(n_layer) + " layers" +
           (n_gpu_layers > n_layer ? " + output)" : ")");
}

}  // namespace sim_run
