// GPU-vs-CPU tolerances of rope and rmsnorm, relative to max(1, |CPU value|).
// In the emulator the kernels call the CPU's own libm with no FMA contraction,
// so rope matches the CPU bit for bit and rmsnorm differs only by its
// reduction order. On a device, CUDA's powf/sinf/cosf (up to 2 ulp) and
// nvcc's contraction of a * b + c into FMAs move the results: rope's angle
// pos * theta is off by a few ulp of the angle, so its error grows with the
// position; rmsnorm's by a few ulp of the row's scale.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cstdint>

namespace op_tolerance {

#if defined(HEARTH_CUDA_SIM)
inline constexpr bool kDevice = false;
#else
inline constexpr bool kDevice = true;
#endif

// Largest position a rope comparison covers.
inline double rope(int64_t max_pos) {
    return kDevice ? 8.0 * FLT_EPSILON * double(std::max<int64_t>(1, max_pos)) + 4.0 * FLT_EPSILON : 0.0;
}

inline double rmsnorm() {
    return kDevice ? 16.0 * FLT_EPSILON : 8.0 * FLT_EPSILON;
}

}  // namespace op_tolerance
