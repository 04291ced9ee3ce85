// CudaBackend (cuda_backend.h): the device arenas (weights, KV cache,
// scratch), each allocated once before anything is copied, and the upload of
// the weights through pinned staging.
#include <functional>

#include "cuda/cuda_backend.h"
#include "model/weights.h"
#include "quant/quant.h"
#include "runtime/kv_cache.h"

namespace hearth::cuda {

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
        matrix(dl.wq, lw.attn.wq);
        matrix(dl.wk, lw.attn.wk);
        matrix(dl.wv, lw.attn.wv);
        matrix(dl.wo, lw.attn.wo);
        matrix(dl.gate, lw.ffn.gate);
        matrix(dl.up, lw.ffn.up);
        matrix(dl.down, lw.ffn.down);
    }
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

void CudaBackend::allocate_kv() {
    const size_t k_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_k());
    const size_t v_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_v());
    std::vector<size_t> offsets;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        offsets.push_back(m_kv.reserve(size_t(m_n_ctx) * k_row));
        offsets.push_back(m_kv.reserve(size_t(m_n_ctx) * v_row));
    }
    const std::string what = "KV cache (" + std::to_string(m_layers.size()) + " layers of " + std::to_string(m_n_ctx) +
                             " positions, " + (m_kv_type == KvType_q8_0 ? "q8_0" : "f16") + ")";
    m_kv.allocate(what.c_str());
    for (size_t i = 0; i < m_layers.size(); ++i) {
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
    const int64_t b_gemv = std::min<int64_t>(m_n_batch, kGemvMaxTokens);
    const size_t f = sizeof(float);
    const size_t x = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t xn = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t q = m_scratch.reserve(B * size_t(hp.n_embd_q()) * f);
    const size_t k = m_scratch.reserve(B * size_t(hp.n_embd_k()) * f);
    const size_t v = m_scratch.reserve(B * size_t(hp.n_embd_v()) * f);
    const size_t attn = m_scratch.reserve(B * size_t(hp.n_head) * size_t(hp.head_dim_v) * f);
    const size_t gate = m_scratch.reserve(B * size_t(hp.n_ff) * f);
    const size_t up = m_scratch.reserve(B * size_t(hp.n_ff) * f);
    const size_t tmp = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t logits = m_scratch.reserve(m_output_on_gpu ? size_t(kGpuLogitRows) * size_t(hp.n_vocab) * f : 0);

    size_t xq_bytes = 0, w_f16_elems = 0;
    int64_t max_n_in = 0;
    for (const DeviceLayer & l : m_layers)
        for (const DeviceMatrix * m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.gate, &l.up, &l.down}) {
            xq_bytes = std::max(xq_bytes, act_quant_bytes(m->type, m->n_in, b_gemv));
            if (m->type == TensorType_F32) continue;  // never through the f16 GEMM
            w_f16_elems = std::max(w_f16_elems, size_t(m->n_in) * size_t(m->n_out));
            max_n_in = std::max(max_n_in, m->n_in);
        }
    if (m_output_on_gpu) xq_bytes = std::max(xq_bytes, act_quant_bytes(m_out.type, m_out.n_in, kGpuLogitRows));
    const bool prefill_gemm = m_n_batch > kGemvMaxTokens && w_f16_elems > 0;
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
    m_s.logits = m_scratch.at<float>(logits);
    m_s.xq = m_scratch.at(xq);
    m_s.w_f16 = m_scratch.at<uint16_t>(w_f16);
    m_s.x_f16 = m_scratch.at<uint16_t>(x_f16);
    m_s.att = m_scratch.at(att);
    m_s.pos = m_scratch.at<int32_t>(pos);
}

}  // namespace hearth::cuda
