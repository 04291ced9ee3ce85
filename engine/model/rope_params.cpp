#include "model/rope_params.h"

#include <algorithm>
#include <cmath>

namespace hearth {

namespace {

// YaRN: the dimension index at which a rotation completes `n_rotations`
// turns over the original context (ggml's corr_dim formula).
float yarn_corr_dim(int n_rot, int n_ctx_orig, float n_rotations, float base) {
    return float(n_rot) * std::log(float(n_ctx_orig) / (n_rotations * 2.0f * float(M_PI))) / (2.0f * std::log(base));
}

}  // namespace

RopeParams RopeParams::from_hparams(const ModelHparams & hp, bool swa) {
    RopeParams rp;
    rp.type = hp.rope_type;
    rp.n_rot = hp.n_rot;
    rp.freq_base = swa && hp.rope_freq_base_swa > 0.0f ? hp.rope_freq_base_swa : hp.rope_freq_base;
    rp.freq_scale = swa ? hp.rope_freq_scale_swa : hp.rope_freq_scale;
    for (int i = 0; i < 4; ++i) rp.sections[i] = hp.rope_sections[i];
    rp.ext_factor = hp.yarn_ext_factor;
    rp.attn_factor = hp.yarn_attn_factor;
    if (hp.rope_scaling == RopeScaling_yarn) {
        const int n_orig = hp.n_ctx_orig > 0 ? hp.n_ctx_orig : hp.n_ctx_train;
        const float lo = std::floor(yarn_corr_dim(hp.n_rot, n_orig, hp.yarn_beta_fast, rp.freq_base));
        const float hi = std::ceil(yarn_corr_dim(hp.n_rot, n_orig, hp.yarn_beta_slow, rp.freq_base));
        rp.corr_low = std::max(0.0f, lo);
        rp.corr_high = std::min(float(hp.n_rot - 1), hi);
    }
    return rp;
}

}  // namespace hearth
