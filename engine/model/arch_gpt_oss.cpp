// gpt-oss (gpt-oss-20b, gpt-oss-120b): attention with q/k/v/o biases and a
// per-head sink logit, windowed and full layers alternating (period 2: even
// layers are windowed), YaRN on every layer, and a biased MoE router whose
// top-k raw logits are softmaxed; experts use SwiGLU-OAI with biases.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_gpt_oss(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    read_moe_hparams(file, hp);
    read_swa_hparams(file, hp, 2);  // gpt-oss has no pattern key; llama.cpp fixes the period at 2
    hp.family = ModelFamily_gpt_oss;
    hp.rope_type = RopeType_neox;
    hp.has_qkv_bias = true;
    hp.has_attn_out_bias = true;
    hp.has_attn_sinks = true;
    hp.expert_gating = ExpertGating_softmax_selected;
    hp.expert_norm_topk = false;
    // YaRN applies on both kinds of layer (with llama.cpp's betas 32 and 1:
    // the file's beta keys are ignored, as for every architecture but mistral3).
    hp.rope_freq_scale_swa = hp.rope_freq_scale;
    hp.rope_freq_base_swa = hparam_float(file, hp, "rope.freq_base_swa", hp.rope_freq_base);
}

void bind_gpt_oss_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    bind_attention(b, hp, p, l.attn);
    l.post_attn_norm = b.vector(p + "post_attention_norm.weight", hp.n_embd, true);
    bind_moe(b, hp, p, l.moe);
}

}  // namespace

const Architecture & architecture_gpt_oss() {
    static const Architecture arch{"gpt-oss", &read_gpt_oss, &bind_gpt_oss_layer};
    return arch;
}

}  // namespace hearth
