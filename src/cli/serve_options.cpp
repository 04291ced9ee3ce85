#include "serve_options.h"

#include <cstdlib>
#include <sstream>

#include "args.h"
#include "gpu_options.h"
#include "server/request_checks.h"

namespace Hearth::Cli {

namespace {

std::vector<std::string> splitList(const std::string & v) {
    std::vector<std::string> out;
    std::stringstream ss(v);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// llama-server's -fa was a bare flag and is now `-fa on|off|auto`: both
// forms become --flash-attn=VALUE, which Args reads as an ordinary value.
std::vector<std::string> normalizeFlashAttn(int argc, char ** argv) {
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a != "-fa" && a != "--flash-attn") {
            out.push_back(a);
            continue;
        }
        const std::string next = i + 1 < argc ? argv[i + 1] : "";
        if (next == "on" || next == "off" || next == "auto" || next == "1" || next == "0" || next == "true" ||
            next == "false") {
            out.push_back("--flash-attn=" + next);
            ++i;
        } else {
            out.push_back("--flash-attn=on");
        }
    }
    return out;
}

hearth::KvType kvType(const std::string & flag, const std::string & value) {
    if (value == "f16") return hearth::KvType_f16;
    if (value == "q8_0") return hearth::KvType_q8_0;
    throw UsageError(flag + " takes f16 or q8_0 (the KV cache types Hearth has), not '" + value + "'");
}

}  // namespace

ServeOptions parseServeOptions(int argc, char ** argv) {
    std::vector<std::string> words = normalizeFlashAttn(argc, argv);
    std::vector<char *> ptrs;
    for (std::string & w : words) ptrs.push_back(w.data());
    const Args args(int(ptrs.size()), ptrs.data(),
                    {{"-m", "--model"},
                     {"--host"},
                     {"--port"},
                     {"--ctx", "-c", "--ctx-size"},
                     kGpuLayersOption,
                     kCpuMoeOption,
                     kGpuDeviceOption,
                     {"--kv-type", "--cache-type-k", "-ctk"},
                     {"--cache-type-v", "-ctv"},
                     {"--flash-attn"},
                     {"--alias", "-a"},
                     {"--n-predict", "-n", "--predict"},
                     {"--parallel", "-np"},
                     {"--api-key"},
                     {"--chat-template-file"},
                     {"--cors"},
                     {"--threads", "-t"},
                     {"--max-body"},
                     {"--max-pending"},
                     {"--models-dir"}},
                    {{"--help", "-h"}, {"--mlock"}, {"--mmap"}, {"--jinja"}});
    ServeOptions o;
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional().front() + "'");
    if (args.flag("--help")) {
        o.help = true;
        return o;
    }
    o.modelPath = args.required("-m");

    Server::ServerConfig & c = o.config;
    c.host = args.value("--host", "127.0.0.1");
    if (c.host.empty()) throw UsageError("--host needs an address: 127.0.0.1 (this machine only), 0.0.0.0 (all)...");
    const long long port = args.integer("--port", 8000);
    if (port < 0 || port > 65535) throw UsageError("--port must be from 0 to 65535");
    c.port = int(port);
    c.apiKey = args.value("--api-key", "");
    if (c.apiKey.empty())
        if (const char * env = std::getenv("HEARTH_API_KEY")) c.apiKey = env;
    c.corsOrigins = splitList(args.value("--cors", ""));
    const long long maxBody = args.integer("--max-body", (long long)c.maxBodyBytes);
    if (maxBody < 1024) throw UsageError("--max-body must be at least 1024 bytes");
    c.maxBodyBytes = size_t(maxBody);
    const long long maxPending = args.integer("--max-pending", c.maxPending);
    if (maxPending < 1 || maxPending > 4096) throw UsageError("--max-pending must be from 1 to 4096");
    c.maxPending = int(maxPending);
    c.threads = c.maxPending + 8;
    const long long nPredict = args.integer("--n-predict", -1);
    if (nPredict == 0 || nPredict < -1 || nPredict > (1 << 30))
        throw UsageError("--n-predict takes a token count, or -1 for no limit");
    c.nPredict = int32_t(nPredict);

    const long long ctx = args.integer("--ctx", 0);
    if (ctx < 0 || ctx > (1 << 24)) throw UsageError("--ctx takes a token count (0: the model's, at most 4096)");
    o.load.n_ctx = int32_t(ctx);
    o.load.n_threads = int32_t(args.integer("--threads", 0));
    o.load.mlock = args.flag("--mlock");
    o.load.copy_weights = !args.flag("--mmap");
    applyGpuOptions(args, o.load);  // --n-gpu-layers (default auto), --device, --kv-type / --cache-type-k
    o.load.kv_type = kvType("--cache-type-k", args.value("--kv-type", "f16"));
    if (const auto v = args.value("--cache-type-v"); v && kvType("--cache-type-v", *v) != o.load.kv_type)
        throw UsageError("--cache-type-v " + *v + " differs from --cache-type-k " + args.value("--kv-type", "f16") +
                         ": Hearth's KV cache keeps K and V in one type, so the two must match");

    const std::string fa = args.value("--flash-attn", "auto");
    if (fa == "off" || fa == "0" || fa == "false")
        o.notes.push_back("-fa off is ignored: Hearth's attention is always the fused (flash-attention) kind");
    else if (fa != "on" && fa != "auto" && fa != "1" && fa != "true")
        throw UsageError("--flash-attn takes on, off or auto, not '" + fa + "'");

    o.engine.templateFile = args.value("--chat-template-file", "");
    o.engine.alias = args.value("--alias", "");
    const long long parallel = args.integer("--parallel", 1);
    if (parallel < 1 || parallel > 64) throw UsageError("--parallel takes 1 to 64 sequences");
    o.engine.parallel = int(parallel);
    o.modelsDir = args.value("--models-dir", "");
    return o;
}

