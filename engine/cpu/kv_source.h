// What the CPU attention reads: the K and V rows of one layer, one KV head at
// a time, dequantized to f32. runtime/kv_cache.h implements it (the engine's
// cache, with its rings); cpu/ stays below runtime/ by depending on this
// interface only. One virtual call per tile of kAttentionTile positions.
#pragma once

#include <cstdint>

namespace hearth {

class KvSource {
public:
    // Head `head` of layer il's rows at positions [pos0, pos1) into dst,
    // [pos1 - pos0][head_dim] (or head_dim_v for V).
    virtual void read_k(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const = 0;
    virtual void read_v(int il, int32_t head, int32_t pos0, int32_t pos1, float * dst) const = 0;

protected:
    ~KvSource() = default;
};

}  // namespace hearth
