// hearth-cli make-synthetic (developer command): writes a GGUF of a realistic
// shape with random weights, for speed comparisons with llama.cpp on files
// both engines load (docs/benchmarks.md). See synthetic_model.h.
//
// Every 2-D weight is quantized to --type with Hearth's own quantizers (like
// llama-quantize --pure) unless --output-type, --embd-type or --expert-type
// say otherwise, or --mix q4_k_m|iq4_xs|q8_0 picks each weight's type as
// llama-quantize's mixtures do (synthetic_mix.h); norms are F32 ones, biases and routers small F32 values. The
// tokenizer metadata (tokenizer.*) is copied from --vocab, a GGUF holding a
// vocabulary such as llama.cpp's models/ggml-vocab-llama-spm.gguf; n_vocab is
// its token count; without --vocab, --n-vocab N makes a plain
// SentencePiece-style vocabulary. Weights are uniform in +-sqrt(3 / n_in),
// generated from --seed, so the activations stay in a sane range. --fast draws
// rows from a pool quantized once per row length: a 17.7 GB QwQ-32B in IQ4_XS
// takes seconds (tools/gpu-check.sh makes its models this way).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "args.h"
#include "command.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/quantize_weights.h"
#include "hearth/tensor_type.h"
#include "synthetic_model.h"

namespace Hearth::Cli {

namespace {

hearth::TensorType parseType(const Args & args, const char * option, hearth::TensorType fallback) {
    const auto name = args.value(option);
    if (!name) return fallback;
    for (uint32_t t = 0; t < hearth::TensorType_COUNT; ++t) {
        const char * n = hearth::tensor_type_info(t).name;
        if (n != nullptr && *name == n && hearth::can_quantize_weights(static_cast<hearth::TensorType>(t)))
            return static_cast<hearth::TensorType>(t);
    }
    std::string known;
    for (uint32_t t = 0; t < hearth::TensorType_COUNT; ++t)
        if (hearth::tensor_type_info(t).name && hearth::can_quantize_weights(static_cast<hearth::TensorType>(t)))
            known += (known.empty() ? "" : ", ") + std::string(hearth::tensor_type_info(t).name);
    throw UsageError(std::string(option) + " " + *name + ": use one of " + known);
}

// The vocabulary's token count: --vocab's, else --n-vocab for a generated one.
int64_t vocabSize(const Args & args, const hearth::GgufFile * vocab) {
    if (vocab == nullptr) {
        const long long n = args.integer("--n-vocab", 0);
        if (n < 259 || n > (1 << 22)) throw UsageError("give --vocab VOCAB.gguf, or --n-vocab N (259 to 4194304)");
        return n;
    }
    const hearth::GgufArray * tokens = vocab->get_array("tokenizer.ggml.tokens");
    if (tokens == nullptr) throw UsageError("--vocab " + vocab->path() + " has no tokenizer.ggml.tokens");
    return static_cast<int64_t>(tokens->items.size());
}

int runMakeSynthetic(int argc, char ** argv) {
    Args args(argc, argv, {{"-o", "--output"}, {"--arch"},          {"--type"},     {"--mix"},       {"--output-type"},
                           {"--embd-type"},    {"--expert-type"},   {"--vocab"},    {"--n-vocab"},   {"--n-embd"},
                           {"--n-layer"},      {"--n-ff"},          {"--n-head"},   {"--n-head-kv"}, {"--head-dim"},
                           {"--n-expert"},     {"--n-expert-used"}, {"--n-ff-exp"}, {"--n-swa"},     {"--n-ctx"},
                           {"--seed"}},
              {{"--tied"}, {"--fast"}, {"--rope-freqs"}, {"--fused-qkv"}, {"--fused-gate-up"}});
    const std::string out = args.required("-o");
    SyntheticTypes types;
    types.weights = parseType(args, "--type", hearth::TensorType_Q4_K);
    types.output = parseType(args, "--output-type", hearth::TensorType_COUNT);
    types.embedding = parseType(args, "--embd-type", hearth::TensorType_COUNT);
    types.experts = parseType(args, "--expert-type", hearth::TensorType_COUNT);
    if (const auto mix = args.value("--mix")) {
        if (args.value("--type")) throw UsageError("give --type or --mix, not both");
        types.mix = parseSyntheticMix(*mix);
        types.weights = mixBaseType(types.mix);
    }
    std::unique_ptr<hearth::GgufFile> vocab;
    if (const auto path = args.value("--vocab"))
        vocab = std::make_unique<hearth::GgufFile>(hearth::GgufFile::open(*path));
    SyntheticShape s;
    s.arch = args.value("--arch", "llama");
    s.nEmbd = args.integer("--n-embd", 2048);
    s.nLayer = args.integer("--n-layer", 8);
    s.nFf = args.integer("--n-ff", 5632);
    s.nHead = args.integer("--n-head", 32);
    s.nHeadKv = args.integer("--n-head-kv", 4);
    s.headDim = args.integer("--head-dim", 0);
    s.nExpert = args.integer("--n-expert", 0);
    s.nExpertUsed = args.integer("--n-expert-used", 0);
    s.nFfExp = args.integer("--n-ff-exp", 0);
    s.nSwa = args.integer("--n-swa", 128);
    s.nCtx = args.integer("--n-ctx", 4096);
    s.nVocab = vocabSize(args, vocab.get());
    s.tied = args.flag("--tied");
    s.ropeFreqs = args.flag("--rope-freqs");
    s.fusedQkv = args.flag("--fused-qkv");
    s.fusedGateUp = args.flag("--fused-gate-up");
    checkSyntheticShape(s, types);

    hearth::GgufWriter w;
    const uint64_t seed = static_cast<uint64_t>(args.integer("--seed", 1));
    buildSyntheticModel(w, s, types, vocab.get(), seed, args.flag("--fast"), [&](int64_t l) {
        std::fprintf(stderr, "\rlayer %lld/%lld", static_cast<long long>(l + 1), static_cast<long long>(s.nLayer));
    });
    std::fprintf(stderr, "\n");
    w.write_file(out);
    std::printf(
        "%s: %s, n_embd %lld, n_layer %lld, n_ff %lld, n_head %lld/%lld, n_vocab %lld, %s\n", out.c_str(),
        s.arch.c_str(), static_cast<long long>(s.nEmbd), static_cast<long long>(s.nLayer),
        static_cast<long long>(s.nFf), static_cast<long long>(s.nHead), static_cast<long long>(s.nHeadKv),
        static_cast<long long>(s.nVocab),
        types.mix != SyntheticMix::none ? args.value("--mix")->c_str() : hearth::tensor_type_info(types.weights).name);
    return 0;
}

const CommandRegistration reg(
    {"make-synthetic",
     "make-synthetic -o OUT.gguf (--vocab VOCAB.gguf | --n-vocab N) [--arch llama|qwen2|qwen3|qwen3moe|"
     "gpt-oss|gemma3] [--type Q4_K | --mix q4_k_m|iq4_xs|q8_0] [--output-type T] [--embd-type T] [--expert-type T] "
     "[--n-embd 2048] [--n-layer 8] [--n-ff 5632] [--n-head 32] [--n-head-kv 4] "
     "[--head-dim N] [--n-expert N --n-expert-used K --n-ff-exp F] [--n-swa 128] [--tied] "
     "[--rope-freqs] [--fused-qkv] [--fused-gate-up] "
     "[--n-ctx 4096] [--seed 1] [--fast]  (developer: random-weight benchmark model)",
     &runMakeSynthetic});

}  // namespace

}  // namespace Hearth::Cli
