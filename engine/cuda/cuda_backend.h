// The CUDA backend: the last layers of the model (and optionally the output)
// on one GPU, with the same per-layer math as CpuBackend::run_layer.
//
// Device memory, three arenas allocated once at load:
//   weights  every matrix of layers [first_layer, n_layer) in its GGUF block
//            format (DeviceMatrix rows as cpu/matmul.h), norms and biases f32,
//            output_norm + output (token_embd again when tied) when offloaded,
//            RoPE frequency factors [n_rot / 2] when the model has them;
//            fused q|k|v and gate|up projections are split into their parts
//   kv       per GPU layer K [n_ctx][n_head_kv*head_dim], V [n_ctx][n_head_kv*head_dim_v],
//            f16 or Q8_0 rows exactly as runtime/kv_cache.h
//   scratch  activations for n_batch tokens, quantized activations, the f16
//            tiles of the prefill GEMM, attention partials, kGpuLogitRows of logits
// Pinned host memory: the hidden state [n_batch][n_embd], kGpuLogitRows rows
// of logits and the step's position, the only data that crosses the bus per
// step.
//
// Experts in RAM (GpuBackendConfig::n_cpu_moe): a MoE layer below n_cpu_moe
// has no expert tensors here; after routing, its normed input and routing go
// down to pinned buffers, a host callback on the stream runs the chosen
// experts on the CPU (HostExperts), and the sum comes back up, all stream
// ordered and so inside the decode graph too (cuda_backend_host_moe.cu).
//
// Matmuls (uses_gemm): quantized weights through gemv (quantized
// activations, __dp4a) at every batch size; F16/BF16 weights through gemv up
// to kGemvMaxTokens tokens, else gemm_prefill (f16, cublasGemmEx); F32
// weights through the f32 GEMV.
//
// The decode step (one token) is a CUDA Graph, captured once per variant
// (logits or hidden state out) and then only launched: the position reaches
// the kernels through device memory (StepPos, written by the step's first,
// captured copy), and the attention's split count depends on n_ctx alone.
// Graphs turn off for the model when capture fails (cuda_backend_graph.cu).
//
// Files: cuda_backend.cu (construction, forward, the layer wiring),
// cuda_backend_alloc.cu (arenas and upload), cuda_backend_graph.cu (warm-up
// and the decode graph). Header included by .cu files only: C++17.
#pragma once

#include <string>
#include <vector>

#include "cuda/cuda_check.h"
#include "cuda/device_memory.h"
#include "cuda/kernels.h"
#include "model/ffn_activation.h"
#include "quant/quant.h"  // vec_dot_type
#include "runtime/backend.h"

