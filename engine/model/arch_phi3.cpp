// phi3 (Phi-3/3.5, Phi-4, Phi-4-mini): fused attn_qkv and fused ffn_up
// (rows gate | up), partial NeoX RoPE with long/short frequency factor tables
// chosen by the context size and `rope.scaling.attn_factor` on cos and sin,
// and q scaled by 1/sqrt(head_dim) in f32 before attention (which then scales
// by 1). llama.cpp reads a sliding window but runs every layer fully causal.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_phi3(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_neox;
    hp.attn_q_prescale = true;
}

}  // namespace

const Architecture & architecture_phi3() {
    static const Architecture arch{"phi3", &read_phi3, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
