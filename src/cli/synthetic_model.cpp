#include "synthetic_model.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include "args.h"
#include "hearth/quantize_weights.h"

namespace Hearth::Cli {

namespace {

using hearth::TensorType;

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

bool isMoe(const SyntheticShape & s) {
    return s.arch == "qwen3moe" || s.arch == "gpt-oss";
}

int64_t headDim(const SyntheticShape & s) {
    return s.headDim > 0 ? s.headDim : s.nEmbd / s.nHead;
}

TensorType pick(TensorType t, TensorType fallback) {
    return t == hearth::TensorType_COUNT ? fallback : t;
}

class Writer {
public:
    Writer(hearth::GgufWriter & w, const SyntheticShape & s, const SyntheticTypes & t, uint64_t seed, bool fast)
        : m_w(w), m_t(t), m_rng(seed), m_fast(fast), m_mix{s.nLayer, s.nHead / s.nHeadKv, s.tied} {}

    // The type of a dense weight: the mixture's choice, or --type.
    TensorType typeFor(WeightRole role, int64_t layer, int64_t nIn) const {
        return m_t.mix == SyntheticMix::none ? m_t.weights : mixType(m_t.mix, m_mix, role, layer, nIn);
    }
    void weight(const std::string & name, WeightRole role, int64_t layer, int64_t nIn, int64_t nOut) {
        weight(name, nIn, nOut, typeFor(role, layer, nIn));
    }

    // A [nIn, nOut] weight (nIn contiguous) with unit-variance outputs for unit
    // inputs: uniform in +-sqrt(3 / nIn), quantized row by row.
    void weight(const std::string & name, int64_t nIn, int64_t nOut, TensorType type = hearth::TensorType_COUNT,
                float amplitude = 0.0f) {
        experts(name, nIn, nOut, 1, pick(type, m_t.weights), amplitude, false);
    }
    // n_expert matrices [nIn, nOut] back to back (ne = nIn, nOut, nExpert).
    void experts(const std::string & name, int64_t nIn, int64_t nOut, int64_t nExpert, TensorType type,
                 float amplitude = 0.0f, bool threeD = true) {
        const float a = amplitude > 0.0f ? amplitude : std::sqrt(3.0f / static_cast<float>(nIn));
        const size_t rowBytes = hearth::tensor_row_bytes(type, nIn);
        std::vector<uint8_t> bytes(rowBytes * static_cast<size_t>(nOut * nExpert));
        for (int64_t r = 0; r < nOut * nExpert; ++r)
            row(type, nIn, a, bytes.data() + static_cast<size_t>(r) * rowBytes);
        if (threeD)
            m_w.add_tensor(name, type, {nIn, nOut, nExpert}, bytes);
        else
            m_w.add_tensor(name, type, {nIn, nOut}, bytes);
    }
    // llama3's frequency divisors [n_pairs]: 1 for the fast pairs, rising
    // smoothly to 8 for the slow ones (llama.cpp's converter computes them
    // from rope_scaling: factor 8, low/high frequency factors 1 and 4).
    void ropeFreqs(const std::string & name, int64_t nPairs) {
        std::vector<float> v(static_cast<size_t>(nPairs));
        for (int64_t i = 0; i < nPairs; ++i) {
            const float x = nPairs > 1 ? float(i) / float(nPairs - 1) : 0.0f;
            v[size_t(i)] = x < 0.25f ? 1.0f : x > 0.75f ? 8.0f : 1.0f + 7.0f * (x - 0.25f) / 0.5f;
        }
        m_w.add_tensor_f32(name, {nPairs}, v);
    }
    void ones(const std::string & name, int64_t n) {
        m_w.add_tensor_f32(name, {n}, std::vector<float>(static_cast<size_t>(n), 1.0f));
    }
    // Small F32 values: biases, sinks, the router.
    void small(const std::string & name, std::vector<int64_t> ne, float amplitude) {
        int64_t n = 1;
        for (int64_t d : ne) n *= d;
        std::vector<float> v(static_cast<size_t>(n));
        for (float & x : v) x = m_rng.uniform(amplitude);
        m_w.add_tensor_f32(name, ne, v);
    }

private:
    static constexpr size_t kPoolRows = 64;

