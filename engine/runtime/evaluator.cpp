#include "hearth/evaluator.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cpu/matmul.h"
#include "cpu/ops.h"
#include "cpu/thread_pool.h"
#include "hearth/error.h"
#include "hearth/gpu.h"
#include "hearth/load_plan.h"
#include "model/weights.h"
#include "quant/quant.h"
#include "runtime/cpu_backend.h"
#include "runtime/gpu_backend_factory.h"
#include "runtime/host_experts.h"
#include "runtime/kv_cache.h"
#include "runtime/recurrent_state.h"
#include "runtime/resident_weights.h"

namespace hearth {

namespace {

// An upper bound for the memory estimate; the pool itself picks one thread per
// physical core when asked for 0.
int32_t max_threads(int32_t n) {
    if (n > 0) return n;
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? int32_t(hw) : 1;
}

Placement cpu_placement(const ModelHparams & hp, std::string note) {
    Placement p;
    p.plan.n_layer = hp.n_layer;
    p.backend = "cpu";
    p.note = std::move(note);
    return p;
}

std::string mib(uint64_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

// Attempts with one layer fewer after the GPU runs out of memory at load.
constexpr int kMaxGpuRetries = 4;

std::string gpu_backend_label(const MemoryPlan & plan) {
    std::string label = "cuda (" + std::to_string(plan.gpu_layers) + "/" + std::to_string(plan.n_layer) + " layers";
    if (plan.output_on_gpu) label += " + output";
    if (plan.cpu_moe_layers > 0) label += ", experts of " + std::to_string(plan.cpu_moe_layers) + " on the CPU";
    return label + ")";
}

// The devices placement chooses from: the test's, else the probe's.
GpuProbe gpu_devices(const EvaluatorOptions & o) {
    if (o.gpu_probe) return *o.gpu_probe;
    if (!o.gpu_factory) return probe_gpus();
    GpuProbe one;
    one.built_with_cuda = true;
    GpuDevice d;
    d.name = "test GPU";
    d.vram_free = d.vram_total = size_t(o.gpu_vram_free);
    one.devices.push_back(d);
    return one;
}

// What the CUDA backend cannot run yet, as the placement note's reason, or ""
// when it can run the model.
std::string gpu_unsupported(const ModelHparams & hp) {
    const std::string tail = " is not supported yet";
    // The CUDA backend's layers (cuda_backend.cu enqueue_layer): llama-shaped,
    // qwen3moe, gemma3, gpt-oss, qwen35 and qwen35moe (DeltaNet, gated
    // attention, the shared expert), with RoPE frequency factors and fused
    // projections (split at upload).
    // (The embedding scale, the logit multiplier and the final softcap are the
    // evaluator's, and the score scale is the attention's: all GPU-safe.)
    if (hp.qk_norm_after_rope || !hp.rope_enabled || hp.n_no_rope_layer_step > 0 || hp.attn_q_prescale ||
        hp.residual_scale != 0.0f || hp.attn_temp_scale != 0.0f)
        return "GPU offload of " + hp.arch + "'s attention and scaling variations" + tail;
    return "";
}

// The CPU side of GPU layers whose experts stay in RAM, made once when a
// plan first has such layers (the backend calls it from its first step).
// Its buffers are checked against free RAM first, with what the CPU's layers
// of the plan will allocate after it (throws ErrorCode_resources).
HostExperts * host_experts_for(const MemoryPlan & plan, const Model & model, ThreadPool & pool, int32_t n_batch,
                               std::unique_ptr<CpuHostExperts> & host) {
    if (plan.cpu_moe_layers == 0) return nullptr;
    if (!host) {
        require_ram(model.gguf().path(), model.hparams(), model.options(), model.n_ctx(), pool.size(),
                    plan.first_gpu_layer(), true);
        host = std::make_unique<CpuHostExperts>(model.hparams(), model.weights(), pool, n_batch);
    }
    return host.get();
}

// Plans the split and starts the GPU backend for it, or explains why every
// layer stays on the CPU. Never throws for a missing or too small GPU.
Placement place_layers(const Model & model, int32_t n_batch, const EvaluatorOptions & o, ThreadPool & pool,
                       std::unique_ptr<CpuHostExperts> & host, std::unique_ptr<GpuBackend> & gpu) {
    const ModelHparams & hp = model.hparams();
    const int32_t requested = model.options().n_gpu_layers;
    if (requested == 0) return cpu_placement(hp, "");
    const char * const cpu_tail = "; every layer runs on the CPU";
    if (const std::string why = gpu_unsupported(hp); !why.empty()) return cpu_placement(hp, why + cpu_tail);
    const GpuBackendFactory factory = o.gpu_factory ? o.gpu_factory : default_gpu_backend_factory();
    const GpuProbe probe = gpu_devices(o);
    std::string why;
    const GpuDevice * device = select_gpu(probe, model.options().gpu_device, why);
    if (!factory)
        return cpu_placement(
            hp, probe.reason.empty() ? "this build has no GPU backend; Hearth will use the CPU" : probe.reason);
    if (!device) return cpu_placement(hp, probe.available() ? why + cpu_tail : why);
    // The request every front door's plan of this load makes (hearth/load_plan.h).
    LoadOptions load = model.options();
    load.n_batch = n_batch;
    load.n_gpu_layers = requested;
    PlanRequest req = load_plan_request(load, model.n_ctx(), usable_vram(device->vram_free, device->vram_total));
    Placement p;
    ModelFootprint fp;
    try {
        fp = footprint_from_gguf(model.gguf());
    } catch (const Error & e) {
        return cpu_placement(hp, std::string("the GPU placement could not be planned (") + e.what() + ")" + cpu_tail);
    }
    p.plan = plan_memory(fp, req);
    p.note = p.plan.note;
    // The plan counts what Hearth allocates; the driver and cuBLAS take a
    // little more, so an allocation can still fail: then fewer layers.
    for (int attempt = 0;; ++attempt) {
        if (p.plan.n_gpu_layers == 0) {
            p.backend = "cpu";
            return p;
        }
        GpuBackendConfig config;
        config.hp = &hp;
        config.weights = &model.weights();
        config.first_layer = p.plan.first_gpu_layer();
        config.n_cpu_moe = p.plan.n_cpu_moe;
        config.host_experts = host_experts_for(p.plan, model, pool, n_batch, host);
        config.output_on_gpu = p.plan.output_on_gpu;
        config.n_ctx = model.n_ctx();
        config.kv_type = req.kv_type;
        config.n_batch = n_batch;
        config.device = device->index;
        config.warm_up = o.gpu_warm_up;
        try {
            gpu = factory(config);
            p.backend = gpu_backend_label(p.plan);
            return p;
        } catch (const Error & e) {
            gpu.reset();
            const int32_t tried = p.plan.n_gpu_layers;
            if (e.code() != ErrorCode_resources || attempt >= kMaxGpuRetries)
                return cpu_placement(
                    hp, "the GPU could not take " + std::to_string(tried) + " layers (" + e.what() + ")" + cpu_tail);
            req.n_gpu_layers = tried - 1;
            p.plan = plan_memory(fp, req);
            p.note = "the GPU ran out of memory with " + std::to_string(tried) + " layers (" + e.what() + "), so " +
                     (p.plan.n_gpu_layers > 0 ? std::to_string(p.plan.n_gpu_layers) + " are offloaded"
                                              : std::string("every layer runs on the CPU"));
        }
    }
}

// Layers [0, n) that run on the CPU. When a GPU may take layers, Model::load
// checked only the scratch against free RAM; the KV cache of the CPU layers is
// checked here, once the split is known (the GPU layers' cache is in VRAM).
int32_t checked_cpu_layers(const Model & model, const GpuBackend * gpu, int32_t n_threads) {
    const int32_t n = gpu ? gpu->first_layer() : model.hparams().n_layer;
    if (model.options().n_gpu_layers != 0)
        require_ram(model.gguf().path(), model.hparams(), model.options(), model.n_ctx(), n_threads, n);
    return n;
}

// What the CPU's layers and output read, and the RAM the rest of the
// evaluator takes, for the choice to copy them out of the mapping.
ResidentWeights::Request resident_request(const Model & model, const GpuBackend * gpu, int32_t n_cpu_layers,
                                          int32_t n_threads) {
    ResidentWeights::Request r;
    r.n_cpu_layers = n_cpu_layers;
    r.output_on_cpu = !gpu || !gpu->output_on_gpu();
    r.allowed = model.options().copy_weights && !model.options().mlock;
    r.other_bytes = evaluator_memory_bytes(model.hparams(), model.options(), model.n_ctx(), n_threads, n_cpu_layers);
    r.available_bytes = std::min(available_ram_bytes(), cgroup_memory_left());
    return r;
}

}  // namespace

struct Evaluator::Impl {
    std::shared_ptr<const Model> model;
    const ModelHparams & hp;
    const ModelWeights & w;
    int32_t n_batch;
    ThreadPool pool;
    std::unique_ptr<CpuHostExperts> host_experts;  // the experts the GPU's layers keep in RAM, if any
    std::unique_ptr<GpuBackend> gpu;               // layers [first_gpu, n_layer), or none
    Placement placement;
    int32_t first_gpu;
    KvCache kv;                // the CPU's layers [0, first_gpu) only
    RecurrentState rec;        // their DeltaNet states, if any
    ResidentWeights resident;  // the weights the CPU reads: copied into RAM, or the mapping
    CpuBackend cpu;
    std::vector<float> hidden;  // [n_batch, n_embd]
    std::vector<float> normed;  // [n_batch, n_embd]
    std::vector<float> logits;  // [n_batch, n_vocab]
    std::vector<float> last;    // [n_vocab]
    std::vector<uint8_t> mm_scratch;
    int32_t n_past = 0;

