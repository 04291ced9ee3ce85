// hunyuan-dense (Hunyuan 0.5B-7B): llama with NeoX RoPE and per-head RMSNorm
// of q and k *after* RoPE. An NTK alpha (`rope.scaling.alpha`), when present,
// scales the base by alpha^(d / (d - 2)) as llama.cpp's loader does.
#include <cmath>

#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_hunyuan_dense(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_neox;
    hp.has_qk_norm = true;
    hp.qk_norm_after_rope = true;
    const float alpha = hparam_float(file, hp, "rope.scaling.alpha", 0.0f);
    if (alpha > 0.0f) hp.rope_freq_base *= powf(alpha, float(hp.n_rot) / float(hp.n_rot - 2));
}

}  // namespace

const Architecture & architecture_hunyuan_dense() {
    static const Architecture arch{"hunyuan-dense", &read_hunyuan_dense, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
