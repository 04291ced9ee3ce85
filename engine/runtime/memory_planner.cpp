#include "hearth/memory_planner.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "hearth/error.h"
#include "hearth/load_plan.h"
#include "model/architecture.h"
#include "runtime/backend.h"
#include "runtime/host_experts.h"
#include "runtime/kv_cache.h"
#include "runtime/recurrent_state.h"

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

// Per layer: the KV cache (on the CPU a ring for a windowed layer; the CUDA
// backend keeps every position and masks by the window) or the recurrent state.
std::vector<uint64_t> layer_state_bytes(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_batch,
                                        bool gpu) {
    std::vector<uint64_t> out(size_t(hp.n_layer));
    const uint64_t rec = RecurrentState::conv_floats(hp) * 4 + RecurrentState::ssm_floats(hp) * 4;
    const uint64_t full =
        uint64_t(n_ctx) * (KvCache::row_bytes(type, hp.n_embd_k()) + KvCache::row_bytes(type, hp.n_embd_v()));
    for (int32_t il = 0; il < hp.n_layer; ++il)
        out[size_t(il)] = hp.is_recurrent(il) ? rec : gpu ? full : KvCache::layer_bytes(hp, il, n_ctx, type, n_batch);
    return out;
}

uint64_t expert_bytes(const ModelFootprint & fp, int32_t il) {
    return fp.layer_expert_bytes.empty() ? 0 : fp.layer_expert_bytes[size_t(il)];
}

// Where things go: the last min(n_gpu_layers, n_layer) layers (and the output
// when n_gpu_layers > n_layer) on the GPU, except the experts of layers below
// n_cpu_moe, which stay in RAM.
struct Split {
    int32_t n_gpu_layers = 0;
    int32_t n_cpu_moe = 0;
};

MemoryBytes vram_for(const ModelFootprint & fp, Split sp, const std::vector<uint64_t> & state, uint64_t scratch) {
    MemoryBytes m;
    const int32_t n_layer = fp.hp.n_layer;
    const int32_t gpu_layers = std::min(sp.n_gpu_layers, n_layer);
    for (int32_t il = n_layer - gpu_layers; il < n_layer; ++il) {
        m.weights += fp.layer_bytes[size_t(il)] - (il < sp.n_cpu_moe ? expert_bytes(fp, il) : 0);
        m.kv += state[size_t(il)];
    }
    if (sp.n_gpu_layers > n_layer) m.weights += fp.output_bytes;
    m.scratch = sp.n_gpu_layers > 0 ? scratch : 0;
    return m;
}

MemoryBytes ram_for(const ModelFootprint & fp, Split sp, const std::vector<uint64_t> & state) {
    MemoryBytes m;
    const int32_t n_layer = fp.hp.n_layer;
    const int32_t cpu_layers = n_layer - std::min(sp.n_gpu_layers, n_layer);
    for (int32_t il = 0; il < n_layer; ++il) {
        if (il < cpu_layers) {
            m.weights += fp.layer_bytes[size_t(il)];
            m.kv += state[size_t(il)];
        } else if (il < sp.n_cpu_moe) {
            m.weights += expert_bytes(fp, il);
        }
    }
    m.weights += fp.embd_bytes;
    // A tied output on the CPU reads the embedding already counted above.
    if (sp.n_gpu_layers <= n_layer) m.weights += fp.output_tied ? fp.output_bytes - fp.embd_bytes : fp.output_bytes;
    return m;
}

bool is_expert_tensor(std::string_view name) {
    return name.find("_exps.") != std::string_view::npos;
}

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

}  // namespace

