// qwen3: NeoX RoPE, no biases, per-head RMSNorm of q and k (attn_q_norm /
// attn_k_norm, [head_dim]) before RoPE. head_dim comes from
// `qwen3.attention.key_length` and may differ from n_embd / n_head.
#include "model/architecture.h"

namespace hearth {

namespace {
void read_qwen3(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    hp.rope_type = RopeType_neox;
    hp.has_qk_norm = true;
}
}  // namespace

const Architecture & architecture_qwen3() {
    static const Architecture arch{"qwen3", &read_qwen3, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