    Impl(std::shared_ptr<const Model> m, int32_t n_threads, const EvaluatorOptions & o)
        : model(std::move(m)),
          hp(model->hparams()),
          w(model->weights()),
          n_batch(std::max(1, model->options().n_batch)),
          pool(n_threads),
          placement(place_layers(*model, n_batch, o, pool, host_experts, gpu)),
          first_gpu(checked_cpu_layers(*model, gpu.get(), n_threads)),
          kv(hp, model->n_ctx(), model->options().kv_type, first_gpu, n_batch),
          rec(hp, first_gpu),
          resident(w, resident_request(*model, gpu.get(), first_gpu, n_threads), pool),
          cpu(hp, resident.weights(), kv, rec, pool, n_batch) {
        placement.weights_copied = resident.copied_bytes();
        placement.weights_note = resident.note();
        hidden.resize(size_t(n_batch) * size_t(hp.n_embd));
        normed.resize(size_t(n_batch) * size_t(hp.n_embd));
        logits.resize(size_t(n_batch) * size_t(hp.n_vocab));
        last.resize(size_t(hp.n_vocab));
        if (!gpu || !gpu->output_on_gpu())
            mm_scratch.resize(matmul_scratch_bytes(w.output.type, w.output.n_in, n_batch));
    }

    void embed(const int32_t * ids, int32_t n) {
        const size_t row_bytes = tensor_row_bytes(w.token_embd.type, hp.n_embd);
        const uint8_t * base = static_cast<const uint8_t *>(w.token_embd.data);
        for (int32_t t = 0; t < n; ++t)
            dequantize_row(w.token_embd.type, base + size_t(ids[t]) * row_bytes, hidden.data() + size_t(t) * hp.n_embd,
                           hp.n_embd);
        if (hp.embd_scale != 0.0f)
            for (size_t i = 0; i < size_t(n) * size_t(hp.n_embd); ++i) hidden[i] *= hp.embd_scale;
    }

