// hearth-cli make-synthetic (developer command): writes a llama-architecture
// GGUF of a realistic shape with random weights, for speed comparisons with
// llama.cpp on files both engines load (docs/benchmarks.md).
//
// Every 2-D weight is quantized to --type with Hearth's own quantizers (like
// llama-quantize --pure); norms are F32 ones. The tokenizer metadata
// (tokenizer.*) is copied from --vocab, a GGUF holding a vocabulary such as
// llama.cpp's models/ggml-vocab-llama-spm.gguf; n_vocab is its token count.
// Without --vocab, --n-vocab N makes a plain SentencePiece-style vocabulary
// (<unk>, <s>, </s>, the 256 byte tokens, then made-up words): enough to load
// and benchmark a shape such as QwQ-32B's 152064 tokens anywhere.
// Weights are uniform in +-sqrt(3 / n_in) (unit-variance outputs for unit
// inputs), generated from --seed, so the activations stay in a sane range.
// --fast quantizes a pool of rows once per row length and fills every matrix
// with rows drawn from it: the values are as plausible, and a 17.7 GB QwQ-32B
// in IQ4_XS takes seconds instead of the better part of an hour (the
// one-command GPU check, tools/gpu-check.sh, makes its models this way).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
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

// Quantized rows: made one by one, or (--fast) drawn from a pool quantized
// once per (row length, amplitude).
class RowSource {
public:
    RowSource(hearth::TensorType type, bool fast, uint64_t seed) : m_type(type), m_fast(fast), m_rng(seed) {}

    void fill(uint8_t * dst, int64_t nIn, float amplitude) {
        const size_t rowBytes = hearth::tensor_row_bytes(m_type, nIn);
        if (!m_fast) return quantize(dst, nIn, amplitude);
        std::vector<uint8_t> & pool = m_pools[{nIn, amplitude}];
        if (pool.empty()) {
            pool.resize(rowBytes * kPoolRows);
            for (size_t r = 0; r < kPoolRows; ++r) quantize(pool.data() + r * rowBytes, nIn, amplitude);
        }
        const size_t pick = size_t((m_rng.uniform(1.0f) + 1.0f) * 0.5f * float(kPoolRows)) % kPoolRows;
        std::memcpy(dst, pool.data() + pick * rowBytes, rowBytes);
    }

private:
    static constexpr size_t kPoolRows = 64;

    void quantize(uint8_t * dst, int64_t nIn, float amplitude) {
        m_row.resize(static_cast<size_t>(nIn));
        for (float & v : m_row) v = m_rng.uniform(amplitude);
        hearth::quantize_weight_row(m_type, m_row.data(), dst, nIn);
    }

    hearth::TensorType m_type;
    bool m_fast;
    Random m_rng;
    std::vector<float> m_row;
    std::map<std::pair<int64_t, float>, std::vector<uint8_t>> m_pools;
};

// A [nIn, nOut] weight (nIn contiguous), row by row.
void addWeight(hearth::GgufWriter & w, const std::string & name, hearth::TensorType type, int64_t nIn, int64_t nOut,
               float amplitude, RowSource & rows) {
    const size_t rowBytes = hearth::tensor_row_bytes(type, nIn);
    std::vector<uint8_t> bytes(rowBytes * static_cast<size_t>(nOut));
    for (int64_t r = 0; r < nOut; ++r) rows.fill(bytes.data() + static_cast<size_t>(r) * rowBytes, nIn, amplitude);
    w.add_tensor(name, type, {nIn, nOut}, bytes);
}

