// qwen3moe on the CPU: qwen3's attention, then a mixture of experts.
//   x += attention(rmsnorm(x) * attn_norm)          (q/k norms, NeoX RoPE)
//   x += sum_j w_j down_j(silu(gate_j . xn) * up_j . xn),  xn = rmsnorm(x) * ffn_norm
// over each token's top-k experts j by softmax router weight, renormalized.
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_qwen3moe(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
    rmsnorm_rows(x, l.ffn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_moe_block(c, l.moe, T, moe_activation(hp.family), tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
}

}  // namespace hearth
