#include "model/weights.h"

#include <algorithm>
#include <string>

#include "hearth/error.h"
#include "model/architecture.h"
#include "quant/quant.h"

namespace hearth {

const GgufTensor * WeightBinder::find(const std::string & name, bool required) const {
    const GgufTensor * t = m_file.find_tensor(name);
    if (!t && required) throw Error(ErrorCode_model, m_file.path() + ": missing tensor '" + name + "'");
    return t;
}

void WeightBinder::check_shape(const GgufTensor & t, int64_t ne0, int64_t ne1, int64_t ne2) const {
    const bool ok = t.ne[0] == ne0 && t.ne[1] == ne1 && t.ne[2] == ne2 && t.ne[3] == 1;
    if (ok) return;
    std::string want = "[" + std::to_string(ne0);
    if (ne1 != 1 || ne2 != 1) want += ", " + std::to_string(ne1);
    if (ne2 != 1) want += ", " + std::to_string(ne2);
    want += "]";
    throw Error(ErrorCode_model, m_file.path() + ": tensor '" + std::string(t.name) + "' has shape " +
                                     t.shape_string() + ", expected " + want);
}

void WeightBinder::check_computable(const GgufTensor & t) const {
    const TensorTypeInfo & info = tensor_type_info(t.type);
    if (!info.can_compute || tensor_row_bytes(t.type, t.ne[0]) == 0)
        throw Error(ErrorCode_unsupported, m_file.path() + ": tensor '" + std::string(t.name) + "' has type " +
                                               (info.name ? info.name : "?") +
                                               ", which the CPU backend cannot compute");
}

WeightView WeightBinder::matrix(const std::string & name, int64_t n_in, int64_t n_out) const {
    const GgufTensor * t = find(name, true);
    check_shape(*t, n_in, n_out);
    check_computable(*t);
    return WeightView{t->type, t->data, n_in, n_out};
}

WeightView WeightBinder::optional_matrix(const std::string & name, int64_t n_in, int64_t n_out) const {
    return find(name, false) ? matrix(name, n_in, n_out) : WeightView{};
}

ExpertWeights WeightBinder::experts(const std::string & name, int64_t n_in, int64_t n_out, int64_t n_expert) const {
    const GgufTensor * t = find(name, true);
    check_shape(*t, n_in, n_out, n_expert);
    check_computable(*t);
    ExpertWeights e;
    e.type = t->type;
    e.data = t->data;
    e.n_in = n_in;
    e.n_out = n_out;
    e.n_expert = n_expert;
    e.expert_bytes = tensor_row_bytes(t->type, n_in) * size_t(n_out);
    e.stride = e.expert_bytes;
    return e;
}

ExpertWeights WeightBinder::experts_half(const std::string & name, int64_t n_in, int64_t n_out, int64_t n_expert,
                                         int half) const {
    ExpertWeights e = experts(name, n_in, 2 * n_out, n_expert);
    e.n_out = n_out;
    e.expert_bytes /= 2;
    e.data = static_cast<const uint8_t *>(e.data) + size_t(half) * e.expert_bytes;
    return e;
}

const float * WeightBinder::vector(const std::string & name, int64_t n, bool required, int64_t n1) {
    const GgufTensor * t = find(name, required);
    if (!t) return nullptr;
    check_shape(*t, n, n1);
    if (t->type == TensorType_F32) return reinterpret_cast<const float *>(t->data);
    if (t->type != TensorType_F16 && t->type != TensorType_BF16) check_computable(*t);
    const size_t row = tensor_row_bytes(t->type, n);
    if (row == 0) throw Error(ErrorCode_unsupported, m_file.path() + ": tensor '" + name + "' has an unsupported type");
    std::vector<float> & dst = m_w.owned.emplace_back(size_t(n * n1));
    for (int64_t r = 0; r < n1; ++r)
        dequantize_row(t->type, static_cast<const uint8_t *>(t->data) + size_t(r) * row, dst.data() + r * n, n);
    return dst.data();
}

void bind_attention(WeightBinder & b, const ModelHparams & hp, const std::string & p, AttentionWeights & a) {
    // As llama.cpp's create_tensor_qkv: a fused attn_qkv when present, else q, k, v.
    if (b.find(p + "attn_qkv.weight", false) && hp.family != ModelFamily_qwen35) {
        const int64_t rows = int64_t(hp.n_embd_q()) + hp.n_embd_k() + hp.n_embd_v();
        a.wqkv = b.matrix(p + "attn_qkv.weight", hp.n_embd, rows);
        a.bqkv = b.vector(p + "attn_qkv.bias", rows, false);
    } else {
        // qwen35's attention layers project q and a sigmoid gate together.
        const int64_t q_rows = int64_t(hp.n_embd_q()) * (hp.family == ModelFamily_qwen35 ? 2 : 1);
        a.wq = b.matrix(p + "attn_q.weight", hp.n_embd, q_rows);
        a.wk = b.matrix(p + "attn_k.weight", hp.n_embd, hp.n_embd_k());
        a.wv = b.matrix(p + "attn_v.weight", hp.n_embd, hp.n_embd_v());
        // Biases are required where the architecture has them and accepted when present elsewhere.
        a.bq = b.vector(p + "attn_q.bias", hp.n_embd_q(), hp.has_qkv_bias);
        a.bk = b.vector(p + "attn_k.bias", hp.n_embd_k(), hp.has_qkv_bias);
        a.bv = b.vector(p + "attn_v.bias", hp.n_embd_v(), hp.has_qkv_bias);
    }
    a.wo = b.matrix(p + "attn_output.weight", int64_t(hp.n_head) * hp.head_dim_v, hp.n_embd);
    a.bo = b.vector(p + "attn_output.bias", hp.n_embd, hp.has_attn_out_bias);
    if (hp.has_qk_norm) {
        a.q_norm = b.vector(p + "attn_q_norm.weight", hp.head_dim, true);
        a.k_norm = b.vector(p + "attn_k_norm.weight", hp.head_dim, true);
    }
    if (hp.has_attn_sinks) a.sinks = b.vector(p + "attn_sinks.weight", hp.n_head, true);
}

void bind_dense_ffn(WeightBinder & b, const ModelHparams & hp, const std::string & p, DenseFfnWeights & f) {
    // phi3 (and glm4) keep gate and up in one ffn_up of 2 * n_ff rows.
    if (!b.find(p + "ffn_gate.weight", false) && b.find(p + "ffn_up.weight", false) &&
        b.find(p + "ffn_up.weight", false)->ne[1] == 2 * int64_t(hp.n_ff)) {
        f.up = b.matrix(p + "ffn_up.weight", hp.n_embd, 2 * int64_t(hp.n_ff));
    } else {
        f.gate = b.matrix(p + "ffn_gate.weight", hp.n_embd, hp.n_ff);
        f.up = b.matrix(p + "ffn_up.weight", hp.n_embd, hp.n_ff);
    }
    f.down = b.matrix(p + "ffn_down.weight", hp.n_ff, hp.n_embd);
}

void bind_moe(WeightBinder & b, const ModelHparams & hp, const std::string & p, MoeWeights & m) {
    const int64_t E = hp.n_expert, F = hp.n_ff_exp;
    m.router = b.matrix(p + "ffn_gate_inp.weight", hp.n_embd, E);
    if (b.find(p + "ffn_gate_up_exps.weight", false)) {
        m.gate = b.experts_half(p + "ffn_gate_up_exps.weight", hp.n_embd, F, E, 0);
        m.up = b.experts_half(p + "ffn_gate_up_exps.weight", hp.n_embd, F, E, 1);
    } else {
        m.gate = b.experts(p + "ffn_gate_exps.weight", hp.n_embd, F, E);
        m.up = b.experts(p + "ffn_up_exps.weight", hp.n_embd, F, E);
    }
    m.down = b.experts(p + "ffn_down_exps.weight", F, hp.n_embd, E);
    const bool biased = hp.family == ModelFamily_gpt_oss;
    m.router_b = b.vector(p + "ffn_gate_inp.bias", E, biased);
    m.gate_b = b.vector(p + "ffn_gate_exps.bias", F, biased, E);
    m.up_b = b.vector(p + "ffn_up_exps.bias", F, biased, E);
    m.down_b = b.vector(p + "ffn_down_exps.bias", hp.n_embd, biased, E);
    // The shared expert (qwen35moe) is there when its up projection is.
    if (hp.n_ff_shexp > 0 && b.find(p + "ffn_up_shexp.weight", false)) {
        const int64_t S = hp.n_ff_shexp;
        m.shared.gate = b.matrix(p + "ffn_gate_shexp.weight", hp.n_embd, S);
        m.shared.up = b.matrix(p + "ffn_up_shexp.weight", hp.n_embd, S);
        m.shared.down = b.matrix(p + "ffn_down_shexp.weight", S, hp.n_embd);
        m.shared_router = b.optional_matrix(p + "ffn_gate_inp_shexp.weight", hp.n_embd, 1);
    }
}

void bind_delta_net(WeightBinder & b, const ModelHparams & hp, const std::string & p, DeltaNetWeights & d) {
    const int64_t C = hp.ssm_conv_channels(), V = hp.ssm_n_v_heads;
    d.qkv = b.matrix(p + "attn_qkv.weight", hp.n_embd, C);
    d.gate = b.matrix(p + "attn_gate.weight", hp.n_embd, hp.ssm_d_inner);
    d.beta = b.matrix(p + "ssm_beta.weight", hp.n_embd, V);
    d.alpha = b.matrix(p + "ssm_alpha.weight", hp.n_embd, V);
    d.out = b.matrix(p + "ssm_out.weight", hp.ssm_d_inner, hp.n_embd);
    d.conv = b.vector(p + "ssm_conv1d.weight", hp.ssm_d_conv, true, C);
    d.dt_b = b.vector(p + "ssm_dt.bias", V, true);
    d.a = b.vector(p + "ssm_a", V, true);
    d.norm = b.vector(p + "ssm_norm.weight", hp.ssm_d_state, true);
}

namespace {

// L: LayerWeights or const LayerWeights; V: WeightView with L's constness.
template <typename V, typename L>
std::vector<V *> matrices_of(L & l) {
    std::vector<V *> out;
    for (V * v : {&l.attn.wqkv, &l.attn.wq, &l.attn.wk, &l.attn.wv, &l.attn.wo, &l.ffn.gate, &l.ffn.up, &l.ffn.down,
                  &l.moe.router, &l.moe.shared.gate, &l.moe.shared.up, &l.moe.shared.down, &l.moe.shared_router,
                  &l.ssm.qkv, &l.ssm.gate, &l.ssm.beta, &l.ssm.alpha, &l.ssm.out})
        if (v->data) out.push_back(v);
    return out;
}

// E: ExpertWeights with L's constness.
template <typename E, typename L>
std::vector<E *> experts_of(L & l) {
    std::vector<E *> out;
    for (E * e : {&l.moe.gate, &l.moe.up, &l.moe.down})
        if (*e) out.push_back(e);
    return out;
}

}  // namespace

std::vector<const WeightView *> LayerWeights::matrices() const {
    return matrices_of<const WeightView>(*this);
}

std::vector<WeightView *> LayerWeights::matrices() {
    return matrices_of<WeightView>(*this);
}

std::vector<const ExpertWeights *> LayerWeights::experts() const {
    return experts_of<const ExpertWeights>(*this);
}

std::vector<ExpertWeights *> LayerWeights::experts() {
    return experts_of<ExpertWeights>(*this);
}

const float * ModelWeights::rope_factors(const ModelHparams & hp, int32_t n_ctx) const {
    if (rope_freqs) return rope_freqs;
    const int64_t padded = (int64_t(n_ctx) + 255) / 256 * 256;
    return padded > hp.n_ctx_orig ? rope_factors_long : rope_factors_short;
}

void bind_weights(const GgufFile & file, ModelHparams & hp, ModelWeights & w,
                  const std::function<bool(float)> & progress) {
    const Architecture * arch = find_architecture(hp.arch);
    HEARTH_ASSERT(arch != nullptr);
    WeightBinder b(file, w);
    const GgufTensor * embd = b.find("token_embd.weight", true);
    if (embd->ne[0] != hp.n_embd || embd->ne[2] != 1 || embd->ne[3] != 1 || embd->ne[1] < 1)
        throw Error(ErrorCode_model, file.path() + ": tensor 'token_embd.weight' has shape " + embd->shape_string() +
                                         ", expected [" + std::to_string(hp.n_embd) + ", n_vocab]");
    hp.n_vocab = (int32_t)embd->ne[1];
    w.token_embd = b.matrix("token_embd.weight", hp.n_embd, hp.n_vocab);
    w.output_norm = b.vector("output_norm.weight", hp.n_embd, true);
    if (hp.output_required || b.find("output.weight", false))
        w.output = b.matrix("output.weight", hp.n_embd, hp.n_vocab);
    else
        w.output = w.token_embd;
    w.rope_freqs = b.vector("rope_freqs.weight", hp.n_rot / 2, false);
    w.rope_factors_long = b.vector("rope_factors_long.weight", hp.n_rot / 2, false);
    w.rope_factors_short = b.vector("rope_factors_short.weight", hp.n_rot / 2, false);
    w.layers.resize(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; ++il) {
        arch->bind_layer(b, hp, il, w.layers[size_t(il)]);
        if (progress && !progress(float(il + 1) / float(hp.n_layer)))
            throw Error(ErrorCode_cancelled, file.path() + ": loading cancelled");
    }
}

}  // namespace hearth
