#include "cpu/delta_net.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu/thread_pool.h"

namespace hearth {

void causal_conv1d_silu(const float * x, int32_t T, int32_t C, const float * w, int32_t d_conv, float * state,
                        float * y) {
    const int32_t n_state = d_conv - 1;
    // Input i of the sequence "state rows, then x" (i = t + j for tap j of token t).
    auto input = [&](int32_t i, int32_t c) {
        return i < n_state ? state[size_t(i) * size_t(C) + size_t(c)] : x[size_t(i - n_state) * size_t(C) + size_t(c)];
    };
    for (int32_t t = 0; t < T; ++t) {
        float * yt = y + size_t(t) * size_t(C);
        for (int32_t c = 0; c < C; ++c) {
            const float * wc = w + size_t(c) * size_t(d_conv);
            float sum = 0.0f;
            for (int32_t j = 0; j < d_conv; ++j) sum += wc[j] * input(t + j, c);
            yt[c] = sum / (1.0f + std::exp(-sum));
        }
    }
    // The new state is inputs [T, T + n_state): rows are read at or after the
    // ones written, so the copy runs in place.
    for (int32_t r = 0; r < n_state; ++r)
        for (int32_t c = 0; c < C; ++c) state[size_t(r) * size_t(C) + size_t(c)] = input(T + r, c);
}

void gated_delta_rule(const DeltaRuleShape & s, const float * qkv, const float * g, const float * beta, int32_t T,
                      float * state, float * o, ThreadPool & pool) {
    const int32_t K = s.n_k_heads, V = s.n_v_heads, d = s.d;
    const size_t C = size_t(2 * K + V) * size_t(d);
    const float q_scale = 1.0f / std::sqrt(float(d));
    pool.parallel_for(V, [&](int64_t h0, int64_t h1, int) {
        float delta[kDeltaNetMaxHead];
        for (int64_t h = h0; h < h1; ++h) {
            float * S = state + size_t(h) * size_t(d) * size_t(d);
            const int64_t kh = h % K;
            for (int32_t t = 0; t < T; ++t) {
                const float * row = qkv + size_t(t) * C;
                const float * qt = row + size_t(kh) * size_t(d);
                const float * kt = row + size_t(K + kh) * size_t(d);
                const float * vt = row + size_t(2 * K + h) * size_t(d);
                float * ot = o + (size_t(t) * size_t(V) + size_t(h)) * size_t(d);
                const float decay = std::exp(g[size_t(t) * size_t(V) + size_t(h)]);
                const float b = beta[size_t(t) * size_t(V) + size_t(h)];
                for (int32_t i = 0; i < d; ++i) {
                    float * Si = S + size_t(i) * size_t(d);
                    float sk = 0.0f;
                    for (int32_t j = 0; j < d; ++j) {
                        Si[j] *= decay;
                        sk += Si[j] * kt[j];
                    }
                    delta[size_t(i)] = b * (vt[i] - sk);
                }
                for (int32_t i = 0; i < d; ++i) {
                    float * Si = S + size_t(i) * size_t(d);
                    const float di = delta[size_t(i)];
                    float sq = 0.0f;
                    for (int32_t j = 0; j < d; ++j) {
                        Si[j] += di * kt[j];
                        sq += Si[j] * qt[j];
                    }
                    ot[i] = sq * q_scale;
                }
            }
        }
    });
}

void l2norm_rows(float * x, int64_t n_rows, int64_t n, float eps) {
    for (int64_t r = 0; r < n_rows; ++r) {
        float * xr = x + r * n;
        double ss = 0.0;
        for (int64_t i = 0; i < n; ++i) ss += double(xr[i]) * xr[i];
        const float scale = 1.0f / std::max(float(std::sqrt(ss)), eps);
        for (int64_t i = 0; i < n; ++i) xr[i] *= scale;
    }
}

}  // namespace hearth
