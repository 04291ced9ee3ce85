// CudaBackend (cuda_backend.h): the device arenas (weights, KV cache,
// scratch), each allocated once before anything is copied, and the upload of
// the weights through pinned staging.
#include <functional>

#include "cuda/cuda_backend.h"
#include "model/weights.h"
#include "quant/quant.h"
#include "runtime/kv_cache.h"
#include "runtime/recurrent_state.h"

namespace hearth::cuda {

namespace {

// Rows [first, first + n) of a matrix as a matrix of its own: fused q | k | v
// and gate | up projections are uploaded as separate matrices (each row is
// its own dot product, so the split changes no result), every one aligned in
// the arena as the kernels expect.
WeightView row_block(const WeightView & v, int64_t first, int64_t n) {
    const size_t row = tensor_row_bytes(v.type, v.n_in);
    return WeightView{v.type, static_cast<const uint8_t *>(v.data) + size_t(first) * row, v.n_in, n};
}

}  // namespace

// Two passes over the tensors: reserve every one in the arena, then allocate
// once and bind the device pointers; upload() copies them later.
std::vector<CudaBackend::PendingUpload> CudaBackend::allocate_weights() {
    struct Pending {
        size_t offset;
        const void * src;
        size_t bytes;
        std::function<void(void *)> bind;
    };
    std::vector<Pending> pending;
    auto matrix = [&](DeviceMatrix & dm, const WeightView & v) {
        dm.type = v.type;
        dm.n_in = v.n_in;
        dm.n_out = v.n_out;
        dm.row_bytes = tensor_row_bytes(v.type, v.n_in);
        const size_t bytes = dm.row_bytes * size_t(v.n_out);
        DeviceMatrix * slot = &dm;
        pending.push_back({m_weights.reserve(bytes), v.data, bytes, [slot](void * d) { slot->data = d; }});
    };
    // The whole stacked tensor [n_expert][n_out][n_in] in one piece.
    auto experts = [&](DeviceExperts & de, const ExpertWeights & ew) {
        if (!ew) return;
        de.m.type = ew.type;
        de.m.n_in = ew.n_in;
        de.m.n_out = ew.n_out;
        de.m.row_bytes = tensor_row_bytes(ew.type, ew.n_in);
        de.stride = ew.stride;
        const size_t bytes = ew.stride * size_t(ew.n_expert - 1) + ew.expert_bytes;
        DeviceMatrix * slot = &de.m;
        pending.push_back({m_weights.reserve(bytes), ew.data, bytes, [slot](void * d) { slot->data = d; }});
    };
    auto vector = [&](const float *& dst, const float * src, int64_t n) {
        if (!src) return;
        const float ** slot = &dst;
        const size_t bytes = size_t(n) * sizeof(float);
        pending.push_back(
            {m_weights.reserve(bytes), src, bytes, [slot](void * d) { *slot = static_cast<const float *>(d); }});
    };
    const ModelHparams & hp = m_hp;
    m_layers.assign(size_t(hp.n_layer - m_first), DeviceLayer{});
    for (int il = m_first; il < hp.n_layer; ++il) {
        const LayerWeights & lw = m_w.layers[size_t(il)];
        DeviceLayer & dl = m_layers[size_t(il - m_first)];
        vector(dl.attn_norm, lw.attn_norm, hp.n_embd);
        vector(dl.ffn_norm, lw.ffn_norm, hp.n_embd);
        vector(dl.bq, lw.attn.bq, hp.n_embd_q());
        vector(dl.bk, lw.attn.bk, hp.n_embd_k());
        vector(dl.bv, lw.attn.bv, hp.n_embd_v());
        vector(dl.q_norm, lw.attn.q_norm, hp.head_dim);
        vector(dl.k_norm, lw.attn.k_norm, hp.head_dim);
        vector(dl.bo, lw.attn.bo, hp.n_embd);
        vector(dl.sinks, lw.attn.sinks, hp.n_head);
        vector(dl.post_attn_norm, lw.post_attn_norm, hp.n_embd);
        vector(dl.post_ffw_norm, lw.post_ffw_norm, hp.n_embd);
        dl.swa = hp.is_swa(il);
        dl.il = il;
        if (const WeightView & qkv = lw.attn.wqkv; qkv.data) {
            const int64_t nq = hp.n_embd_q(), nk = hp.n_embd_k(), nv = hp.n_embd_v();
            matrix(dl.wq, row_block(qkv, 0, nq));
            matrix(dl.wk, row_block(qkv, nq, nk));
            matrix(dl.wv, row_block(qkv, nq + nk, nv));
            if (const float * b = lw.attn.bqkv) {
                vector(dl.bq, b, nq);
                vector(dl.bk, b + nq, nk);
                vector(dl.bv, b + nq + nk, nv);
            }
        } else {
            matrix(dl.wq, lw.attn.wq);
            matrix(dl.wk, lw.attn.wk);
            matrix(dl.wv, lw.attn.wv);
        }
        matrix(dl.wo, lw.attn.wo);
        if (lw.ffn.fused()) {  // up: [n_embd, 2 * n_ff], rows gate | up
            const int64_t F = lw.ffn.down.n_in;
            matrix(dl.gate, row_block(lw.ffn.up, 0, F));
            matrix(dl.up, row_block(lw.ffn.up, F, F));
        } else {
            matrix(dl.gate, lw.ffn.gate);
            matrix(dl.up, lw.ffn.up);
        }
        matrix(dl.down, lw.ffn.down);
        if (lw.ssm.qkv.data) {
            const DeltaNetWeights & sw = lw.ssm;
            matrix(dl.ssm.qkv, sw.qkv);
            matrix(dl.ssm.z, sw.gate);
            matrix(dl.ssm.beta, sw.beta);
            matrix(dl.ssm.alpha, sw.alpha);
            matrix(dl.ssm.out, sw.out);
            vector(dl.ssm.conv, sw.conv, int64_t(hp.ssm_d_conv) * hp.ssm_conv_channels());
            vector(dl.ssm.dt_b, sw.dt_b, hp.ssm_n_v_heads);
            vector(dl.ssm.a, sw.a, hp.ssm_n_v_heads);
            vector(dl.ssm.norm, sw.norm, hp.ssm_d_state);
        }
        if (lw.moe.router.data) {
            matrix(dl.router, lw.moe.router);
            vector(dl.router_b, lw.moe.router_b, hp.n_expert);
            // Experts in RAM: HostExperts reads them (and their biases) from the mapped file.
            dl.host_experts = il < m_n_cpu_moe;
            if (dl.host_experts) continue;
            experts(dl.gate_exps, lw.moe.gate);
            experts(dl.up_exps, lw.moe.up);
            experts(dl.down_exps, lw.moe.down);
            vector(dl.gate_b, lw.moe.gate_b, int64_t(hp.n_expert) * hp.n_ff_exp);
            vector(dl.up_b, lw.moe.up_b, int64_t(hp.n_expert) * hp.n_ff_exp);
            vector(dl.down_b, lw.moe.down_b, int64_t(hp.n_expert) * hp.n_embd);
            if (lw.moe.shared.gate.data) {
                matrix(dl.sh_gate, lw.moe.shared.gate);
                matrix(dl.sh_up, lw.moe.shared.up);
                matrix(dl.sh_down, lw.moe.shared.down);
                if (lw.moe.shared_router.data) matrix(dl.sh_router, lw.moe.shared_router);
            }
        }
    }
    // llama3-style rope_freqs (or longrope's factors for this context), [n_rot / 2]: both RoPEs divide by them.
    vector(m_freq_factors, m_w.rope_factors(hp, m_n_ctx), hp.n_rot / 2);
    if (m_output_on_gpu) {
        vector(m_out_norm, m_w.output_norm, hp.n_embd);
        matrix(m_out, m_w.output);
    }
    std::string what = "weights of layers " + std::to_string(m_first) + "-" + std::to_string(hp.n_layer - 1);
    if (m_output_on_gpu) what += " and the output";
    m_weights.allocate(what.c_str());
    std::vector<PendingUpload> uploads;
    for (const Pending & p : pending) {
        p.bind(m_weights.at(p.offset));
        uploads.push_back({m_weights.at(p.offset), p.src, p.bytes});
    }
    return uploads;
}

void CudaBackend::upload(const std::vector<PendingUpload> & uploads) {
    StagingUploader up(m_stream);
    for (const PendingUpload & p : uploads) up.upload(p.dst, p.src, p.bytes);
    up.finish();
}

// A DeltaNet layer has no KV rows: its recurrent state (conv then ssm, as
// RecurrentState lays out one layer) takes their place, all of the GPU's
// layers in one block so that a checkpoint is one copy.
void CudaBackend::allocate_kv() {
    const size_t k_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_k());
    const size_t v_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_v());
    const size_t rec_layer = (RecurrentState::conv_floats(m_hp) + RecurrentState::ssm_floats(m_hp)) * sizeof(float);
    std::vector<size_t> offsets;
    m_rec_bytes = 0;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        const bool rec = m_hp.is_recurrent(m_first + int(i));
        m_rec_bytes += rec ? rec_layer : 0;
        offsets.push_back(m_kv.reserve(rec ? 0 : size_t(m_n_ctx) * k_row));
        offsets.push_back(m_kv.reserve(rec ? 0 : size_t(m_n_ctx) * v_row));
    }
    const size_t rec_offset = m_kv.reserve(m_rec_bytes);
    const std::string what = "KV cache (" + std::to_string(m_layers.size()) + " layers of " + std::to_string(m_n_ctx) +
                             " positions, " + (m_kv_type == KvType_q8_0 ? "q8_0" : "f16") + ")";
    m_kv.allocate(what.c_str());
    m_rec = m_rec_bytes ? m_kv.at<float>(rec_offset) : nullptr;
    float * rec = m_rec;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        if (m_hp.is_recurrent(m_first + int(i))) {
            m_layers[i].ssm.conv_state = rec;
            m_layers[i].ssm.ssm_state = rec + RecurrentState::conv_floats(m_hp);
            rec += rec_layer / sizeof(float);
            continue;
        }
        DeviceKvLayer & kv = m_layers[i].kv;
        kv.type = m_kv_type;
        kv.k = m_kv.at(offsets[2 * i]);
        kv.v = m_kv.at(offsets[2 * i + 1]);
        kv.k_row_bytes = k_row;
        kv.v_row_bytes = v_row;
        kv.n_ctx = m_n_ctx;
    }
}

