// RoPE parameters of one model, precomputed from its hyper-parameters: the
// contract between the model and both backends' rope kernels (cpu/ops.cpp,
// cuda/rope.cu), which rotate by model/rope_math.h.
#pragma once

#include <cstdint>

#include "hearth/model.h"

namespace hearth {

// Precomputed RoPE parameters for one model (frequencies, YaRN correction).
struct RopeParams {
    RopeType type = RopeType_normal;
    int32_t n_rot = 0;
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;
    float ext_factor = 0.0f;
    float attn_factor = 1.0f;
    float corr_low = 0.0f;  // YaRN ramp, in rotated-pair indices
    float corr_high = 0.0f;
    int32_t sections[4] = {0, 0, 0, 0};  // RopeType_imrope: rotary pairs per section
    // [n_rot / 2] divisors of each pair's frequency (Llama 3.1+, phi3), or
    // nullptr; host memory on the CPU, device memory on the GPU.
    const float * freq_factors = nullptr;

    // `swa`: for a sliding-window layer, which may have its own base and scale.
    static RopeParams from_hparams(const ModelHparams & hp, bool swa = false);
};

}  // namespace hearth
