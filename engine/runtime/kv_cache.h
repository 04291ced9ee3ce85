// The KV cache: for every attention layer, one K row and one V row per slot.
//
// Layout per layer: K [cap][n_head_kv * head_dim], V [cap][n_head_kv * head_dim_v],
// each row stored as f16 or as Q8_0 blocks (34 bytes per 32 values; heads
// start on block boundaries because head_dim % 32 == 0 is required then).
// Position p lives in slot p % cap. A full layer has cap = n_ctx, so slots
// are positions; a sliding-window layer keeps a ring of n_swa + n_batch slots
// (kv_layer_capacity), enough for the window of every query of a batch; a
// recurrent layer (DeltaNet) has no KV rows at all. Positions past `n_past` in
// the session are stale and simply overwritten.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cpu/kv_source.h"
#include "hearth/model.h"

namespace hearth {

// Slots layer il needs for a context of n_ctx evaluated n_batch tokens at a time.
int32_t kv_layer_capacity(const ModelHparams & hp, int il, int32_t n_ctx, int32_t n_batch);

class KvCache final : public KvSource {
public:
    // Holds layers [0, n_layers) (n_layers < 0: all of them); a GPU backend
    // keeps the cache of the layers after those in device memory.
    KvCache(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers = -1, int32_t n_batch = 512);

    // Bytes the cache of layers [0, n_layers) (-1: all) will take, without allocating.
    static size_t bytes_needed(const ModelHparams & hp, int32_t n_ctx, KvType type, int32_t n_layers = -1,
                               int32_t n_batch = 512);
    // Bytes of layer il's cache.
    static size_t layer_bytes(const ModelHparams & hp, int il, int32_t n_ctx, KvType type, int32_t n_batch);
    // Bytes of one K row and one V row (f16: 2 per value; q8_0: 34 per 32).
    static size_t row_bytes(KvType type, int64_t n);

    int32_t n_ctx() const { return m_n_ctx; }
    KvType type() const { return m_type; }
    size_t bytes() const { return m_bytes; }
    int32_t capacity(int il) const { return m_layers[size_t(il)].cap; }
    // Whether some layer is a ring, which forgets positions older than its window.
    bool has_rings() const;
    // Whether, with positions [0, n_past) stored, every ring still holds what a
    // token at position n < n_past needs: the `window` - 1 positions before n.
    bool can_rewind(int32_t n_past, int32_t n, int32_t window) const;

    // Stores n_tokens rows at positions [pos0, pos0 + n_tokens) of layer il.
    void store(int il, int32_t pos0, int32_t n_tokens, const float * k, const float * v);

    // Dequantizes head `head` of the rows at positions [pos0, pos1) into dst,
    // [pos1 - pos0][head_dim] (or head_dim_v for V). A ring layer must still
    // hold those positions.
    void read_k(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const override;
    void read_v(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const override;

    // The ring layers' bytes, for checkpoints (see Evaluator): copy out / in.
    size_t ring_bytes() const;
    void save_rings(uint8_t * dst) const;
    void load_rings(const uint8_t * src);

private:
    struct Layer {
        size_t offset = 0;  // into m_data
        int32_t cap = 0;    // slots (0: no KV rows)
        bool ring = false;
    };
    const uint8_t * k_row(int il, int32_t pos) const;
    const uint8_t * v_row(int il, int32_t pos) const;
    void read_head(const uint8_t * row, int32_t head, int32_t head_dim, float * dst) const;

    KvType m_type;
    int32_t m_n_ctx;
    int32_t m_head_dim, m_head_dim_v, m_n_embd_k, m_n_embd_v;
    size_t m_k_row_bytes, m_v_row_bytes, m_bytes;
    std::vector<Layer> m_layers;
    std::unique_ptr<uint8_t[]> m_data;
};

}  // namespace hearth
