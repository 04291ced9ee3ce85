// qwen3moe (Qwen3-30B-A3B, Qwen3-235B-A22B): qwen3's attention (NeoX RoPE,
// per-head RMSNorm of q and k) and a mixture of experts in place of the FFN.
// The router is softmax over all experts, top-k, renormalized.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_qwen3moe(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    read_moe_hparams(file, hp);
    hp.family = ModelFamily_qwen3moe;
    hp.rope_type = RopeType_neox;
    hp.has_qk_norm = true;
    hp.expert_gating = ExpertGating_softmax;
    hp.expert_norm_topk = true;  // llama.cpp always renormalizes for this architecture
}

void bind_qwen3moe_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    bind_attention(b, hp, p, l.attn);
    l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd, true);
    bind_moe(b, hp, p, l.moe);
}

}  // namespace

const Architecture & architecture_qwen3moe() {
    static const Architecture arch{"qwen3moe", &read_qwen3moe, &bind_qwen3moe_layer};
    return arch;
}

}  // namespace hearth
