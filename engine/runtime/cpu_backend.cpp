#include "runtime/cpu_backend.h"

#include "cpu/thread_pool.h"
#include "hearth/error.h"
#include "runtime/kv_cache.h"

namespace hearth {

namespace {

CpuLayerFn layer_fn(ModelFamily family) {
    switch (family) {
        case ModelFamily_llama:
            return &cpu_layer_llama;
        case ModelFamily_qwen3moe:
            return &cpu_layer_qwen3moe;
        case ModelFamily_gpt_oss:
            return &cpu_layer_gpt_oss;
        case ModelFamily_gemma3:
            return &cpu_layer_gemma3;
        case ModelFamily_qwen35:
            return &cpu_layer_qwen35;
    }
    return nullptr;
}

}  // namespace

size_t CpuBackend::scratch_floats(const ModelHparams & hp, int32_t n_batch, int n_threads) {
    return CpuScratch::floats(hp, n_batch, n_threads);
}

CpuBackend::CpuBackend(const ModelHparams & hp, const ModelWeights & w, KvCache & kv, RecurrentState & rec,
                       ThreadPool & pool, int32_t n_batch)
    : m_n_batch(n_batch),
      m_ctx{hp,
            w,
            kv,
            rec,
            pool,
            m_scratch,
            RopeParams::from_hparams(hp),
            RopeParams::from_hparams(hp, true),
            AttentionShape{hp.n_head, hp.n_head_kv, hp.head_dim, hp.head_dim_v}},
      m_layer(layer_fn(hp.family)) {
    HEARTH_ASSERT(m_layer != nullptr);
    m_scratch.allocate(hp, w, n_batch, pool.size());
    m_ctx.rope.freq_factors = m_ctx.rope_swa.freq_factors = w.rope_factors(hp, kv.n_ctx());
}

void CpuBackend::run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) {
    HEARTH_ASSERT(n_tokens > 0 && n_tokens <= m_n_batch);
    for (int il = first; il < last; ++il) m_layer(m_ctx, il, hidden, n_tokens, pos0);
}

}  // namespace hearth
