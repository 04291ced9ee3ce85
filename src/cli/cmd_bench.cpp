// hearth-cli bench: prompt-processing and generation speed, like llama-bench.
//
// pp: N random token ids evaluated as batches from an empty cache.
// tg: N tokens decoded one at a time from an empty cache.
// With -d D (llama-bench's depth) the cache first holds D random tokens,
// evaluated once and kept, so both tests run at a context of D: attention's
// share of the time at long contexts. -d 0,8192,32768 runs the tests at each
// depth over one load and one growing prefix.
// Each figure is the median of REPS runs after one warm-up run of each.
// --json prints one line per depth; its tg entry adds what a decoded token
// reads (every layer's weights, the output, the KV cache: bytes_per_token)
// and the bandwidth that makes (gb_s), the figure tools/gpu-check.sh sets
// against the card's peak.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "args.h"
#include "command.h"
#include "gpu_options.h"
#include "hearth/evaluator.h"
#include "hearth/memory_planner.h"
#include "hearth/model.h"

namespace Hearth::Cli {

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double timePrompt(hearth::Evaluator & ev, const std::vector<int32_t> & ids, int32_t depth) {
    ev.truncate(depth);
    const auto t0 = Clock::now();
    ev.eval(ids.data(), int32_t(ids.size()));
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double timeGeneration(hearth::Evaluator & ev, const std::vector<int32_t> & ids, int32_t depth) {
    ev.truncate(depth);
    const auto t0 = Clock::now();
    for (int32_t id : ids) ev.eval(&id, 1);
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// "0,8192,32768" -> {0, 8192, 32768}, ascending.
std::vector<int32_t> parseDepths(const std::string & text) {
    std::vector<int32_t> depths;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        size_t used = 0;
        long long d = -1;
        try {
            d = std::stoll(item, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != item.size() || d < 0 || d > (1 << 24))
            throw UsageError("-d takes depths such as 8192 or 0,8192,32768");
        depths.push_back(int32_t(d));
        start = comma + 1;
    }
    std::sort(depths.begin(), depths.end());
    depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
    return depths;
}

// What one decoded token reads from memory: every layer's weights and the
// output matrix (the embedding is a row lookup), plus the KV cache of the
// `context` positions before it. Of a MoE layer's expert tensors a token
// reads only its n_expert_used chosen experts. The roofline of decoding
// divides bandwidth by this.
struct DecodeBytes {
    double weights = 0.0;
    double kv_per_position = 0.0;
    double at(double context) const { return weights + kv_per_position * context; }
};

DecodeBytes decodeBytes(const hearth::Model & model) {
    const hearth::ModelFootprint fp = hearth::footprint_from_gguf(model.gguf());
    DecodeBytes b;
    const hearth::ModelHparams & hp = model.hparams();
    const double expert_share = hp.n_expert > 0 ? double(hp.n_expert_used) / double(hp.n_expert) : 1.0;
    for (size_t i = 0; i < fp.layer_bytes.size(); ++i) {
        const double experts = i < fp.layer_expert_bytes.size() ? double(fp.layer_expert_bytes[i]) : 0.0;
        b.weights += double(fp.layer_bytes[i]) - experts + experts * expert_share;
    }
    b.weights += double(fp.output_bytes);
    hearth::PlanRequest req;
    req.n_ctx = model.n_ctx();
    req.kv_type = model.options().kv_type;
    req.n_gpu_layers = 0;
    const hearth::MemoryPlan plan = hearth::plan_memory(fp, req);
    b.kv_per_position = double(plan.ram.kv + plan.vram.kv) / double(model.n_ctx());
    return b;
}

struct DepthResult {
    int32_t depth = 0;
    double pp_tok_s = 0.0, tg_tok_s = 0.0;
};

int runBench(int argc, char ** argv) {
    Args args(argc, argv,
              {{"-m", "--model"},
               {"-p"},
               {"-n"},
               {"-d", "--depth"},
               {"-t", "--threads"},
               {"-r", "--reps"},
               kGpuLayersOption,
               kCpuMoeOption,
               kKvTypeOption,
               kGpuDeviceOption},
              {{"--json"}, {"--mmap"}});
    const int32_t n_pp = int32_t(args.integer("-p", 512));
    const int32_t n_tg = int32_t(args.integer("-n", 128));
    const std::vector<int32_t> depths = parseDepths(args.value("-d", "0"));
    const int32_t max_depth = depths.back();
    const int reps = int(std::max<long long>(1, args.integer("-r", 5)));
    if (n_pp < 0 || n_tg < 0 || n_pp + n_tg == 0) throw UsageError("-p and -n must be >= 0, not both 0");
    const std::string path = args.required("-m");

    hearth::LoadOptions opts;
    opts.n_threads = int32_t(args.integer("-t", 0));
    applyGpuOptions(args, opts);
    opts.copy_weights = !args.flag("--mmap");
    auto probe = hearth::Model::load(path, opts);
    if (int64_t(max_depth) + std::max(n_pp, n_tg) > probe->hparams().n_ctx_train)
        throw UsageError("-d " + std::to_string(max_depth) + " plus the longest test exceeds the model's context of " +
                         std::to_string(probe->hparams().n_ctx_train) + " tokens");
    opts.n_ctx = std::min(probe->hparams().n_ctx_train, max_depth + std::max(n_pp, n_tg));
    probe.reset();
    auto model = hearth::Model::load(path, opts);
    hearth::Evaluator ev(model);
    reportPlacement("bench", args, ev.placement());

    std::mt19937 rng(42);
    std::uniform_int_distribution<int32_t> pick(0, ev.n_vocab() - 1);
    std::vector<int32_t> pp(size_t(std::min(n_pp, ev.n_ctx()))), tg(size_t(std::min(n_tg, ev.n_ctx())));
    std::vector<int32_t> prefix(static_cast<size_t>(max_depth));
    for (int32_t & id : pp) id = pick(rng);
    for (int32_t & id : tg) id = pick(rng);
    for (int32_t & id : prefix) id = pick(rng);

    // Depths in ascending order over one cache: the prefix grows to each in
    // turn (the tests overwrite what lies past the depth, so it is re-fed).
    std::vector<DepthResult> results;
    int32_t have = 0;
    for (const int32_t depth : depths) {
        ev.truncate(have);
        if (depth > have) ev.eval(prefix.data() + have, depth - have);
        have = depth;
        // Every test restarts from the depth: models whose state cannot be
        // rolled back (sliding-window rings, recurrent layers) restore this.
        ev.checkpoint();
        std::vector<double> pp_s, tg_s;
        if (!pp.empty()) timePrompt(ev, pp, depth);
        if (!tg.empty()) timeGeneration(ev, tg, depth);
        for (int r = 0; r < reps; ++r) {
            if (!pp.empty()) pp_s.push_back(pp.size() / timePrompt(ev, pp, depth));
            if (!tg.empty()) tg_s.push_back(tg.size() / timeGeneration(ev, tg, depth));
        }
        results.push_back({depth, pp_s.empty() ? 0.0 : median(pp_s), tg_s.empty() ? 0.0 : median(tg_s)});
    }
    const std::string name = std::filesystem::path(path).filename().string();
    const DecodeBytes bytes = decodeBytes(*model);

    if (args.flag("--json")) {
        // One line per depth.
        for (const DepthResult & r : results) {
            nlohmann::ordered_json j;
            j["model"] = name;
            j["backend"] = ev.backend_name();
            j["threads"] = ev.n_threads();
            j["pp"] = {{"n", pp.size()}, {"tok_s", r.pp_tok_s}};
            const double per_token = bytes.at(double(r.depth) + 0.5 * double(tg.size()));
            j["tg"] = {{"n", tg.size()},
                       {"tok_s", r.tg_tok_s},
                       {"bytes_per_token", per_token},
                       {"gb_s", per_token * r.tg_tok_s / 1e9}};
            if (r.depth > 0 || depths.size() > 1) j["depth"] = r.depth;
            j["placement"] = placementJson(ev);
            std::printf("%s\n", j.dump().c_str());
        }
        return 0;
    }
    const int bw = std::max(7, int(std::string(ev.backend_name()).size()));
    const int tw = int(6 + (max_depth > 0 ? 3 + std::to_string(max_depth).size() : 0));
    std::printf("| %-28s | %-22s | %-*s | %7s | %-*s | %12s |\n", "model", "type", bw, "backend", "threads", tw, "test",
                "t/s");
    const std::string desc = model->description();
    const auto row = [&](const char * test, size_t n, int32_t depth, double tok_s) {
        const std::string label = test + std::to_string(n) + (depth > 0 ? " @ d" + std::to_string(depth) : "");
        std::printf("| %-28s | %-22s | %-*s | %7d | %-*s | %12.2f |\n", name.c_str(), desc.c_str(), bw,
                    ev.backend_name(), ev.n_threads(), tw, label.c_str(), tok_s);
    };
    for (const DepthResult & r : results) {
        if (!pp.empty()) row("pp", pp.size(), r.depth, r.pp_tok_s);
        if (!tg.empty()) row("tg", tg.size(), r.depth, r.tg_tok_s);
    }
    const hearth::Placement & pl = ev.placement();
    std::printf("placement: %d of %d layers on the GPU%s, KV cache %s%s%s\n", pl.plan.n_gpu_layers, pl.plan.n_layer + 1,
                pl.plan.output_on_gpu ? " (output included)" : "", opts.kv_type == hearth::KvType_q8_0 ? "q8_0" : "f16",
                pl.note.empty() ? "" : "; ", pl.note.c_str());
    if (pl.weights_copied > 0)
        std::printf("weights: the CPU's %.2f GiB copied into RAM (--mmap reads them in place)\n",
                    double(pl.weights_copied) / double(1u << 30));
    else
        std::printf("weights: %s\n", pl.weights_note.c_str());
    return 0;
}

const CommandRegistration reg({"bench",
                               "bench -m MODEL [-p 512] [-n 128] [-d DEPTH[,DEPTH...]] [-t THREADS] [-r REPS] "
                               "[--n-gpu-layers N|auto] [--n-cpu-moe N|auto] "
                               "[--kv-type f16|q8_0] [--device INDEX|NAME] [--mmap] [--json]",
                               &runBench});

}  // namespace

}  // namespace Hearth::Cli
