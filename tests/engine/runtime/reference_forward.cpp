#include "reference_forward.h"

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "quant/quant.h"

namespace runtime_test {

namespace {

using Vec = std::vector<double>;

// A dequantized tensor, row-major [rows][cols] with cols = ne[0].
struct Mat {
    int64_t rows = 0, cols = 0;
    Vec v;
    const double * row(int64_t r) const { return v.data() + r * cols; }
};

Mat load(const hearth::GgufFile & f, const std::string & name) {
    const hearth::GgufTensor * t = f.find_tensor(name);
    if (!t) throw std::runtime_error("reference: missing " + name);
    Mat m;
    m.cols = t->ne[0];
    m.rows = t->n_rows();
    m.v.resize(size_t(m.rows * m.cols));
    const size_t rb = hearth::tensor_row_bytes(t->type, m.cols);
    std::vector<float> tmp(size_t(m.cols));
    for (int64_t r = 0; r < m.rows; ++r) {
        hearth::dequantize_row(t->type, t->data + size_t(r) * rb, tmp.data(), m.cols);
        for (int64_t c = 0; c < m.cols; ++c) m.v[size_t(r * m.cols + c)] = tmp[size_t(c)];
    }
    return m;
}

bool has(const hearth::GgufFile & f, const std::string & name) {
    return f.find_tensor(name) != nullptr;
}

// y = W x for W stored as [n_in = cols][n_out = rows].
Vec matvec(const Mat & w, const Vec & x) {
    Vec y(size_t(w.rows), 0.0);
    for (int64_t r = 0; r < w.rows; ++r) {
        double s = 0.0;
        const double * wr = w.row(r);
        for (int64_t c = 0; c < w.cols; ++c) s += wr[c] * x[size_t(c)];
        y[size_t(r)] = s;
    }
    return y;
}

void rmsnorm(double * x, int64_t n, const double * w, double eps) {
    double ss = 0.0;
    for (int64_t i = 0; i < n; ++i) ss += x[i] * x[i];
    const double s = 1.0 / std::sqrt(ss / double(n) + eps);
    for (int64_t i = 0; i < n; ++i) x[i] = x[i] * s * w[i];
}

// Without YaRN: angle pos * base^(-2i / n_rot) / ff[i], cos and sin times `mscale`.
void rope(double * head, int n_rot, int64_t pos, double base, bool neox, const Vec & ff, double mscale) {
    for (int i = 0; i < n_rot / 2; ++i) {
        const double theta = double(pos) * std::pow(base, -2.0 * i / n_rot) / (ff.empty() ? 1.0 : ff[size_t(i)]);
        const int a = neox ? i : 2 * i;
        const int b = neox ? i + n_rot / 2 : 2 * i + 1;
        const double x0 = head[a], x1 = head[b];
        head[a] = (x0 * std::cos(theta) - x1 * std::sin(theta)) * mscale;
        head[b] = (x0 * std::sin(theta) + x1 * std::cos(theta)) * mscale;
    }
}

struct Layer {
    Mat attn_norm, wq, wk, wv, wo, bq, bk, bv, q_norm, k_norm, ffn_norm, gate, up, down;
    bool bias = false, qk_norm = false;
};

// Rows [from, from + n) of m as a matrix of their own (a fused tensor's part).
Mat rows_of(const Mat & m, int64_t from, int64_t n) {
    Mat r;
    r.cols = m.cols;
    r.rows = n;
    r.v.assign(m.row(from), m.row(from) + n * m.cols);
    return r;
}

// q, k, v from three tensors or one fused attn_qkv; gate and up from two or one fused ffn_up.
void load_projections(const hearth::GgufFile & f, const hearth::ModelHparams & hp, const std::string & p, Layer & l) {
    const int64_t nq = hp.n_embd_q(), nk = hp.n_embd_k(), nv = hp.n_embd_v();
    if (has(f, p + "attn_qkv.weight")) {
        const Mat qkv = load(f, p + "attn_qkv.weight");
        l.wq = rows_of(qkv, 0, nq);
        l.wk = rows_of(qkv, nq, nk);
        l.wv = rows_of(qkv, nq + nk, nv);
    } else {
        l.wq = load(f, p + "attn_q.weight");
        l.wk = load(f, p + "attn_k.weight");
        l.wv = load(f, p + "attn_v.weight");
    }
    if (has(f, p + "ffn_gate.weight")) {
        l.gate = load(f, p + "ffn_gate.weight");
        l.up = load(f, p + "ffn_up.weight");
    } else {
        const Mat up = load(f, p + "ffn_up.weight");
        l.gate = rows_of(up, 0, up.rows / 2);
        l.up = rows_of(up, up.rows / 2, up.rows / 2);
    }
}

// The RoPE frequency divisors: rope_freqs, else phi3's long table when the
// context padded to 256 exceeds the original one, else the short table.
Vec rope_factors(const hearth::GgufFile & f, const hearth::ModelHparams & hp, int32_t n_ctx) {
    if (has(f, "rope_freqs.weight")) return load(f, "rope_freqs.weight").v;
    const bool longer = (int64_t(n_ctx) + 255) / 256 * 256 > hp.n_ctx_orig;
    const std::string name = longer ? "rope_factors_long.weight" : "rope_factors_short.weight";
    return has(f, name) ? load(f, name).v : Vec{};
}

}  // namespace

std::vector<float> reference_logits(const hearth::Model & model, const std::vector<int32_t> & ids) {
    const hearth::GgufFile & f = model.gguf();
    const hearth::ModelHparams & hp = model.hparams();
    const bool neox = hp.rope_type != hearth::RopeType_normal;
    const Vec ff = rope_factors(f, hp, model.n_ctx());
    // The attention scale: attention.scale (granite, gemma3's q scale) or 1/sqrt(d).
    const double kq_scale = hp.attn_q_scale != 0.0f ? double(hp.attn_q_scale) : 1.0 / std::sqrt(double(hp.head_dim));
    const int64_t E = hp.n_embd, D = hp.head_dim, H = hp.n_head, HKV = hp.n_head_kv, V = hp.n_vocab;

    const Mat embd = load(f, "token_embd.weight");
    const Mat out_norm = load(f, "output_norm.weight");
    const Mat out = has(f, "output.weight") ? load(f, "output.weight") : embd;
    // seed_oss names the FFN's pre-norm post_attention_norm.
    const std::string ffn_norm_name = hp.arch == "seed_oss" ? "post_attention_norm.weight" : "ffn_norm.weight";
    std::vector<Layer> layers(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        Layer & l = layers[size_t(il)];
        l.attn_norm = load(f, p + "attn_norm.weight");
        load_projections(f, hp, p, l);
        l.wo = load(f, p + "attn_output.weight");
        l.bias = has(f, p + "attn_q.bias");
        if (l.bias) {
            l.bq = load(f, p + "attn_q.bias");
            l.bk = load(f, p + "attn_k.bias");
            l.bv = load(f, p + "attn_v.bias");
        }
        l.qk_norm = has(f, p + "attn_q_norm.weight");
        if (l.qk_norm) {
            l.q_norm = load(f, p + "attn_q_norm.weight");
            l.k_norm = load(f, p + "attn_k_norm.weight");
        }
        l.ffn_norm = load(f, p + ffn_norm_name);
        l.down = load(f, p + "ffn_down.weight");
    }

    const size_t T = ids.size();
    // keys[il][pos] and vals[il][pos]: [n_head_kv * head_dim]
    std::vector<std::vector<Vec>> keys(size_t(hp.n_layer)), vals(size_t(hp.n_layer));
    std::vector<float> logits(T * size_t(V));
    for (size_t t = 0; t < T; ++t) {
        Vec x(embd.row(ids[t]), embd.row(ids[t]) + E);
        if (hp.embd_scale != 0.0f)
            for (double & e : x) e *= hp.embd_scale;
        // mistral3's attention temperature: 1 + beta ln(1 + floor(pos / L)).
        const double temp = hp.attn_temp_scale != 0.0f
                                ? 1.0 + hp.attn_temp_scale * std::log(1.0 + std::floor(double(t) / hp.attn_temp_floor))
                                : 1.0;
        const double res = hp.residual_scale != 0.0f ? hp.residual_scale : 1.0;
        for (int il = 0; il < hp.n_layer; ++il) {
            const Layer & l = layers[size_t(il)];
            Vec xn = x;
            rmsnorm(xn.data(), E, l.attn_norm.v.data(), hp.rms_eps);
            Vec q = matvec(l.wq, xn), k = matvec(l.wk, xn), v = matvec(l.wv, xn);
            if (l.bias) {
                for (size_t i = 0; i < q.size(); ++i) q[i] += l.bq.v[i];
                for (size_t i = 0; i < k.size(); ++i) k[i] += l.bk.v[i];
                for (size_t i = 0; i < v.size(); ++i) v[i] += l.bv.v[i];
            }
            const bool with_rope = hp.use_rope(il), norm_first = !hp.qk_norm_after_rope;
            const double mscale = hp.yarn_attn_factor;
            for (int64_t h = 0; h < H; ++h) {
                if (l.qk_norm && norm_first) rmsnorm(q.data() + h * D, D, l.q_norm.v.data(), hp.rms_eps);
                if (with_rope) rope(q.data() + h * D, hp.n_rot, int64_t(t), hp.rope_freq_base, neox, ff, mscale);
                if (l.qk_norm && !norm_first) rmsnorm(q.data() + h * D, D, l.q_norm.v.data(), hp.rms_eps);
            }
            for (double & e : q) e *= temp;
            for (int64_t h = 0; h < HKV; ++h) {
                if (l.qk_norm && norm_first) rmsnorm(k.data() + h * D, D, l.k_norm.v.data(), hp.rms_eps);
                if (with_rope) rope(k.data() + h * D, hp.n_rot, int64_t(t), hp.rope_freq_base, neox, ff, mscale);
                if (l.qk_norm && !norm_first) rmsnorm(k.data() + h * D, D, l.k_norm.v.data(), hp.rms_eps);
            }
            keys[size_t(il)].push_back(k);
            vals[size_t(il)].push_back(v);
            const int64_t DV = hp.head_dim_v;
            Vec attn(size_t(H * DV), 0.0);
            for (int64_t h = 0; h < H; ++h) {
                const int64_t kh = h / (H / HKV);
                Vec s(t + 1);
                double mx = -1e300;
                for (size_t j = 0; j <= t; ++j) {
                    double d = 0.0;
                    for (int64_t i = 0; i < D; ++i) d += q[size_t(h * D + i)] * keys[size_t(il)][j][size_t(kh * D + i)];
                    s[j] = d * kq_scale;
                    mx = std::max(mx, s[j]);
                }
                double sum = 0.0;
                for (double & e : s) sum += (e = std::exp(e - mx));
                for (size_t j = 0; j <= t; ++j)
                    for (int64_t i = 0; i < DV; ++i)
                        attn[size_t(h * DV + i)] += s[j] / sum * vals[size_t(il)][j][size_t(kh * DV + i)];
            }
            const Vec o = matvec(l.wo, attn);
            for (int64_t i = 0; i < E; ++i) x[size_t(i)] += o[size_t(i)] * res;
            xn = x;
            rmsnorm(xn.data(), E, l.ffn_norm.v.data(), hp.rms_eps);
            Vec g = matvec(l.gate, xn);
            const Vec u = matvec(l.up, xn);
            for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            const Vec dn = matvec(l.down, g);
            for (int64_t i = 0; i < E; ++i) x[size_t(i)] += dn[size_t(i)] * res;
        }
        rmsnorm(x.data(), E, out_norm.v.data(), hp.rms_eps);
        const Vec lg = matvec(out, x);
        const double lm = hp.logit_multiplier != 0.0f ? hp.logit_multiplier : 1.0;
        for (int64_t i = 0; i < V; ++i) logits[t * size_t(V) + size_t(i)] = float(lg[size_t(i)] * lm);
    }
    return logits;
}

}  // namespace runtime_test