    void check_gpu() const {
        if (gpu && !gpu->error().empty())
            throw Error(ErrorCode_device, "the GPU failed during evaluation: " + gpu->error());
    }

    // One batch of at most n_batch tokens. `rows_out`: where all logits go, or nullptr.
    void run_batch(const int32_t * ids, int32_t n, float * rows_out) {
        check_gpu();
        embed(ids, n);
        cpu.run_layers(0, first_gpu, hidden.data(), n, n_past);
        // Only the rows whose logits are wanted go through the output matrix.
        const int32_t first = rows_out ? 0 : n - 1;
        const int32_t rows = n - first;
        float * out = rows_out ? rows_out : logits.data();
        if (gpu) {
            const bool gpu_logits = gpu->output_on_gpu();
            gpu->forward(hidden.data(), n, n_past, first, gpu_logits ? out : nullptr);
            check_gpu();
            if (!gpu_logits) cpu_output(first, rows, out);
        } else {
            cpu_output(first, rows, out);
        }
        if (hp.logit_multiplier != 0.0f) scale_in_place(out, int64_t(rows) * hp.n_vocab, hp.logit_multiplier);
        if (hp.final_logit_softcap != 0.0f) softcap_in_place(out, int64_t(rows) * hp.n_vocab, hp.final_logit_softcap);
        std::memcpy(last.data(), out + size_t(rows - 1) * hp.n_vocab, sizeof(float) * size_t(hp.n_vocab));
        n_past += n;
    }

