// gemma3 on the CPU: norms on both sides of each block ("sandwich").
//   x += rmsnorm(attention(rmsnorm(x) * attn_norm)) * post_attention_norm
//   x += rmsnorm(down(gelu(gate . xn) * up . xn)) * post_ffw_norm,  xn = rmsnorm(x) * ffn_norm
// Local layers use a sliding window and their own RoPE base; the embedding
// scale and the optional final softcap are applied by the evaluator.
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_gemma3(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    rmsnorm_rows(tmp, l.post_attn_norm, tmp, T, hp.n_embd, hp.rms_eps);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
    rmsnorm_rows(x, l.ffn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_dense_ffn_block(c, l.ffn, T, dense_ffn_activation(hp.family), tmp);
    rmsnorm_rows(tmp, l.post_ffw_norm, tmp, T, hp.n_embd, hp.rms_eps);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
}

}  // namespace hearth
