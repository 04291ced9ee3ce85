// smollm3 (SmolLM3): llama with no RoPE on every fourth layer
// ((il + 1) % 4 == 0, fixed in llama.cpp, whatever the file says).
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_smollm3(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    hp.rope_type = RopeType_normal;
    hp.n_no_rope_layer_step = 4;
}

}  // namespace

const Architecture & architecture_smollm3() {
    static const Architecture arch{"smollm3", &read_smollm3, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