    void cpu_output(int32_t first, int32_t rows, float * out) {
        rmsnorm_rows(hidden.data() + size_t(first) * hp.n_embd, w.output_norm, normed.data(), rows, hp.n_embd,
                     hp.rms_eps);
        matmul(resident.weights().output, normed.data(), rows, out, mm_scratch.data(), pool);
    }

    // State a KV cache alone cannot roll back (sliding-window rings,
    // recurrent states), saved at one position so that a later prompt sharing
    // that prefix need not be evaluated from the start.
    struct Checkpoint {
        int32_t pos = -1;
        std::vector<uint8_t> rings;
        std::vector<float> rec;
        std::vector<uint8_t> gpu_rec;
    } ckpt;

    // The GPU's DeltaNet layers keep their state on the device: a checkpoint
    // copies it too (gpu_rec), in RecurrentState's layout for those layers.
    size_t gpu_rec_bytes() const { return gpu ? gpu->recurrent_bytes() : 0; }
    bool recurrent() const { return !rec.empty() || gpu_rec_bytes() > 0; }
    bool rewindable() const { return !kv.has_rings() && !recurrent(); }

    void save_checkpoint() {
        if (rewindable()) return;
        ckpt.pos = n_past;
        ckpt.rings.resize(kv.ring_bytes());
        kv.save_rings(ckpt.rings.data());
        ckpt.rec.resize(rec.bytes() / sizeof(float));
        rec.save(ckpt.rec.data());
        ckpt.gpu_rec.resize(gpu_rec_bytes());
        if (gpu) gpu->save_recurrent(ckpt.gpu_rec.data());
    }

