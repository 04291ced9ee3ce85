#include "cpu/attention.h"

#include <cmath>

#include "cpu/ops.h"
#include "cpu/thread_pool.h"
#include "runtime/kv_cache.h"

namespace hearth {

size_t attention_scratch_floats(const AttentionShape & s, int32_t n_ctx) {
    return size_t(n_ctx) + size_t(s.head_dim) + size_t(s.head_dim_v);
}

namespace {

void attend_one(const KvCache & kv, int il, const AttentionShape & s, const float * q, int32_t pos, int32_t head,
                float * out, float * scratch) {
    float * scores = scratch;
    float * krow = scratch + kv.n_ctx();
    float * vrow = krow + s.head_dim;
    const int32_t kv_head = head / (s.n_head / s.n_head_kv);
    const float scale = 1.0f / std::sqrt(float(s.head_dim));
    const int32_t n_keys = pos + 1;
    for (int32_t j = 0; j < n_keys; ++j) {
        kv.read_k(il, j, kv_head, krow);
        float d = 0.0f;
        for (int32_t i = 0; i < s.head_dim; ++i) d += q[i] * krow[i];
        scores[j] = d * scale;
    }
    softmax_in_place(scores, n_keys);
    for (int32_t i = 0; i < s.head_dim_v; ++i) out[i] = 0.0f;
    for (int32_t j = 0; j < n_keys; ++j) {
        kv.read_v(il, j, kv_head, vrow);
        const float p = scores[j];
        for (int32_t i = 0; i < s.head_dim_v; ++i) out[i] += p * vrow[i];
    }
}

}  // namespace

void attention(const KvCache & kv, int il, const AttentionShape & s, const float * q, int32_t n_tokens,
               int32_t pos0, float * out, float * scratch, ThreadPool & pool) {
    const size_t stride = attention_scratch_floats(s, kv.n_ctx());
    const int64_t n_items = int64_t(n_tokens) * s.n_head;
    pool.parallel_for(n_items, [&](int64_t begin, int64_t end, int thread) {
        float * mine = scratch + size_t(thread) * stride;
        for (int64_t item = begin; item < end; ++item) {
            const int32_t t = int32_t(item / s.n_head);
            const int32_t h = int32_t(item % s.n_head);
            const float * qh = q + (size_t(t) * s.n_head + h) * size_t(s.head_dim);
            float * oh = out + (size_t(t) * s.n_head + h) * size_t(s.head_dim_v);
            attend_one(kv, il, s, qh, pos0 + t, h, oh, mine);
        }
    });
}

}  // namespace hearth