    // One quantized row: made afresh, or (fast) drawn from a pool quantized
    // once per (type, length, amplitude), so a 17.7 GB model takes seconds.
    void row(TensorType type, int64_t nIn, float a, uint8_t * dst) {
        const size_t rowBytes = hearth::tensor_row_bytes(type, nIn);
        if (!m_fast) return quantize(type, nIn, a, dst);
        std::vector<uint8_t> & pool = m_pools[{type, nIn, a}];
        if (pool.empty()) {
            pool.resize(rowBytes * kPoolRows);
            for (size_t r = 0; r < kPoolRows; ++r) quantize(type, nIn, a, pool.data() + r * rowBytes);
        }
        const size_t pick = size_t((m_rng.uniform(1.0f) + 1.0f) * 0.5f * float(kPoolRows)) % kPoolRows;
        std::memcpy(dst, pool.data() + pick * rowBytes, rowBytes);
    }
    void quantize(TensorType type, int64_t nIn, float a, uint8_t * dst) {
        m_row.resize(static_cast<size_t>(nIn));
        for (float & v : m_row) v = m_rng.uniform(a);
        hearth::quantize_weight_row(type, m_row.data(), dst, nIn);
    }

    hearth::GgufWriter & m_w;
    const SyntheticTypes & m_t;
    Random m_rng;
    bool m_fast;
    std::vector<float> m_row;
    std::map<std::tuple<TensorType, int64_t, float>, std::vector<uint8_t>> m_pools;
    MixContext m_mix;
};

// A SentencePiece-style vocabulary of n tokens: <unk>, <s>, </s>, the byte
// tokens <0x00>..<0xFF>, then made-up words (enough to load and benchmark a
// shape such as QwQ-32B's 152064 tokens without its tokenizer file).
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
        types.push_back(1);                                                 // normal
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

void addMetadata(hearth::GgufWriter & w, const SyntheticShape & s, const hearth::GgufFile * vocab) {
    const std::string a = s.arch + ".";
    const int64_t hd = headDim(s);
    w.add_string("general.architecture", s.arch);
    w.add_string("general.name", "hearth-synthetic");
    w.add_u32(a + "context_length", static_cast<uint32_t>(s.nCtx));
    w.add_u32(a + "embedding_length", static_cast<uint32_t>(s.nEmbd));
    w.add_u32(a + "block_count", static_cast<uint32_t>(s.nLayer));
    w.add_u32(a + "feed_forward_length", static_cast<uint32_t>(s.nFf));
    w.add_u32(a + "attention.head_count", static_cast<uint32_t>(s.nHead));
    w.add_u32(a + "attention.head_count_kv", static_cast<uint32_t>(s.nHeadKv));
    w.add_u32(a + "attention.key_length", static_cast<uint32_t>(hd));
    w.add_u32(a + "attention.value_length", static_cast<uint32_t>(hd));
    w.add_u32(a + "rope.dimension_count", static_cast<uint32_t>(hd));
    const bool qwen = s.arch.rfind("qwen", 0) == 0;
    w.add_f32(a + "rope.freq_base", s.arch == "gpt-oss" ? 150000.0f : qwen || s.arch == "gemma3" ? 1e6f : 10000.0f);
    w.add_f32(a + "attention.layer_norm_rms_epsilon", s.arch == "llama" || s.arch == "gpt-oss" ? 1e-5f : 1e-6f);
    if (isMoe(s)) {
        w.add_u32(a + "expert_count", static_cast<uint32_t>(s.nExpert));
        w.add_u32(a + "expert_used_count", static_cast<uint32_t>(s.nExpertUsed));
        w.add_u32(a + "expert_feed_forward_length", static_cast<uint32_t>(s.nFfExp));
    }
    if (s.arch == "gpt-oss" || s.arch == "gemma3") w.add_u32(a + "attention.sliding_window", uint32_t(s.nSwa));
    if (s.arch == "gpt-oss") {
        w.add_string(a + "rope.scaling.type", "yarn");
        w.add_f32(a + "rope.scaling.factor", 32.0f);
        w.add_u32(a + "rope.scaling.original_context_length", 4096);
    }
    if (vocab == nullptr) return addGeneratedVocab(w, s.nVocab);
    for (const hearth::GgufKv & kv : vocab->metadata())
        if (kv.key.rfind("tokenizer.", 0) == 0) w.add(kv.key, kv.value);
}

void addAttention(Writer & t, const SyntheticShape & s, int64_t l, const std::string & p) {
    const int64_t q = headDim(s) * s.nHead, kv = headDim(s) * s.nHeadKv;
    const bool biased = s.arch == "qwen2" || s.arch == "gpt-oss";
    // Fused or not, the same random values land in the same rows (the same
    // seed writes the same model in either layout). A fused q|k|v takes the
    // mixture's choice for attn_v, as llama-quantize treats attn_qkv.
    if (s.fusedQkv) {
        t.weight(p + "attn_qkv.weight", WeightRole::attnV, l, s.nEmbd, q + 2 * kv);
    } else {
        t.weight(p + "attn_q.weight", WeightRole::attnQ, l, s.nEmbd, q);
        t.weight(p + "attn_k.weight", WeightRole::attnK, l, s.nEmbd, kv);
        t.weight(p + "attn_v.weight", WeightRole::attnV, l, s.nEmbd, kv);
    }
    t.weight(p + "attn_output.weight", WeightRole::attnOutput, l, q, s.nEmbd);
    if (biased && s.fusedQkv) {
        t.small(p + "attn_qkv.bias", {q + 2 * kv}, 0.1f);
    } else if (biased) {
        t.small(p + "attn_q.bias", {q}, 0.1f);
        t.small(p + "attn_k.bias", {kv}, 0.1f);
        t.small(p + "attn_v.bias", {kv}, 0.1f);
    }
    if (s.arch == "qwen3" || s.arch == "qwen3moe" || s.arch == "gemma3") {
        t.ones(p + "attn_q_norm.weight", headDim(s));
        t.ones(p + "attn_k_norm.weight", headDim(s));
    }
    if (s.arch == "gpt-oss") {
        t.small(p + "attn_output.bias", {s.nEmbd}, 0.1f);
        t.small(p + "attn_sinks.weight", {s.nHead}, 1.0f);
    }
}

void addFfn(Writer & t, const SyntheticShape & s, const SyntheticTypes & types, int64_t l, const std::string & p) {
    if (!isMoe(s)) {
        if (s.fusedGateUp) {
            t.weight(p + "ffn_up.weight", WeightRole::ffnUp, l, s.nEmbd, 2 * s.nFf);
        } else {
            t.weight(p + "ffn_gate.weight", WeightRole::ffnGate, l, s.nEmbd, s.nFf);
            t.weight(p + "ffn_up.weight", WeightRole::ffnUp, l, s.nEmbd, s.nFf);
        }
        t.weight(p + "ffn_down.weight", WeightRole::ffnDown, l, s.nFf, s.nEmbd);
        return;
    }
    const TensorType e = pick(types.experts, types.weights);
    // The router stays F32 in every llama.cpp file.
    t.small(p + "ffn_gate_inp.weight", {s.nEmbd, s.nExpert}, std::sqrt(3.0f / float(s.nEmbd)));
    t.experts(p + "ffn_gate_exps.weight", s.nEmbd, s.nFfExp, s.nExpert, e);
    t.experts(p + "ffn_up_exps.weight", s.nEmbd, s.nFfExp, s.nExpert, e);
    t.experts(p + "ffn_down_exps.weight", s.nFfExp, s.nEmbd, s.nExpert, e);
    if (s.arch == "gpt-oss") {
        t.small(p + "ffn_gate_inp.bias", {s.nExpert}, 0.1f);
        t.small(p + "ffn_gate_exps.bias", {s.nFfExp, s.nExpert}, 0.1f);
        t.small(p + "ffn_up_exps.bias", {s.nFfExp, s.nExpert}, 0.1f);
        t.small(p + "ffn_down_exps.bias", {s.nEmbd, s.nExpert}, 0.1f);
    }
}

}  // namespace

const char * syntheticArchitectures() {
    return "llama, qwen2, qwen3, qwen3moe, gpt-oss, gemma3";
}

void checkSyntheticShape(const SyntheticShape & s, const SyntheticTypes & t) {
    const std::string archs = syntheticArchitectures();
    if (archs.find(s.arch) == std::string::npos || s.arch.empty() || s.arch.find(',') != std::string::npos)
        throw UsageError("--arch " + s.arch + ": use one of " + archs);
    if (s.nEmbd <= 0 || s.nLayer <= 0 || s.nFf <= 0 || s.nHead <= 0 || s.nHeadKv <= 0 || s.nCtx <= 0)
        throw UsageError("every dimension must be positive");
    if (s.nHead % s.nHeadKv != 0) throw UsageError("--n-head must divide by --n-head-kv");
    if (s.headDim <= 0 && s.nEmbd % s.nHead != 0)
        throw UsageError("--n-embd must divide by --n-head (or give --head-dim)");
    if (headDim(s) % 2 != 0) throw UsageError("the head size must be even for RoPE");
    if (isMoe(s) && (s.nExpert <= 0 || s.nExpertUsed <= 0 || s.nExpertUsed > s.nExpert || s.nFfExp <= 0))
        throw UsageError("a MoE needs --n-expert, --n-expert-used (<= n-expert) and --n-ff-exp");
    if (t.mix != SyntheticMix::none && isMoe(s)) throw UsageError("--mix is for the dense architectures");
    // A mixture falls back to 32-element types where a row is not a multiple of 256.
    const TensorType base = t.mix == SyntheticMix::none ? t.weights : hearth::TensorType_Q8_0;
    for (TensorType type : {base, pick(t.output, base), pick(t.embedding, base), pick(t.experts, base)}) {
        const int64_t block = hearth::tensor_type_info(type).block_elems;
        for (int64_t n : {s.nEmbd, isMoe(s) ? s.nFfExp : s.nFf, headDim(s) * s.nHead})
            if (n % block != 0)
                throw UsageError("the widths (n_embd, n_ff or n_ff_exp, n_head x head_dim) must be multiples of " +
                                 std::string(hearth::tensor_type_info(type).name) + "'s block of " +
                                 std::to_string(block));
    }
}

void buildSyntheticModel(hearth::GgufWriter & w, const SyntheticShape & s, const SyntheticTypes & types,
                         const hearth::GgufFile * vocab, uint64_t seed, bool fast,
                         const std::function<void(int64_t)> & progress) {
    addMetadata(w, s, vocab);
    if (types.mix != SyntheticMix::none) w.add_u32("general.file_type", mixFileType(types.mix));
    Writer t(w, s, types, seed, fast);
    t.weight("token_embd.weight", s.nEmbd, s.nVocab,
             pick(types.embedding, t.typeFor(WeightRole::tokenEmbd, 0, s.nEmbd)), 1.0f);
    if (s.ropeFreqs) t.ropeFreqs("rope_freqs.weight", headDim(s) / 2);
    for (int64_t l = 0; l < s.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        t.ones(p + "attn_norm.weight", s.nEmbd);
        addAttention(t, s, l, p);
        if (s.arch == "gemma3") t.ones(p + "post_attention_norm.weight", s.nEmbd);
        t.ones(p + (s.arch == "gpt-oss" ? "post_attention_norm.weight" : "ffn_norm.weight"), s.nEmbd);
        addFfn(t, s, types, l, p);
        if (s.arch == "gemma3") t.ones(p + "post_ffw_norm.weight", s.nEmbd);
        if (progress) progress(l);
    }
    t.ones("output_norm.weight", s.nEmbd);
    if (!s.tied)
        t.weight("output.weight", s.nEmbd, s.nVocab, pick(types.output, t.typeFor(WeightRole::output, 0, s.nEmbd)));
}

}  // namespace Hearth::Cli
