#include "model/architecture.h"

#include <cmath>
#include <string>

#include "hearth/error.h"

namespace hearth {

namespace {

std::string key(const ModelHparams & hp, const char * suffix) {
    return hp.arch + "." + suffix;
}

int32_t required_int(const GgufFile & file, const std::string & k) {
    const GgufValue * v = file.find(k);
    if (!v) throw Error(ErrorCode_model, file.path() + ": missing metadata key '" + k + "'");
    int64_t x = v->as_int(k);
    if (x <= 0 || x > (1 << 30))
        throw Error(ErrorCode_model, file.path() + ": metadata key '" + k + "' has invalid value " + std::to_string(x));
    return (int32_t)x;
}

int32_t optional_int(const GgufFile & file, const std::string & k, int32_t fallback) {
    return file.has(k) ? required_int(file, k) : fallback;
}

void read_rope_scaling(const GgufFile & file, ModelHparams & hp) {
    std::string type(file.get_string(key(hp, "rope.scaling.type"), "none"));
    float factor = (float)file.get_float(key(hp, "rope.scaling.factor"), 0.0);
    if (factor == 0.0f) factor = (float)file.get_float(key(hp, "rope.scale_linear"), 0.0);
    if (type == "linear" || (type == "none" && factor > 0.0f && file.has(key(hp, "rope.scale_linear")))) {
        hp.rope_scaling = RopeScaling_linear;
    } else if (type == "yarn") {
        hp.rope_scaling = RopeScaling_yarn;
    } else if (type != "none") {
        throw Error(ErrorCode_unsupported, file.path() + ": unsupported RoPE scaling type '" + type + "'");
    }
    if (hp.rope_scaling != RopeScaling_none && factor > 0.0f) hp.rope_freq_scale = 1.0f / factor;
    hp.n_ctx_orig = optional_int(file, key(hp, "rope.scaling.original_context_length"), hp.n_ctx_train);
    if (hp.rope_scaling == RopeScaling_yarn) {
        hp.yarn_ext_factor = 1.0f;
        hp.yarn_attn_factor = (float)file.get_float(key(hp, "rope.scaling.attn_factor"), 1.0);
        hp.yarn_beta_fast = (float)file.get_float(key(hp, "rope.scaling.yarn_beta_fast"), 32.0);
        hp.yarn_beta_slow = (float)file.get_float(key(hp, "rope.scaling.yarn_beta_slow"), 1.0);
    }
}

}  // namespace

void read_common_hparams(const GgufFile & file, ModelHparams & hp, float default_rms_eps) {
    hp.n_ctx_train = optional_int(file, key(hp, "context_length"), 2048);
    hp.n_embd = required_int(file, key(hp, "embedding_length"));
    hp.n_layer = required_int(file, key(hp, "block_count"));
    hp.n_ff = required_int(file, key(hp, "feed_forward_length"));
    hp.n_head = required_int(file, key(hp, "attention.head_count"));
    hp.n_head_kv = optional_int(file, key(hp, "attention.head_count_kv"), hp.n_head);
    if (hp.n_embd % hp.n_head != 0 && !file.has(key(hp, "attention.key_length")))
        throw Error(ErrorCode_model, file.path() + ": embedding_length " + std::to_string(hp.n_embd) +
                                         " is not divisible by head_count " + std::to_string(hp.n_head));
    hp.head_dim = optional_int(file, key(hp, "attention.key_length"), hp.n_embd / hp.n_head);
    hp.head_dim_v = optional_int(file, key(hp, "attention.value_length"), hp.head_dim);
    hp.n_rot = optional_int(file, key(hp, "rope.dimension_count"), hp.head_dim);
    hp.rms_eps = (float)file.get_float(key(hp, "attention.layer_norm_rms_epsilon"), default_rms_eps);
    hp.rope_freq_base = (float)file.get_float(key(hp, "rope.freq_base"), 10000.0);
    read_rope_scaling(file, hp);
}

void validate_hparams(const GgufFile & file, const ModelHparams & hp) {
    auto fail = [&](const std::string & what) { throw Error(ErrorCode_model, file.path() + ": " + what); };
    if (hp.n_head % hp.n_head_kv != 0)
        fail("head_count " + std::to_string(hp.n_head) + " is not a multiple of head_count_kv " +
             std::to_string(hp.n_head_kv));
    if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0)
        fail("rope.dimension_count " + std::to_string(hp.n_rot) + " does not fit head size " +
             std::to_string(hp.head_dim));
    if (!(hp.rms_eps > 0.0f) || !std::isfinite(hp.rms_eps)) fail("invalid layer_norm_rms_epsilon");
    if (!(hp.rope_freq_base > 0.0f) || !std::isfinite(hp.rope_freq_base)) fail("invalid rope.freq_base");
    if (!(hp.rope_freq_scale > 0.0f) || !std::isfinite(hp.rope_freq_scale)) fail("invalid rope scaling factor");
}

const Architecture * find_architecture(std::string_view name) {
    for (const Architecture * a : {&architecture_llama(), &architecture_qwen2(), &architecture_qwen3()})
        if (name == a->name) return a;
    return nullptr;
}

}  // namespace hearth
