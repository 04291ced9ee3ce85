// The launchers of the CUDA backend: the contract between the backend
// (cuda_backend.cpp, which owns memory, streams and the layer loop) and the
// kernels (one op per .cu file: the kernels, then the launchers declared here).
//
// Rules for every launcher:
//   - every pointer is device memory; shapes are row-major as in the CPU backend
//     (activations [n_tokens][n]);
//   - it enqueues work on `stream` and returns: no synchronisation, no
//     allocation, no exceptions (the decode step is captured in a CUDA Graph);
//   - its result matches the CPU backend's op on the same input (see
//     engine/cpu/ops.h, cpu/attention.h, cpu/matmul.h); tests/engine/cuda/sim checks
//     each one in the SIMT emulator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda/cuda_compat.h"
#include "hearth/model.h"        // KvType
#include "hearth/tensor_type.h"  // TensorType
#include "model/attention_shape.h"
#include "model/delta_net_shape.h"
#include "model/rope_params.h"

namespace hearth::cuda {

// The position of a step's first token. A captured CUDA Graph replays its
// kernels' arguments as they were at capture, so the backend passes the
// position through device memory (`device`, written by a captured copy from
// pinned memory at each step) and captures the decode step once; tests and
// uncaptured callers pass the value.
struct StepPos {
    int32_t value = 0;
    const int32_t * device = nullptr;  // when set, the kernels read *device instead
    StepPos() = default;
    StepPos(int32_t v) : value(v) {}  // NOLINT: implicit, a plain position
    StepPos(int32_t v, const int32_t * d) : value(v), device(d) {}
    __device__ __forceinline__ int32_t get() const { return device ? *device : value; }
};

// ---- matmul (gemv_*.cu, quantize_act.cu, gemm.cu) -------------------------
//
// A weight matrix as the CPU sees it (model/weight_view.h WeightView): n_out rows of
// n_in elements, each row `row_bytes` of GGUF blocks of `type`.
struct DeviceMatrix {
    TensorType type = TensorType_F32;
    const void * data = nullptr;  // device
    int64_t n_in = 0;
    int64_t n_out = 0;
    size_t row_bytes = 0;
};

// Bytes of quantized activations for n_tokens rows of n_in, in the format the
// GEMV of `wtype` reads (the CPU's vec_dot_type: Q8_0 for the 32-element formats,
// Q8_K for the K-quants and the IQ formats; F32/F16/BF16 weights read f32 activations
// and need none). Host function.
size_t act_quant_bytes(TensorType wtype, int64_t n_in, int64_t n_tokens);

// xq = quantize(x), x [n_tokens][n_in] f32, block by block, rounding exactly as
// the CPU's quantize_activations does.
void quantize_activations(TensorType wtype, const float * x, void * xq, int64_t n_in, int64_t n_tokens,
                          cudaStream_t stream);

// y[t][r] = W[r] . x[t] for small n_tokens (decode, and short batches):
// fused dequantize-GEMV, integer dot products (__dp4a) against xq for the
// integer quants, f32 math against x for F32/F16/BF16. y: [n_tokens][n_out].
void gemv(const DeviceMatrix & w, const float * x, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream);

// Mixture of experts: `w` describes expert 0 of a stacked tensor
// [n_expert][n_out][n_in] whose experts lie `stride` bytes apart. Row s of the
// output (a "slot": token s / act_div's choice s % act_div) multiplies expert
// ids[s] by activation row s / act_div: act_div = k for gate/up (the k slots
// of a token share its activations), 1 for down (each slot its own).
struct ExpertSel {
    const int32_t * ids = nullptr;  // device, [n_slots]
    size_t stride = 0;
    int32_t act_div = 1;
};

// y[s] = W_{ids[s]} . x[s / act_div] for s < n_slots, the same per-row math
// as gemv() (xq holds the quantized activation rows, as for gemv).
void gemv_experts(const DeviceMatrix & w, const ExpertSel & sel, const float * x, const void * xq, float * y,
                  int64_t n_slots, cudaStream_t stream);

// Prefill: W dequantized to f16 in `w_f16` ([n_out][n_in], caller-sized
// scratch), x converted to f16 in `x_f16` ([n_tokens][n_in]), then
// cublasGemmEx with f32 accumulation into y [n_tokens][n_out].
void gemm_prefill(cublasHandle_t blas, const DeviceMatrix & w, const float * x, int64_t n_tokens, float * y,
                  uint16_t * w_f16, uint16_t * x_f16, cudaStream_t stream);

// dst[i] = f16 bits of the dequantized W, row by row: [n_out][n_in].
void dequantize_to_f16(const DeviceMatrix & w, uint16_t * dst, cudaStream_t stream);

// ---- element-wise and per-row ops (rmsnorm.cu, rope.cu, swiglu.cu, add.cu) --

// y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w, for n_rows rows of n; y may alias
// x. Also serves as qwen3's per-head q/k norm (rows = tokens * heads).
void rmsnorm(const float * x, const float * w, float * y, int64_t n_rows, int64_t n, float eps, cudaStream_t stream);

// y[t][i] += b[i]
void add_bias(float * y, const float * b, int64_t n_rows, int64_t n, cudaStream_t stream);

// y[i] += x[i]
void add(float * y, const float * x, int64_t n, cudaStream_t stream);

// gate[i] = silu(gate[i]) * up[i]
void swiglu(float * gate, const float * up, int64_t n, cudaStream_t stream);

// gate[i] = gelu_tanh(gate[i]) * up[i], gelu rounded through f16 as the CPU's
// table (gemma3).
void geglu(float * gate, const float * up, int64_t n, cudaStream_t stream);

// gpt-oss: g = min(gate, limit), u = clamp(up, -limit, limit),
// gate[i] = g * sigmoid(alpha g) * (u + 1).
void swiglu_oai(float * gate, const float * up, int64_t n, float alpha, float limit, cudaStream_t stream);

// RoPE (normal or NeoX layout, with YaRN) on x [n_tokens][n_heads * head_dim],
// token t at position pos0 + t, as cpu/ops.h rope_rows.
void rope(const RopeParams & rp, float * x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, StepPos pos0,
          cudaStream_t stream);

// ---- mixture of experts (moe.cu) -------------------------------------------

// Router logits [n_tokens][n_expert] to each token's k experts, best first,
// as cpu/moe_routing.h: ids and weights [n_tokens][k] (k <= 32). scratch:
// [n_tokens][n_expert] floats for the probabilities.
void moe_route(const float * logits, int32_t n_tokens, int32_t n_expert, int32_t k, ExpertGating gating, bool normalize,
               int32_t * ids, float * weights, float * scratch, cudaStream_t stream);

// y[s][i] += bias[ids[s]][i]: each slot's own expert's bias, bias
// [n_expert][n] (gpt-oss's per-expert biases), ids [n_slots].
void add_expert_bias(float * y, const float * bias, const int32_t * ids, int64_t n_slots, int64_t n,
                     cudaStream_t stream);

// out[t] = sum over token t's k slots, in ascending expert id (the CPU's
// order), of weights[t][j] * y[t * k + j]; y [n_tokens * k][n], out [n_tokens][n].
void moe_combine(const float * y, const int32_t * ids, const float * weights, int32_t n_tokens, int32_t k, int64_t n,
                 float * out, cudaStream_t stream);

// ---- qwen35: gated DeltaNet (deltanet.cu), sigmoid gates (sigmoid_gates.cu) --
//
// The ops of cpu_delta_net_block, each as its CPU function (cpu/delta_net.h).

// beta[t][h] = sigmoid(beta[t][h]); g[t][h] = softplus(g[t][h] + dt_b[h]) * a[h]
// (softplus(x) = x above 20), both [n_tokens][V].
void delta_net_gates(float * beta, float * g, const float * dt_b, const float * a, int32_t n_tokens, int32_t V,
                     cudaStream_t stream);

// cpu/delta_net.h causal_conv1d_silu: y [n_tokens][C] = silu(conv of x
// [n_tokens][C] with w [C][d_conv]), reading and updating state [d_conv - 1][C].
void causal_conv1d_silu(const float * x, int32_t n_tokens, int32_t C, const float * w, int32_t d_conv, float * state,
                        float * y, cudaStream_t stream);

// cpu/delta_net.h l2norm_rows on the first n_heads heads of d floats of each
// token's row (rows `stride` floats apart), in place.
void l2norm_heads(float * x, int32_t n_tokens, int32_t n_heads, int64_t stride, int32_t d, float eps,
                  cudaStream_t stream);

// cpu/delta_net.h gated_delta_rule: qkv [n_tokens][C] (q, k L2-normalized),
// g and beta [n_tokens][V], state [V][d][d] updated, o [n_tokens][V][d].
// d <= kDeltaNetMaxHead.
void gated_delta_rule(const DeltaRuleShape & s, const float * qkv, const float * g, const float * beta,
                      int32_t n_tokens, float * state, float * o, cudaStream_t stream);

// qg [n_rows][2 head_dim] (per head q | gate) -> q and gate [n_rows][head_dim].
void split_q_gate(const float * qg, float * q, float * gate, int64_t n_rows, int64_t head_dim, cudaStream_t stream);

// x[i] *= sigmoid(gate[i])
void sigmoid_mul(float * x, const float * gate, int64_t n, cudaStream_t stream);

// out[r][i] += y[r][i] * sigmoid(logit[r]), out and y [n_rows][n] (qwen35moe's
// shared expert, one gate logit per token).
void add_sigmoid_gated(float * out, const float * y, const float * logit, int64_t n_rows, int64_t n,
                       cudaStream_t stream);

// ---- KV cache and attention (kv_store.cu, attention.cu) --------------------
//
// One layer of the device KV cache, laid out exactly as runtime/kv_cache.h:
// K [n_ctx][n_head_kv * head_dim], V [n_ctx][n_head_kv * head_dim_v], each row
// f16 bits or Q8_0 blocks.
struct DeviceKvLayer {
    KvType type = KvType_f16;
    void * k = nullptr;
    void * v = nullptr;
    size_t k_row_bytes = 0;
    size_t v_row_bytes = 0;
    int32_t n_ctx = 0;
};

// Rows [pos0, pos0 + n_tokens) of the layer's K and V from k [n_tokens][n_embd_k]
// and v [n_tokens][n_embd_v], converted as KvCache::store does.
void kv_store(const DeviceKvLayer & kv, const AttentionShape & s, StepPos pos0, int32_t n_tokens, const float * k,
              const float * v, cudaStream_t stream);

// Bytes of scratch attention() needs for n_tokens queries over up to n_ctx
// positions (split-KV partial results). Host function.
size_t attention_scratch_bytes(const AttentionShape & s, int32_t n_tokens, int32_t n_ctx);

// Per-layer variations of the softmax, as model/attention_shape.h AttentionParams:
// a sliding window (token at p sees [p - window + 1, p]), the score scale
// (0: 1/sqrt(head_dim)) and per-head sink logits (device [n_head]) that join
// the denominator only (gpt-oss).
struct AttnVariant {
    int32_t window = 0;
    float scale = 0.0f;
    const float * sinks = nullptr;
};

// Causal GQA attention as cpu/attention.h: q [n_tokens][n_head * head_dim],
// token t attends to positions [0, pos0 + t]; out [n_tokens][n_head * head_dim_v].
// Flash-attention style: online softmax over KV tiles. With scratch, short
// batches split the KV length into a count fixed by kv.n_ctx (not by pos0),
// so the launches of a decode step are the same at every position.
void attention(const DeviceKvLayer & kv, const AttentionShape & s, const float * q, int32_t n_tokens, StepPos pos0,
               float * out, void * scratch, cudaStream_t stream, const AttnVariant & variant = {});

}  // namespace hearth::cuda