    int32_t rewind(int32_t n) {
        if (n == n_past || rewindable() || (!recurrent() && kv.can_rewind(n_past, n, hp.n_swa))) {
            n_past = n;
        } else if (ckpt.pos >= 0 && ckpt.pos <= n) {
            kv.load_rings(ckpt.rings.data());
            rec.load(ckpt.rec.data());
            if (gpu) gpu->load_recurrent(ckpt.gpu_rec.data());
            n_past = ckpt.pos;
        } else {
            rec.reset();
            if (gpu) gpu->reset_recurrent();
            n_past = 0;
        }
        // Positions below the checkpoint will be overwritten: it no longer describes them.
        if (n_past < ckpt.pos) ckpt.pos = -1;
        return n_past;
    }
};

Evaluator::Evaluator(std::shared_ptr<const Model> model, int32_t n_threads) {
    const int32_t nt = n_threads > 0 ? n_threads : model->options().n_threads;
    m_impl = std::make_unique<Impl>(std::move(model), nt, EvaluatorOptions{});
}

Evaluator::Evaluator(std::shared_ptr<const Model> model, const EvaluatorOptions & options) {
    const int32_t nt = options.n_threads > 0 ? options.n_threads : model->options().n_threads;
    m_impl = std::make_unique<Impl>(std::move(model), nt, options);
}

Evaluator::~Evaluator() = default;

const Model & Evaluator::model() const {
    return *m_impl->model;
}
int32_t Evaluator::n_ctx() const {
    return m_impl->kv.n_ctx();
}
int32_t Evaluator::n_past() const {
    return m_impl->n_past;
}
int32_t Evaluator::n_vocab() const {
    return m_impl->hp.n_vocab;
}
int32_t Evaluator::n_threads() const {
    return m_impl->pool.size();
}
const char * Evaluator::backend_name() const {
    return m_impl->placement.backend.c_str();
}
const Placement & Evaluator::placement() const {
    return m_impl->placement;
}
const float * Evaluator::last_logits() const {
    return m_impl->last.data();
}

int32_t Evaluator::truncate(int32_t n) {
    HEARTH_ASSERT(n >= 0 && n <= m_impl->n_past);
    return m_impl->rewind(n);
}

bool Evaluator::rewinds_exactly() const {
    return m_impl->rewindable();
}

void Evaluator::checkpoint() {
    m_impl->save_checkpoint();
}

bool Evaluator::eval(const int32_t * ids, int32_t n, float * all_logits, const std::atomic<bool> * cancel) {
    Impl & d = *m_impl;
    if (n <= 0) throw Error(ErrorCode_invalid_argument, "nothing to evaluate: the token list is empty");
    for (int32_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= d.hp.n_vocab)
            throw Error(ErrorCode_invalid_argument, "token id " + std::to_string(ids[i]) + " at index " +
                                                        std::to_string(i) + " is out of range (vocabulary of " +
                                                        std::to_string(d.hp.n_vocab) + ")");
    if (int64_t(d.n_past) + n > d.kv.n_ctx())
        throw Error(ErrorCode_context, "context full: " + std::to_string(d.n_past) + " tokens in the cache + " +
                                           std::to_string(n) + " new exceed the context of " +
                                           std::to_string(d.kv.n_ctx()));
    for (int32_t done = 0; done < n; done += d.n_batch) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return false;
        const int32_t chunk = std::min(d.n_batch, n - done);
        d.run_batch(ids + done, chunk, all_logits ? all_logits + size_t(done) * size_t(d.hp.n_vocab) : nullptr);
    }
    return true;
}

size_t evaluator_memory_bytes(const ModelHparams & hp, const LoadOptions & options, int32_t n_ctx, int32_t n_threads,
                              int32_t n_cpu_layers, bool host_experts) {
    const int32_t n_batch = std::max(1, options.n_batch);
    const int32_t nt = max_threads(n_threads);
    size_t floats = CpuBackend::scratch_floats(hp, n_batch, nt);
    floats += size_t(n_batch) * (2 * size_t(hp.n_embd) + size_t(hp.n_vocab)) + size_t(hp.n_vocab);
    const size_t mm = matmul_scratch_bound(hp, n_batch);
    const int32_t cpu_layers = n_cpu_layers < 0 ? hp.n_layer : std::min(n_cpu_layers, hp.n_layer);
    // A checkpoint may copy the recurrent state and the rings once more.
    const size_t rec = RecurrentState::bytes_needed(hp, cpu_layers);
    const size_t experts = host_experts && hp.is_moe() ? host_experts_bytes(hp, n_batch) : 0;
    return KvCache::bytes_needed(hp, n_ctx, options.kv_type, cpu_layers, n_batch) + 2 * rec + floats * sizeof(float) +
           mm + experts;
}

void require_ram(const std::string & path, const ModelHparams & hp, const LoadOptions & options, int32_t n_ctx,
                 int32_t n_threads, int32_t n_cpu_layers, bool host_experts) {
    const uint64_t need = evaluator_memory_bytes(hp, options, n_ctx, n_threads, n_cpu_layers, host_experts);
    const uint64_t avail = available_ram_bytes();
    if (avail != 0 && need > avail)
        throw Error(ErrorCode_resources, path + ": not enough memory: a context of " + std::to_string(n_ctx) +
                                             " tokens needs " + mib(need) + " (KV cache and scratch) but only " +
                                             mib(avail) + " is available; use a smaller context");
}

uint64_t available_ram_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream ss(line.substr(13));
            uint64_t kb = 0;
            ss >> kb;
            return kb * 1024;
        }
    }
    return 0;
}

}  // namespace hearth
