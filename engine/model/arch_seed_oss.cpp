// seed_oss (ByteDance Seed-OSS): qwen2-like (NeoX RoPE, q/k/v biases when
// present, no output bias), with the FFN's pre-norm stored as
// blk.N.post_attention_norm.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_seed_oss(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    hp.rope_type = RopeType_neox;
}

void bind_seed_oss_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    bind_attention(b, hp, p, l.attn);
    l.attn.bo = nullptr;  // llama.cpp loads none
    l.ffn_norm = b.vector(p + "post_attention_norm.weight", hp.n_embd, true);
    bind_dense_ffn(b, hp, p, l.ffn);
}

}  // namespace

const Architecture & architecture_seed_oss() {
    static const Architecture arch{"seed_oss", &read_seed_oss, &bind_seed_oss_layer};
    return arch;
}

}  // namespace hearth
