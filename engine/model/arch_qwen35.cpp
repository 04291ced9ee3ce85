// qwen35 and qwen35moe (Qwen3.5): a hybrid of gated DeltaNet layers (linear
// attention with a recurrent state) and gated full-attention layers: layer il
// is full attention iff (il + 1) % full_attention_interval == 0. Attention
// layers project a sigmoid gate together with q ([q | gate] per head), norm q
// and k per head, and rotate the first rope.dimension_count dims with
// interleaved M-RoPE. The FFN follows post_attention_norm: SwiGLU (qwen35), or
// a MoE with a sigmoid-gated shared expert (qwen35moe). Tied output.
#include <algorithm>

#include "hearth/error.h"
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {

void read_rope_sections(const GgufFile & file, ModelHparams & hp) {
    const std::string k = hp.arch + ".rope.dimension_sections";
    const GgufValue * v = file.find(k);
    if (!v) throw Error(ErrorCode_model, file.path() + ": missing metadata key '" + k + "'");
    const GgufArray & a = v->as_array(k);
    if (a.items.size() < 3 || a.items.size() > 4)
        throw Error(ErrorCode_model, file.path() + ": metadata key '" + k + "' must hold 3 or 4 values");
    int64_t total = 0;
    for (size_t i = 0; i < a.items.size(); ++i) {
        const int64_t x = a.items[i].as_int(k);
        if (x < 0 || x > 4096) throw Error(ErrorCode_model, file.path() + ": metadata key '" + k + "' is out of range");
        hp.rope_sections[i] = int32_t(x);
        total += x;
    }
    if (total * 2 < hp.n_rot)
        throw Error(ErrorCode_model, file.path() + ": rope sections cover fewer dims than rope.dimension_count");
}

// block_count includes the multi-token-prediction layers (stored after the
// others, never run here); then which layers are recurrent.
void read_layer_kinds(const GgufFile & file, ModelHparams & hp) {
    const std::string nextn_key = hp.arch + ".nextn_predict_layers";
    if (const GgufValue * v = file.find(nextn_key)) {
        const int64_t n = v->as_int(nextn_key);
        if (n < 0 || n >= hp.n_layer)
            throw Error(ErrorCode_model,
                        file.path() + ": metadata key '" + nextn_key + "' has invalid value " + std::to_string(n));
        hp.n_layer_nextn = int32_t(n);
        hp.n_layer -= hp.n_layer_nextn;
    }
    hp.recurrent_layers.assign(size_t(hp.n_layer), 0);
    const std::string rec_key = hp.arch + ".attention.recurrent_layers";
    if (const GgufValue * v = file.find(rec_key)) {
        if (!v->is_array()) {
            std::fill(hp.recurrent_layers.begin(), hp.recurrent_layers.end(), v->as_int(rec_key) != 0);
            return;
        }
        const GgufArray & a = v->as_array(rec_key);
        if (a.items.size() < size_t(hp.n_layer))
            throw Error(ErrorCode_model, file.path() + ": metadata key '" + rec_key + "' has fewer than " +
                                             std::to_string(hp.n_layer) + " entries");
        for (int32_t il = 0; il < hp.n_layer; ++il)
            hp.recurrent_layers[size_t(il)] = a.items[size_t(il)].as_int(rec_key) != 0;
        return;
    }
    const int32_t interval = hparam_int(file, hp, "full_attention_interval", 4);
    for (int32_t il = 0; il < hp.n_layer; ++il) hp.recurrent_layers[size_t(il)] = (il + 1) % interval != 0;
}

void read_qwen35_common(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-6f);
    hp.family = ModelFamily_qwen35;
    hp.rope_type = RopeType_imrope;
    hp.has_qk_norm = true;
    read_rope_sections(file, hp);
    read_layer_kinds(file, hp);
    hp.ssm_d_conv = hparam_int(file, hp, "ssm.conv_kernel");
    hp.ssm_d_state = hparam_int(file, hp, "ssm.state_size");
    hp.ssm_n_k_heads = hparam_int(file, hp, "ssm.group_count");
    hp.ssm_n_v_heads = hparam_int(file, hp, "ssm.time_step_rank");
    hp.ssm_d_inner = hparam_int(file, hp, "ssm.inner_size");
    if (hp.ssm_d_inner != hp.ssm_d_state * hp.ssm_n_v_heads || hp.ssm_n_v_heads % hp.ssm_n_k_heads != 0)
        throw Error(ErrorCode_model, file.path() + ": inconsistent DeltaNet sizes (inner_size " +
                                         std::to_string(hp.ssm_d_inner) + ", state_size " +
                                         std::to_string(hp.ssm_d_state) + ", " + std::to_string(hp.ssm_n_v_heads) +
                                         " value heads, " + std::to_string(hp.ssm_n_k_heads) + " key heads)");
    // The DeltaNet kernels keep one head's row on the stack (cpu/delta_net.h).
    if (hp.ssm_d_state > 512)
        throw Error(ErrorCode_unsupported, file.path() + ": a DeltaNet state size of " +
                                               std::to_string(hp.ssm_d_state) +
                                               " is larger than Hearth supports (512)");
}

void read_qwen35(const GgufFile & file, ModelHparams & hp) {
    read_qwen35_common(file, hp);
}

void read_qwen35moe(const GgufFile & file, ModelHparams & hp) {
    read_qwen35_common(file, hp);
    read_moe_hparams(file, hp);
    hp.n_ff_shexp = hparam_int(file, hp, "expert_shared_feed_forward_length", hp.n_ff);
    hp.expert_gating = ExpertGating_softmax;
    hp.expert_norm_topk = true;
}

void bind_qwen35_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    if (hp.is_recurrent(il))
        bind_delta_net(b, hp, p, l.ssm);
    else
        bind_attention(b, hp, p, l.attn);
    l.post_attn_norm = b.vector(p + "post_attention_norm.weight", hp.n_embd, true);
    if (hp.is_moe())
        bind_moe(b, hp, p, l.moe);
    else
        bind_dense_ffn(b, hp, p, l.ffn);
}

}  // namespace

const Architecture & architecture_qwen35() {
    static const Architecture arch{"qwen35", &read_qwen35, &bind_qwen35_layer};
    return arch;
}

const Architecture & architecture_qwen35moe() {
    static const Architecture arch{"qwen35moe", &read_qwen35moe, &bind_qwen35_layer};
    return arch;
}

}  // namespace hearth
