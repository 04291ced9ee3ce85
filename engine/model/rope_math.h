// The RoPE angle of one rotated pair, shared by the CPU (cpu/ops.cpp
// rope_rows) and the CUDA kernel (cuda/rope.cu) so both backends rotate by the
// same formula. C++17 and HEARTH_HD: nvcc compiles it for the device. The C
// float functions (powf, logf...) are the ones std::pow(float, float) etc.
// resolve to on the host, and exist as device functions under nvcc.
#pragma once

#include <math.h>

#include <cstdint>

#include "model/rope_params.h"
#include "quant/fp16.h"  // HEARTH_HD

namespace hearth {

// cos/sin of pair `pair`'s angle at `pos`, times the attention magnitude
// scale, with linear (freq_scale) or YaRN (ext_factor != 0) scaling: YaRN
// blends the interpolated and extrapolated angles by a ramp over the pair
// index between corr_low and corr_high.
HEARTH_HD inline void rope_cos_sin(const RopeParams & rp, int64_t pos, int64_t pair, float & c, float & s) {
    const float ff = rp.freq_factors ? rp.freq_factors[pair] : 1.0f;
    const float theta_extrap = float(pos) * powf(rp.freq_base, -2.0f * float(pair) / float(rp.n_rot)) / ff;
    const float theta_interp = rp.freq_scale * theta_extrap;
    float theta = theta_interp;
    float mscale = rp.attn_factor;
    if (rp.ext_factor != 0.0f) {
        const float y = (float(pair) - rp.corr_low) / fmaxf(0.001f, rp.corr_high - rp.corr_low);
        const float ramp = (1.0f - fminf(1.0f, fmaxf(0.0f, y))) * rp.ext_factor;
        theta = theta_interp * (1.0f - ramp) + theta_extrap * ramp;
        mscale *= 1.0f + 0.1f * logf(1.0f / rp.freq_scale);
    }
    c = cosf(theta) * mscale;
    s = sinf(theta) * mscale;
}

// The position pair `pair` rotates by. Interleaved M-RoPE (imrope) gives the
// pairs of the t, h and w sections (pair mod 3 = 0, 1, 2, while pair < 3 x
// that section's size) the token's position, as text does for all three, and
// the rest (the fourth section) position 0.
HEARTH_HD inline int64_t rope_pair_position(const RopeParams & rp, int64_t pair, int64_t pos) {
    if (rp.type != RopeType_imrope) return pos;
    const int64_t sec = pair % 3;
    return pair < 3 * int64_t(rp.sections[sec]) ? pos : 0;
}

// Element indices (within a head) of pair `pair`: interleaved (2i, 2i + 1)
// for the normal layout, split halves (i, i + n_rot/2) for NeoX.
HEARTH_HD inline void rope_pair_index(const RopeParams & rp, int64_t pair, int64_t & a, int64_t & b) {
    if (rp.type == RopeType_neox || rp.type == RopeType_imrope) {
        a = pair;
        b = pair + rp.n_rot / 2;
    } else {
        a = 2 * pair;
        b = a + 1;
    }
}

// (x0, x1) rotated by the angle whose cos/sin are (c, s).
HEARTH_HD inline void rope_rotate(float & x0, float & x1, float c, float s) {
    const float a = x0, b = x1;
    x0 = a * c - b * s;
    x1 = a * s + b * c;
}

}  // namespace hearth