const char * serveHelp() {
    return "usage: hearth-cli serve -m MODEL.gguf [options]\n"
           "\n"
           "A local OpenAI-compatible server (/v1/chat/completions, /v1/completions, /v1/models,\n"
           "/health, /props). llama-server's spellings are accepted with the same meaning.\n"
           "\n"
           "  -m, --model FILE             the GGUF model to serve\n"
           "  -a, --alias NAME             the model's name in /v1/models and requests (default: the file name)\n"
           "      --host ADDR              address to listen on (default 127.0.0.1: this machine only)\n"
           "      --port N                 port (default 8000; 0: any free port)\n"
           "  -c, --ctx, --ctx-size N      context in tokens (default: the model's, at most 4096;\n"
           "                               larger than the model's training context warns)\n"
           "  -ngl, --n-gpu-layers N|auto  layers on the GPU (default auto: as many as fit)\n"
           "  -ncmoe, --n-cpu-moe N|auto   MoE: the experts of the first N layers stay in RAM\n"
           "                               (default auto: only when the model does not fit)\n"
           "  -mg, --main-gpu, --device INDEX|NAME\n"
           "                               the GPU to use: its index or part of its name\n"
           "                               (default: the first; hearth-cli devices lists them)\n"
           "  -ctk, --cache-type-k, --kv-type f16|q8_0\n"
           "                               KV cache type (default f16)\n"
           "  -ctv, --cache-type-v f16|q8_0\n"
           "                               must match the K type: Hearth keeps K and V in one type\n"
           "  -fa, --flash-attn [on|off|auto]\n"
           "                               accepted; Hearth's attention is always fused\n"
           "      --mlock                  lock the weights in RAM (warns if RLIMIT_MEMLOCK is too low)\n"
           "      --mmap                   read the weights in place from the file mapping (by default the\n"
           "                               CPU's are copied into RAM when they fit: faster decode)\n"
           "  -n, --n-predict N            most tokens per reply (default -1: until the context is full)\n"
           "  -np, --parallel N            sequences served at once, each with its own KV cache (default 1)\n"
           "      --jinja                  accepted: chat templates are always Jinja\n"
           "      --chat-template-file F   a chat template to use instead of the model's\n"
           "  -t, --threads N              CPU threads per sequence (default: one per physical core)\n"
           "      --api-key KEY            require 'Authorization: Bearer KEY' (or HEARTH_API_KEY)\n"
           "      --cors ORIGIN,...|*      origins browsers may call from\n"
           "      --max-body BYTES         largest request body (default 16 MiB)\n"
           "      --max-pending N          requests queued or running at once; more get 503 (default 64)\n"
           "      --models-dir DIR[:DIR]   folders whose models /v1/models lists as not loaded\n"
           "  -h, --help                   this text\n";
}

}  // namespace Hearth::Cli
