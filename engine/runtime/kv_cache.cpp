#include "runtime/kv_cache.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "hearth/error.h"
#include "quant/quant.h"
#include "runtime/half.h"

namespace hearth {

const float * half_table() {
    static const float * table = [] {
        static float t[65536];
        for (uint32_t h = 0; h < 65536; ++h) t[h] = fp16_to_f32(static_cast<uint16_t>(h));
        return t;
    }();
    return table;
}

size_t KvCache::row_bytes(KvType type, int64_t n) {
    return type == KvType_f16 ? size_t(n) * 2 : size_t(n / 32) * 34;
}

size_t KvCache::bytes_needed(const ModelHparams & hp, int32_t n_ctx, KvType type) {
    return size_t(hp.n_layer) * size_t(n_ctx) * (row_bytes(type, hp.n_embd_k()) + row_bytes(type, hp.n_embd_v()));
}

KvCache::KvCache(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers)
    : m_type(type),
      m_n_ctx(n_ctx),
      m_head_dim(hp.head_dim),
      m_head_dim_v(hp.head_dim_v),
      m_n_embd_k(hp.n_embd_k()),
      m_n_embd_v(hp.n_embd_v()) {
    if (type == KvType_q8_0 && (hp.head_dim % 32 != 0 || hp.head_dim_v % 32 != 0))
        throw Error(ErrorCode_invalid_argument,
                    "a q8_0 KV cache needs a head size that is a multiple of 32 (this model has " +
                        std::to_string(hp.head_dim) + "); use f16");
    m_k_row_bytes = row_bytes(type, m_n_embd_k);
    m_v_row_bytes = row_bytes(type, m_n_embd_v);
    m_layer_bytes = size_t(n_ctx) * (m_k_row_bytes + m_v_row_bytes);
    m_bytes = m_layer_bytes * size_t(n_layers < 0 ? hp.n_layer : std::min(n_layers, hp.n_layer));
    m_data.reset(new uint8_t[m_bytes]);
}

const uint8_t * KvCache::k_row(int il, int32_t pos) const {
    return m_data.get() + size_t(il) * m_layer_bytes + size_t(pos) * m_k_row_bytes;
}

const uint8_t * KvCache::v_row(int il, int32_t pos) const {
    return m_data.get() + size_t(il) * m_layer_bytes + size_t(m_n_ctx) * m_k_row_bytes + size_t(pos) * m_v_row_bytes;
}

void KvCache::store(int il, int32_t pos0, int32_t n_tokens, const float * k, const float * v) {
    HEARTH_ASSERT(pos0 >= 0 && pos0 + n_tokens <= m_n_ctx);
    for (int32_t t = 0; t < n_tokens; ++t) {
        uint8_t * kd = const_cast<uint8_t *>(k_row(il, pos0 + t));
        uint8_t * vd = const_cast<uint8_t *>(v_row(il, pos0 + t));
        const float * ks = k + size_t(t) * size_t(m_n_embd_k);
        const float * vs = v + size_t(t) * size_t(m_n_embd_v);
        if (m_type == KvType_f16) {
            uint16_t * kh = reinterpret_cast<uint16_t *>(kd);
            uint16_t * vh = reinterpret_cast<uint16_t *>(vd);
            for (int32_t i = 0; i < m_n_embd_k; ++i) kh[i] = f32_to_fp16(ks[i]);
            for (int32_t i = 0; i < m_n_embd_v; ++i) vh[i] = f32_to_fp16(vs[i]);
        } else {
            quantize_activations(TensorType_Q8_0, ks, kd, m_n_embd_k);
            quantize_activations(TensorType_Q8_0, vs, vd, m_n_embd_v);
        }
    }
}

void KvCache::read_head(const uint8_t * row, int32_t head, int32_t head_dim, float * dst) const {
    if (m_type == KvType_f16) {
        const uint16_t * h = reinterpret_cast<const uint16_t *>(row) + size_t(head) * size_t(head_dim);
        const float * table = half_table();
        for (int32_t i = 0; i < head_dim; ++i) dst[i] = table[h[i]];
    } else {
        dequantize_row(TensorType_Q8_0, row + size_t(head) * size_t(head_dim / 32) * 34, dst, head_dim);
    }
}

void KvCache::read_k(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const {
    for (int32_t p = pos0; p < pos1; ++p, dst += m_head_dim) read_head(k_row(il, p), head, m_head_dim, dst);
}

void KvCache::read_v(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const {
    for (int32_t p = pos0; p < pos1; ++p, dst += m_head_dim_v) read_head(v_row(il, p), head, m_head_dim_v, dst);
}

}  // namespace hearth
