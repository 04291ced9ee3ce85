// gemma3: local (sliding-window) layers interleaved with global ones, with
// their own RoPE base; RMSNorm before and after both attention and FFN; token
// embeddings scaled by sqrt(n_embd); a GELU(tanh)-gated FFN; q/k norms; the
// output tied to the embedding. Norm weights are used as stored (the
// converter already added Gemma's +1).
#include <cmath>

#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_gemma3(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    // The converted Google models have no pattern key: 5 local layers, then a global one.
    read_swa_hparams(file, hp, hparam_int(file, hp, "attention.sliding_window_pattern", 6));
    hp.family = ModelFamily_gemma3;
    hp.rope_type = RopeType_neox;
    hp.has_qk_norm = true;
    hp.rope_freq_base_swa = hparam_float(file, hp, "rope.freq_base_swa", 10000.0f);
    hp.rope_freq_scale_swa = 1.0f;  // a rope scaling applies to the global layers only
    hp.embd_scale = std::sqrt(float(hp.n_embd));
    // The 62-layer 27B scales q by its hidden size per head instead of the head size.
    const int32_t per_head = hp.n_layer == 62 ? hp.n_embd / hp.n_head : hp.head_dim;
    hp.attn_q_scale = 1.0f / std::sqrt(float(per_head));
    hp.final_logit_softcap = hparam_float(file, hp, "final_logit_softcapping", 0.0f);
}

void bind_gemma3_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    bind_attention(b, hp, p, l.attn);
    l.post_attn_norm = b.vector(p + "post_attention_norm.weight", hp.n_embd, true);
    l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd, true);
    bind_dense_ffn(b, hp, p, l.ffn);
    l.post_ffw_norm = b.vector(p + "post_ffw_norm.weight", hp.n_embd, true);
}

}  // namespace

const Architecture & architecture_gemma3() {
    static const Architecture arch{"gemma3", &read_gemma3, &bind_gemma3_layer};
    return arch;
}

}  // namespace hearth
