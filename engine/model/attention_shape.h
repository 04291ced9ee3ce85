// The shape of one layer's attention and its per-layer softmax variations,
// shared by both backends' attention kernels (cpu/attention.cpp,
// cuda/attention.cu).
#pragma once

#include <cstdint>

namespace hearth {

struct AttentionShape {
    int32_t n_head = 0;
    int32_t n_head_kv = 0;
    int32_t head_dim = 0;
    int32_t head_dim_v = 0;
};

// Per-layer variations of the softmax.
struct AttentionParams {
    int32_t window = 0;             // 0: full causal attention
    float scale = 0.0f;             // 0: 1/sqrt(head_dim)
    const float * sinks = nullptr;  // [n_head] or nullptr
};

}  // namespace hearth
