// hearth-cli make-synthetic (developer command): writes a llama-architecture
// GGUF of a realistic shape with random weights, for speed comparisons with
// llama.cpp on files both engines load (docs/benchmarks.md).
//
// Every 2-D weight is quantized to --type with Hearth's own quantizers (like
// llama-quantize --pure); norms are F32 ones. The tokenizer metadata
// (tokenizer.*) is copied from --vocab, a GGUF holding a vocabulary such as
// llama.cpp's models/ggml-vocab-llama-spm.gguf; n_vocab is its token count.
// Weights are uniform in +-sqrt(3 / n_in) (unit-variance outputs for unit
// inputs), generated from --seed, so the activations stay in a sane range.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "command.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/quantize_weights.h"
#include "hearth/tensor_type.h"

namespace Hearth::Cli {

namespace {

struct Shape {
    int64_t nEmbd, nLayer, nFf, nHead, nHeadKv, nCtx, nVocab;
};

// splitmix64: fast, and the same stream on every platform for a given seed.
class Random {
public:
    explicit Random(uint64_t seed) : m_state(seed) {}
    float uniform(float a) {  // in [-a, a)
        m_state += 0x9e3779b97f4a7c15ull;
        uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        return a * (static_cast<float>(z >> 40) * (2.0f / 16777216.0f) - 1.0f);
    }

private:
    uint64_t m_state;
};

hearth::TensorType parseType(const std::string & name) {
    for (uint32_t t = 0; t < hearth::TensorType_COUNT; ++t) {
        const char * n = hearth::tensor_type_info(t).name;
        if (n != nullptr && name == n && hearth::can_quantize_weights(static_cast<hearth::TensorType>(t)))
            return static_cast<hearth::TensorType>(t);
    }
    throw UsageError("--type " + name + ": use F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q6_K or IQ4_XS");
}

// A [nIn, nOut] weight (nIn contiguous), quantized row by row.
void addWeight(hearth::GgufWriter & w, const std::string & name, hearth::TensorType type, int64_t nIn, int64_t nOut,
               float amplitude, Random & rng) {
    const size_t rowBytes = hearth::tensor_row_bytes(type, nIn);
    std::vector<uint8_t> bytes(rowBytes * static_cast<size_t>(nOut));
    std::vector<float> row(static_cast<size_t>(nIn));
    for (int64_t r = 0; r < nOut; ++r) {
        for (float & v : row) v = rng.uniform(amplitude);
        hearth::quantize_weight_row(type, row.data(), bytes.data() + static_cast<size_t>(r) * rowBytes, nIn);
    }
    w.add_tensor(name, type, {nIn, nOut}, bytes);
}

void addNorm(hearth::GgufWriter & w, const std::string & name, int64_t n) {
    w.add_tensor_f32(name, {n}, std::vector<float>(static_cast<size_t>(n), 1.0f));
}

void addMetadata(hearth::GgufWriter & w, const Shape & s, const hearth::GgufFile & vocab) {
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", "hearth-synthetic");
    w.add_u32("llama.context_length", static_cast<uint32_t>(s.nCtx));
    w.add_u32("llama.embedding_length", static_cast<uint32_t>(s.nEmbd));
    w.add_u32("llama.block_count", static_cast<uint32_t>(s.nLayer));
    w.add_u32("llama.feed_forward_length", static_cast<uint32_t>(s.nFf));
    w.add_u32("llama.attention.head_count", static_cast<uint32_t>(s.nHead));
    w.add_u32("llama.attention.head_count_kv", static_cast<uint32_t>(s.nHeadKv));
    w.add_u32("llama.rope.dimension_count", static_cast<uint32_t>(s.nEmbd / s.nHead));
    w.add_f32("llama.rope.freq_base", 10000.0f);
    w.add_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.add_u32("llama.vocab_size", static_cast<uint32_t>(s.nVocab));
    for (const hearth::GgufKv & kv : vocab.metadata())
        if (kv.key.rfind("tokenizer.", 0) == 0) w.add(kv.key, kv.value);
}

void addTensors(hearth::GgufWriter & w, const Shape & s, hearth::TensorType type, Random & rng) {
    const int64_t headDim = s.nEmbd / s.nHead, nKv = headDim * s.nHeadKv;
    const auto amp = [](int64_t nIn) { return std::sqrt(3.0f / static_cast<float>(nIn)); };
    addWeight(w, "token_embd.weight", type, s.nEmbd, s.nVocab, 1.0f, rng);
    for (int64_t l = 0; l < s.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        addNorm(w, p + "attn_norm.weight", s.nEmbd);
        addWeight(w, p + "attn_q.weight", type, s.nEmbd, s.nEmbd, amp(s.nEmbd), rng);
        addWeight(w, p + "attn_k.weight", type, s.nEmbd, nKv, amp(s.nEmbd), rng);
        addWeight(w, p + "attn_v.weight", type, s.nEmbd, nKv, amp(s.nEmbd), rng);
        addWeight(w, p + "attn_output.weight", type, s.nEmbd, s.nEmbd, amp(s.nEmbd), rng);
        addNorm(w, p + "ffn_norm.weight", s.nEmbd);
        addWeight(w, p + "ffn_gate.weight", type, s.nEmbd, s.nFf, amp(s.nEmbd), rng);
        addWeight(w, p + "ffn_up.weight", type, s.nEmbd, s.nFf, amp(s.nEmbd), rng);
        addWeight(w, p + "ffn_down.weight", type, s.nFf, s.nEmbd, amp(s.nFf), rng);
        std::fprintf(stderr, "\rlayer %lld/%lld", static_cast<long long>(l + 1), static_cast<long long>(s.nLayer));
    }
    std::fprintf(stderr, "\n");
    addNorm(w, "output_norm.weight", s.nEmbd);
    addWeight(w, "output.weight", type, s.nEmbd, s.nVocab, amp(s.nEmbd), rng);
}

void checkShape(const Shape & s, hearth::TensorType type) {
    const int64_t block = hearth::tensor_type_info(type).block_elems;
    if (s.nEmbd <= 0 || s.nLayer <= 0 || s.nFf <= 0 || s.nHead <= 0 || s.nHeadKv <= 0 || s.nCtx <= 0)
        throw UsageError("every dimension must be positive");
    if (s.nEmbd % s.nHead != 0 || s.nHead % s.nHeadKv != 0)
        throw UsageError("--n-embd must divide by --n-head, and --n-head by --n-head-kv");
    if ((s.nEmbd / s.nHead) % 2 != 0) throw UsageError("the head size (n_embd / n_head) must be even for RoPE");
    if (s.nEmbd % block != 0 || s.nFf % block != 0)
        throw UsageError("--n-embd and --n-ff must be multiples of the type's block size (" + std::to_string(block) + ")");
}

int runMakeSynthetic(int argc, char ** argv) {
    Args args(argc, argv,
              {{"-o", "--output"}, {"--type"}, {"--vocab"}, {"--n-embd"}, {"--n-layer"}, {"--n-ff"}, {"--n-head"},
               {"--n-head-kv"}, {"--n-ctx"}, {"--seed"}},
              {});
    const std::string out = args.required("-o");
    const hearth::TensorType type = parseType(args.value("--type", "Q4_K"));
    const hearth::GgufFile vocab = hearth::GgufFile::open(args.required("--vocab"));
    const hearth::GgufArray * tokens = vocab.get_array("tokenizer.ggml.tokens");
    if (tokens == nullptr) throw UsageError("--vocab " + vocab.path() + " has no tokenizer.ggml.tokens");
    Shape s{args.integer("--n-embd", 2048), args.integer("--n-layer", 8),    args.integer("--n-ff", 5632),
            args.integer("--n-head", 32),   args.integer("--n-head-kv", 4), args.integer("--n-ctx", 4096),
            static_cast<int64_t>(tokens->items.size())};
    checkShape(s, type);

    hearth::GgufWriter w;
    addMetadata(w, s, vocab);
    Random rng(static_cast<uint64_t>(args.integer("--seed", 1)));
    addTensors(w, s, type, rng);
    w.write_file(out);
    std::printf("%s: llama, n_embd %lld, n_layer %lld, n_ff %lld, n_head %lld/%lld, n_vocab %lld, %s\n", out.c_str(),
                static_cast<long long>(s.nEmbd), static_cast<long long>(s.nLayer), static_cast<long long>(s.nFf),
                static_cast<long long>(s.nHead), static_cast<long long>(s.nHeadKv), static_cast<long long>(s.nVocab),
                hearth::tensor_type_info(type).name);
    return 0;
}

const CommandRegistration reg({"make-synthetic",
                               "make-synthetic -o OUT.gguf --vocab VOCAB.gguf [--type Q4_K] [--n-embd 2048] "
                               "[--n-layer 8] [--n-ff 5632] [--n-head 32] [--n-head-kv 4] [--n-ctx 4096] [--seed 1]"
                               "  (developer: random-weight benchmark model)",
                               &runMakeSynthetic});

}  // namespace

}  // namespace Hearth::Cli
