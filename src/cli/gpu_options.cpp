#include "gpu_options.h"

#include <cstdio>

namespace Hearth::Cli {

namespace {

// "auto" (-1) or a count in [0, 100000] for `option`.
int32_t countOrAuto(const Args & args, const std::string & option, const std::string & fallback) {
    const std::string text = args.value(option, fallback);
    if (text == "auto" || text == "all") return -1;
    size_t used = 0;
    long long n = -1;
    try {
        n = std::stoll(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used != text.size() || n < 0 || n > 100000)
        throw UsageError(option + " takes a layer count or 'auto', not '" + text + "'");
    return int32_t(n);
}

}  // namespace

void applyGpuOptions(const Args & args, hearth::LoadOptions & opts) {
    opts.n_gpu_layers = countOrAuto(args, "--n-gpu-layers", "auto");
    opts.n_cpu_moe = countOrAuto(args, "--n-cpu-moe", "auto");
    const std::string kv = args.value("--kv-type", "f16");
    if (kv == "f16")
        opts.kv_type = hearth::KvType_f16;
    else if (kv == "q8_0")
        opts.kv_type = hearth::KvType_q8_0;
    else
        throw UsageError("--kv-type takes f16 or q8_0, not '" + kv + "'");
    opts.gpu_device = args.value("--device", "");
    if (opts.gpu_device.size() > 256) throw UsageError("--device takes a GPU index or part of its name");
}

void reportPlacement(const char * command, const Args & args, const hearth::Placement & p) {
    if (p.plan.n_gpu_layers > 0) std::fprintf(stderr, "hearth-cli %s: backend %s\n", command, p.backend.c_str());
    const bool asked = args.value("--n-gpu-layers").has_value();
    if (!p.note.empty() && (asked || p.plan.n_gpu_layers > 0))
        std::fprintf(stderr, "hearth-cli %s: %s\n", command, p.note.c_str());
}

nlohmann::ordered_json placementJson(const hearth::Evaluator & ev) {
    const hearth::Placement & p = ev.placement();
    nlohmann::ordered_json j;
    j["n_layer"] = p.plan.n_layer;
    j["n_gpu_layers"] = p.plan.n_gpu_layers;
    j["output_on_gpu"] = p.plan.output_on_gpu;
    j["cpu_moe_layers"] = p.plan.cpu_moe_layers;
    j["kv_type"] = ev.model().options().kv_type == hearth::KvType_q8_0 ? "q8_0" : "f16";
    j["vram_bytes"] = p.plan.vram.total();
    j["note"] = p.note;
    j["weights_copied"] = p.weights_copied;
    if (!p.weights_note.empty()) j["weights_note"] = p.weights_note;
    return j;
}

}  // namespace Hearth::Cli
