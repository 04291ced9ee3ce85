// granite (Granite 3.x, and the non-hybrid Granite 4.0 models): llama with
// four scalars: embeddings times embedding_scale, each block's output times
// residual_scale, attention.scale in place of 1/sqrt(head_dim), and logits
// times 1 / logit_scale. `rope.scaling.finetuned` false turns RoPE off.
#include "hearth/error.h"
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_granite(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
    const float logit_scale = hparam_float(file, hp, "logit_scale", 0.0f);
    if (logit_scale == 0.0f) throw Error(ErrorCode_model, file.path() + ": missing metadata key 'granite.logit_scale'");
    hp.logit_multiplier = 1.0f / logit_scale;  // llama.cpp multiplies by the reciprocal
    hp.residual_scale = hparam_float(file, hp, "residual_scale", 0.0f);
    hp.embd_scale = hparam_float(file, hp, "embedding_scale", 0.0f);
    hp.attn_q_scale = hparam_float(file, hp, "attention.scale", 0.0f);
    hp.rope_enabled = file.get_bool(hp.arch + ".rope.scaling.finetuned", true);
}

}  // namespace

const Architecture & architecture_granite() {
    static const Architecture arch{"granite", &read_granite, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