namespace hearth::cuda {

inline constexpr int32_t kGemvMaxTokens = 8;

// Whether a matmul of n_tokens rows against weights of `type` goes through
// gemm_prefill. Only F16 and BF16 weights do, at prefill batches, as
// llama.cpp's cuBLAS path. Quantized weights take the quantized-activation
// GEMV at every batch size, as llama.cpp takes MMQ for every quantized type
// on GPUs with int8 MMA or __dp4a (ggml_cuda_should_use_mmq, MUL_MAT and
// MUL_MAT_ID alike): the activations keep the CPU's 8-bit codes (Q8_0 / Q8_K)
// instead of being rounded to f16, which flipped near-tied logits against
// the CPU and the goldens. F32 weights stay on the exact f32 GEMV.
inline bool uses_gemm(TensorType type, int64_t n_tokens) {
    return n_tokens > kGemvMaxTokens && (type == TensorType_F16 || type == TensorType_BF16);
}

// Whether two matrices read the same quantized activations, so that one
// quantize_activations() of x serves both.
inline bool same_act_format(const DeviceMatrix & a, const DeviceMatrix & b) {
    return vec_dot_type(a.type) == vec_dot_type(b.type);
}

// A stacked expert tensor: expert 0 as a matrix, the others `stride` bytes apart.
struct DeviceExperts {
    DeviceMatrix m;
    size_t stride = 0;
};

// A gated DeltaNet layer (qwen35): its projections (DeltaNetWeights) and
// its slice of the recurrent state, which stays on the device.
struct DeviceDeltaNet {
    DeviceMatrix qkv, z, beta, alpha, out;  // attn_qkv, attn_gate, ssm_beta, ssm_alpha, ssm_out
    const float * conv = nullptr;           // [C][d_conv]
    const float * dt_b = nullptr;           // [V]
    const float * a = nullptr;              // [V]
    const float * norm = nullptr;           // [d]
    float * conv_state = nullptr;           // [d_conv - 1][C]
    float * ssm_state = nullptr;            // [V][d][d]
};

struct DeviceLayer {
    const float * attn_norm = nullptr;            // [n_embd]
    const float * ffn_norm = nullptr;             // [n_embd]
    const float * bq = nullptr;                   // [n_embd_q]  qwen2
    const float * bk = nullptr;                   // [n_embd_k]  qwen2
    const float * bv = nullptr;                   // [n_embd_v]  qwen2
    const float * q_norm = nullptr;               // [head_dim]  qwen3
    const float * k_norm = nullptr;               // [head_dim]  qwen3
    const float * bo = nullptr;                   // [n_embd]    gpt-oss
    const float * sinks = nullptr;                // [n_head]    gpt-oss
    const float * post_attn_norm = nullptr;       // [n_embd] gemma3 (attention output), gpt-oss (FFN pre-norm)
    const float * post_ffw_norm = nullptr;        // [n_embd] gemma3
    bool swa = false;                             // a sliding-window layer (gemma3 local, gpt-oss even layers)
    bool host_experts = false;                    // its experts stay in RAM (HostExperts): no *_exps here
    int il = 0;                                   // the model's layer index
    DeviceMatrix wq, wk, wv, wo, gate, up, down;  // gate/up/down: dense FFN layers
    // Mixture of experts (qwen3moe), in place of the dense FFN: the router
    // [n_embd, n_expert] (F32) and gate/up [n_embd, n_ff_exp], down
    // [n_ff_exp, n_embd] per expert.
    DeviceMatrix router;
    DeviceExperts gate_exps, up_exps, down_exps;
    const float * router_b = nullptr;  // [n_expert]            gpt-oss
    const float * gate_b = nullptr;    // [n_expert][n_ff_exp]  gpt-oss
    const float * up_b = nullptr;      // [n_expert][n_ff_exp]
    const float * down_b = nullptr;    // [n_expert][n_embd]
    // qwen35moe's shared expert: gate/up [n_embd, n_ff_shexp], down, and
    // its gate's router [n_embd, 1] (optional).
    DeviceMatrix sh_gate, sh_up, sh_down, sh_router;
    DeviceDeltaNet ssm;  // qwen35's recurrent layers (ssm.qkv.data set), in place of attention
    DeviceKvLayer kv;
};

class CudaBackend final : public GpuBackend {
public:
    explicit CudaBackend(const GpuBackendConfig & config);  // throws hearth::Error
    ~CudaBackend() override;
    CudaBackend(const CudaBackend &) = delete;
    CudaBackend & operator=(const CudaBackend &) = delete;

    const char * name() const override { return "cuda"; }
    void run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) override;
    void forward(float * hidden, int32_t n_tokens, int32_t pos0, int32_t first_out, float * logits) override;
    bool output_on_gpu() const override { return m_output_on_gpu; }
    int32_t first_layer() const override { return m_first; }
    const std::string & error() const override { return m_err.first(); }
    size_t vram_bytes() const override { return m_weights.bytes() + m_kv.bytes() + m_scratch.bytes(); }
    size_t recurrent_bytes() const override { return m_rec_bytes; }
    void save_recurrent(void * dst) override;
    void load_recurrent(const void * src) override;
    void reset_recurrent() override;

private:
    struct Scratch {
        float *x, *xn, *q, *k, *v, *attn, *gate, *up, *tmp, *logits;
        // MoE layers: router logits and probabilities [n_batch][n_expert],
        // the chosen experts and weights [n_batch][k], the experts' outputs
        // [n_batch * k][n_embd] (gate/up then hold [n_batch * k][n_ff_exp]).
        float *router, *router_p, *expert_w, *moe_y;
        int32_t * expert_ids;
        void * xq;
        void * att;
        uint16_t *w_f16, *x_f16;
        int32_t * pos;  // the step's first position (StepPos::device)
        // qwen35: the gated attention's wq output [n_batch][n_head][2 head_dim]
        // and its gate [n_batch][n_embd_q]; the DeltaNet's projections and
        // conv output [n_batch][C], z and o [n_batch][V d], beta and g [n_batch][V].
        float *qg, *attn_gate;
        float *ssm_qkv, *ssm_conv, *ssm_z, *ssm_o, *ssm_beta, *ssm_g;
    };

