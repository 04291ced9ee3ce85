// The float64 oracle for attention tests (CPU and CUDA kernels):
// softmax(q.k / sqrt(head_dim)) . v per (token, head), over layer 0 of a
// KvCache read back as floats, so the kernel under test is isolated from the
// cache's f16/q8_0 rounding. Causal: token t, at position pos0 + t, sees
// positions [0, pos0 + t]. q: [n_tokens][n_head][head_dim];
// result: [n_tokens][n_head][head_dim_v]. Needs the engine's internal headers.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/attention.h"
#include "runtime/kv_cache.h"

namespace hearth_test {

inline std::vector<double> attention_reference(const hearth::KvCache & kv, const hearth::AttentionShape & s,
                                               int32_t n_tokens, int32_t pos0, const std::vector<float> & q) {
    const int32_t G = s.n_head / s.n_head_kv, n_keys = pos0 + n_tokens;
    std::vector<double> out(size_t(n_tokens) * s.n_head * s.head_dim_v, 0.0);
    std::vector<float> k(size_t(n_keys) * s.head_dim), v(size_t(n_keys) * s.head_dim_v);
    for (int32_t h = 0; h < s.n_head; ++h) {
        kv.read_k(0, h / G, 0, n_keys, k.data());
        kv.read_v(0, h / G, 0, n_keys, v.data());
        for (int32_t t = 0; t < n_tokens; ++t) {
            const float * qh = q.data() + (size_t(t) * s.n_head + h) * s.head_dim;
            const int32_t n = pos0 + t + 1;
            std::vector<double> w(static_cast<size_t>(n));
            double mx = -INFINITY, sum = 0.0;
            for (int32_t j = 0; j < n; ++j) {
                double d = 0.0;
                for (int32_t i = 0; i < s.head_dim; ++i) d += double(qh[i]) * k[size_t(j) * s.head_dim + i];
                w[size_t(j)] = d / std::sqrt(double(s.head_dim));
                mx = std::max(mx, w[size_t(j)]);
            }
            for (double & x : w) sum += (x = std::exp(x - mx));
            double * o = out.data() + (size_t(t) * s.n_head + h) * s.head_dim_v;
            for (int32_t j = 0; j < n; ++j)
                for (int32_t i = 0; i < s.head_dim_v; ++i) o[i] += w[size_t(j)] / sum * v[size_t(j) * s.head_dim_v + i];
        }
    }
    return out;
}

}  // namespace hearth_test
