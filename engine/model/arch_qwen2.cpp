// qwen2: NeoX (split-half) RoPE, biases on the q/k/v projections, and the
// output matrix tied to token_embd when `output.weight` is absent.
#include "model/architecture.h"

namespace hearth {

namespace {
void read_qwen2(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    hp.rope_type = RopeType_neox;
    hp.has_qkv_bias = true;
}
}  // namespace

const Architecture & architecture_qwen2() {
    static const Architecture arch{"qwen2", &read_qwen2, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
