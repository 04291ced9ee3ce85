// The llama family on the CPU: llama, qwen2, qwen3 and the other dense
// llama-shaped architectures (mistral3, granite, smollm3, phi3, ...), whose
// variations are flags of ModelHparams handled in the shared blocks.
//   x += wo . attention(rope(q, k), v of rmsnorm(x) * attn_norm)
//   x += down(silu(gate . xn) * up . xn),  xn = rmsnorm(x) * ffn_norm
#include "runtime/cpu_layer.h"

namespace hearth {

void cpu_layer_llama(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0) {
    const LayerWeights & l = c.w.layers[size_t(il)];
    const ModelHparams & hp = c.hp;
    float * tmp = c.s.tmp.data();
    const int64_t n = int64_t(T) * hp.n_embd;
    rmsnorm_rows(x, l.attn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_attention_block(c, il, l.attn, T, pos0, tmp);
    if (hp.residual_scale != 0.0f) scale_in_place(tmp, n, hp.residual_scale);  // granite
    add_in_place(x, tmp, n);
    rmsnorm_rows(x, l.ffn_norm, c.s.xn.data(), T, hp.n_embd, hp.rms_eps);
    cpu_dense_ffn_block(c, l.ffn, T, dense_ffn_activation(hp.family), tmp);
    if (hp.residual_scale != 0.0f) scale_in_place(tmp, n, hp.residual_scale);
    add_in_place(x, tmp, n);
}

}  // namespace hearth
