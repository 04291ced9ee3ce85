// IEEE half <-> float for the KV cache, portable (no F16C needed). Reading
// goes through a 64K-entry table, which is what the attention inner loop uses.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace hearth {

const float * half_table();  // 65536 floats, built once

inline float half_to_float(uint16_t h) {
    return half_table()[h];
}

// Round to nearest even, like F16C's _cvtss_sh.
inline uint16_t float_to_half(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    const uint32_t abs = x & 0x7fffffffu;
    if (abs > 0x7f800000u) return uint16_t(sign | 0x7e00u);   // nan
    if (abs >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // inf, or rounds past 65504
    if (abs < 0x38800000u) {
        // Subnormal half: value = q * 2^-24 with q < 1024; the scaling is exact.
        const float scaled = std::fabs(f) * 16777216.0f;
        return uint16_t(sign | uint32_t(std::nearbyint(scaled)));
    }
    uint32_t r = (abs - 0x38000000u) >> 13;
    const uint32_t rem = abs & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
    return uint16_t(sign | r);
}

}  // namespace hearth
