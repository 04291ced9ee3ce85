// softmax over x[0, n) in place: float exponentials of x - max, a double sum,
// one float reciprocal. One definition for the CPU (cpu/ops.cpp
// softmax_in_place, the MoE router) and the CUDA backend's router (moe.cu),
// so both weigh the experts with the same expressions.
#pragma once

#include <math.h>

#include <cstdint>

#include "quant/fp16.h"  // HEARTH_HD

namespace hearth {

HEARTH_HD inline void softmax_row(float * x, int64_t n) {
    float mx = x[0];
    for (int64_t i = 1; i < n; ++i)
        if (mx < x[i]) mx = x[i];  // std::max's choice, NaN included
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = expf(x[i] - mx);
        sum += x[i];
    }
    const float inv = float(1.0 / sum);
    for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace hearth
