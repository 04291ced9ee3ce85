// The backend seam: a backend runs a contiguous range of layers in place on
// the hidden state. The CPU backend runs layers [0, first_gpu_layer); a GPU
// backend (engine/cuda) runs [first_gpu_layer, n_layer) and, when the plan
// puts it there, the output norm and matrix. The hidden state crosses the
// boundary once per step: up before the GPU's first layer, and back down as
// the hidden state (output on the CPU) or as logits (output on the GPU).
// Included by .cu files: C++17.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "hearth/evaluator.h"
#include "hearth/model.h"

namespace hearth {

struct ModelWeights;

// Rows of logits a GPU backend computes per output launch (the size of its
// logits buffer); the evaluator tells the memory planner.
inline constexpr int32_t kGpuLogitRows = 8;

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char * name() const = 0;
    // Layers [first, last) for n_tokens tokens at positions [pos0, pos0 + n_tokens).
    // hidden: [n_tokens, n_embd] in host memory, updated in place. Never throws.
    virtual void run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) = 0;
};

// The experts of a MoE layer whose expert tensors stay in system RAM while the
// rest of the layer runs on the GPU (llama.cpp's --n-cpu-moe): the GPU routes,
// then hands down the FFN's normalized input xn [T][n_embd] and its routing,
// ids and weights [T][n_expert_used]; run() writes the weighted sum of the
// chosen experts (biases included) to out [T][n_embd], which goes back up.
// Called from the GPU stream's host callback while the evaluator waits on the
// step (so the CPU's thread pool is free): never throws, never calls CUDA.
class HostExperts {
public:
    virtual ~HostExperts() = default;
    virtual void run(int il, int32_t n_tokens, const float * xn, const int32_t * ids, const float * weights,
                     float * out) = 0;
};

// What a GPU backend is built for: the layers [first_layer, n_layer) of the
// model (the last ones, as llama.cpp's -ngl), optionally the output, a KV cache
// of n_ctx positions for those layers, and scratch for n_batch tokens.
struct GpuBackendConfig {
    const ModelHparams * hp = nullptr;
    const ModelWeights * weights = nullptr;
    int32_t first_layer = 0;
    // GPU layers below n_cpu_moe keep their expert tensors in RAM and run them
    // through host_experts (required when that range is not empty).
    int32_t n_cpu_moe = 0;
    HostExperts * host_experts = nullptr;
    bool output_on_gpu = false;
    int32_t n_ctx = 0;
    KvType kv_type = KvType_f16;
    int32_t n_batch = 1;
    int32_t device = 0;      // the CUDA device index
    bool use_graphs = true;  // capture the decode step in a CUDA Graph
    // Run one decode step and one prefill batch at load, so that what the
    // first steps allocate (kernel modules, cuBLAS's workspace, the graph)
    // fails inside the evaluator's retry with fewer layers, not later.
    bool warm_up = true;
};

class GpuBackend : public Backend {
public:
    // Runs the backend's layers on hidden ([n_tokens, n_embd], host) at
    // positions [pos0, pos0 + n_tokens), then returns rows [first_out, n_tokens):
    // their logits into `logits` ([n_tokens - first_out][n_vocab], host) when the
    // output is on the GPU and logits is non-null, else the hidden rows into
    // `hidden`. Never throws; a failure is kept in error() and later steps do
    // nothing.
    virtual void forward(float * hidden, int32_t n_tokens, int32_t pos0, int32_t first_out, float * logits) = 0;
    virtual bool output_on_gpu() const = 0;
    virtual int32_t first_layer() const = 0;
    // The first failed CUDA/cuBLAS call of a step, naming it, or "" when all is well.
    virtual const std::string & error() const = 0;
    // Device memory held: weights, KV cache, scratch.
    virtual size_t vram_bytes() const = 0;
    // The recurrent (DeltaNet) state of the backend's layers, laid out as
    // runtime/recurrent_state.h's for those layers: its size in bytes (0: no
    // recurrent layer here), a copy out or in (the evaluator's checkpoints),
    // and the zero state of a fresh sequence. Never throw; a failure is kept
    // in error().
    virtual size_t recurrent_bytes() const { return 0; }
    virtual void save_recurrent(void * /*dst*/) {}
    virtual void load_recurrent(const void * /*src*/) {}
    virtual void reset_recurrent() {}
};

}  // namespace hearth
