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

void rope(double * head, int n_rot, int64_t pos, double base, bool neox) {
    for (int i = 0; i < n_rot / 2; ++i) {
        const double theta = double(pos) * std::pow(base, -2.0 * i / n_rot);
        const int a = neox ? i : 2 * i;
        const int b = neox ? i + n_rot / 2 : 2 * i + 1;
        const double x0 = head[a], x1 = head[b];
        head[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
        head[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
    }
}

struct Layer {
    Mat attn_norm, wq, wk, wv, wo, bq, bk, bv, q_norm, k_norm, ffn_norm, gate, up, down;
    bool bias = false, qk_norm = false;
};

}  // namespace

std::vector<float> reference_logits(const hearth::Model & model, const std::vector<int32_t> & ids) {
    const hearth::GgufFile & f = model.gguf();
    const hearth::ModelHparams & hp = model.hparams();
    const bool neox = hp.arch != "llama";
    const int64_t E = hp.n_embd, D = hp.head_dim, H = hp.n_head, HKV = hp.n_head_kv, V = hp.n_vocab;

    const Mat embd = load(f, "token_embd.weight");
    const Mat out_norm = load(f, "output_norm.weight");
    const Mat out = has(f, "output.weight") ? load(f, "output.weight") : embd;
    std::vector<Layer> layers(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        Layer & l = layers[size_t(il)];
        l.attn_norm = load(f, p + "attn_norm.weight");
        l.wq = load(f, p + "attn_q.weight");
        l.wk = load(f, p + "attn_k.weight");
        l.wv = load(f, p + "attn_v.weight");
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
        l.ffn_norm = load(f, p + "ffn_norm.weight");
        l.gate = load(f, p + "ffn_gate.weight");
        l.up = load(f, p + "ffn_up.weight");
        l.down = load(f, p + "ffn_down.weight");
    }

    const size_t T = ids.size();
    // keys[il][pos] and vals[il][pos]: [n_head_kv * head_dim]
    std::vector<std::vector<Vec>> keys(size_t(hp.n_layer)), vals(size_t(hp.n_layer));
    std::vector<float> logits(T * size_t(V));
    for (size_t t = 0; t < T; ++t) {
        Vec x(embd.row(ids[t]), embd.row(ids[t]) + E);
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
            for (int64_t h = 0; h < H; ++h) {
                if (l.qk_norm) rmsnorm(q.data() + h * D, D, l.q_norm.v.data(), hp.rms_eps);
                rope(q.data() + h * D, hp.n_rot, int64_t(t), hp.rope_freq_base, neox);
            }
            for (int64_t h = 0; h < HKV; ++h) {
                if (l.qk_norm) rmsnorm(k.data() + h * D, D, l.k_norm.v.data(), hp.rms_eps);
                rope(k.data() + h * D, hp.n_rot, int64_t(t), hp.rope_freq_base, neox);
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
                    s[j] = d / std::sqrt(double(D));
                    mx = std::max(mx, s[j]);
                }
                double sum = 0.0;
                for (double & e : s) sum += (e = std::exp(e - mx));
                for (size_t j = 0; j <= t; ++j)
                    for (int64_t i = 0; i < DV; ++i)
                        attn[size_t(h * DV + i)] += s[j] / sum * vals[size_t(il)][j][size_t(kh * DV + i)];
            }
            const Vec o = matvec(l.wo, attn);
            for (int64_t i = 0; i < E; ++i) x[size_t(i)] += o[size_t(i)];
            xn = x;
            rmsnorm(xn.data(), E, l.ffn_norm.v.data(), hp.rms_eps);
            Vec g = matvec(l.gate, xn);
            const Vec u = matvec(l.up, xn);
            for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            const Vec dn = matvec(l.down, g);
            for (int64_t i = 0; i < E; ++i) x[size_t(i)] += dn[size_t(i)];
        }
        rmsnorm(x.data(), E, out_norm.v.data(), hp.rms_eps);
        const Vec lg = matvec(out, x);
        for (int64_t i = 0; i < V; ++i) logits[t * size_t(V) + size_t(i)] = float(lg[size_t(i)]);
    }
    return logits;
}

}  // namespace runtime_test
