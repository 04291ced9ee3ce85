// ernie4_5 (ERNIE-4.5 dense): llama. Its attn_output.bias, when a file has
// one, is loaded by llama.cpp but never applied, so it is ignored here too.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_ernie4_5(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
}

void bind_ernie4_5_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    bind_llama_layer(b, hp, il, l);
    l.attn.bo = nullptr;
}

}  // namespace

const Architecture & architecture_ernie4_5() {
    static const Architecture arch{"ernie4_5", &read_ernie4_5, &bind_ernie4_5_layer};
    return arch;
}

}  // namespace hearth
