#include "cpu/ops.h"

#include <algorithm>
#include <cmath>

namespace hearth {

void rmsnorm_rows(const float * x, const float * w, float * y, int64_t n_rows, int64_t n, float eps) {
    for (int64_t r = 0; r < n_rows; ++r) {
        const float * xr = x + r * n;
        float * yr = y + r * n;
        double ss = 0.0;
        for (int64_t i = 0; i < n; ++i) ss += double(xr[i]) * xr[i];
        const float scale = float(1.0 / std::sqrt(ss / double(n) + double(eps)));
        for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] * scale * w[i];
    }
}

void add_bias_rows(float * y, const float * b, int64_t n_rows, int64_t n) {
    for (int64_t r = 0; r < n_rows; ++r)
        for (int64_t i = 0; i < n; ++i) y[r * n + i] += b[i];
}

void add_in_place(float * y, const float * x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

void swiglu_in_place(float * gate, const float * up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

void softmax_in_place(float * x, int64_t n) {
    float mx = x[0];
    for (int64_t i = 1; i < n; ++i) mx = std::max(mx, x[i]);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - mx);
        sum += x[i];
    }
    const float inv = float(1.0 / sum);
    for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

namespace {

// YaRN: the dimension index at which a rotation completes `n_rotations`
// turns over the original context (ggml's corr_dim formula).
float yarn_corr_dim(int n_rot, int n_ctx_orig, float n_rotations, float base) {
    return float(n_rot) * std::log(float(n_ctx_orig) / (n_rotations * 2.0f * float(M_PI))) / (2.0f * std::log(base));
}

}  // namespace

RopeParams RopeParams::from_hparams(const ModelHparams & hp) {
    RopeParams rp;
    rp.type = hp.rope_type;
    rp.n_rot = hp.n_rot;
    rp.freq_base = hp.rope_freq_base;
    rp.freq_scale = hp.rope_freq_scale;
    rp.ext_factor = hp.yarn_ext_factor;
    rp.attn_factor = hp.yarn_attn_factor;
    if (hp.rope_scaling == RopeScaling_yarn) {
        const int n_orig = hp.n_ctx_orig > 0 ? hp.n_ctx_orig : hp.n_ctx_train;
        const float lo = std::floor(yarn_corr_dim(hp.n_rot, n_orig, hp.yarn_beta_fast, hp.rope_freq_base));
        const float hi = std::ceil(yarn_corr_dim(hp.n_rot, n_orig, hp.yarn_beta_slow, hp.rope_freq_base));
        rp.corr_low = std::max(0.0f, lo);
        rp.corr_high = std::min(float(hp.n_rot - 1), hi);
    }
    return rp;
}

namespace {

// cos/sin of pair i's angle at `pos`, with linear or YaRN scaling applied.
void rope_angle(const RopeParams & rp, int64_t pos, int64_t pair, float & c, float & s) {
    const float theta_extrap = float(pos) * std::pow(rp.freq_base, -2.0f * float(pair) / float(rp.n_rot));
    const float theta_interp = rp.freq_scale * theta_extrap;
    float theta = theta_interp;
    float mscale = rp.attn_factor;
    if (rp.ext_factor != 0.0f) {
        const float y = (float(pair) - rp.corr_low) / std::max(0.001f, rp.corr_high - rp.corr_low);
        const float ramp = (1.0f - std::min(1.0f, std::max(0.0f, y))) * rp.ext_factor;
        theta = theta_interp * (1.0f - ramp) + theta_extrap * ramp;
        mscale *= 1.0f + 0.1f * std::log(1.0f / rp.freq_scale);
    }
    c = std::cos(theta) * mscale;
    s = std::sin(theta) * mscale;
}

}  // namespace

void rope_rows(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0) {
    const int64_t half = rp.n_rot / 2;
    float cs[256][2];
    for (int64_t t = 0; t < n_tokens; ++t) {
        // Angles depend only on (pos, pair): compute them once per token.
        for (int64_t i = 0; i < half; i += 256) {
            const int64_t n = std::min<int64_t>(256, half - i);
            for (int64_t k = 0; k < n; ++k) rope_angle(rp, pos0 + t, i + k, cs[k][0], cs[k][1]);
            for (int64_t h = 0; h < n_heads; ++h) {
                float * v = x + (t * n_heads + h) * head_dim;
                for (int64_t k = 0; k < n; ++k) {
                    const int64_t a = rp.type == RopeType_neox ? i + k : 2 * (i + k);
                    const int64_t b = rp.type == RopeType_neox ? i + k + half : a + 1;
                    const float x0 = v[a], x1 = v[b];
                    v[a] = x0 * cs[k][0] - x1 * cs[k][1];
                    v[b] = x0 * cs[k][1] + x1 * cs[k][0];
                }
            }
        }
    }
}

}  // namespace hearth
