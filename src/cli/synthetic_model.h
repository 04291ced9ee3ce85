// Random-weight GGUF models of realistic shapes, for speed comparisons with
// llama.cpp on files both engines load (hearth-cli make-synthetic,
// docs/benchmarks.md). One tensor layout per architecture, as llama.cpp's
// converter writes it: llama, qwen2, qwen3, qwen3moe, gpt-oss and gemma3.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/tensor_type.h"
#include "synthetic_mix.h"

namespace Hearth::Cli {

struct SyntheticShape {
    std::string arch = "llama";
    int64_t nEmbd = 2048, nLayer = 8, nFf = 5632, nHead = 32, nHeadKv = 4, nCtx = 4096, nVocab = 0;
    int64_t headDim = 0;  // 0: n_embd / n_head
    int64_t nExpert = 0, nExpertUsed = 0, nFfExp = 0;
    int64_t nSwa = 128;  // gpt-oss, gemma3
    bool tied = false;   // no output.weight: the output reads token_embd
    // Layout variants other converters write: llama3's rope_freqs tensor
    // (per-pair frequency divisors), one attn_qkv (rows q | k | v, biases
    // likewise) and one ffn_up of 2 * n_ff rows (gate | up, no ffn_gate).
    bool ropeFreqs = false;
    bool fusedQkv = false;
    bool fusedGateUp = false;  // dense FFNs only
};

struct SyntheticTypes {
    hearth::TensorType weights = hearth::TensorType_Q4_K;  // every 2-D weight...
    hearth::TensorType output = hearth::TensorType_COUNT;  // ...except these when set (COUNT: as weights)
    hearth::TensorType embedding = hearth::TensorType_COUNT;
    hearth::TensorType experts = hearth::TensorType_COUNT;
    // A llama.cpp mixture (dense architectures): per-weight types in place of
    // `weights`; `output` and `embedding` still override it when set.
    SyntheticMix mix = SyntheticMix::none;
};

// The architectures make-synthetic writes ("llama, qwen2, ...").
const char * syntheticArchitectures();

// Throws UsageError for a shape the architecture or the types cannot hold.
void checkSyntheticShape(const SyntheticShape & s, const SyntheticTypes & t);

// Metadata (the tokenizer copied from `vocab`, or without one a generated
// SentencePiece-style vocabulary of s.nVocab tokens) and random tensors from
// `seed`. `fast` draws rows from a small pool quantized once per row length
// instead of quantizing every row. `progress(layer)` is called after each layer.
void buildSyntheticModel(hearth::GgufWriter & w, const SyntheticShape & s, const SyntheticTypes & t,
                         const hearth::GgufFile * vocab, uint64_t seed, bool fast,
                         const std::function<void(int64_t)> & progress);

}  // namespace Hearth::Cli
