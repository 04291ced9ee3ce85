// qwen35 and qwen35moe on the CPU: a gated DeltaNet or a gated attention
// mixer, then the FFN (dense SwiGLU, or MoE with a shared expert).
//   x += mixer(rmsnorm(x) * attn_norm)
//   x += ffn(rmsnorm(x) * post_attention_norm)
// Layer il is full attention iff (il + 1) % full_attention_interval == 0.
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_qwen35(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    if (hp.is_recurrent(il))
        cpu_delta_net_block(c, il, l.ssm, T, tmp);
    else
        cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
    rmsnorm_rows(x, l.post_attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    if (hp.is_moe())
        cpu_moe_block(c, l.moe, T, moe_activation(hp.family), tmp);
    else
        cpu_dense_ffn_block(c, l.ffn, T, dense_ffn_activation(hp.family), tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
}

}  // namespace hearth
