// internlm2 (InternLM 2 / 2.5): llama whose output matrix is never tied.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_internlm2(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
    hp.output_required = true;
}

}  // namespace

const Architecture & architecture_internlm2() {
    static const Architecture arch{"internlm2", &read_internlm2, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
