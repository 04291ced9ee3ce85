// hearth::Evaluator: runs the forward pass of a Model over a KV cache.
//
// Tokens are evaluated at positions [n_past, n_past + n); prompts longer than
// the batch size are split into batches. It owns the KV cache, the scratch
// buffers (all allocated up front: no allocation per token), the thread pool
// and the backends that run the layers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "hearth/memory_planner.h"
#include "hearth/model.h"

namespace hearth {

class GpuBackend;         // engine/runtime/backend.h
struct GpuBackendConfig;  // engine/runtime/backend.h
using GpuBackendFactory = std::unique_ptr<GpuBackend> (*)(const GpuBackendConfig &);

struct GpuProbe;  // hearth/gpu.h

struct EvaluatorOptions {
    int32_t n_threads = 0;  // <= 0: the model's LoadOptions value
    // For tests: the GPU backend to build instead of this build's own (the CUDA
    // backend, or none in a CPU-only build), and the devices it chooses from
    // instead of probe_gpus()'s: `gpu_probe` when set, else one device with
    // `gpu_vram_free` bytes free (before the planner's headroom,
    // usable_vram()). The cuda-sim tests pass the CUDA backend compiled for the
    // SIMT emulator here.
    GpuBackendFactory gpu_factory = nullptr;
    uint64_t gpu_vram_free = 0;
    const GpuProbe * gpu_probe = nullptr;
    // The GPU backend runs a warm-up step at load (GpuBackendConfig::warm_up).
    bool gpu_warm_up = true;
};

// Where the layers run. With LoadOptions.n_gpu_layers != 0 (-1: auto) the
// evaluator plans with plan_memory() against the usable VRAM (usable_vram())
// of the GPU LoadOptions.gpu_device names (the first by default) and runs
// layers [0, first_gpu_layer) on the CPU, the rest (and the output when
// n_gpu_layers == n_layer + 1) on the GPU. When it cannot (no CUDA in this
// build, no driver or device, too little VRAM, the GPU failed to start) it
// uses the CPU for those layers and `note` says why.
struct Placement {
    MemoryPlan plan;
    std::string backend;  // "cpu", or "cuda (20/24 layers + output)"
    std::string note;     // empty, or a sentence for the user
    // Bytes of the CPU's weights copied out of the file mapping into RAM
    // (engine/runtime/resident_weights.h), or 0 with the reason in weights_note.
    uint64_t weights_copied = 0;
    std::string weights_note;
};

class Evaluator {
public:
    // n_threads <= 0 takes the model's LoadOptions value.
    explicit Evaluator(std::shared_ptr<const Model> model, int32_t n_threads = 0);
    Evaluator(std::shared_ptr<const Model> model, const EvaluatorOptions & options);
    ~Evaluator();
    Evaluator(const Evaluator &) = delete;
    Evaluator & operator=(const Evaluator &) = delete;

    const Model & model() const;
    int32_t n_ctx() const;
    int32_t n_past() const;
    int32_t n_vocab() const;
    int32_t n_threads() const;
    const char * backend_name() const;  // Placement::backend
    const Placement & placement() const;
    const std::string & placement_note() const { return placement().note; }

    // Evaluates n ids and advances n_past. With `all_logits` non-null, writes
    // the logits after every position there ([n][n_vocab]); the last row is
    // always available from last_logits(). Validation happens before any work:
    // an id out of range throws Error(ErrorCode_invalid_argument), overflowing
    // the context throws Error(ErrorCode_context). Returns false when `cancel`
    // was set between batches (n_past then counts the batches done). A GPU
    // failure during the step throws Error(ErrorCode_device) naming the failed
    // CUDA call; the evaluator is unusable afterwards.
    bool eval(const int32_t * ids, int32_t n, float * all_logits = nullptr, const std::atomic<bool> * cancel = nullptr);

    const float * last_logits() const;  // [n_vocab]

    // Keeps the first n positions of the cache (prefix reuse); n <= n_past.
    // Returns the positions actually kept, n_past afterwards: n for a plain
    // KV cache; for a model with sliding-window rings or recurrent layers,
    // whose state cannot always be rolled back, n when it can, else the
    // checkpoint's position when that is <= n, else 0.
    int32_t truncate(int32_t n);
    // Whether truncate(n) always keeps exactly n (a plain KV cache: no
    // sliding-window rings, no recurrent layers).
    bool rewinds_exactly() const;

    // Remembers the state at n_past for truncate() (a no-op for models whose
    // cache rolls back by itself). The session takes one after each prompt.
    void checkpoint();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Bytes a context of n_ctx tokens needs beyond the mmapped weights: the KV
// cache of the first n_cpu_layers layers (-1: all) plus scratch, plus the
// host experts' buffers when GPU layers keep their experts in RAM.
size_t evaluator_memory_bytes(const ModelHparams & hp, const LoadOptions & options, int32_t n_ctx, int32_t n_threads,
                              int32_t n_cpu_layers = -1, bool host_experts = false);

// Throws ErrorCode_resources ("<path>: not enough memory: ...") when that
// exceeds the available RAM. Model::load checks every layer's cache when no
// GPU layers are asked for, else only the scratch; the Evaluator then checks
// the CPU layers' cache once the split is known, with the host experts'
// buffers before it allocates them when the plan keeps experts in RAM.
void require_ram(const std::string & path, const ModelHparams & hp, const LoadOptions & options, int32_t n_ctx,
                 int32_t n_threads, int32_t n_cpu_layers, bool host_experts = false);

// MemAvailable from /proc/meminfo, or 0 when unknown.
uint64_t available_ram_bytes();

}  // namespace hearth
