// Causal multi-head attention over the KV cache, with GQA.
//
// q: [n_tokens, n_head * head_dim] (RoPE applied); token t sits at position
// pos0 + t and attends to cache positions [0, pos0 + t]. Query head h reads
// KV head h / (n_head / n_head_kv). out: [n_tokens, n_head * head_dim_v].
// Scores are scaled by 1/sqrt(head_dim) unless AttentionParams says otherwise.
// A sliding window W masks keys at distance >= W (query position q sees keys
// (q - W, q]); sinks add e^{sink[h]} to head h's softmax denominator only.
//
// Work items are (KV head, chunk of tokens): the keys and values of one KV head
// are dequantized a tile of kAttentionTile positions at a time and shared by
// every query head of the group and every token of the chunk, with an online
// (running max) softmax, so scratch stays small at any context length. Each
// (token, head) row meets a tile through the ISA's tile kernel
// (attention_tile.h: scalar, or AVX2 with eight keys per step and a vector
// e^x). The arithmetic for one row does not depend on the chunking, so decode
// and batched prefill give identical results.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/attention_shape.h"

namespace hearth {

class KvSource;  // cpu/kv_source.h
class ThreadPool;

inline constexpr int32_t kAttentionTile = 256;
inline constexpr int32_t kAttentionMaxChunk = 32;

// Floats of scratch one thread needs.
size_t attention_scratch_floats(const AttentionShape & s);

void attention(const KvSource & kv, int il, const AttentionShape & s, const float * q, int32_t n_tokens, int32_t pos0,
               float * out, float * scratch, ThreadPool & pool, const AttentionParams & params = {});

}  // namespace hearth