    void start();
    void release() noexcept;
    void warm_up();
    // A tensor bound to its place in the weights arena, still to be copied.
    struct PendingUpload {
        void * dst;
        const void * src;
        size_t bytes;
    };

    std::vector<PendingUpload> allocate_weights();
    void allocate_kv();
    void allocate_scratch();
    void upload(const std::vector<PendingUpload> & uploads);

    void run_step(int32_t n_tokens, int32_t pos0, int32_t first_out, bool logits, float * host_logits);
    void enqueue_step(int32_t n_tokens, int32_t first_out, bool logits, float * host_logits);
    void enqueue_layer(const DeviceLayer & l, int32_t n_tokens, StepPos pos);
    void enqueue_attention(const DeviceLayer & l, int32_t n_tokens, StepPos pos, float * out);
    void enqueue_moe(const DeviceLayer & l, int32_t n_tokens, float * out);
    void enqueue_delta_net(const DeviceDeltaNet & d, int32_t n_tokens, float * out);
    void enqueue_shared_expert(const DeviceLayer & l, int32_t n_tokens, float * out);
    void enqueue_dense_ffn(const DeviceLayer & l, int32_t n_tokens, float * out);
    void enqueue_host_experts(const DeviceLayer & l, int32_t n_tokens, float * out);
    static void host_experts_callback(void * call);  // a HostCall
    void alloc_host_moe();
    void free_host_moe() noexcept;
    void activate(FfnActivation act, float * gate, const float * up, int64_t n);
    void enqueue_output(int32_t first_out, int32_t n_tokens, float * host_logits);
    void matmul(const DeviceMatrix & w, const float * x, int32_t n_tokens, float * y, bool xq_ready);
    bool run_graph(bool logits);
    bool capture_graph(bool logits);
    void graphs_off(const std::string & why);

    const ModelHparams & m_hp;
    const ModelWeights & m_w;
    int32_t m_first;
    bool m_output_on_gpu;
    int32_t m_n_ctx;
    KvType m_kv_type;
    int32_t m_n_batch;
    int m_device;
    bool m_use_graphs;
    RopeParams m_rope;
    RopeParams m_rope_swa;  // sliding-window layers (gemma3's local base)
    AttentionShape m_shape;

    cudaStream_t m_stream = nullptr;
    cublasHandle_t m_blas = nullptr;
    // The decode graphs, [0] hidden state out, [1] logits out, and whether
    // that variant's kernels have run once uncaptured (so none loads during
    // capture, which older drivers refuse).
    cudaGraphExec_t m_graph[2] = {nullptr, nullptr};
    bool m_decode_warm[2] = {false, false};
    float * m_pinned_hidden = nullptr;  // [n_batch][n_embd]
    float * m_pinned_logits = nullptr;  // [kGpuLogitRows][n_vocab] when the output is here
    int32_t * m_pinned_pos = nullptr;   // [1]: the step's first position

    // Experts in RAM: layers [m_first, m_n_cpu_moe) route here and run their
    // experts through m_host. The pinned exchange buffers: the normed input
    // and the experts' sum [n_batch][n_embd], the routing [n_batch][k].
    struct HostCall {
        CudaBackend * self;
        int il;
    };
    int32_t m_n_cpu_moe = 0;
    HostExperts * m_host = nullptr;
    std::vector<HostCall> m_host_calls;  // one per GPU layer: stable addresses the graph keeps
    int32_t m_step_tokens = 0;           // the tokens of the step on the stream (run_step)
    float * m_pinned_moe_x = nullptr;
    float * m_pinned_moe_out = nullptr;
    float * m_pinned_moe_w = nullptr;
    int32_t * m_pinned_moe_ids = nullptr;

    DeviceArena m_weights, m_kv, m_scratch;
    std::vector<DeviceLayer> m_layers;       // [n_layer - first_layer]
    const float * m_out_norm = nullptr;      // [n_embd]
    const float * m_freq_factors = nullptr;  // [n_rot / 2] RoPE frequency factors, or none
    DeviceMatrix m_out;                      // [n_embd, n_vocab]
    Scratch m_s{};
    float * m_rec = nullptr;  // the recurrent state of every GPU DeltaNet layer, in m_kv
    size_t m_rec_bytes = 0;
    CudaErrorLog m_err;
};

}  // namespace hearth::cuda
