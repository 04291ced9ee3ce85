// exaone (EXAONE 3.0/3.5): llama with NeoX (split-half) RoPE.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_exaone(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_neox;
}

}  // namespace

const Architecture & architecture_exaone() {
    static const Architecture arch{"exaone", &read_exaone, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
