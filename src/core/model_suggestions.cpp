#include "core/model_suggestions.h"

namespace Hearth {

namespace {

constexpr qint64 kMB = 1000 * 1000;

hearth::ModelHparams shape(const char * arch, int layers, int embd, int heads, int kvHeads, int headDim, int ff,
                           int vocab, int ctx) {
    hearth::ModelHparams hp;
    hp.arch = arch;
    hp.n_layer = layers;
    hp.n_embd = embd;
    hp.n_head = heads;
    hp.n_head_kv = kvHeads;
    hp.head_dim = headDim;
    hp.head_dim_v = headDim;
    hp.n_rot = headDim;
    hp.n_ff = ff;
    hp.n_vocab = vocab;
    hp.n_ctx_train = ctx;
    return hp;
}

}  // namespace

QList<ModelSuggestion> curatedSuggestions() {
    // Shapes from each model's config.json; sizes of the files as published on the Hub.
    return {
        {QStringLiteral("Qwen3 0.6B"), QStringLiteral("Qwen/Qwen3-0.6B-GGUF"), QStringLiteral("Qwen3-0.6B-Q8_0.gguf"),
         QStringLiteral("Q8_0"), QStringLiteral("Tiny and quick; thinks before it answers. Runs anywhere."), 600000000,
         639 * kMB, shape("qwen3", 28, 1024, 16, 8, 128, 3072, 151936, 40960), true},
        {QStringLiteral("Llama 3.2 1B Instruct"), QStringLiteral("bartowski/Llama-3.2-1B-Instruct-GGUF"),
         QStringLiteral("Llama-3.2-1B-Instruct-Q4_K_M.gguf"), QStringLiteral("Q4_K_M"),
         QStringLiteral("Meta's smallest chat model: fast everyday answers."), 1240000000, 808 * kMB,
         shape("llama", 16, 2048, 32, 8, 64, 8192, 128256, 131072), true},
        {QStringLiteral("Qwen3 1.7B"), QStringLiteral("Qwen/Qwen3-1.7B-GGUF"), QStringLiteral("Qwen3-1.7B-Q8_0.gguf"),
         QStringLiteral("Q8_0"), QStringLiteral("Small, with a switchable thinking mode."), 1700000000, 1830 * kMB,
         shape("qwen3", 28, 2048, 16, 8, 128, 6144, 151936, 40960), true},
        {QStringLiteral("Llama 3.2 3B Instruct"), QStringLiteral("bartowski/Llama-3.2-3B-Instruct-GGUF"),
         QStringLiteral("Llama-3.2-3B-Instruct-Q4_K_M.gguf"), QStringLiteral("Q4_K_M"),
         QStringLiteral("A capable all-rounder for laptops."), 3210000000, 2020 * kMB,
         shape("llama", 28, 3072, 24, 8, 128, 8192, 128256, 131072), true},
        {QStringLiteral("Qwen3 4B"), QStringLiteral("Qwen/Qwen3-4B-GGUF"), QStringLiteral("Qwen3-4B-Q4_K_M.gguf"),
         QStringLiteral("Q4_K_M"), QStringLiteral("Strong reasoning for its size; good at code."), 4020000000,
         2500 * kMB, shape("qwen3", 36, 2560, 32, 8, 128, 9728, 151936, 40960), true},
        {QStringLiteral("Llama 3.1 8B Instruct"), QStringLiteral("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"),
         QStringLiteral("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"), QStringLiteral("Q4_K_M"),
         QStringLiteral("The classic 8B: needs a GPU or plenty of RAM."), 8030000000, 4920 * kMB,
         shape("llama", 32, 4096, 32, 8, 128, 14336, 128256, 131072), false},
        {QStringLiteral("Qwen3 8B"), QStringLiteral("Qwen/Qwen3-8B-GGUF"), QStringLiteral("Qwen3-8B-Q4_K_M.gguf"),
         QStringLiteral("Q4_K_M"), QStringLiteral("The larger Qwen3 for a machine with a good GPU."), 8190000000,
         5030 * kMB, shape("qwen3", 36, 4096, 32, 8, 128, 12288, 151936, 40960), false},
    };
}

hearth::ModelFootprint suggestionFootprint(const ModelSuggestion & s) {
    hearth::ModelFootprint fp;
    fp.hp = s.hp;
    const double bytesPerWeight = s.parameters > 0 ? double(s.sizeBytes) / double(s.parameters) : 1.0;
    const auto embd = uint64_t(double(s.hp.n_vocab) * double(s.hp.n_embd) * bytesPerWeight);
    fp.embd_bytes = embd;
    fp.output_bytes = embd;
    fp.output_tied = s.tiedOutput;
    const uint64_t size = uint64_t(s.sizeBytes);
    const uint64_t outside = s.tiedOutput ? embd : 2 * embd;  // what the file holds beyond the layers
    const uint64_t layers = size > outside ? size - outside : size / 2;
    fp.layer_bytes.assign(size_t(s.hp.n_layer), layers / uint64_t(qMax(1, s.hp.n_layer)));
    return fp;
}

}  // namespace Hearth
