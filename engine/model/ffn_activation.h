// The FFN activations of the model families, shared by both backends and the
// host experts: which one a family's dense FFN and its experts use is chosen
// here once (cpu_forward_<family>.cpp, runtime/host_experts.cpp and the CUDA
// backend all ask), as llama.cpp's graph of each architecture fixes it.
// Header-only C++17 (the CUDA backend includes it).
#pragma once

#include "hearth/model.h"  // ModelFamily

namespace hearth {

enum FfnActivation {
    FfnActivation_silu,        // SwiGLU: silu(gate) * up
    FfnActivation_gelu,        // GeGLU: gelu_tanh(gate) * up (gemma)
    FfnActivation_swiglu_oai,  // gpt-oss: clamped, with kSwigluOaiAlpha and kSwigluOaiLimit
};

// gpt-oss's clamped SwiGLU (llama.cpp's swiglu_oai): g = min(gate, limit),
// u = clamp(up, -limit, limit), out = g * sigmoid(alpha * g) * (u + 1).
inline constexpr float kSwigluOaiAlpha = 1.702f;
inline constexpr float kSwigluOaiLimit = 7.0f;

// The gated dense FFN's activation: GELU(tanh) for gemma3, SiLU otherwise.
inline FfnActivation dense_ffn_activation(ModelFamily family) {
    return family == ModelFamily_gemma3 ? FfnActivation_gelu : FfnActivation_silu;
}

// The experts' (and a shared expert's) activation: gpt-oss's clamped SwiGLU,
// SiLU for qwen3moe and qwen35moe.
inline FfnActivation moe_activation(ModelFamily family) {
    return family == ModelFamily_gpt_oss ? FfnActivation_swiglu_oai : FfnActivation_silu;
}

}  // namespace hearth
