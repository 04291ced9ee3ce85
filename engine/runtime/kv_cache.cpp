#include "runtime/kv_cache.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "cpu/vec_dot.h"
#include "hearth/error.h"
#include "quant/fp16.h"
#include "quant/quant.h"

namespace hearth {

size_t KvCache::row_bytes(KvType type, int64_t n) {
    return type == KvType_f16 ? size_t(n) * 2 : size_t(n / 32) * 34;
}

int32_t kv_layer_capacity(const ModelHparams & hp, int il, int32_t n_ctx, int32_t n_batch) {
    if (hp.is_recurrent(il)) return 0;
    if (hp.is_swa(il)) return int32_t(std::min<int64_t>(n_ctx, int64_t(hp.n_swa) + std::max(n_batch, 1)));
    return n_ctx;
}

size_t KvCache::layer_bytes(const ModelHparams & hp, int il, int32_t n_ctx, KvType type, int32_t n_batch) {
    return size_t(kv_layer_capacity(hp, il, n_ctx, n_batch)) *
           (row_bytes(type, hp.n_embd_k()) + row_bytes(type, hp.n_embd_v()));
}

size_t KvCache::bytes_needed(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers, int32_t n_batch) {
    const int32_t n = n_layers < 0 ? hp.n_layer : std::min(n_layers, hp.n_layer);
    size_t bytes = 0;
    for (int il = 0; il < n; ++il) bytes += layer_bytes(hp, il, n_ctx, type, n_batch);
    return bytes;
}

KvCache::KvCache(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers, int32_t n_batch)
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
    const int32_t n = n_layers < 0 ? hp.n_layer : std::min(n_layers, hp.n_layer);
    m_layers.resize(size_t(hp.n_layer));
    m_bytes = 0;
    for (int il = 0; il < n; ++il) {
        Layer & l = m_layers[size_t(il)];
        l.offset = m_bytes;
        l.cap = kv_layer_capacity(hp, il, n_ctx, n_batch);
        l.ring = l.cap > 0 && l.cap < n_ctx;
        m_bytes += size_t(l.cap) * (m_k_row_bytes + m_v_row_bytes);
    }
    m_data.reset(new uint8_t[std::max<size_t>(m_bytes, 1)]);
}

bool KvCache::has_rings() const {
    for (const Layer & l : m_layers)
        if (l.ring) return true;
    return false;
}

bool KvCache::can_rewind(int32_t n_past, int32_t n, int32_t window) const {
    for (const Layer & l : m_layers)
        if (l.ring && int64_t(n) < int64_t(n_past) - l.cap + window - 1) return false;
    return true;
}

const uint8_t * KvCache::k_row(int il, int32_t pos) const {
    const Layer & l = m_layers[size_t(il)];
    return m_data.get() + l.offset + size_t(pos % l.cap) * m_k_row_bytes;
}

const uint8_t * KvCache::v_row(int il, int32_t pos) const {
    const Layer & l = m_layers[size_t(il)];
    return m_data.get() + l.offset + size_t(l.cap) * m_k_row_bytes + size_t(pos % l.cap) * m_v_row_bytes;
}

size_t KvCache::ring_bytes() const {
    size_t n = 0;
    for (const Layer & l : m_layers)
        if (l.ring) n += size_t(l.cap) * (m_k_row_bytes + m_v_row_bytes);
    return n;
}

void KvCache::save_rings(uint8_t * dst) const {
    for (const Layer & l : m_layers) {
        if (!l.ring) continue;
        const size_t n = size_t(l.cap) * (m_k_row_bytes + m_v_row_bytes);
        std::memcpy(dst, m_data.get() + l.offset, n);
        dst += n;
    }
}

void KvCache::load_rings(const uint8_t * src) {
    for (const Layer & l : m_layers) {
        if (!l.ring) continue;
        const size_t n = size_t(l.cap) * (m_k_row_bytes + m_v_row_bytes);
        std::memcpy(m_data.get() + l.offset, src, n);
        src += n;
    }
}

void KvCache::store(int il, int32_t pos0, int32_t n_tokens, const float * k, const float * v) {
    HEARTH_ASSERT(pos0 >= 0 && pos0 + n_tokens <= m_n_ctx && m_layers[size_t(il)].cap >= n_tokens);
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
        vec_dot_kernels_active().f16_to_f32(h, dst, head_dim);
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
