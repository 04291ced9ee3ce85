// llama.cpp's quantization mixtures for make-synthetic (--mix): which type each
// weight of a dense llama/qwen2/qwen3 model gets in a Q4_K_M, IQ4_XS or Q8_0
// file written by llama-quantize without an importance matrix (llama.cpp's
// src/llama-quant.cpp, llama_tensor_get_type, restated for these three).
//
// Base type Q4_K (Q4_K_M), IQ4_XS or Q8_0 for every 2-D weight, except:
//   output, or token_embd when the output is tied: Q6_K (Q8_0 for a Q8_0
//     file, and when the row is not a whole number of the base type's blocks);
//   attn_v: Q4_K_M: Q6_K on the layers use_more_bits picks; IQ4_XS: Q5_K
//     when n_head / n_head_kv >= 4;
//   ffn_down: Q4_K_M: Q6_K on the use_more_bits layers; IQ4_XS: Q5_K on the
//     first n_layer / 8 layers.
// use_more_bits(i, n) = i < n / 8 || i >= 7 n / 8 || (i - n / 8) % 3 == 2.
// Then a row width that is not a multiple of 256 demotes a K/IQ type to a
// 32-element one: Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, IQ4_XS -> IQ4_NL.
// On Qwen2.5-0.5B (n_embd 896 = 3.5 x 256) that makes most of a "Q4_K_M" file
// Q5_0 and most of an "IQ4_XS" one IQ4_NL.
#pragma once

#include <cstdint>
#include <string>

#include "hearth/tensor_type.h"

namespace Hearth::Cli {

enum class SyntheticMix { none, q4_k_m, iq4_xs, q8_0 };

enum class WeightRole { tokenEmbd, output, attnQ, attnK, attnV, attnOutput, ffnGate, ffnUp, ffnDown };

// "q4_k_m", "iq4_xs", "q8_0" (any case); throws UsageError otherwise.
SyntheticMix parseSyntheticMix(const std::string & name);

// The mixture's base type (Q4_K, IQ4_XS, Q8_0) and llama.cpp's file type id
// for general.file_type (15, 30, 7).
hearth::TensorType mixBaseType(SyntheticMix mix);
uint32_t mixFileType(SyntheticMix mix);

struct MixContext {
    int64_t nLayer = 1;
    int64_t nGqa = 1;   // n_head / n_head_kv
    bool tied = false;  // token_embd is also the output
};

// The type of weight `role` of layer `layer` (ignored for token_embd and
// output) whose rows hold nIn elements.
hearth::TensorType mixType(SyntheticMix mix, const MixContext & c, WeightRole role, int64_t layer, int64_t nIn);

}  // namespace Hearth::Cli
