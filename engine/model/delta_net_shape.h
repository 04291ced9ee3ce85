// The shape of a Gated DeltaNet layer's recurrent state (Qwen3.5), shared by
// both backends' delta-rule kernels (cpu/delta_net.cpp, cuda/deltanet.cu).
//
// Sizes: K key heads and V value heads of size d, V a multiple of K; value
// head h reads key head h mod K; the state is [V][d][d].
#pragma once

#include <cstdint>

namespace hearth {

// The largest head size the kernels take (Qwen3.5 uses 128); loading checks it.
inline constexpr int32_t kDeltaNetMaxHead = 512;

struct DeltaRuleShape {
    int32_t n_k_heads = 0;  // K
    int32_t n_v_heads = 0;  // V
    int32_t d = 0;          // head size of q, k and v
};

}  // namespace hearth
