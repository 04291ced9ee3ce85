// The memory planner: which layers go on the GPU, and how much VRAM and RAM
// that takes, computed from a model's metadata alone (no weights are read).
//
// Layer numbering follows llama.cpp's `-ngl`: the output layer (output_norm +
// output.weight) counts as layer n_layer, so n_gpu_layers ranges over
// [0, n_layer + 1]. N <= n_layer puts the last N repeating layers on the GPU
// and the output on the CPU; N == n_layer + 1 puts everything but the token
// embedding on the GPU (the embedding lookup always runs on the CPU, as in
// llama.cpp). The KV cache of a layer lives where the layer runs.
//
// MoE models can also keep the expert tensors of some GPU layers in RAM
// (llama.cpp's --n-cpu-moe N: the experts of layers [0, N)), with attention,
// norms, routers and shared experts still on the GPU. When the whole model
// does not fit, the automatic plan moves experts out layer by layer first,
// and only then takes whole layers off the GPU.
//
// plan_memory() is a pure function: same facts in, same plan out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/gguf.h"
#include "hearth/model.h"

namespace hearth {

// What the planner needs to know about a model: shapes and tensor sizes.
struct ModelFootprint {
    ModelHparams hp;                           // n_layer, n_embd, n_head(_kv), head_dim(_v), n_ff, n_vocab
    std::vector<uint64_t> layer_bytes;         // [n_layer]: the bytes of the tensors `blk.<i>.*`
    std::vector<uint64_t> layer_expert_bytes;  // [n_layer]: of those, `blk.<i>.ffn_*_exps.*` (empty: none)
    uint64_t embd_bytes = 0;                   // token_embd.weight (always in RAM)
    // output_norm + output.weight + any other non-layer tensor. When the output
    // is tied to the embedding (no output.weight), token_embd's size is counted
    // here too: offloading the output duplicates the embedding on the GPU.
    uint64_t output_bytes = 0;
    bool output_tied = false;
};

// Reads the footprint from GGUF metadata and tensor infos. Throws hearth::Error
// for an unsupported architecture, bad hyper-parameters, or a `blk.N` tensor
// whose N is out of range.
ModelFootprint footprint_from_gguf(const GgufFile & file);

// What a card of a given size leaves to Hearth when the size comes from the
// user (`--vram 24GiB`): the CUDA context and a desktop session take about
// 0.5 GiB of a 24 GB card. A probed size is cudaMemGetInfo's free memory,
// which already excludes them (llama.cpp plans against that figure too).
constexpr uint64_t kVramReservedBytes = 512ull << 20;

// VRAM a plan leaves free on top of what it counts: lazily loaded kernels,
// cuBLAS's workspace, the decode step's CUDA graph, the local memory of the
// kernels, fragmentation. At least kVramHeadroomMin, and 5% of the card.
// One rule for every caller: the evaluator, `hearth-cli plan` and the app's
// fit badges all plan against usable_vram().
constexpr uint64_t kVramHeadroomMin = 512ull << 20;
uint64_t vram_headroom(uint64_t card_bytes);

// The budget to plan against: free VRAM less the headroom of a card of
// card_bytes (0: unknown, the free figure stands in for it).
uint64_t usable_vram(uint64_t free_bytes, uint64_t card_bytes);

// The same for a card whose size the user gave (`--vram 24GiB`): the driver
// and desktop's kVramReservedBytes are not free either.
uint64_t usable_vram_of_card(uint64_t card_bytes);

struct PlanRequest {
    int32_t n_ctx = 4096;
    KvType kv_type = KvType_f16;
    int32_t n_batch = 512;      // prefill tokens per step: sizes the scratch buffers
    int32_t n_outputs = 1;      // rows of logits computed per step (the last token)
    uint64_t vram_budget = 0;   // usable VRAM in bytes (0: no GPU)
    int32_t n_gpu_layers = -1;  // -1: auto (the most that fit), else llama.cpp's -ngl N
    int32_t n_cpu_moe = -1;     // -1: auto; else the experts of layers [0, N) stay in RAM
};

struct MemoryBytes {
    uint64_t weights = 0;
    uint64_t kv = 0;
    uint64_t scratch = 0;
    uint64_t total() const { return weights + kv + scratch; }
};

struct MemoryPlan {
    int32_t n_layer = 0;
    int32_t n_gpu_layers = 0;    // llama.cpp's -ngl: [0, n_layer + 1]
    int32_t gpu_layers = 0;      // repeating layers on the GPU: min(n_gpu_layers, n_layer)
    bool output_on_gpu = false;  // n_gpu_layers == n_layer + 1
    bool full_offload = false;   // every layer and the output on the GPU
    int32_t requested = -1;      // what was asked for (-1: auto), after clamping
    int32_t n_cpu_moe = 0;       // experts of layers [0, n_cpu_moe) stay in RAM
    int32_t cpu_moe_layers = 0;  // how many GPU layers that leaves without their experts
    MemoryBytes vram;
    // What stays on the CPU: its scratch is not counted, except the host
    // experts' buffers (ram.scratch) when GPU layers keep experts in RAM.
    MemoryBytes ram;
    uint64_t vram_budget = 0;
    // Empty, or a sentence saying why the plan differs from the request
    // (clamped, too little VRAM, no GPU).
    std::string note;

    int32_t first_gpu_layer() const { return n_layer - gpu_layers; }
};

// VRAM for the GPU's compute buffers during a prefill step, whenever at
// least one layer is offloaded. The formula is in memory_planner.cpp.
uint64_t gpu_scratch_bytes(const ModelFootprint & fp, const PlanRequest & req);

// The placement and the memory breakdown. Never throws; requests out of range
// are clamped and explained in `note`. An explicit n_gpu_layers that does not
// fit falls back to the most layers that do.
MemoryPlan plan_memory(const ModelFootprint & fp, const PlanRequest & req);

// "24GiB", "24GB", "24000MiB", "512M", "1.5 GiB" or a plain byte count.
// Returns false for anything else.
bool parse_byte_size(const std::string & text, uint64_t & bytes);

}  // namespace hearth
