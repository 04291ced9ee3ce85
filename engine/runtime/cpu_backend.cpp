#include "runtime/cpu_backend.h"

#include <algorithm>

#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "hearth/error.h"
#include "model/weights.h"
#include "runtime/kv_cache.h"

namespace hearth {

size_t CpuBackend::scratch_floats(const ModelHparams & hp, int32_t n_batch, int n_threads) {
    const size_t T = size_t(n_batch);
    const size_t per_token = size_t(hp.n_embd) * 2 + size_t(hp.n_embd_q()) + size_t(hp.n_embd_k()) +
                             size_t(hp.n_embd_v()) + size_t(hp.n_head) * size_t(hp.head_dim_v) + size_t(hp.n_ff) * 2;
    AttentionShape s{hp.n_head, hp.n_head_kv, hp.head_dim, hp.head_dim_v};
    return T * per_token + size_t(n_threads) * attention_scratch_floats(s);
}

CpuBackend::CpuBackend(const ModelHparams & hp, const ModelWeights & w, KvCache & kv, ThreadPool & pool,
                       int32_t n_batch)
    : m_hp(hp),
      m_w(w),
      m_kv(kv),
      m_pool(pool),
      m_n_batch(n_batch),
      m_rope(RopeParams::from_hparams(hp)),
      m_shape{hp.n_head, hp.n_head_kv, hp.head_dim, hp.head_dim_v} {
    const size_t T = size_t(n_batch);
    m_xn.resize(T * size_t(hp.n_embd));
    m_q.resize(T * size_t(hp.n_embd_q()));
    m_k.resize(T * size_t(hp.n_embd_k()));
    m_v.resize(T * size_t(hp.n_embd_v()));
    m_attn.resize(T * size_t(hp.n_head) * size_t(hp.head_dim_v));
    m_gate.resize(T * size_t(hp.n_ff));
    m_up.resize(T * size_t(hp.n_ff));
    m_tmp.resize(T * size_t(hp.n_embd));
    m_att_scratch.resize(size_t(pool.size()) * attention_scratch_floats(m_shape));
    m_mm_scratch.resize(w.max_matmul_scratch(n_batch));
}

void CpuBackend::run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) {
    HEARTH_ASSERT(n_tokens > 0 && n_tokens <= m_n_batch);
    for (int il = first; il < last; ++il) run_layer(il, hidden, n_tokens, pos0);
}

void CpuBackend::run_layer(int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = m_w.layers[size_t(il)];
    const ModelHparams & hp = m_hp;
    void * mm = m_mm_scratch.data();

    rmsnorm_rows(x, l.attn_norm, m_xn.data(), T, hp.n_embd, hp.rms_eps);
    matmul(l.wq, m_xn.data(), T, m_q.data(), mm, m_pool);
    matmul(l.wk, m_xn.data(), T, m_k.data(), mm, m_pool);
    matmul(l.wv, m_xn.data(), T, m_v.data(), mm, m_pool);
    if (l.bq) add_bias_rows(m_q.data(), l.bq, T, hp.n_embd_q());
    if (l.bk) add_bias_rows(m_k.data(), l.bk, T, hp.n_embd_k());
    if (l.bv) add_bias_rows(m_v.data(), l.bv, T, hp.n_embd_v());
    if (l.q_norm) rmsnorm_rows(m_q.data(), l.q_norm, m_q.data(), int64_t(T) * hp.n_head, hp.head_dim, hp.rms_eps);
    if (l.k_norm) rmsnorm_rows(m_k.data(), l.k_norm, m_k.data(), int64_t(T) * hp.n_head_kv, hp.head_dim, hp.rms_eps);
    rope_rows(m_rope, m_q.data(), T, hp.n_head, hp.head_dim, pos0);
    rope_rows(m_rope, m_k.data(), T, hp.n_head_kv, hp.head_dim, pos0);
    m_kv.store(il, pos0, T, m_k.data(), m_v.data());

    attention(m_kv, il, m_shape, m_q.data(), T, pos0, m_attn.data(), m_att_scratch.data(), m_pool);
    matmul(l.wo, m_attn.data(), T, m_tmp.data(), mm, m_pool);
    add_in_place(x, m_tmp.data(), int64_t(T) * hp.n_embd);

    rmsnorm_rows(x, l.ffn_norm, m_xn.data(), T, hp.n_embd, hp.rms_eps);
    matmul(l.ffn_gate, m_xn.data(), T, m_gate.data(), mm, m_pool);
    matmul(l.ffn_up, m_xn.data(), T, m_up.data(), mm, m_pool);
    swiglu_in_place(m_gate.data(), m_up.data(), int64_t(T) * hp.n_ff);
    matmul(l.ffn_down, m_gate.data(), T, m_tmp.data(), mm, m_pool);
    add_in_place(x, m_tmp.data(), int64_t(T) * hp.n_embd);
}

}  // namespace hearth
