// llama: Llama 2/3, Mistral, TinyLlama, the tinyllamas "stories" models.
// Interleaved-pair RoPE, no biases, optional separate output matrix.
#include "model/architecture.h"

namespace hearth {

namespace {
void read_llama(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
}
}  // namespace

const Architecture & architecture_llama() {
    static const Architecture arch{"llama", &read_llama};
    return arch;
}

}  // namespace hearth
