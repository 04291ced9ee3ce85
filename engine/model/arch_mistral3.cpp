// mistral3 (Ministral 3, Mistral Small 3.1/3.2 from recent converters): the
// llama graph with exact YaRN (its own beta keys and log multiplier) and an
// attention temperature on q after RoPE, 1 + beta ln(1 + floor(pos / L)) with
// L the original context: exactly 1 below L. Older Mistral GGUFs are `llama`.
#include "hearth/error.h"
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_mistral3(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
    hp.yarn_beta_fast = hparam_float(file, hp, "rope.scaling.yarn_beta_fast", 32.0f);
    hp.yarn_beta_slow = hparam_float(file, hp, "rope.scaling.yarn_beta_slow", 1.0f);
    hp.attn_temp_scale = hparam_float(file, hp, "attention.temperature_scale", 0.0f);
    if (hp.attn_temp_scale != 0.0f) hp.attn_temp_floor = hp.n_ctx_orig;
    if (hparam_int(file, hp, "expert_count", 1) > 1)
        throw Error(ErrorCode_unsupported, file.path() + ": mistral3 models with experts are not supported yet");
}

}  // namespace

const Architecture & architecture_mistral3() {
    static const Architecture arch{"mistral3", &read_mistral3, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
