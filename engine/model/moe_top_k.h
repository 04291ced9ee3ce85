// The MoE router's selection: the k largest of score[0, n), best first, ties
// to the lower expert id (a partial selection sort: k is 2 to 8). One
// definition for the CPU (moe_routing.cpp) and the CUDA backend (moe.cu), so
// both pick the same experts.
#pragma once

#include <cstdint>

#include "quant/fp16.h"  // HEARTH_HD

namespace hearth {

HEARTH_HD inline void moe_top_k(const float * score, int32_t n, int32_t k, int32_t * ids) {
    for (int32_t j = 0; j < k; ++j) {
        int32_t best = -1;
        for (int32_t e = 0; e < n; ++e) {
            bool taken = false;
            for (int32_t i = 0; i < j; ++i) taken = taken || ids[i] == e;
            if (!taken && (best < 0 || score[e] > score[best])) best = e;
        }
        ids[j] = best;
    }
}

}  // namespace hearth
