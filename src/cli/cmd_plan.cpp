// hearth-cli plan: "will this model fit my card?" — the GPU placement and the
// memory breakdown, from the GGUF header and tensor infos alone (no weights
// are read, so it is instant even for a 20 GB file).
#include <QString>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "args.h"
#include "command.h"
#include "core/hub_client.h"
#include "core/model_footprint.h"
#include "hearth/chat_setup.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/gpu.h"
#include "hearth/load_plan.h"
#include "hearth/memory_planner.h"

namespace Hearth::Cli {

namespace {

std::string gib(uint64_t bytes) {
    char buf[32];
    if (bytes >= (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(1ull << 30));
    else if (bytes >= (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.2f MiB", double(bytes) / double(1ull << 20));
    else
        std::snprintf(buf, sizeof buf, "%.1f KiB", double(bytes) / 1024.0);
    return buf;
}

std::string oneLine(std::string s) {
    for (char & c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

struct Budget {
    uint64_t usable = 0;
    std::string source;  // a sentence for the text output
};

// The planner's one headroom rule (usable_vram) on a card size the user gave,
// or on the free VRAM of the probed GPU --device names (the first by default).
Budget vramBudget(const Args & args) {
    Budget b;
    if (const auto v = args.value("--vram")) {
        uint64_t card = 0;
        if (!hearth::parse_byte_size(*v, card))
            throw UsageError("--vram expects a size such as 24GiB, 24GB, 24000MiB or a byte count, not '" + *v + "'");
        b.usable = hearth::usable_vram_of_card(card);
        b.source = gib(card) + " card less " + gib(hearth::kVramReservedBytes) + " for the driver and desktop and " +
                   gib(hearth::vram_headroom(card)) + " of headroom";
        return b;
    }
    const hearth::GpuProbe probe = hearth::probe_gpus();
    std::string why;
    const hearth::GpuDevice * d = hearth::select_gpu(probe, args.value("--device", ""), why);
    if (d == nullptr) {
        b.source = "no GPU: " + why;
        return b;
    }
    b.usable = hearth::usable_vram(d->vram_free, d->vram_total);
    b.source = "free on GPU " + std::to_string(d->index) + " (" + d->name + ") less " +
               gib(hearth::vram_headroom(d->vram_total)) + " of headroom";
    return b;
}

// The request `run` would plan its load with (load_plan_request), from the options.
hearth::PlanRequest parseRequest(const Args & args, const hearth::ModelFootprint & fp) {
    hearth::LoadOptions load;
    const long long ctx = args.integer("--ctx", 0);
    if (ctx < 0 || ctx > (1 << 24)) throw UsageError("--ctx must be between 1 and 16777216");
    const std::string kv = args.value("--kv-type", "f16");
    if (kv != "f16" && kv != "q8_0") throw UsageError("--kv-type must be f16 or q8_0");
    load.kv_type = kv == "q8_0" ? hearth::KvType_q8_0 : hearth::KvType_f16;
    const long long batch = args.integer("--n-batch", 512);
    if (batch < 1 || batch > 65536) throw UsageError("--n-batch must be between 1 and 65536");
    load.n_batch = int32_t(batch);
    const std::string ngl = args.value("--n-gpu-layers", "auto");
    if (ngl == "auto") {
        load.n_gpu_layers = -1;
    } else {
        const long long n = args.integer("--n-gpu-layers", -1);
        if (n < 0 || n > 1000000) throw UsageError("--n-gpu-layers must be auto or a count >= 0");
        load.n_gpu_layers = int32_t(n);
    }
    const std::string cmoe = args.value("--n-cpu-moe", "auto");
    if (cmoe != "auto") {
        const long long n = args.integer("--n-cpu-moe", -1);
        if (n < 0 || n > 1000000) throw UsageError("--n-cpu-moe must be auto or a count >= 0");
        load.n_cpu_moe = int32_t(n);
    }
    // 0: what `run` picks by default (choose_context_size). The budget is set by the caller.
    return hearth::load_plan_request(load, hearth::choose_context_size(fp.hp.n_ctx_train, int32_t(ctx)), 0);
}

void printJson(const hearth::MemoryPlan & p, const hearth::PlanRequest & req) {
    nlohmann::ordered_json j = {
        {"n_layer", p.n_layer},
        {"n_gpu_layers", p.n_gpu_layers},
        {"output_on_gpu", p.output_on_gpu},
        {"n_cpu_moe", p.n_cpu_moe},
        {"cpu_moe_layers", p.cpu_moe_layers},
        {"vram_bytes",
         {{"weights", p.vram.weights}, {"kv", p.vram.kv}, {"scratch", p.vram.scratch}, {"total", p.vram.total()}}},
        {"ram_bytes", p.ram.total()},
        {"vram_budget", p.vram_budget},
        {"n_ctx", req.n_ctx},
        {"kv_type", req.kv_type == hearth::KvType_q8_0 ? "q8_0" : "f16"},
        {"note", p.note},
    };
    std::printf("%s\n", j.dump().c_str());
}

void printText(const hearth::ModelFootprint & fp, const hearth::MemoryPlan & p, const hearth::PlanRequest & req,
               const Budget & budget) {
    const hearth::ModelHparams & hp = fp.hp;
    std::printf("model:     %s, %d layers, n_embd %d, %d/%d heads, head_dim %d, n_ff %d, vocab %d\n", hp.arch.c_str(),
                hp.n_layer, hp.n_embd, hp.n_head, hp.n_head_kv, hp.head_dim, hp.n_ff, hp.n_vocab);
    std::printf("context:   %d tokens, KV cache %s\n", req.n_ctx, req.kv_type == hearth::KvType_q8_0 ? "q8_0" : "f16");
    std::printf("VRAM:      %s usable (%s)\n", gib(p.vram_budget).c_str(), budget.source.c_str());
    if (p.n_gpu_layers == 0)
        std::printf("placement: CPU only\n");
    else
        std::printf("placement: --n-gpu-layers %d of %d: layers %d-%d%s on the GPU%s\n", p.n_gpu_layers, p.n_layer + 1,
                    p.first_gpu_layer(), p.n_layer - 1, p.output_on_gpu ? " + output" : "",
                    p.full_offload ? " (full offload)" : "");
    if (p.cpu_moe_layers > 0) std::printf("experts:   experts of %d layers on the CPU\n", p.cpu_moe_layers);
    std::printf("GPU:       weights %s + KV %s + scratch %s = %s\n", gib(p.vram.weights).c_str(),
                gib(p.vram.kv).c_str(), gib(p.vram.scratch).c_str(), gib(p.vram.total()).c_str());
    std::printf("CPU RAM:   weights %s + KV %s%s = %s\n", gib(p.ram.weights).c_str(), gib(p.ram.kv).c_str(),
                p.ram.scratch > 0 ? (" + host experts' buffers " + gib(p.ram.scratch)).c_str() : "",
                gib(p.ram.total()).c_str());
    if (!p.note.empty()) std::printf("note:      %s\n", p.note.c_str());
}

int runPlan(int argc, char ** argv) {
    Args args(argc, argv,
              {{"-m", "--model"},
               {"--url"},
               {"--vram"},
               {"--ctx", "-c"},
               {"--kv-type"},
               {"--n-gpu-layers", "-ngl"},
               {"--n-cpu-moe", "-ncmoe"},
               {"--n-batch", "-b"},
               {"--device", "--main-gpu", "-mg"},
               {"--fetch-bytes"}},
              {{"--json"}});
    if (!args.positional().empty()) throw UsageError("unexpected argument " + args.positional().front());
    const auto path = args.value("-m");
    const auto url = args.value("--url");
    if (bool(path) == bool(url)) throw UsageError("give one of -m MODEL.gguf or --url URL");
    // The first Range request's size; tests make it small to exercise the growth.
    const long long fetchBytes = args.integer("--fetch-bytes", 4ll << 20);
    if (fetchBytes < 64 || fetchBytes > (512ll << 20)) throw UsageError("--fetch-bytes must be in [64, 512 MiB]");
    const Budget budget = vramBudget(args);
    try {
        // The token (HF_TOKEN) goes along for a gated repo, to the Hub's host only.
        const hearth::GgufFile file =
            path ? hearth::GgufFile::open(*path)
                 : openRemoteGguf(QString::fromStdString(*url), HubClient().httpOptions(), size_t(fetchBytes));
        const hearth::ModelFootprint fp = hearth::footprint_from_gguf(file);
        hearth::PlanRequest req = parseRequest(args, fp);
        req.vram_budget = budget.usable;
        hearth::MemoryPlan plan = hearth::plan_memory(fp, req);
        if (budget.usable == 0 && !args.value("--vram")) plan.note = budget.source;
        if (args.flag("--json"))
            printJson(plan, req);
        else
            printText(fp, plan, req, budget);
    } catch (const hearth::Error & e) {
        std::fprintf(stderr, "hearth-cli plan: error: %s\n", oneLine(e.what()).c_str());
        return 1;
    }
    return 0;
}

const CommandRegistration kRegistration(
    {"plan",
     "plan (-m MODEL.gguf | --url URL) [--vram 24GiB | --device INDEX|NAME] [--ctx N] [--kv-type f16|q8_0] "
     "[--n-gpu-layers N|auto] [--n-cpu-moe N|auto] [--n-batch N] [--json]",
     runPlan});

}  // namespace

}  // namespace Hearth::Cli