void CudaBackend::allocate_scratch() {
    const ModelHparams & hp = m_hp;
    const size_t B = size_t(m_n_batch);
    const size_t f = sizeof(float);
    const size_t x = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t xn = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t q = m_scratch.reserve(B * size_t(hp.n_embd_q()) * f);
    // qwen35 only (0 bytes otherwise): the gated q projection and the DeltaNet's buffers.
    const bool qwen35 = hp.family == ModelFamily_qwen35;
    const size_t C = size_t(hp.ssm_conv_channels()), VD = size_t(hp.ssm_d_inner), NV = size_t(hp.ssm_n_v_heads);
    const size_t qg = m_scratch.reserve(qwen35 ? B * 2 * size_t(hp.n_embd_q()) * f : 0);
    const size_t attn_gate = m_scratch.reserve(qwen35 ? B * size_t(hp.n_embd_q()) * f : 0);
    const size_t ssm_qkv = m_scratch.reserve(B * C * f);
    const size_t ssm_conv = m_scratch.reserve(B * C * f);
    const size_t ssm_z = m_scratch.reserve(B * VD * f);
    const size_t ssm_o = m_scratch.reserve(B * VD * f);
    const size_t ssm_beta = m_scratch.reserve(B * NV * f);
    const size_t ssm_g = m_scratch.reserve(B * NV * f);
    const size_t k = m_scratch.reserve(B * size_t(hp.n_embd_k()) * f);
    const size_t v = m_scratch.reserve(B * size_t(hp.n_embd_v()) * f);
    const size_t attn = m_scratch.reserve(B * size_t(hp.n_head) * size_t(hp.head_dim_v) * f);
    const size_t k_used = hp.is_moe() ? size_t(hp.n_expert_used) : 0;
    const size_t ff = std::max({size_t(hp.n_ff), k_used * size_t(hp.n_ff_exp), size_t(hp.n_ff_shexp)});
    const size_t gate = m_scratch.reserve(B * ff * f);
    const size_t up = m_scratch.reserve(B * ff * f);
    const size_t n_exp = hp.is_moe() ? size_t(hp.n_expert) : 0;
    const size_t router = m_scratch.reserve(B * n_exp * f);
    const size_t router_p = m_scratch.reserve(B * n_exp * f);
    const size_t expert_w = m_scratch.reserve(B * k_used * f);
    const size_t expert_ids = m_scratch.reserve(B * k_used * sizeof(int32_t));
    const size_t moe_y = m_scratch.reserve(B * k_used * size_t(hp.n_embd) * f);
    const size_t tmp = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t logits = m_scratch.reserve(m_output_on_gpu ? size_t(kGpuLogitRows) * size_t(hp.n_vocab) * f : 0);

    // Quantized activations for every token of a batch (quantized weights
    // take the GEMV at any batch); f16 tiles for the matrices uses_gemm() sends
    // to cuBLAS at a prefill batch.
    size_t xq_bytes = 0, w_f16_elems = 0;
    int64_t max_n_in = 0;
    for (const DeviceLayer & l : m_layers)
        for (const DeviceMatrix * m :
             {&l.wq, &l.wk, &l.wv, &l.wo, &l.gate, &l.up, &l.down, &l.ssm.qkv, &l.ssm.z, &l.ssm.beta, &l.ssm.alpha,
              &l.ssm.out, &l.sh_gate, &l.sh_up, &l.sh_down, &l.sh_router}) {
            xq_bytes = std::max(xq_bytes, act_quant_bytes(m->type, m->n_in, int64_t(B)));
            if (!m->data || !uses_gemm(m->type, m_n_batch)) continue;
            w_f16_elems = std::max(w_f16_elems, size_t(m->n_in) * size_t(m->n_out));
            max_n_in = std::max(max_n_in, m->n_in);
        }
    // Expert GEMVs take every token of a batch (no GEMM): gate/up read n_batch
    // rows of n_embd, down n_batch * k rows of n_ff_exp.
    for (const DeviceLayer & l : m_layers)
        if (l.router.data && !l.host_experts) {
            xq_bytes = std::max(xq_bytes, act_quant_bytes(l.gate_exps.m.type, hp.n_embd, int64_t(B)));
            xq_bytes = std::max(xq_bytes, act_quant_bytes(l.up_exps.m.type, hp.n_embd, int64_t(B)));
            xq_bytes = std::max(xq_bytes, act_quant_bytes(l.down_exps.m.type, hp.n_ff_exp, int64_t(B * k_used)));
        }
    if (m_output_on_gpu) xq_bytes = std::max(xq_bytes, act_quant_bytes(m_out.type, m_out.n_in, kGpuLogitRows));
    const bool prefill_gemm = w_f16_elems > 0;
    const size_t xq = m_scratch.reserve(xq_bytes);
    const size_t w_f16 = m_scratch.reserve(prefill_gemm ? w_f16_elems * 2 : 0);
    const size_t x_f16 = m_scratch.reserve(prefill_gemm ? B * size_t(max_n_in) * 2 : 0);
    const size_t att = m_scratch.reserve(attention_scratch_bytes(m_shape, m_n_batch, m_n_ctx));
    const size_t pos = m_scratch.reserve(sizeof(int32_t));
    m_scratch.allocate("scratch buffers");

    m_s.x = m_scratch.at<float>(x);
    m_s.xn = m_scratch.at<float>(xn);
    m_s.q = m_scratch.at<float>(q);
    m_s.k = m_scratch.at<float>(k);
    m_s.v = m_scratch.at<float>(v);
    m_s.attn = m_scratch.at<float>(attn);
    m_s.gate = m_scratch.at<float>(gate);
    m_s.up = m_scratch.at<float>(up);
    m_s.tmp = m_scratch.at<float>(tmp);
    m_s.router = m_scratch.at<float>(router);
    m_s.router_p = m_scratch.at<float>(router_p);
    m_s.expert_w = m_scratch.at<float>(expert_w);
    m_s.expert_ids = m_scratch.at<int32_t>(expert_ids);
    m_s.moe_y = m_scratch.at<float>(moe_y);
    m_s.logits = m_scratch.at<float>(logits);
    m_s.xq = m_scratch.at(xq);
    m_s.w_f16 = m_scratch.at<uint16_t>(w_f16);
    m_s.x_f16 = m_scratch.at<uint16_t>(x_f16);
    m_s.att = m_scratch.at(att);
    m_s.pos = m_scratch.at<int32_t>(pos);
    m_s.qg = m_scratch.at<float>(qg);
    m_s.attn_gate = m_scratch.at<float>(attn_gate);
    m_s.ssm_qkv = m_scratch.at<float>(ssm_qkv);
    m_s.ssm_conv = m_scratch.at<float>(ssm_conv);
    m_s.ssm_z = m_scratch.at<float>(ssm_z);
    m_s.ssm_o = m_scratch.at<float>(ssm_o);
    m_s.ssm_beta = m_scratch.at<float>(ssm_beta);
    m_s.ssm_g = m_scratch.at<float>(ssm_g);
}

}  // namespace hearth::cuda
