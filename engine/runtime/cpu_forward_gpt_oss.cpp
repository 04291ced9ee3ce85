// gpt-oss on the CPU.
//   x += wo . attention(...) + bo    q/k/v biases, YaRN NeoX RoPE, per-head
//                                    sinks; even layers see a sliding window
//   x += sum_j w_j (down_j(swiglu_oai(gate_j . xn + bg_j, up_j . xn + bu_j)) + bd_j)
// with xn = rmsnorm(x) * post_attention_norm, and the k experts j the top raw
// router logits (W_r . xn + b_r), weighted by the softmax over those k.
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_gpt_oss(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
    rmsnorm_rows(x, l.post_attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_moe_block(c, l.moe, T, moe_activation(hp.family), tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
}

}  // namespace hearth
