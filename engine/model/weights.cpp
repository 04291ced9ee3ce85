#include "model/weights.h"

#include <algorithm>
#include <string>

#include "hearth/error.h"
#include "quant/quant.h"

namespace hearth {

namespace {

class Binder {
public:
    Binder(const GgufFile & file, ModelWeights & w) : m_file(file), m_w(w) {}

    const GgufTensor * find(const std::string & name, bool required) const {
        const GgufTensor * t = m_file.find_tensor(name);
        if (!t && required) throw Error(ErrorCode_model, m_file.path() + ": missing tensor '" + name + "'");
        return t;
    }

    void check_shape(const GgufTensor & t, int64_t ne0, int64_t ne1) const {
        bool ok = t.ne[0] == ne0 && t.ne[1] == ne1 && t.ne[2] == 1 && t.ne[3] == 1;
        if (!ok) {
            std::string want = ne1 == 1 ? "[" + std::to_string(ne0) + "]"
                                        : "[" + std::to_string(ne0) + ", " + std::to_string(ne1) + "]";
            throw Error(ErrorCode_model, m_file.path() + ": tensor '" + std::string(t.name) + "' has shape " +
                                             t.shape_string() + ", expected " + want);
        }
    }

    void check_computable(const GgufTensor & t) const {
        const TensorTypeInfo & info = tensor_type_info(t.type);
        if (!info.can_compute || tensor_row_bytes(t.type, t.ne[0]) == 0)
            throw Error(ErrorCode_unsupported, m_file.path() + ": tensor '" + std::string(t.name) + "' has type " +
                                                   (info.name ? info.name : "?") +
                                                   ", which the CPU backend cannot compute");
    }

    WeightView matrix(const std::string & name, int64_t n_in, int64_t n_out) const {
        const GgufTensor * t = find(name, true);
        check_shape(*t, n_in, n_out);
        check_computable(*t);
        return WeightView{t->type, t->data, n_in, n_out};
    }

    // nullptr when absent and optional.
    const float * vector(const std::string & name, int64_t n, bool required) {
        const GgufTensor * t = find(name, required);
        if (!t) return nullptr;
        check_shape(*t, n, 1);
        if (t->type == TensorType_F32) return reinterpret_cast<const float *>(t->data);
        if (t->type != TensorType_F16 && t->type != TensorType_BF16) check_computable(*t);
        if (tensor_row_bytes(t->type, n) == 0)
            throw Error(ErrorCode_unsupported, m_file.path() + ": tensor '" + name + "' has an unsupported type");
        std::vector<float> & dst = m_w.owned.emplace_back(size_t(n));
        dequantize_row(t->type, t->data, dst.data(), n);
        return dst.data();
    }

private:
    const GgufFile & m_file;
    ModelWeights & m_w;
};

void bind_layer(Binder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    l.wq = b.matrix(p + "attn_q.weight", hp.n_embd, hp.n_embd_q());
    l.wk = b.matrix(p + "attn_k.weight", hp.n_embd, hp.n_embd_k());
    l.wv = b.matrix(p + "attn_v.weight", hp.n_embd, hp.n_embd_v());
    l.wo = b.matrix(p + "attn_output.weight", (int64_t)hp.n_head * hp.head_dim_v, hp.n_embd);
    // Biases are required for qwen2 and accepted when present elsewhere.
    l.bq = b.vector(p + "attn_q.bias", hp.n_embd_q(), hp.has_qkv_bias);
    l.bk = b.vector(p + "attn_k.bias", hp.n_embd_k(), hp.has_qkv_bias);
    l.bv = b.vector(p + "attn_v.bias", hp.n_embd_v(), hp.has_qkv_bias);
    if (hp.has_qk_norm) {
        l.q_norm = b.vector(p + "attn_q_norm.weight", hp.head_dim, true);
        l.k_norm = b.vector(p + "attn_k_norm.weight", hp.head_dim, true);
    }
    l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd, true);
    l.ffn_gate = b.matrix(p + "ffn_gate.weight", hp.n_embd, hp.n_ff);
    l.ffn_up = b.matrix(p + "ffn_up.weight", hp.n_embd, hp.n_ff);
    l.ffn_down = b.matrix(p + "ffn_down.weight", hp.n_ff, hp.n_embd);
}

}  // namespace

size_t ModelWeights::max_matmul_scratch(int64_t n_tokens) const {
    size_t m = matmul_scratch_bytes(output.type, output.n_in, n_tokens);
    for (const LayerWeights & l : layers)
        for (const WeightView * v : {&l.wq, &l.wk, &l.wv, &l.wo, &l.ffn_gate, &l.ffn_up, &l.ffn_down})
            m = std::max(m, matmul_scratch_bytes(v->type, v->n_in, n_tokens));
    return m;
}

void bind_weights(const GgufFile & file, ModelHparams & hp, ModelWeights & w,
                  const std::function<bool(float)> & progress) {
    Binder b(file, w);
    const GgufTensor * embd = b.find("token_embd.weight", true);
    if (embd->ne[0] != hp.n_embd || embd->ne[2] != 1 || embd->ne[3] != 1 || embd->ne[1] < 1)
        throw Error(ErrorCode_model, file.path() + ": tensor 'token_embd.weight' has shape " + embd->shape_string() +
                                         ", expected [" + std::to_string(hp.n_embd) + ", n_vocab]");
    hp.n_vocab = (int32_t)embd->ne[1];
    w.token_embd = b.matrix("token_embd.weight", hp.n_embd, hp.n_vocab);
    w.output_norm = b.vector("output_norm.weight", hp.n_embd, true);
    w.output = b.find("output.weight", false) ? b.matrix("output.weight", hp.n_embd, hp.n_vocab) : w.token_embd;
    w.layers.resize(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; ++il) {
        bind_layer(b, hp, il, w.layers[size_t(il)]);
        if (progress && !progress(float(il + 1) / float(hp.n_layer)))
            throw Error(ErrorCode_cancelled, file.path() + ": loading cancelled");
    }
}

}  // namespace hearth
