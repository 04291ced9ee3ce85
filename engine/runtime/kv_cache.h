// The KV cache: for every layer, one K row and one V row per position.
//
// Layout per layer: K [n_ctx][n_head_kv * head_dim], V [n_ctx][n_head_kv * head_dim_v],
// each row stored as f16 or as Q8_0 blocks (34 bytes per 32 values; heads
// start on block boundaries because head_dim % 32 == 0 is required then).
// Positions past `n_past` in the session are stale and simply overwritten.
#pragma once

#include <cstdint>
#include <memory>

#include "hearth/model.h"

namespace hearth {

class KvCache {
public:
    // Holds layers [0, n_layers) (n_layers < 0: all of them); a GPU backend
    // keeps the cache of the layers after those in device memory.
    KvCache(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers = -1);

    // Bytes the cache will take, without allocating (for the memory check).
    static size_t bytes_needed(const ModelHparams & hp, int32_t n_ctx, KvType type);
    // Bytes of one K row and one V row (f16: 2 per value; q8_0: 34 per 32).
    static size_t row_bytes(KvType type, int64_t n);

    int32_t n_ctx() const { return m_n_ctx; }
    KvType type() const { return m_type; }
    size_t bytes() const { return m_bytes; }

    // Stores n_tokens rows at positions [pos0, pos0 + n_tokens) of layer il.
    void store(int il, int32_t pos0, int32_t n_tokens, const float * k, const float * v);

    // Dequantizes head `head` of the rows at positions [pos0, pos1) into dst,
    // [pos1 - pos0][head_dim] (or head_dim_v for V).
    void read_k(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const;
    void read_v(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const;

private:
    const uint8_t * k_row(int il, int32_t pos) const;
    const uint8_t * v_row(int il, int32_t pos) const;
    void read_head(const uint8_t * row, int32_t head, int32_t head_dim, float * dst) const;

    KvType m_type;
    int32_t m_n_ctx;
    int32_t m_head_dim, m_head_dim_v, m_n_embd_k, m_n_embd_v;
    size_t m_k_row_bytes, m_v_row_bytes, m_layer_bytes, m_bytes;
    std::unique_ptr<uint8_t[]> m_data;
};

}  // namespace hearth
