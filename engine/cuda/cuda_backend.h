// The CUDA backend: the last layers of the model (and optionally the output)
// on one GPU, with the same per-layer math as CpuBackend::run_layer.
//
// Device memory, three arenas allocated once at load:
//   weights  every matrix of layers [first_layer, n_layer) in its GGUF block
//            format (DeviceMatrix rows as cpu/matmul.h), norms and biases f32,
//            output_norm + output (token_embd again when tied) when offloaded
//   kv       per GPU layer K [n_ctx][n_head_kv*head_dim], V [n_ctx][n_head_kv*head_dim_v],
//            f16 or Q8_0 rows exactly as runtime/kv_cache.h
//   scratch  activations for n_batch tokens, quantized activations, the f16
//            tiles of the prefill GEMM, attention partials, kGpuLogitRows of logits
// Pinned host memory: the hidden state [n_batch][n_embd], kGpuLogitRows rows
// of logits and the step's position, the only data that crosses the bus per
// step.
//
// Matmuls: gemv (quantized activations, __dp4a) up to kGemvMaxTokens tokens,
// else gemm_prefill (dequantize to f16, cublasGemmEx).
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
#include "runtime/backend.h"

namespace hearth::cuda {

inline constexpr int32_t kGemvMaxTokens = 8;

struct DeviceLayer {
    const float * attn_norm = nullptr;  // [n_embd]
    const float * ffn_norm = nullptr;   // [n_embd]
    const float * bq = nullptr;         // [n_embd_q]  qwen2
    const float * bk = nullptr;         // [n_embd_k]  qwen2
    const float * bv = nullptr;         // [n_embd_v]  qwen2
    const float * q_norm = nullptr;     // [head_dim]  qwen3
    const float * k_norm = nullptr;     // [head_dim]  qwen3
    DeviceMatrix wq, wk, wv, wo, gate, up, down;
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

private:
    struct Scratch {
        float *x, *xn, *q, *k, *v, *attn, *gate, *up, *tmp, *logits;
        void * xq;
        void * att;
        uint16_t *w_f16, *x_f16;
        int32_t * pos;  // the step's first position (StepPos::device)
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

    DeviceArena m_weights, m_kv, m_scratch;
    std::vector<DeviceLayer> m_layers;   // [n_layer - first_layer]
    const float * m_out_norm = nullptr;  // [n_embd]
    DeviceMatrix m_out;                  // [n_embd, n_vocab]
    Scratch m_s{};
    CudaErrorLog m_err;
};

}  // namespace hearth::cuda
