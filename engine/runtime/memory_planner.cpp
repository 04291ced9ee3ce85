#include "hearth/memory_planner.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "hearth/error.h"
#include "model/architecture.h"
#include "runtime/kv_cache.h"

namespace hearth {

namespace {

// cuBLAS's recommended workspace on Hopper (older GPUs need 4 MiB): reserved
// once for the prefill GEMMs.
constexpr uint64_t kCublasWorkspace = 32ull << 20;
// Key/value positions per flash-attention tile: the scores a tile keeps.
constexpr uint64_t kAttnTile = 256;

// "blk.<i>." -> i, or -1 when `name` is not a layer tensor.
int64_t layer_index(std::string_view name) {
    constexpr std::string_view prefix = "blk.";
    if (name.substr(0, prefix.size()) != prefix) return -1;
    name.remove_prefix(prefix.size());
    int64_t i = -1;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), i);
    if (ec != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '.') return -2;
    return i;
}

bool kv_type_usable(const ModelHparams & hp, KvType type) {
    return type != KvType_q8_0 || (hp.head_dim % 32 == 0 && hp.head_dim_v % 32 == 0);
}

uint64_t kv_bytes_per_layer(const ModelHparams & hp, int32_t n_ctx, KvType type) {
    ModelHparams one = hp;
    one.n_layer = 1;
    return KvCache::bytes_needed(one, n_ctx, type);
}

// VRAM with the last `gpu_layers` layers (and the output when asked) on the GPU.
MemoryBytes vram_for(const ModelFootprint & fp, int32_t n_gpu_layers, uint64_t kv_layer, uint64_t scratch) {
    MemoryBytes m;
    const int32_t n_layer = fp.hp.n_layer;
    const int32_t gpu_layers = std::min(n_gpu_layers, n_layer);
    for (int32_t il = n_layer - gpu_layers; il < n_layer; ++il) m.weights += fp.layer_bytes[size_t(il)];
    if (n_gpu_layers > n_layer) m.weights += fp.output_bytes;
    m.kv = kv_layer * uint64_t(gpu_layers);
    m.scratch = n_gpu_layers > 0 ? scratch : 0;
    return m;
}

MemoryBytes ram_for(const ModelFootprint & fp, int32_t n_gpu_layers, uint64_t kv_layer) {
    MemoryBytes m;
    const int32_t n_layer = fp.hp.n_layer;
    const int32_t cpu_layers = n_layer - std::min(n_gpu_layers, n_layer);
    for (int32_t il = 0; il < cpu_layers; ++il) m.weights += fp.layer_bytes[size_t(il)];
    m.weights += fp.embd_bytes;
    // A tied output on the CPU reads the embedding already counted above.
    if (n_gpu_layers <= n_layer) m.weights += fp.output_tied ? fp.output_bytes - fp.embd_bytes : fp.output_bytes;
    m.kv = kv_layer * uint64_t(cpu_layers);
    return m;
}

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

}  // namespace

ModelFootprint footprint_from_gguf(const GgufFile & file) {
    ModelFootprint fp;
    const std::string arch(file.architecture());
    if (arch.empty()) throw Error(ErrorCode_model, file.path() + ": missing metadata key 'general.architecture'");
    const Architecture * a = find_architecture(arch);
    if (!a) throw Error(ErrorCode_unsupported, file.path() + ": Unsupported architecture '" + arch + "'");
    fp.hp.arch = arch;
    a->read_hparams(file, fp.hp);
    validate_hparams(file, fp.hp);

    fp.layer_bytes.assign(size_t(fp.hp.n_layer), 0);
    bool has_output = false;
    for (const GgufTensor & t : file.tensors()) {
        const int64_t il = layer_index(t.name);
        if (il >= fp.hp.n_layer || il == -2)
            throw Error(ErrorCode_model, file.path() + ": tensor '" + std::string(t.name) +
                                             "' names a layer outside [0, " + std::to_string(fp.hp.n_layer) + ")");
        if (il >= 0) {
            fp.layer_bytes[size_t(il)] += t.n_bytes;
        } else if (t.name == "token_embd.weight") {
            fp.embd_bytes += t.n_bytes;
            fp.hp.n_vocab = int32_t(t.ne[1]);  // as the weight binding does: the rows are the vocabulary
        } else {
            fp.output_bytes += t.n_bytes;
        }
        has_output = has_output || t.name == "output.weight";
    }
    if (fp.embd_bytes == 0) throw Error(ErrorCode_model, file.path() + ": missing tensor 'token_embd.weight'");
    fp.output_tied = !has_output;
    if (fp.output_tied) fp.output_bytes += fp.embd_bytes;
    return fp;
}

// Compute buffers on the GPU for one prefill step of B = min(n_batch, n_ctx)
// tokens (f32 activations unless noted):
//   activations   B * (2*n_embd            residual + normed input
//                      + n_embd_q + n_embd_k + n_embd_v   q, k, v
//                      + n_head*head_dim_v  attention output
//                      + 2*n_ff) * 4        ffn gate and up (SwiGLU in place)
//   q8_1 inputs   B * max(n_embd, n_ff, n_embd_q) * 36/32  (activations quantized for __dp4a)
//   attention     n_head * B * kAttnTile * 4  (one flash-attention tile of scores)
//   f16 weights   max layer matrix * 2   (a weight dequantized to f16 for cublasGemmEx)
//   logits        n_outputs * n_vocab * 4   (counted even with the output on the CPU: small)
//   cuBLAS        kCublasWorkspace
uint64_t vram_headroom(uint64_t card_bytes) {
    return std::max(kVramHeadroomMin, card_bytes / 20);
}

