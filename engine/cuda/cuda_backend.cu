// CudaBackend (cuda_backend.h): construction and release, forward(), and the
// layer loop as kernel launches on one stream. Allocation and upload are in
// cuda_backend_alloc.cu, the warm-up and the decode graph in
// cuda_backend_graph.cu.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "cuda/cuda_backend.h"
#include "cuda/gemm.h"
#include "model/ffn_activation.h"
#include "quant/quant.h"
#include "runtime/gpu_backend_factory.h"

namespace hearth {

std::unique_ptr<GpuBackend> make_cuda_backend(const GpuBackendConfig & config) {
    return std::make_unique<cuda::CudaBackend>(config);
}

namespace cuda {

namespace {

bool graphs_disabled_by_env() {
    const char * v = std::getenv("HEARTH_CUDA_GRAPHS");
    return v && std::strcmp(v, "0") == 0;
}

}  // namespace

CudaBackend::CudaBackend(const GpuBackendConfig & c)
    : m_hp(*c.hp),
      m_w(*c.weights),
      m_first(c.first_layer),
      m_output_on_gpu(c.output_on_gpu),
      m_n_ctx(c.n_ctx),
      m_kv_type(c.kv_type),
      m_n_batch(std::max(1, c.n_batch)),
      m_device(c.device),
      m_use_graphs(c.use_graphs && !graphs_disabled_by_env()),
      m_rope(RopeParams::from_hparams(*c.hp)),
      m_rope_swa(RopeParams::from_hparams(*c.hp, true)),
      m_shape{c.hp->n_head, c.hp->n_head_kv, c.hp->head_dim, c.hp->head_dim_v},
      m_n_cpu_moe(c.n_cpu_moe),
      m_host(c.host_experts) {
    HEARTH_ASSERT(m_first >= 0 && m_first <= m_hp.n_layer && m_n_ctx > 0);
    try {
        // Every allocation before any copy: too little VRAM fails fast.
        start();
        const std::vector<PendingUpload> uploads = allocate_weights();
        m_rope.freq_factors = m_rope_swa.freq_factors = m_freq_factors;  // device memory, copied below
        allocate_kv();
        allocate_scratch();
        upload(uploads);
        if (c.warm_up) warm_up();
        reset_recurrent();  // a fresh sequence's state (the warm-up advanced it)
    } catch (...) {
        release();
        throw;
    }
}

CudaBackend::~CudaBackend() {
    release();
}

// Every call below runs on m_device: the stream, the handle and the arenas
// belong to it, and forward() and release() select it again (another thread
// or the probe may have left this one on another GPU).
void CudaBackend::start() {
    CUDA_CHECK(cudaSetDevice(m_device));
    CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    CUBLAS_CHECK(cublasCreate(&m_blas));
    CUBLAS_CHECK(cublasSetStream(m_blas, m_stream));
    m_pinned_hidden =
        static_cast<float *>(alloc_pinned(size_t(m_n_batch) * size_t(m_hp.n_embd) * sizeof(float), "the hidden state"));
    m_pinned_pos = static_cast<int32_t *>(alloc_pinned(sizeof(int32_t), "the step's position"));
    if (m_output_on_gpu)
        m_pinned_logits = static_cast<float *>(
            alloc_pinned(size_t(kGpuLogitRows) * size_t(m_hp.n_vocab) * sizeof(float), "the logits"));
    alloc_host_moe();
}

void CudaBackend::release() noexcept {
    cudaSetDevice(m_device);
    if (m_stream) cudaStreamSynchronize(m_stream);
    for (cudaGraphExec_t & g : m_graph) {
        if (g) cudaGraphExecDestroy(g);
        g = nullptr;
    }
    if (m_blas) cublasDestroy(m_blas);
    m_blas = nullptr;
    for (void * p : {static_cast<void *>(m_pinned_hidden), static_cast<void *>(m_pinned_logits),
                     static_cast<void *>(m_pinned_pos)})
        if (p) cudaFreeHost(p);
    m_pinned_hidden = m_pinned_logits = nullptr;
    m_pinned_pos = nullptr;
    free_host_moe();
    if (m_stream) cudaStreamDestroy(m_stream);
    m_stream = nullptr;
}

void CudaBackend::run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) {
    HEARTH_ASSERT(first == m_first && last == m_hp.n_layer);
    forward(hidden, n_tokens, pos0, 0, nullptr);
}

void CudaBackend::forward(float * hidden, int32_t n_tokens, int32_t pos0, int32_t first_out, float * logits) {
    HEARTH_ASSERT(n_tokens > 0 && n_tokens <= m_n_batch && first_out >= 0 && first_out < n_tokens);
    HEARTH_ASSERT(pos0 >= 0 && pos0 + n_tokens <= m_n_ctx);
    if (!m_err.ok()) return;
    CUDA_TRY(m_err, cudaSetDevice(m_device));
    const size_t n_embd = size_t(m_hp.n_embd);
    const size_t rows = size_t(n_tokens - first_out);
    const bool want_logits = m_output_on_gpu && logits;
    // More rows than the pinned buffer holds go straight to the caller's memory.
    const bool direct = want_logits && rows > size_t(kGpuLogitRows);
    std::memcpy(m_pinned_hidden, hidden, size_t(n_tokens) * n_embd * sizeof(float));
    run_step(n_tokens, pos0, first_out, want_logits, direct ? logits : nullptr);
    CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
    if (!m_err.ok()) return;
    if (!want_logits)
        std::memcpy(hidden + size_t(first_out) * n_embd, m_pinned_hidden + size_t(first_out) * n_embd,
                    rows * n_embd * sizeof(float));
    else if (!direct)
        std::memcpy(logits, m_pinned_logits, rows * size_t(m_hp.n_vocab) * sizeof(float));
}

// Everything of one step on the stream: the position and hidden up (from the
// pinned buffers run_step filled), the layers, then logits or hidden down.
// `host_logits`: where logits go when not the pinned buffer.
void CudaBackend::enqueue_step(int32_t n_tokens, int32_t first_out, bool logits, float * host_logits) {
    const size_t n_embd = size_t(m_hp.n_embd);
    CUDA_TRY(m_err, cudaMemcpyAsync(m_s.pos, m_pinned_pos, sizeof(int32_t), cudaMemcpyHostToDevice, m_stream));
    CUDA_TRY(m_err, cudaMemcpyAsync(m_s.x, m_pinned_hidden, size_t(n_tokens) * n_embd * sizeof(float),
                                    cudaMemcpyHostToDevice, m_stream));
    const StepPos pos(*m_pinned_pos, m_s.pos);
    for (const DeviceLayer & l : m_layers) enqueue_layer(l, n_tokens, pos);
    if (logits) {
        enqueue_output(first_out, n_tokens, host_logits);
    } else {
        const size_t off = size_t(first_out) * n_embd;
        CUDA_TRY(m_err, cudaMemcpyAsync(m_pinned_hidden + off, m_s.x + off,
                                        size_t(n_tokens - first_out) * n_embd * sizeof(float), cudaMemcpyDeviceToHost,
                                        m_stream));
    }
    CUDA_TRY(m_err, cudaGetLastError());  // a failed kernel launch
    if (n_tokens > kGemvMaxTokens) {
        bool out_of_memory = false;
        std::string blas = gemm_take_error(&out_of_memory);  // gemm_prefill records, never throws
        if (!blas.empty()) m_err.record("cuBLAS: " + blas, out_of_memory);
    }
}

// The GEMM or the GEMV as uses_gemm() chooses (cuda_backend.h).
void CudaBackend::matmul(const DeviceMatrix & w, const float * x, int32_t n_tokens, float * y, bool xq_ready) {
    if (uses_gemm(w.type, n_tokens)) {
        gemm_prefill(m_blas, w, x, n_tokens, y, m_s.w_f16, m_s.x_f16, m_stream);
        return;
    }
    if (!xq_ready && act_quant_bytes(w.type, w.n_in, n_tokens) > 0)
        quantize_activations(w.type, x, m_s.xq, w.n_in, n_tokens, m_stream);
    gemv(w, x, m_s.xq, y, n_tokens, m_stream);
}

// The family's layer (runtime/cpu_forward_<family>.cpp), op for op, on x
// [n_tokens][n_embd] in m_s.x, for the tokens at positions [pos, pos + T):
//   llama, qwen3moe  x += attn(norm(x));  x += ffn(norm(x) * ffn_norm)
//   gemma3           x += norm(attn(norm(x))) * post_attn_norm;
//                    x += norm(ffn(norm(x) * ffn_norm)) * post_ffw_norm
//   gpt-oss          x += attn(norm(x));  x += moe(norm(x) * post_attn_norm)
//   qwen35           x += deltanet or gated attn(norm(x));  x += ffn(norm(x) * post_attn_norm)
void CudaBackend::enqueue_layer(const DeviceLayer & l, int32_t T, StepPos pos) {
    const ModelHparams & hp = m_hp;
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const int64_t n = int64_t(T) * hp.n_embd;
    const bool gemma = hp.family == ModelFamily_gemma3;

    rmsnorm(b.x, l.attn_norm, b.xn, T, hp.n_embd, hp.rms_eps, s);
    if (l.ssm.qkv.data)
        enqueue_delta_net(l.ssm, T, b.tmp);
    else
        enqueue_attention(l, T, pos, b.tmp);
    if (gemma) rmsnorm(b.tmp, l.post_attn_norm, b.tmp, T, hp.n_embd, hp.rms_eps, s);
    add(b.x, b.tmp, n, s);

    const bool post_is_ffn_norm = hp.family == ModelFamily_gpt_oss || hp.family == ModelFamily_qwen35;
    const float * ffn_norm = post_is_ffn_norm ? l.post_attn_norm : l.ffn_norm;
    rmsnorm(b.x, ffn_norm, b.xn, T, hp.n_embd, hp.rms_eps, s);
    if (l.router.data)
        enqueue_moe(l, T, b.tmp);
    else
        enqueue_dense_ffn(l, T, b.tmp);
    if (gemma) rmsnorm(b.tmp, l.post_ffw_norm, b.tmp, T, hp.n_embd, hp.rms_eps, s);
    add(b.x, b.tmp, n, s);
}

// cpu_attention_block on b.xn into out [T][n_embd]: projections and biases,
// q/k norms, RoPE (the local base on sliding-window layers), the KV store,
// attention with the layer's window and sinks, qwen35's sigmoid output gate
// (when wq also projects it), the output projection and bias.
void CudaBackend::enqueue_attention(const DeviceLayer & l, int32_t T, StepPos pos, float * out) {
    const ModelHparams & hp = m_hp;
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const bool gated = l.wq.n_out == 2 * int64_t(hp.n_embd_q());
    matmul(l.wq, b.xn, T, gated ? b.qg : b.q, false);
    if (gated) split_q_gate(b.qg, b.q, b.attn_gate, int64_t(T) * hp.n_head, hp.head_dim, s);
    matmul(l.wk, b.xn, T, b.k, same_act_format(l.wq, l.wk));
    matmul(l.wv, b.xn, T, b.v, same_act_format(l.wk, l.wv));
    if (l.bq) add_bias(b.q, l.bq, T, hp.n_embd_q(), s);
    if (l.bk) add_bias(b.k, l.bk, T, hp.n_embd_k(), s);
    if (l.bv) add_bias(b.v, l.bv, T, hp.n_embd_v(), s);
    if (l.q_norm) rmsnorm(b.q, l.q_norm, b.q, int64_t(T) * hp.n_head, hp.head_dim, hp.rms_eps, s);
    if (l.k_norm) rmsnorm(b.k, l.k_norm, b.k, int64_t(T) * hp.n_head_kv, hp.head_dim, hp.rms_eps, s);
    const RopeParams & rp = l.swa ? m_rope_swa : m_rope;
    rope(rp, b.q, T, hp.n_head, hp.head_dim, pos, s);
    rope(rp, b.k, T, hp.n_head_kv, hp.head_dim, pos, s);
    kv_store(l.kv, m_shape, pos, T, b.k, b.v, s);

    AttnVariant variant;
    variant.window = l.swa ? hp.n_swa : 0;
    variant.scale = hp.attn_q_scale;
    variant.sinks = l.sinks;
    attention(l.kv, m_shape, b.q, T, pos, b.attn, b.att, s, variant);
    if (gated) sigmoid_mul(b.attn, b.attn_gate, int64_t(T) * hp.n_embd_q(), s);
    matmul(l.wo, b.attn, T, out, false);
    if (l.bo) add_bias(out, l.bo, T, hp.n_embd, s);
}

// The gated FFN on b.xn into out [T][n_embd].
void CudaBackend::enqueue_dense_ffn(const DeviceLayer & l, int32_t T, float * out) {
    const Scratch & b = m_s;
    matmul(l.gate, b.xn, T, b.gate, false);
    matmul(l.up, b.xn, T, b.up, same_act_format(l.gate, l.up));
    activate(dense_ffn_activation(m_hp.family), b.gate, b.up, int64_t(T) * m_hp.n_ff);
    matmul(l.down, b.gate, T, out, false);
}

// gate = act(gate) * up, as cpu_blocks.cpp activate().
void CudaBackend::activate(FfnActivation act, float * gate, const float * up, int64_t n) {
    switch (act) {
        case FfnActivation_gelu:
            geglu(gate, up, n, m_stream);
            break;
        case FfnActivation_swiglu_oai:
            swiglu_oai(gate, up, n, kSwigluOaiAlpha, kSwigluOaiLimit, m_stream);
            break;
        case FfnActivation_silu:
            swiglu(gate, up, n, m_stream);
            break;
    }
}

// cpu_moe_block on b.xn into out [T][n_embd]: route, run each token's k
// experts as "slots" (row t * k + j of gate/up/down is token t's j-th
// choice), with gpt-oss's router and expert biases, and combine.
void CudaBackend::enqueue_moe(const DeviceLayer & l, int32_t T, float * out) {
    const ModelHparams & hp = m_hp;
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const int32_t k = hp.n_expert_used;
    const int64_t slots = int64_t(T) * k;
    matmul(l.router, b.xn, T, b.router, false);
    if (l.router_b) add_bias(b.router, l.router_b, T, hp.n_expert, s);
    moe_route(b.router, T, hp.n_expert, k, hp.expert_gating, hp.expert_norm_topk, b.expert_ids, b.expert_w, b.router_p,
              s);
    if (l.host_experts) return enqueue_host_experts(l, T, out);
    const DeviceMatrix & g = l.gate_exps.m;
    const DeviceMatrix & u = l.up_exps.m;
    const DeviceMatrix & d = l.down_exps.m;
    if (act_quant_bytes(g.type, g.n_in, T) > 0) quantize_activations(g.type, b.xn, b.xq, g.n_in, T, s);
    gemv_experts(g, {b.expert_ids, l.gate_exps.stride, k}, b.xn, b.xq, b.gate, slots, s);
    if (!same_act_format(g, u) && act_quant_bytes(u.type, u.n_in, T) > 0)
        quantize_activations(u.type, b.xn, b.xq, u.n_in, T, s);
    gemv_experts(u, {b.expert_ids, l.up_exps.stride, k}, b.xn, b.xq, b.up, slots, s);
    if (l.gate_b) add_expert_bias(b.gate, l.gate_b, b.expert_ids, slots, hp.n_ff_exp, s);
    if (l.up_b) add_expert_bias(b.up, l.up_b, b.expert_ids, slots, hp.n_ff_exp, s);
    activate(moe_activation(hp.family), b.gate, b.up, slots * hp.n_ff_exp);
    if (act_quant_bytes(d.type, d.n_in, slots) > 0) quantize_activations(d.type, b.gate, b.xq, d.n_in, slots, s);
    gemv_experts(d, {b.expert_ids, l.down_exps.stride, 1}, b.gate, b.xq, b.moe_y, slots, s);
    if (l.down_b) add_expert_bias(b.moe_y, l.down_b, b.expert_ids, slots, hp.n_embd, s);
    moe_combine(b.moe_y, b.expert_ids, b.expert_w, T, k, hp.n_embd, out, s);
    if (l.sh_gate.data) enqueue_shared_expert(l, T, out);
}

// Logits of rows [first_out, n_tokens), kGpuLogitRows at a time (GEMV), each
// chunk copied to host_logits, or to the pinned buffer when it is null.
void CudaBackend::enqueue_output(int32_t first_out, int32_t n_tokens, float * host_logits) {
    const ModelHparams & hp = m_hp;
    for (int32_t r0 = first_out; r0 < n_tokens; r0 += kGpuLogitRows) {
        const int32_t n = std::min(kGpuLogitRows, n_tokens - r0);
        rmsnorm(m_s.x + size_t(r0) * size_t(hp.n_embd), m_out_norm, m_s.xn, n, hp.n_embd, hp.rms_eps, m_stream);
        matmul(m_out, m_s.xn, n, m_s.logits, false);
        float * dst = host_logits ? host_logits + size_t(r0 - first_out) * size_t(hp.n_vocab) : m_pinned_logits;
        CUDA_TRY(m_err, cudaMemcpyAsync(dst, m_s.logits, size_t(n) * size_t(hp.n_vocab) * sizeof(float),
                                        cudaMemcpyDeviceToHost, m_stream));
    }
}

}  // namespace cuda

}  // namespace hearth
