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

// An array key holding one value per layer (llama.cpp accepts either a scalar
// or an array for head_count_kv): the first element stands for all of them
// when every layer agrees, else the model is refused.
int32_t scalar_or_uniform_array(const GgufFile & file, const std::string & k, int32_t fallback) {
    const GgufValue * v = file.find(k);
    if (!v) return fallback;
    if (!v->is_array()) return required_int(file, k);
    const GgufArray & a = v->as_array(k);
    if (a.items.empty()) throw Error(ErrorCode_model, file.path() + ": metadata key '" + k + "' is an empty array");
    int64_t first = 0;
    for (size_t i = 0; i < a.items.size(); ++i) {
        const int64_t x = a.items[i].as_int(k);
        if (i == 0) first = x;
        if (x != first)
            throw Error(ErrorCode_unsupported,
                        file.path() + ": metadata key '" + k + "' varies by layer, which Hearth does not support yet");
    }
    if (first <= 0 || first > (1 << 30))
        throw Error(ErrorCode_model,
                    file.path() + ": metadata key '" + k + "' has invalid value " + std::to_string(first));
    return int32_t(first);
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
    // The magnitude RoPE multiplies cos and sin by, as llama.cpp's context
    // derives it: with YaRN, get_mscale(factor) (over get_mscale(factor,
    // log_mul) when a log multiplier is given) divided by the 1 + 0.1 ln(factor)
    // that the rotation itself applies; then always `rope.scaling.attn_factor`.
    // The beta keys are read by the architectures that honour them (mistral3).
    const float attn_factor = (float)file.get_float(key(hp, "rope.scaling.attn_factor"), 1.0);
    hp.yarn_attn_factor = 1.0f;
    if (hp.rope_scaling == RopeScaling_yarn) {
        hp.yarn_ext_factor = 1.0f;
        const float log_mul = (float)file.get_float(key(hp, "rope.scaling.yarn_log_multiplier"), 0.0);
        const float f = 1.0f / hp.rope_freq_scale;
        auto mscale = [](float s, float m) { return s <= 1.0f ? 1.0f : 0.1f * m * logf(s) + 1.0f; };
        float attn = log_mul != 0.0f ? mscale(f, 1.0f) / mscale(f, log_mul) : mscale(f, 1.0f);
        attn *= 1.0f / (1.0f + 0.1f * logf(f));
        hp.yarn_attn_factor = attn;
    }
    hp.yarn_attn_factor *= attn_factor;
}

}  // namespace

void read_common_hparams(const GgufFile & file, ModelHparams & hp, float default_rms_eps) {
    hp.n_ctx_train = optional_int(file, key(hp, "context_length"), 2048);
    hp.n_embd = required_int(file, key(hp, "embedding_length"));
    hp.n_layer = required_int(file, key(hp, "block_count"));
    // MoE models may lack it (then n_ff_exp must be given): validate_hparams checks.
    hp.n_ff = scalar_or_uniform_array(file, key(hp, "feed_forward_length"), 0);
    hp.n_head = required_int(file, key(hp, "attention.head_count"));
    hp.n_head_kv = scalar_or_uniform_array(file, key(hp, "attention.head_count_kv"), hp.n_head);
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

void read_moe_hparams(const GgufFile & file, ModelHparams & hp) {
    hp.n_expert = optional_int(file, key(hp, "expert_count"), 0);
    hp.n_expert_used = optional_int(file, key(hp, "expert_used_count"), 0);
    const int32_t fallback = hp.n_expert_used > 0 ? hp.n_ff / hp.n_expert_used : 0;
    hp.n_ff_exp = optional_int(file, key(hp, "expert_feed_forward_length"), fallback);
    hp.n_ff_shexp = optional_int(file, key(hp, "expert_shared_feed_forward_length"), 0);
    if (hp.n_expert == 0)
        throw Error(ErrorCode_model, file.path() + ": missing metadata key '" + key(hp, "expert_count") + "'");
}

void read_swa_hparams(const GgufFile & file, ModelHparams & hp, int32_t period) {
    hp.n_swa = optional_int(file, key(hp, "attention.sliding_window"), 0);
    if (hp.n_swa == 0) return;
    if (period <= 0)
        throw Error(ErrorCode_model, file.path() + ": invalid sliding window pattern " + std::to_string(period));
    hp.swa_layers.assign(size_t(hp.n_layer), 0);
    for (int32_t il = 0; il < hp.n_layer; ++il) hp.swa_layers[size_t(il)] = il % period < period - 1 ? 1 : 0;
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
    const bool dense_ffn = !hp.is_moe() || hp.family == ModelFamily_llama;
    if (dense_ffn && hp.n_ff <= 0) fail("missing metadata key '" + hp.arch + ".feed_forward_length'");
    if (hp.is_moe()) {
        if (hp.n_expert_used <= 0 || hp.n_expert_used > hp.n_expert)
            fail("expert_used_count " + std::to_string(hp.n_expert_used) + " is not in [1, expert_count " +
                 std::to_string(hp.n_expert) + "]");
        if (hp.n_ff_exp <= 0) fail("missing metadata key '" + hp.arch + ".expert_feed_forward_length'");
    }
    if (hp.n_swa < 0) fail("invalid attention.sliding_window");
}

namespace {
const Architecture * const kArchitectures[] = {
    &architecture_llama(),         &architecture_qwen2(),    &architecture_qwen3(),     &architecture_qwen3moe(),
    &architecture_gpt_oss(),       &architecture_gemma3(),   &architecture_qwen35(),    &architecture_qwen35moe(),
    &architecture_mistral3(),      &architecture_granite(),  &architecture_smollm3(),   &architecture_phi3(),
    &architecture_exaone(),        &architecture_ernie4_5(), &architecture_internlm2(), &architecture_seed_oss(),
    &architecture_hunyuan_dense(),
};
}  // namespace

const Architecture * find_architecture(std::string_view name) {
    for (const Architecture * a : kArchitectures)
        if (name == a->name) return a;
    return nullptr;
}

std::string supported_architectures() {
    std::string out;
    for (const Architecture * a : kArchitectures) out += (out.empty() ? "" : ", ") + std::string(a->name);
    return out;
}

const Architecture & require_architecture(const GgufFile & file) {
    const std::string arch(file.architecture());
    if (arch.empty()) throw Error(ErrorCode_model, file.path() + ": missing metadata key 'general.architecture'");
    const Architecture * a = find_architecture(arch);
    if (!a)
        throw Error(ErrorCode_unsupported, file.path() + ": Unsupported architecture '" + arch + "' (Hearth runs " +
                                               supported_architectures() + ")");
    return *a;
}

void require_supported_architecture(const GgufFile & file) {
    require_architecture(file);
}

int32_t hparam_int(const GgufFile & file, const ModelHparams & hp, const char * suffix) {
    return required_int(file, key(hp, suffix));
}

int32_t hparam_int(const GgufFile & file, const ModelHparams & hp, const char * suffix, int32_t fallback) {
    return optional_int(file, key(hp, suffix), fallback);
}

float hparam_float(const GgufFile & file, const ModelHparams & hp, const char * suffix, float fallback) {
    const float x = float(file.get_float(key(hp, suffix), fallback));
    if (!std::isfinite(x))
        throw Error(ErrorCode_model, file.path() + ": metadata key '" + key(hp, suffix) + "' is not finite");
    return x;
}

}  // namespace hearth
