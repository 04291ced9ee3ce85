// What a CPU layer function works with, and the blocks the families share.
//
// Each model family wires its layer from these blocks in its own file
// (cpu_forward_<family>.cpp), as llama.cpp keeps one graph per architecture:
//   x [T, n_embd] is the residual stream, updated in place;
//   blocks read their normalized input from s.xn and write [T, n_embd] to `out`.
// All buffers are allocated once for n_batch tokens: no allocation per token.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/attention.h"
#include "cpu/ops.h"
#include "model/ffn_activation.h"
#include "model/weights.h"

namespace hearth {

class KvCache;
class RecurrentState;
class ThreadPool;

struct CpuScratch {
    std::vector<float> xn, tmp, acc;   // [T, n_embd]
    std::vector<float> q, k, v, attn;  // [T, n_embd_q (x2 when gated)], [T, n_embd_k], [T, n_embd_v], [T, n_head * hdv]
    std::vector<float> qkv;            // [T, n_embd_q + n_embd_k + n_embd_v] for a fused projection
    std::vector<float> gate, up;       // [T, max FFN width] (gate: twice that for a fused gate | up)
    std::vector<float> gathered;       // [T, n_embd]: the tokens routed to one expert
    std::vector<float> router;         // [T, n_expert]
    std::vector<int32_t> expert_ids;   // [T, n_expert_used]
    std::vector<float> expert_w;       // [T, n_expert_used]
    std::vector<int32_t> rows;         // [T]: token indices for one expert
    std::vector<float> row_w;          // [T]: their weights for that expert
    std::vector<float> ssm_qkv, ssm_conv, ssm_z, ssm_o;  // [T, C], [T, C], [T, V d], [T, V d]
    std::vector<float> ssm_beta, ssm_g;                  // [T, V]
    std::vector<float> att;                              // per-thread attention scratch
    std::vector<uint8_t> mm;                             // quantized activations for matmul

    // Sizes every buffer for n_batch tokens; returns the floats allocated
    // (the memory check counts them before allocating: `allocate` false).
    static size_t floats(const ModelHparams & hp, int32_t n_batch, int n_threads);
    void allocate(const ModelHparams & hp, const ModelWeights & w, int32_t n_batch, int n_threads);
};

// The largest matmul scratch any weight of the model needs for n_tokens rows.
size_t max_matmul_scratch(const ModelWeights & w, int64_t n_tokens);

// An upper bound of max_matmul_scratch from the hyperparameters alone (the
// memory check runs before the weights are bound): quantized activations
// take at most ~1.2 bytes per input element plus block headers, so 2 bytes
// per element of the widest input row.
size_t matmul_scratch_bound(const ModelHparams & hp, int64_t n_tokens);

struct CpuLayerContext {
    const ModelHparams & hp;
    const ModelWeights & w;
    KvCache & kv;
    RecurrentState & rec;
    ThreadPool & pool;
    CpuScratch & s;
    RopeParams rope;      // full-attention layers
    RopeParams rope_swa;  // sliding-window layers
    AttentionShape shape;
};

// out = wo . attention(q, k, v of s.xn) (+ bo). Covers biases, per-head q/k
// norms, the layer's RoPE (its window's base), the sliding window, sinks, the
// q scale, and qwen35's sigmoid output gate when wq also projects a gate.
void cpu_attention_block(CpuLayerContext & c, int il, const AttentionWeights & a, int32_t T, int32_t pos0, float * out);

// out = down(act(gate . s.xn, up . s.xn)).
void cpu_dense_ffn_block(CpuLayerContext & c, const DenseFfnWeights & f, int32_t T, FfnActivation act, float * out);

// out = sum over each token's chosen experts of weight * expert(s.xn), plus the
// sigmoid-gated shared expert when the layer has one. Each expert's weights are
// read once per batch for all the tokens routed to it.
void cpu_moe_block(CpuLayerContext & c, const MoeWeights & m, int32_t T, FfnActivation act, float * out);

// The routed part of cpu_moe_block, given the routing: the tokens' chosen
// experts s.expert_ids and weights s.expert_w [T, n_expert_used] applied to
// s.xn [T, n_embd], summed into out [T, n_embd] (overwritten). Each expert's
// weights are read once for all the tokens routed to it. Uses s.gathered,
// s.rows, s.row_w, s.gate, s.up, s.acc and s.mm; runs on the GPU backend's
// host-experts path too (runtime/host_experts.h).
void cpu_moe_experts(const ModelHparams & hp, const MoeWeights & m, ThreadPool & pool, CpuScratch & s, int32_t T,
                     FfnActivation act, float * out);

// out = ssm_out . (RMSNorm_d(DeltaNet(s.xn)) * ssm_norm * silu(z)), advancing
// the layer's recurrent state by T tokens.
void cpu_delta_net_block(CpuLayerContext & c, int il, const DeltaNetWeights & d, int32_t T, float * out);

// One layer of each family, on x [T, n_embd] at positions [pos0, pos0 + T).
using CpuLayerFn = void (*)(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);
void cpu_layer_llama(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);
void cpu_layer_qwen3moe(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);
void cpu_layer_gpt_oss(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);
void cpu_layer_gemma3(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);
void cpu_layer_qwen35(CpuLayerContext & c, int il, float * x, int32_t T, int32_t pos0);

}  // namespace hearth
