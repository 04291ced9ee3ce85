// The CPU blocks the model families share (see cpu_layer.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "cpu/delta_net.h"
#include "cpu/matmul.h"
#include "cpu/moe_routing.h"
#include "cpu/thread_pool.h"
#include "runtime/cpu_layer.h"
#include "runtime/kv_cache.h"
#include "runtime/recurrent_state.h"

namespace hearth {

namespace {

int64_t ffn_width(const ModelHparams & hp) {
    return std::max({int64_t(hp.n_ff), int64_t(hp.n_ff_exp), int64_t(hp.n_ff_shexp), int64_t(1)});
}

int64_t q_rows(const ModelHparams & hp) {
    return int64_t(hp.n_embd_q()) * (hp.family == ModelFamily_qwen35 ? 2 : 1);
}

float sigmoid(float x) {
    return 1.0f / (1.0f + std::exp(-x));
}

void activate(FfnActivation act, float * gate, const float * up, int64_t n) {
    switch (act) {
        case FfnActivation_silu:
            swiglu_in_place(gate, up, n);
            break;
        case FfnActivation_gelu:
            geglu_in_place(gate, up, n);
            break;
        case FfnActivation_swiglu_oai:
            swiglu_oai_in_place(gate, up, n, kSwigluOaiAlpha, kSwigluOaiLimit);
            break;
    }
}

// q rows of [n_head][q | gate] (2 * head_dim each) become q [n_head * head_dim]
// in place, and the gates go to `gate`. Each head's gate is copied out before
// any write reaches it (writes trail reads).
void split_q_gate(float * q, float * gate, int64_t n_rows, int32_t head_dim) {
    for (int64_t r = 0; r < n_rows; ++r) {
        std::memcpy(gate + r * head_dim, q + r * 2 * head_dim + head_dim, sizeof(float) * size_t(head_dim));
        std::memmove(q + r * head_dim, q + r * 2 * head_dim, sizeof(float) * size_t(head_dim));
    }
}

}  // namespace

size_t CpuScratch::floats(const ModelHparams & hp, int32_t n_batch, int n_threads) {
    const size_t T = size_t(std::max(n_batch, 1));
    const size_t E = size_t(hp.n_embd);
    size_t per_token = 2 * E + size_t(q_rows(hp)) + size_t(hp.n_embd_k()) + size_t(hp.n_embd_v()) +
                       size_t(hp.n_head) * size_t(hp.head_dim_v) + 2 * size_t(ffn_width(hp));
    if (hp.family == ModelFamily_qwen35) per_token += size_t(hp.n_embd_q());  // the gate (in `up` when wide enough)
    // A fused q | k | v projection, and a fused gate | up one (counted whether or not the file has them).
    per_token += size_t(hp.n_embd_q()) + size_t(hp.n_embd_k()) + size_t(hp.n_embd_v()) + size_t(ffn_width(hp));
    if (hp.is_moe()) per_token += 2 * E + size_t(hp.n_expert) + 2 * size_t(hp.n_expert_used) + 1;
    if (hp.has_recurrent())
        per_token += 2 * size_t(hp.ssm_conv_channels()) + 2 * size_t(hp.ssm_d_inner) + 2 * size_t(hp.ssm_n_v_heads);
    AttentionShape s{hp.n_head, hp.n_head_kv, hp.head_dim, hp.head_dim_v};
    return T * per_token + size_t(std::max(n_threads, 1)) * attention_scratch_floats(s);
}

size_t max_matmul_scratch(const ModelWeights & w, int64_t n_tokens) {
    size_t m = matmul_scratch_bytes(w.output.type, w.output.n_in, n_tokens);
    for (const LayerWeights & l : w.layers) {
        for (const WeightView * v : l.matrices()) m = std::max(m, matmul_scratch_bytes(v->type, v->n_in, n_tokens));
        for (const ExpertWeights * e : l.experts()) m = std::max(m, matmul_scratch_bytes(e->type, e->n_in, n_tokens));
    }
    return m;
}

size_t matmul_scratch_bound(const ModelHparams & hp, int64_t n_tokens) {
    const int32_t widest = std::max({hp.n_ff, hp.n_embd, hp.n_embd_q(), hp.ssm_d_inner, hp.n_ff_exp, hp.n_ff_shexp});
    return size_t(std::max<int64_t>(n_tokens, 0)) * size_t(widest) * 2;
}

void CpuScratch::allocate(const ModelHparams & hp, const ModelWeights & w, int32_t n_batch, int n_threads) {
    const size_t T = size_t(std::max(n_batch, 1));
    const size_t E = size_t(hp.n_embd);
    xn.resize(T * E);
    tmp.resize(T * E);
    q.resize(T * size_t(q_rows(hp)));
    k.resize(T * size_t(hp.n_embd_k()));
    v.resize(T * size_t(hp.n_embd_v()));
    attn.resize(T * size_t(hp.n_head) * size_t(hp.head_dim_v));
    bool fused_qkv = false, fused_ffn = false;
    for (const LayerWeights & l : w.layers) {
        fused_qkv = fused_qkv || l.attn.wqkv.data != nullptr;
        fused_ffn = fused_ffn || l.ffn.fused();
    }
    if (fused_qkv) qkv.resize(T * size_t(hp.n_embd_q() + hp.n_embd_k() + hp.n_embd_v()));
    gate.resize(T * size_t(ffn_width(hp)) * (fused_ffn ? 2 : 1));
    up.resize(T * size_t(std::max<int64_t>(ffn_width(hp), hp.family == ModelFamily_qwen35 ? hp.n_embd_q() : 0)));
    if (hp.is_moe()) {
        acc.resize(T * E);
        gathered.resize(T * E);
        router.resize(T * size_t(hp.n_expert));
        expert_ids.resize(T * size_t(hp.n_expert_used));
        expert_w.resize(T * size_t(hp.n_expert_used));
        rows.resize(T);
        row_w.resize(T);
    }
    if (hp.has_recurrent()) {
        ssm_qkv.resize(T * size_t(hp.ssm_conv_channels()));
        ssm_conv.resize(T * size_t(hp.ssm_conv_channels()));
        ssm_z.resize(T * size_t(hp.ssm_d_inner));
        ssm_o.resize(T * size_t(hp.ssm_d_inner));
        ssm_beta.resize(T * size_t(hp.ssm_n_v_heads));
        ssm_g.resize(T * size_t(hp.ssm_n_v_heads));
    }
    AttentionShape s{hp.n_head, hp.n_head_kv, hp.head_dim, hp.head_dim_v};
    att.resize(size_t(std::max(n_threads, 1)) * attention_scratch_floats(s));
    mm.resize(max_matmul_scratch(w, n_batch));
}

namespace {

// q, k, v of s.xn into s.q, s.k, s.v, from three projections or one fused
// [q | k | v] projection (whose rows are split per token through s.attn).
void project_qkv(CpuLayerContext & c, const AttentionWeights & a, int32_t T) {
    const ModelHparams & hp = c.hp;
    CpuScratch & s = c.s;
    void * mm = s.mm.data();
    if (!a.wqkv.data) {
        // Decode: the three in one pool pass over one quantized row (the same
        // bits as three matmuls), with matmul_many's prefetch of the next
        // product's start; false (scratch, mixed types) falls back.
        if (T == 1 && a.wk.type == a.wq.type && a.wv.type == a.wq.type) {
            const WeightView w[3] = {a.wq, a.wk, a.wv};
            const float * x[3] = {s.xn.data(), s.xn.data(), s.xn.data()};
            float * y[3] = {s.q.data(), s.k.data(), s.v.data()};
            if (matmul_many(w, x, y, 3, mm, s.mm.size(), c.pool)) return;
        }
        matmul(a.wq, s.xn.data(), T, s.q.data(), mm, c.pool);
        matmul(a.wk, s.xn.data(), T, s.k.data(), mm, c.pool);
        matmul(a.wv, s.xn.data(), T, s.v.data(), mm, c.pool);
        return;
    }
    const size_t nq = size_t(hp.n_embd_q()), nk = size_t(hp.n_embd_k()), nv = size_t(hp.n_embd_v());
    float * fused = s.qkv.data();
    matmul(a.wqkv, s.xn.data(), T, fused, mm, c.pool);
    if (a.bqkv) add_bias_rows(fused, a.bqkv, T, int64_t(nq + nk + nv));
    for (int32_t t = 0; t < T; ++t) {
        const float * row = fused + size_t(t) * (nq + nk + nv);
        std::memcpy(s.q.data() + size_t(t) * nq, row, sizeof(float) * nq);
        std::memcpy(s.k.data() + size_t(t) * nk, row + nq, sizeof(float) * nk);
        std::memcpy(s.v.data() + size_t(t) * nv, row + nq + nk, sizeof(float) * nv);
    }
}

// mistral3's attention temperature: token t's q times
// 1 + beta ln(1 + floor(pos / L)), computed in double as llama.cpp does.
void attention_temperature(const ModelHparams & hp, float * q, int32_t T, int32_t pos0) {
    const int64_t n = hp.n_embd_q();
    for (int32_t t = 0; t < T; ++t) {
        const float pos = float(pos0 + t);
        const float f = float(std::log(std::floor(pos / float(hp.attn_temp_floor)) + 1.0) * hp.attn_temp_scale + 1.0);
        for (int64_t i = 0; i < n; ++i) q[size_t(t) * size_t(n) + size_t(i)] *= f;
    }
}

}  // namespace

void cpu_attention_block(CpuLayerContext & c, int il, const AttentionWeights & a, int32_t T, int32_t pos0,
                         float * out) {
    const ModelHparams & hp = c.hp;
    CpuScratch & s = c.s;
    void * mm = s.mm.data();
    const bool gated = a.wq.n_out == 2 * int64_t(hp.n_embd_q());
    project_qkv(c, a, T);
    if (gated) split_q_gate(s.q.data(), s.up.data(), int64_t(T) * hp.n_head, hp.head_dim);
    if (a.bq) add_bias_rows(s.q.data(), a.bq, T, hp.n_embd_q());
    if (a.bk) add_bias_rows(s.k.data(), a.bk, T, hp.n_embd_k());
    if (a.bv) add_bias_rows(s.v.data(), a.bv, T, hp.n_embd_v());
    auto qk_norm = [&] {
        if (a.q_norm) rmsnorm_rows(s.q.data(), a.q_norm, s.q.data(), int64_t(T) * hp.n_head, hp.head_dim, hp.rms_eps);
        if (a.k_norm)
            rmsnorm_rows(s.k.data(), a.k_norm, s.k.data(), int64_t(T) * hp.n_head_kv, hp.head_dim, hp.rms_eps);
    };
    if (!hp.qk_norm_after_rope) qk_norm();
    const bool swa = hp.is_swa(il);
    if (hp.use_rope(il)) {
        const RopeParams & rope = swa ? c.rope_swa : c.rope;
        rope_rows(rope, s.q.data(), T, hp.n_head, hp.head_dim, pos0);
        rope_rows(rope, s.k.data(), T, hp.n_head_kv, hp.head_dim, pos0);
    }
    if (hp.qk_norm_after_rope) qk_norm();
    if (hp.attn_temp_scale != 0.0f) attention_temperature(hp, s.q.data(), T, pos0);
    c.kv.store(il, pos0, T, s.k.data(), s.v.data());

    AttentionParams ap;
    ap.window = swa ? hp.n_swa : 0;
    ap.scale = hp.attn_q_scale;
    ap.sinks = a.sinks;
    if (hp.attn_q_prescale) {
        // phi3 scales q itself (in f32) and the softmax not at all: other roundings.
        const float scale = hp.attn_q_scale != 0.0f ? hp.attn_q_scale : 1.0f / std::sqrt(float(hp.head_dim));
        for (size_t i = 0; i < size_t(T) * size_t(hp.n_embd_q()); ++i) s.q[i] *= scale;
        ap.scale = 1.0f;
    }
    attention(c.kv, il, c.shape, s.q.data(), T, pos0, s.attn.data(), s.att.data(), c.pool, ap);
    if (gated) {
        const int64_t n = int64_t(T) * hp.n_embd_q();
        for (int64_t i = 0; i < n; ++i) s.attn[size_t(i)] *= sigmoid(s.up[size_t(i)]);
    }
    matmul(a.wo, s.attn.data(), T, out, mm, c.pool);
    if (a.bo) add_bias_rows(out, a.bo, T, hp.n_embd);
}

void cpu_dense_ffn_block(CpuLayerContext & c, const DenseFfnWeights & f, int32_t T, FfnActivation act, float * out) {
    CpuScratch & s = c.s;
    void * mm = s.mm.data();
    const int64_t F = f.down.n_in;
    if (f.fused()) {
        // [T, 2F] rows gate | up, split into gate and up [T, F] (gate compacted in place).
        matmul(f.up, s.xn.data(), T, s.gate.data(), mm, c.pool);
        for (int32_t t = 0; t < T; ++t) {
            std::memcpy(s.up.data() + size_t(t) * size_t(F), s.gate.data() + size_t(t) * size_t(2 * F) + size_t(F),
                        sizeof(float) * size_t(F));
            std::memmove(s.gate.data() + size_t(t) * size_t(F), s.gate.data() + size_t(t) * size_t(2 * F),
                         sizeof(float) * size_t(F));
        }
    } else {
        matmul(f.gate, s.xn.data(), T, s.gate.data(), mm, c.pool);
        matmul(f.up, s.xn.data(), T, s.up.data(), mm, c.pool);
    }
    activate(act, s.gate.data(), s.up.data(), int64_t(T) * F);
    matmul(f.down, s.gate.data(), T, out, mm, c.pool);
}

namespace {

// One expert over the n tokens whose rows are in s.gathered: the result,
// [n, n_embd] with the down bias, goes to s.acc.
void run_expert(const ModelHparams & hp, const MoeWeights & m, ThreadPool & pool, CpuScratch & s, int64_t e, int32_t n,
                FfnActivation act) {
    void * mm = s.mm.data();
    const int64_t F = m.gate.n_out, E = hp.n_embd;
    matmul(m.gate.expert(e), s.gathered.data(), n, s.gate.data(), mm, pool);
    matmul(m.up.expert(e), s.gathered.data(), n, s.up.data(), mm, pool);
    if (m.gate_b) add_bias_rows(s.gate.data(), m.gate_b + e * F, n, F);
    if (m.up_b) add_bias_rows(s.up.data(), m.up_b + e * F, n, F);
    activate(act, s.gate.data(), s.up.data(), int64_t(n) * F);
    matmul(m.down.expert(e), s.gate.data(), n, s.acc.data(), mm, pool);
    if (m.down_b) add_bias_rows(s.acc.data(), m.down_b + e * E, n, E);
}

void shared_expert(CpuLayerContext & c, const MoeWeights & m, int32_t T, FfnActivation act, float * out) {
    CpuScratch & s = c.s;
    const int64_t E = c.hp.n_embd;
    cpu_dense_ffn_block(c, m.shared, T, act, s.acc.data());
    if (m.shared_router.data) {
        // One gate logit per token: [n_embd, 1] . xn.
        matmul(m.shared_router, s.xn.data(), T, s.router.data(), s.mm.data(), c.pool);
        for (int32_t t = 0; t < T; ++t) {
            const float g = sigmoid(s.router[size_t(t)]);
            for (int64_t i = 0; i < E; ++i) s.acc[size_t(t * E + i)] *= g;
        }
    }
    add_in_place(out, s.acc.data(), int64_t(T) * E);
}

// One token's k experts with three hand-offs to the pool (gate and up of all
// k together, then all k downs) instead of 3k: decode's MoE cost is mostly
// those hand-offs at 2+ threads. The experts are visited in ascending id,
// as the batched loop below visits them, so the sum has the same rounding.
// False (nothing done) when the scratch is too small for k rows.
bool moe_experts_one_token(const ModelHparams & hp, const MoeWeights & m, ThreadPool & pool, CpuScratch & s,
                           FfnActivation act, float * out) {
    const int32_t k = hp.n_expert_used;
    const int64_t F = m.gate.n_out, E = hp.n_embd;
    // Both passes' room is checked here, so a refusal never comes after the
    // gate/up pass (the batched loop would then redo the layer's experts).
    if (2 * k > kMatmulManyMax || s.gate.size() < size_t(k) * size_t(F) || s.up.size() < size_t(k) * size_t(F) ||
        s.acc.size() < size_t(k) * size_t(E) || m.up.type != m.gate.type ||
        s.mm.size() < matmul_scratch_bytes(m.gate.type, E, 2 * k) ||
        s.mm.size() < matmul_scratch_bytes(m.down.type, F, k))
        return false;
    std::array<int32_t, kMatmulManyMax> order{};
    for (int32_t j = 0; j < k; ++j) order[size_t(j)] = j;
    std::sort(order.begin(), order.begin() + k,
              [&](int32_t a, int32_t b) { return s.expert_ids[size_t(a)] < s.expert_ids[size_t(b)]; });

    std::array<WeightView, kMatmulManyMax> w{};
    std::array<const float *, kMatmulManyMax> x{};
    std::array<float *, kMatmulManyMax> y{};
    for (int32_t j = 0; j < k; ++j) {
        const int64_t e = s.expert_ids[size_t(order[size_t(j)])];
        w[size_t(j)] = m.gate.expert(e);
        w[size_t(k + j)] = m.up.expert(e);
        x[size_t(j)] = x[size_t(k + j)] = s.xn.data();
        y[size_t(j)] = s.gate.data() + j * F;
        y[size_t(k + j)] = s.up.data() + j * F;
    }
    if (!matmul_many(w.data(), x.data(), y.data(), 2 * k, s.mm.data(), s.mm.size(), pool)) return false;
    for (int32_t j = 0; j < k; ++j) {
        const int64_t e = s.expert_ids[size_t(order[size_t(j)])];
        if (m.gate_b) add_bias_rows(s.gate.data() + j * F, m.gate_b + e * F, 1, F);
        if (m.up_b) add_bias_rows(s.up.data() + j * F, m.up_b + e * F, 1, F);
    }
    activate(act, s.gate.data(), s.up.data(), int64_t(k) * F);
    for (int32_t j = 0; j < k; ++j) {
        w[size_t(j)] = m.down.expert(s.expert_ids[size_t(order[size_t(j)])]);
        x[size_t(j)] = s.gate.data() + j * F;
        y[size_t(j)] = s.acc.data() + j * E;
    }
    // The downs' inputs differ per expert: k quantized rows of n_ff.
    if (!matmul_many(w.data(), x.data(), y.data(), k, s.mm.data(), s.mm.size(), pool)) return false;
    std::fill(out, out + E, 0.0f);
    for (int32_t j = 0; j < k; ++j) {
        const int64_t e = s.expert_ids[size_t(order[size_t(j)])];
        float * a = s.acc.data() + j * E;
        if (m.down_b) add_bias_rows(a, m.down_b + e * E, 1, E);
        const float wj = s.expert_w[size_t(order[size_t(j)])];
        for (int64_t i = 0; i < E; ++i) out[i] += wj * a[i];
    }
    return true;
}

}  // namespace

void cpu_moe_experts(const ModelHparams & hp, const MoeWeights & m, ThreadPool & pool, CpuScratch & s, int32_t T,
                     FfnActivation act, float * out) {
    const int32_t k = hp.n_expert_used, E = hp.n_embd;
    if (T == 1 && moe_experts_one_token(hp, m, pool, s, act, out)) return;
    std::fill(out, out + size_t(T) * size_t(E), 0.0f);
    for (int32_t e = 0; e < hp.n_expert; ++e) {
        // The tokens routed to e (each picks an expert at most once).
        int32_t n = 0;
        for (int32_t t = 0; t < T; ++t)
            for (int32_t j = 0; j < k; ++j)
                if (s.expert_ids[size_t(t * k + j)] == e) {
                    s.rows[size_t(n)] = t;
                    s.row_w[size_t(n)] = s.expert_w[size_t(t * k + j)];
                    std::memcpy(s.gathered.data() + size_t(n) * size_t(E), s.xn.data() + size_t(t) * size_t(E),
                                sizeof(float) * size_t(E));
                    ++n;
                }
        if (n == 0) continue;
        run_expert(hp, m, pool, s, e, n, act);
        for (int32_t i = 0; i < n; ++i) {
            float * o = out + size_t(s.rows[size_t(i)]) * size_t(E);
            const float * y = s.acc.data() + size_t(i) * size_t(E);
            for (int32_t j = 0; j < E; ++j) o[j] += s.row_w[size_t(i)] * y[j];
        }
    }
}

void cpu_moe_block(CpuLayerContext & c, const MoeWeights & m, int32_t T, FfnActivation act, float * out) {
    const ModelHparams & hp = c.hp;
    CpuScratch & s = c.s;
    matmul(m.router, s.xn.data(), T, s.router.data(), s.mm.data(), c.pool);
    if (m.router_b) add_bias_rows(s.router.data(), m.router_b, T, hp.n_expert);
    moe_route(s.router.data(), T, hp.n_expert, hp.n_expert_used, hp.expert_gating, hp.expert_norm_topk,
              s.expert_ids.data(), s.expert_w.data());
    cpu_moe_experts(hp, m, c.pool, s, T, act, out);
    if (m.shared.gate.data) shared_expert(c, m, T, act, out);
}

void cpu_delta_net_block(CpuLayerContext & c, int il, const DeltaNetWeights & d, int32_t T, float * out) {
    const ModelHparams & hp = c.hp;
    CpuScratch & s = c.s;
    void * mm = s.mm.data();
    const int32_t K = hp.ssm_n_k_heads, V = hp.ssm_n_v_heads, D = hp.ssm_d_state, C = hp.ssm_conv_channels();
    matmul(d.qkv, s.xn.data(), T, s.ssm_qkv.data(), mm, c.pool);
    matmul(d.gate, s.xn.data(), T, s.ssm_z.data(), mm, c.pool);
    matmul(d.beta, s.xn.data(), T, s.ssm_beta.data(), mm, c.pool);
    matmul(d.alpha, s.xn.data(), T, s.ssm_g.data(), mm, c.pool);
    for (int32_t t = 0; t < T; ++t)
        for (int32_t h = 0; h < V; ++h) {
            const size_t i = size_t(t) * size_t(V) + size_t(h);
            s.ssm_beta[i] = sigmoid(s.ssm_beta[i]);
            const float a = s.ssm_g[i] + d.dt_b[h];
            const float softplus = a > 20.0f ? a : std::log1p(std::exp(a));
            s.ssm_g[i] = softplus * d.a[h];
        }
    causal_conv1d_silu(s.ssm_qkv.data(), T, C, d.conv, hp.ssm_d_conv, c.rec.conv(il), s.ssm_conv.data());
    // L2-normalize each q and k head (the first 2 K heads of every row).
    for (int32_t t = 0; t < T; ++t) l2norm_rows(s.ssm_conv.data() + size_t(t) * size_t(C), 2 * K, D, hp.rms_eps);
    gated_delta_rule(DeltaRuleShape{K, V, D}, s.ssm_conv.data(), s.ssm_g.data(), s.ssm_beta.data(), T, c.rec.ssm(il),
                     s.ssm_o.data(), c.pool);
    // Gated RMSNorm per value head: RMSNorm_d(o) * ssm_norm * silu(z).
    rmsnorm_rows(s.ssm_o.data(), d.norm, s.ssm_o.data(), int64_t(T) * V, D, hp.rms_eps);
    const int64_t n = int64_t(T) * hp.ssm_d_inner;
    for (int64_t i = 0; i < n; ++i) {
        const float z = s.ssm_z[size_t(i)];
        s.ssm_o[size_t(i)] *= z * sigmoid(z);
    }
    matmul(d.out, s.ssm_o.data(), T, out, mm, c.pool);
}

}  // namespace hearth
