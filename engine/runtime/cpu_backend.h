// The CPU backend: one transformer block per layer over a batch of tokens.
//
// Per layer, for hidden x [T, n_embd]:
//   xn = rmsnorm(x) * attn_norm
//   q, k, v = xn Wq (+bq), xn Wk (+bk), xn Wv (+bv)      [T, n_head*hd], [T, n_head_kv*hd]
//   q, k = per-head rmsnorm (qwen3), then RoPE at pos0 + t
//   cache[pos0 + t] = k, v; attn = causal attention over the cache
//   x += attn Wo
//   x += (silu(xn' Wgate) * xn' Wup) Wdown,  xn' = rmsnorm(x) * ffn_norm
// All buffers are allocated once for n_batch tokens: no allocation per token.
#pragma once

#include <vector>

#include "cpu/attention.h"
#include "cpu/ops.h"
#include "runtime/backend.h"

namespace hearth {

class KvCache;
class ThreadPool;
struct ModelWeights;

class CpuBackend : public Backend {
public:
    CpuBackend(const ModelHparams & hp, const ModelWeights & w, KvCache & kv, ThreadPool & pool, int32_t n_batch);

    // Floats of scratch the backend allocates (for the memory check).
    static size_t scratch_floats(const ModelHparams & hp, int32_t n_batch, int n_threads);

    const char * name() const override { return "cpu"; }
    void run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) override;

private:
    void run_layer(int il, float * x, int32_t n_tokens, int32_t pos0);

    const ModelHparams & m_hp;
    const ModelWeights & m_w;
    KvCache & m_kv;
    ThreadPool & m_pool;
    int32_t m_n_batch;
    RopeParams m_rope;
    AttentionShape m_shape;
    std::vector<float> m_xn, m_q, m_k, m_v, m_attn, m_gate, m_up, m_tmp, m_att_scratch;
    std::vector<uint8_t> m_mm_scratch;
};

}  // namespace hearth