uint64_t usable_vram(uint64_t free_bytes, uint64_t card_bytes) {
    const uint64_t headroom = vram_headroom(card_bytes > 0 ? card_bytes : free_bytes);
    return free_bytes > headroom ? free_bytes - headroom : 0;
}

uint64_t usable_vram_of_card(uint64_t card_bytes) {
    return usable_vram(card_bytes > kVramReservedBytes ? card_bytes - kVramReservedBytes : 0, card_bytes);
}

uint64_t gpu_scratch_bytes(const ModelFootprint & fp, const PlanRequest & req) {
    const ModelHparams & hp = fp.hp;
    const uint64_t b = uint64_t(std::max(1, std::min(req.n_batch, std::max(req.n_ctx, 1))));
    const uint64_t e = uint64_t(hp.n_embd), f = uint64_t(hp.n_ff), q = uint64_t(hp.n_embd_q());
    const uint64_t per_token = 2 * e + q + uint64_t(hp.n_embd_k()) + uint64_t(hp.n_embd_v()) +
                               uint64_t(hp.n_head) * uint64_t(hp.head_dim_v) + 2 * f;
    uint64_t bytes = b * per_token * 4;
    bytes += b * std::max({e, f, q}) * 36 / 32;
    bytes += uint64_t(hp.n_head) * b * kAttnTile * 4;
    bytes += std::max({e * f, e * q, e * uint64_t(hp.n_embd_k())}) * 2;
    bytes += uint64_t(std::max(req.n_outputs, 1)) * uint64_t(hp.n_vocab) * 4;
    bytes += kCublasWorkspace;
    return bytes;
}

MemoryPlan plan_memory(const ModelFootprint & fp, const PlanRequest & req_in) {
    PlanRequest req = req_in;
    MemoryPlan plan;
    const int32_t n_layer = fp.hp.n_layer;
    const int32_t n_max = n_layer + 1;
    plan.n_layer = n_layer;
    plan.vram_budget = req.vram_budget;
    std::string note;
    if (!kv_type_usable(fp.hp, req.kv_type)) {
        req.kv_type = KvType_f16;
        note = "a q8_0 KV cache needs a head size that is a multiple of 32 (this model has " +
               std::to_string(fp.hp.head_dim) + "), so the plan uses f16. ";
    }
    const bool automatic = req.n_gpu_layers < 0;
    int32_t want = automatic ? n_max : req.n_gpu_layers;
    if (want > n_max) {
        note += "n_gpu_layers " + std::to_string(want) + " is more than this model's " + std::to_string(n_max) + " (" +
                std::to_string(n_layer) + " layers + output), so all are offloaded. ";
        want = n_max;
    }
    plan.requested = automatic ? -1 : want;

    const uint64_t kv_layer = kv_bytes_per_layer(fp.hp, std::max(req.n_ctx, 1), req.kv_type);
    const uint64_t scratch = gpu_scratch_bytes(fp, req);
    int32_t n = want;
    if (req.vram_budget == 0) {
        if (want > 0) note += "no VRAM is available, so every layer runs on the CPU. ";
        n = 0;
    }
    while (n > 0 && vram_for(fp, n, kv_layer, scratch).total() > req.vram_budget) --n;
    if (n < want && req.vram_budget > 0) {
        const uint64_t need = vram_for(fp, want, kv_layer, scratch).total();
        note += (automatic ? std::string("the whole model") : std::to_string(want) + " layers") + " would need " +
                gib(need) + " of VRAM but " + gib(req.vram_budget) + " is usable, so " + std::to_string(n) + " of " +
                std::to_string(n_max) + " layers are offloaded. ";
    }

    plan.n_gpu_layers = n;
    plan.gpu_layers = std::min(n, n_layer);
    plan.output_on_gpu = n > n_layer;
    plan.full_offload = n == n_max;
    plan.vram = vram_for(fp, n, kv_layer, scratch);
    plan.ram = ram_for(fp, n, kv_layer);
    if (!note.empty()) note.pop_back();
    plan.note = note;
    return plan;
}

bool parse_byte_size(const std::string & text, uint64_t & bytes) {
    const char * p = text.c_str();
    while (std::isspace(static_cast<unsigned char>(*p))) ++p;
    char * end = nullptr;
    const double value = std::strtod(p, &end);
    if (end == p || !std::isfinite(value) || value < 0) return false;
    std::string unit;
    for (const char * c = end; *c; ++c)
        if (!std::isspace(static_cast<unsigned char>(*c))) unit += char(std::tolower(static_cast<unsigned char>(*c)));
    double scale = 0;
    static const struct {
        const char * unit;
        double scale;
    } kUnits[] = {
        {"", 1},
        {"b", 1},
        {"k", 1024.0},
        {"kib", 1024.0},
        {"kb", 1e3},
        {"m", 1048576.0},
        {"mib", 1048576.0},
        {"mb", 1e6},
        {"g", 1073741824.0},
        {"gib", 1073741824.0},
        {"gb", 1e9},
        {"t", 1099511627776.0},
        {"tib", 1099511627776.0},
        {"tb", 1e12},
    };
    for (const auto & u : kUnits)
        if (unit == u.unit) scale = u.scale;
    if (scale == 0) return false;
    const double b = std::round(value * scale);
    if (b >= 1.8e19) return false;
    bytes = uint64_t(b);
    return true;
}

}  // namespace hearth