// A SentencePiece-style vocabulary of n tokens: <unk>, <s>, </s>, the byte
// tokens <0x00>..<0xFF>, then made-up words.
void addGeneratedVocab(hearth::GgufWriter & w, int64_t n) {
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<int32_t> types = {2, 3, 3};  // llama.cpp's token types: unknown, control
    char buf[16];
    for (int b = 0; b < 256; ++b) {
        std::snprintf(buf, sizeof buf, "<0x%02X>", b);
        tokens.emplace_back(buf);
        types.push_back(6);  // byte
    }
    while (int64_t(tokens.size()) < n) {
        tokens.push_back("\xe2\x96\x81w" + std::to_string(tokens.size()));  // U+2581, SentencePiece's space
        types.push_back(1);  // normal
    }
    tokens.resize(size_t(n));
    types.resize(size_t(n));
    std::vector<float> scores(static_cast<size_t>(n));
    for (size_t i = 0; i < scores.size(); ++i) scores[i] = -float(i);
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_f32_array("tokenizer.ggml.scores", scores);
    w.add_i32_array("tokenizer.ggml.token_type", types);
    w.add_u32("tokenizer.ggml.unknown_token_id", 0);
    w.add_u32("tokenizer.ggml.bos_token_id", 1);
    w.add_u32("tokenizer.ggml.eos_token_id", 2);
}

void addNorm(hearth::GgufWriter & w, const std::string & name, int64_t n) {
    w.add_tensor_f32(name, {n}, std::vector<float>(static_cast<size_t>(n), 1.0f));
}

void addMetadata(hearth::GgufWriter & w, const Shape & s, const hearth::GgufFile * vocab) {
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
    if (vocab == nullptr) return addGeneratedVocab(w, s.nVocab);
    for (const hearth::GgufKv & kv : vocab->metadata())
        if (kv.key.rfind("tokenizer.", 0) == 0) w.add(kv.key, kv.value);
}

void addTensors(hearth::GgufWriter & w, const Shape & s, hearth::TensorType type, RowSource & rng) {
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
    Args args(argc, argv,
              {{"-o", "--output"}, {"--type"}, {"--vocab"}, {"--n-vocab"}, {"--n-embd"}, {"--n-layer"}, {"--n-ff"},
               {"--n-head"}, {"--n-head-kv"}, {"--n-ctx"}, {"--seed"}},
              {{"--fast"}});
    const std::string out = args.required("-o");
    const hearth::TensorType type = parseType(args.value("--type", "Q4_K"));
    std::unique_ptr<hearth::GgufFile> vocab;
    if (const auto path = args.value("--vocab")) vocab = std::make_unique<hearth::GgufFile>(hearth::GgufFile::open(*path));
    Shape s{args.integer("--n-embd", 2048), args.integer("--n-layer", 8),    args.integer("--n-ff", 5632),
            args.integer("--n-head", 32),   args.integer("--n-head-kv", 4), args.integer("--n-ctx", 4096),
            vocabSize(args, vocab.get())};
    checkShape(s, type);

    hearth::GgufWriter w;
    addMetadata(w, s, vocab.get());
    RowSource rng(type, args.flag("--fast"), static_cast<uint64_t>(args.integer("--seed", 1)));
    addTensors(w, s, type, rng);
    w.write_file(out);
    std::printf("%s: llama, n_embd %lld, n_layer %lld, n_ff %lld, n_head %lld/%lld, n_vocab %lld, %s\n", out.c_str(),
                static_cast<long long>(s.nEmbd), static_cast<long long>(s.nLayer), static_cast<long long>(s.nFf),
                static_cast<long long>(s.nHead), static_cast<long long>(s.nHeadKv), static_cast<long long>(s.nVocab),
                hearth::tensor_type_info(type).name);
    return 0;
}

const CommandRegistration reg({"make-synthetic",
                               "make-synthetic -o OUT.gguf (--vocab VOCAB.gguf | --n-vocab N) [--type Q4_K] "
                               "[--n-embd 2048] [--n-layer 8] [--n-ff 5632] [--n-head 32] [--n-head-kv 4] "
                               "[--n-ctx 4096] [--seed 1] [--fast]"
                               "  (developer: random-weight benchmark model)",
                               &runMakeSynthetic});

}  // namespace

}  // namespace Hearth::Cli
