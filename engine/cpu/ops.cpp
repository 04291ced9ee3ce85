#include "cpu/ops.h"

#include <algorithm>
#include <cmath>

#include "model/rope_math.h"
#include "model/softmax_row.h"
#include "quant/fp16.h"

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
    softmax_row(x, n);
}

void geglu_in_place(float * gate, const float * up, int64_t n) {
    static const float * const table = [] {
        // gelu(h) rounded to f16 for every f16 value h, as ggml's table.
        static float t[65536];
        for (uint32_t h = 0; h < 65536; ++h) {
            const float x = fp16_to_f32(uint16_t(h));
            const float g = 0.5f * x * (1.0f + std::tanh(0.7978845608028654f * x * (1.0f + 0.044715f * x * x)));
            t[h] = fp16_to_f32(f32_to_fp16(g));
        }
        return t;
    }();
    for (int64_t i = 0; i < n; ++i) {
        const float x = gate[i];
        float g;
        if (x <= -10.0f)
            g = 0.0f;
        else if (x >= 10.0f)
            g = x;
        else
            g = table[f32_to_fp16(x)];
        gate[i] = g * up[i];
    }
}

void swiglu_oai_in_place(float * gate, const float * up, int64_t n, float alpha, float limit) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = std::min(gate[i], limit);
        const float u = std::clamp(up[i], -limit, limit);
        gate[i] = g / (1.0f + std::exp(-alpha * g)) * (u + 1.0f);
    }
}

void scale_in_place(float * x, int64_t n, float s) {
    for (int64_t i = 0; i < n; ++i) x[i] *= s;
}

void softcap_in_place(float * x, int64_t n, float c) {
    for (int64_t i = 0; i < n; ++i) x[i] = c * std::tanh(x[i] / c);
}

void rope_rows(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0) {
    const int64_t half = rp.n_rot / 2;
    float cs[256][2];
    for (int64_t t = 0; t < n_tokens; ++t) {
        // Angles depend only on (pos, pair): compute them once per token.
        for (int64_t i = 0; i < half; i += 256) {
            const int64_t n = std::min<int64_t>(256, half - i);
            for (int64_t k = 0; k < n; ++k)
                rope_cos_sin(rp, rope_pair_position(rp, i + k, pos0 + t), i + k, cs[k][0], cs[k][1]);
            for (int64_t h = 0; h < n_heads; ++h) {
                float * v = x + (t * n_heads + h) * head_dim;
                for (int64_t k = 0; k < n; ++k) {
                    int64_t a, b;
                    rope_pair_index(rp, i + k, a, b);
                    rope_rotate(v[a], v[b], cs[k][0], cs[k][1]);
                }
            }
        }
    }
}

}  // namespace hearth
