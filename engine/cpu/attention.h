// Causal multi-head attention over the KV cache, with GQA.
//
// q: [n_tokens, n_head * head_dim] (RoPE applied); token t sits at position
// pos0 + t and attends to cache positions [0, pos0 + t]. Query head h reads
// KV head h / (n_head / n_head_kv). out: [n_tokens, n_head * head_dim_v].
// Scores are scaled by 1/sqrt(head_dim). Work is split over (token, head)
// pairs; each thread uses its own slice of `scratch`.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth {

class KvCache;
class ThreadPool;

struct AttentionShape {
    int32_t n_head = 0;
    int32_t n_head_kv = 0;
    int32_t head_dim = 0;
    int32_t head_dim_v = 0;
};

// Floats of scratch one thread needs for a context of n_ctx.
size_t attention_scratch_floats(const AttentionShape & s, int32_t n_ctx);

void attention(const KvCache & kv, int il, const AttentionShape & s, const float * q, int32_t n_tokens,
               int32_t pos0, float * out, float * scratch, ThreadPool & pool);

}  // namespace hearth
