// The llama family on the CPU: llama, qwen2, qwen3 and the other dense
// llama-shaped architectures.
//   x += wo . attention(rope(q, k), v of rmsnorm(x) * attn_norm)
//   x += down(silu(gate . xn) * up . xn),  xn = rmsnorm(x) * ffn_norm
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_llama(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
    rmsnorm_rows(x, l.ffn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_dense_ffn_block(c, l.ffn, T, FfnActivation_silu, tmp);
    add_in_place(x, tmp, int64_t(T) * hp.n_embd);
}

}  // namespace hearth