ModelFootprint footprint_from_gguf(const GgufFile & file) {
    ModelFootprint fp;
    const Architecture * a = &require_architecture(file);
    const std::string arch(file.architecture());
    fp.hp.arch = arch;
    a->read_hparams(file, fp.hp);
    validate_hparams(file, fp.hp);

    fp.layer_bytes.assign(size_t(fp.hp.n_layer), 0);
    bool has_output = false;
    for (const GgufTensor & t : file.tensors()) {
        const int64_t il = layer_index(t.name);
        // Multi-token-prediction layers follow the others; they are never read.
        if (il >= fp.hp.n_layer && il < int64_t(fp.hp.n_layer) + fp.hp.n_layer_nextn) continue;
        if (il >= fp.hp.n_layer || il == -2)
            throw Error(ErrorCode_model, file.path() + ": tensor '" + std::string(t.name) +
                                             "' names a layer outside [0, " + std::to_string(fp.hp.n_layer) + ")");
        // A type the engine cannot compute makes the file unusable: say so before any download or load.
        const TensorTypeInfo & info = tensor_type_info(t.type);
        if (!info.can_compute)
            throw Error(ErrorCode_unsupported, file.path() + ": tensor '" + std::string(t.name) + "' has type " +
                                                   (info.name ? info.name : "?") + ", which Hearth cannot run yet");
        if (il >= 0) {
            fp.layer_bytes[size_t(il)] += t.n_bytes;
            if (is_expert_tensor(t.name)) {
                if (fp.layer_expert_bytes.empty()) fp.layer_expert_bytes.assign(size_t(fp.hp.n_layer), 0);
                fp.layer_expert_bytes[size_t(il)] += t.n_bytes;
            }
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
//   8-bit inputs  B * max(n_embd, n_ff, n_embd_q) * 292/256  (activations quantized for __dp4a at
//                 every batch size: Q8_0 or Q8_K, the larger)
//   attention     n_head * B * kAttnTile * 4  (one flash-attention tile of scores)
//   f16 weights   max layer matrix * 2   (an F16/BF16 weight as f16 for cublasGemmEx; the
//                 backend allocates none for quantized models, counted anyway)
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
    const uint64_t e = uint64_t(hp.n_embd), f = uint64_t(std::max(hp.n_ff, hp.n_ff_shexp)), q = uint64_t(hp.n_embd_q());
    // qwen35 (cuda_backend_alloc.cu): the gated q projection and its gate
    // (3 q), the DeltaNet's projections, conv output, z, o, beta and g.
    const uint64_t c = uint64_t(hp.ssm_conv_channels()), vd = uint64_t(hp.ssm_d_inner);
    const uint64_t qwen35 = hp.family == ModelFamily_qwen35 ? 3 * q : 0;
    const uint64_t per_token = 2 * e + q + uint64_t(hp.n_embd_k()) + uint64_t(hp.n_embd_v()) +
                               uint64_t(hp.n_head) * uint64_t(hp.head_dim_v) + 2 * f + qwen35 + 2 * c + 2 * vd +
                               2 * uint64_t(hp.ssm_n_v_heads);
    uint64_t bytes = b * per_token * 4;
    bytes += b * std::max({e, f, q, vd}) * 292 / 256;
    bytes += uint64_t(hp.n_head) * b * kAttnTile * 4;
    bytes += std::max({e * f, e * q * (qwen35 ? 2 : 1), e * uint64_t(hp.n_embd_k()), e * c}) * 2;
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

    const std::vector<uint64_t> state =
        layer_state_bytes(fp.hp, std::max(req.n_ctx, 1), req.kv_type, req.n_batch, false);
    const std::vector<uint64_t> gpu_state =
        layer_state_bytes(fp.hp, std::max(req.n_ctx, 1), req.kv_type, req.n_batch, true);
    const uint64_t scratch = gpu_scratch_bytes(fp, req);
    const bool moe = !fp.layer_expert_bytes.empty();
    const bool auto_moe = req.n_cpu_moe < 0;
    Split sp{want, moe && !auto_moe ? std::min(req.n_cpu_moe, n_layer) : 0};
    if (req.vram_budget == 0) {
        if (want > 0) note += "no VRAM is available, so every layer runs on the CPU. ";
        sp.n_gpu_layers = 0;
    }
    auto fits = [&](Split x) { return vram_for(fp, x, gpu_state, scratch).total() <= req.vram_budget; };
    if (sp.n_gpu_layers > 0 && moe && auto_moe && !fits(sp)) {
        // Experts out first, from the first GPU layer on, before any whole layer leaves.
        const int32_t first = n_layer - std::min(sp.n_gpu_layers, n_layer);
        for (sp.n_cpu_moe = first + 1; sp.n_cpu_moe < n_layer && !fits(sp); ++sp.n_cpu_moe) {
        }
    }
    while (sp.n_gpu_layers > 0 && !fits(sp)) --sp.n_gpu_layers;
    const int32_t n = sp.n_gpu_layers;
    plan.n_gpu_layers = n;
    plan.gpu_layers = std::min(n, n_layer);
    plan.output_on_gpu = n > n_layer;
    plan.full_offload = n == n_max;
    plan.n_cpu_moe = sp.n_cpu_moe;
    plan.cpu_moe_layers = std::clamp(sp.n_cpu_moe - plan.first_gpu_layer(), 0, plan.gpu_layers);
    const bool moved = plan.cpu_moe_layers > 0 && auto_moe;
    if ((n < want || moved) && req.vram_budget > 0) {
        const uint64_t need = vram_for(fp, Split{want, 0}, gpu_state, scratch).total();
        note += (automatic ? std::string("the whole model") : std::to_string(want) + " layers") + " would need " +
                gib(need) + " of VRAM but " + gib(req.vram_budget) + " is usable, so ";
        if (moved) note += "the experts of " + std::to_string(plan.cpu_moe_layers) + " layers stay in RAM and ";
        note += std::to_string(n) + " of " + std::to_string(n_max) + " layers are offloaded. ";
    }
    plan.vram = vram_for(fp, sp, gpu_state, scratch);
    plan.ram = ram_for(fp, sp, state);
    if (plan.cpu_moe_layers > 0) plan.ram.scratch = host_experts_bytes(fp.hp, req.n_batch);
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

PlanRequest load_plan_request(const LoadOptions & options, int32_t n_ctx, uint64_t vram_budget) {
    PlanRequest req;
    req.n_ctx = n_ctx;
    req.kv_type = options.kv_type;
    req.n_batch = std::max(1, options.n_batch);
    req.n_outputs = kGpuLogitRows;
    req.vram_budget = vram_budget;
    req.n_gpu_layers = options.n_gpu_layers < 0 ? -1 : options.n_gpu_layers;
    req.n_cpu_moe = options.n_cpu_moe < 0 ? -1 : options.n_cpu_moe;
    return req;
}

}  // namespace hearth
