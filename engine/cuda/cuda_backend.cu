// CudaBackend (cuda_backend.h): load-time upload and allocation, the layer
// loop as kernel launches on one stream, and the CUDA Graph of the decode step.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include "cuda/cuda_backend.h"
#include "cuda/gemm.h"
#include "model/weights.h"
#include "quant/quant.h"
#include "runtime/gpu_backend_factory.h"
#include "runtime/kv_cache.h"

namespace hearth {

std::unique_ptr<GpuBackend> make_cuda_backend(const GpuBackendConfig & config) {
    return std::make_unique<cuda::CudaBackend>(config);
}

namespace cuda {

namespace {

// Whether two matrices read the same quantized activations, so that one
// quantize_activations() of x serves both.
bool same_act_format(const DeviceMatrix & a, const DeviceMatrix & b) {
    return vec_dot_type(a.type) == vec_dot_type(b.type);
}

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
      m_shape{c.hp->n_head, c.hp->n_head_kv, c.hp->head_dim, c.hp->head_dim_v} {
    HEARTH_ASSERT(m_first >= 0 && m_first <= m_hp.n_layer && m_n_ctx > 0);
    try {
        // Every allocation before any copy: too little VRAM fails fast.
        start();
        const std::vector<PendingUpload> uploads = allocate_weights();
        allocate_kv();
        allocate_scratch();
        upload(uploads);
    } catch (...) {
        release();
        throw;
    }
}

CudaBackend::~CudaBackend() {
    release();
}

void CudaBackend::start() {
    CUDA_CHECK(cudaSetDevice(m_device));
    CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    CUBLAS_CHECK(cublasCreate(&m_blas));
    CUBLAS_CHECK(cublasSetStream(m_blas, m_stream));
    void * p = nullptr;
    CUDA_CHECK(cudaMallocHost(&p, size_t(m_n_batch) * size_t(m_hp.n_embd) * sizeof(float)));
    m_pinned_hidden = static_cast<float *>(p);
    if (m_output_on_gpu) {
        CUDA_CHECK(cudaMallocHost(&p, size_t(kGpuLogitRows) * size_t(m_hp.n_vocab) * sizeof(float)));
        m_pinned_logits = static_cast<float *>(p);
    }
}

void CudaBackend::release() noexcept {
    if (m_stream) cudaStreamSynchronize(m_stream);
    if (m_graph_exec) cudaGraphExecDestroy(m_graph_exec);
    m_graph_exec = nullptr;
    if (m_blas) cublasDestroy(m_blas);
    m_blas = nullptr;
    if (m_pinned_hidden) cudaFreeHost(m_pinned_hidden);
    if (m_pinned_logits) cudaFreeHost(m_pinned_logits);
    m_pinned_hidden = m_pinned_logits = nullptr;
    if (m_stream) cudaStreamDestroy(m_stream);
    m_stream = nullptr;
}

// Two passes over the tensors: reserve every one in the arena, then allocate
// once and bind the device pointers; upload() copies them later.
std::vector<CudaBackend::PendingUpload> CudaBackend::allocate_weights() {
    struct Pending {
        size_t offset;
        const void * src;
        size_t bytes;
        std::function<void(void *)> bind;
    };
    std::vector<Pending> pending;
    auto matrix = [&](DeviceMatrix & dm, const WeightView & v) {
        dm.type = v.type;
        dm.n_in = v.n_in;
        dm.n_out = v.n_out;
        dm.row_bytes = tensor_row_bytes(v.type, v.n_in);
        const size_t bytes = dm.row_bytes * size_t(v.n_out);
        DeviceMatrix * slot = &dm;
        pending.push_back({m_weights.reserve(bytes), v.data, bytes, [slot](void * d) { slot->data = d; }});
    };
    auto vector = [&](const float *& dst, const float * src, int64_t n) {
        if (!src) return;
        const float ** slot = &dst;
        const size_t bytes = size_t(n) * sizeof(float);
        pending.push_back(
            {m_weights.reserve(bytes), src, bytes, [slot](void * d) { *slot = static_cast<const float *>(d); }});
    };
    const ModelHparams & hp = m_hp;
    m_layers.assign(size_t(hp.n_layer - m_first), DeviceLayer{});
    for (int il = m_first; il < hp.n_layer; ++il) {
        const LayerWeights & lw = m_w.layers[size_t(il)];
        DeviceLayer & dl = m_layers[size_t(il - m_first)];
        vector(dl.attn_norm, lw.attn_norm, hp.n_embd);
        vector(dl.ffn_norm, lw.ffn_norm, hp.n_embd);
        vector(dl.bq, lw.attn.bq, hp.n_embd_q());
        vector(dl.bk, lw.attn.bk, hp.n_embd_k());
        vector(dl.bv, lw.attn.bv, hp.n_embd_v());
        vector(dl.q_norm, lw.attn.q_norm, hp.head_dim);
        vector(dl.k_norm, lw.attn.k_norm, hp.head_dim);
        matrix(dl.wq, lw.attn.wq);
        matrix(dl.wk, lw.attn.wk);
        matrix(dl.wv, lw.attn.wv);
        matrix(dl.wo, lw.attn.wo);
        matrix(dl.gate, lw.ffn.gate);
        matrix(dl.up, lw.ffn.up);
        matrix(dl.down, lw.ffn.down);
    }
    if (m_output_on_gpu) {
        vector(m_out_norm, m_w.output_norm, hp.n_embd);
        matrix(m_out, m_w.output);
    }
    std::string what = "weights of layers " + std::to_string(m_first) + "-" + std::to_string(hp.n_layer - 1);
    if (m_output_on_gpu) what += " and the output";
    m_weights.allocate(what.c_str());
    std::vector<PendingUpload> uploads;
    for (const Pending & p : pending) {
        p.bind(m_weights.at(p.offset));
        uploads.push_back({m_weights.at(p.offset), p.src, p.bytes});
    }
    return uploads;
}

void CudaBackend::upload(const std::vector<PendingUpload> & uploads) {
    StagingUploader up(m_stream);
    for (const PendingUpload & p : uploads) up.upload(p.dst, p.src, p.bytes);
    up.finish();
}

void CudaBackend::allocate_kv() {
    const size_t k_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_k());
    const size_t v_row = KvCache::row_bytes(m_kv_type, m_hp.n_embd_v());
    std::vector<size_t> offsets;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        offsets.push_back(m_kv.reserve(size_t(m_n_ctx) * k_row));
        offsets.push_back(m_kv.reserve(size_t(m_n_ctx) * v_row));
    }
    const std::string what = "KV cache (" + std::to_string(m_layers.size()) + " layers of " + std::to_string(m_n_ctx) +
                             " positions, " + (m_kv_type == KvType_q8_0 ? "q8_0" : "f16") + ")";
    m_kv.allocate(what.c_str());
    for (size_t i = 0; i < m_layers.size(); ++i) {
        DeviceKvLayer & kv = m_layers[i].kv;
        kv.type = m_kv_type;
        kv.k = m_kv.at(offsets[2 * i]);
        kv.v = m_kv.at(offsets[2 * i + 1]);
        kv.k_row_bytes = k_row;
        kv.v_row_bytes = v_row;
        kv.n_ctx = m_n_ctx;
    }
}

void CudaBackend::allocate_scratch() {
    const ModelHparams & hp = m_hp;
    const size_t B = size_t(m_n_batch);
    const int64_t b_gemv = std::min<int64_t>(m_n_batch, kGemvMaxTokens);
    const size_t f = sizeof(float);
    const size_t x = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t xn = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t q = m_scratch.reserve(B * size_t(hp.n_embd_q()) * f);
    const size_t k = m_scratch.reserve(B * size_t(hp.n_embd_k()) * f);
    const size_t v = m_scratch.reserve(B * size_t(hp.n_embd_v()) * f);
    const size_t attn = m_scratch.reserve(B * size_t(hp.n_head) * size_t(hp.head_dim_v) * f);
    const size_t gate = m_scratch.reserve(B * size_t(hp.n_ff) * f);
    const size_t up = m_scratch.reserve(B * size_t(hp.n_ff) * f);
    const size_t tmp = m_scratch.reserve(B * size_t(hp.n_embd) * f);
    const size_t logits = m_scratch.reserve(m_output_on_gpu ? size_t(kGpuLogitRows) * size_t(hp.n_vocab) * f : 0);

    size_t xq_bytes = 0, w_f16_elems = 0;
    int64_t max_n_in = 0;
    for (const DeviceLayer & l : m_layers)
        for (const DeviceMatrix * m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.gate, &l.up, &l.down}) {
            xq_bytes = std::max(xq_bytes, act_quant_bytes(m->type, m->n_in, b_gemv));
            if (m->type == TensorType_F32) continue;  // never through the f16 GEMM
            w_f16_elems = std::max(w_f16_elems, size_t(m->n_in) * size_t(m->n_out));
            max_n_in = std::max(max_n_in, m->n_in);
        }
    if (m_output_on_gpu) xq_bytes = std::max(xq_bytes, act_quant_bytes(m_out.type, m_out.n_in, kGpuLogitRows));
    const bool prefill_gemm = m_n_batch > kGemvMaxTokens && w_f16_elems > 0;
    const size_t xq = m_scratch.reserve(xq_bytes);
    const size_t w_f16 = m_scratch.reserve(prefill_gemm ? w_f16_elems * 2 : 0);
    const size_t x_f16 = m_scratch.reserve(prefill_gemm ? B * size_t(max_n_in) * 2 : 0);
    const size_t att = m_scratch.reserve(attention_scratch_bytes(m_shape, m_n_batch, m_n_ctx));
    m_scratch.allocate("scratch buffers");

    m_s.x = m_scratch.at<float>(x);
    m_s.xn = m_scratch.at<float>(xn);
    m_s.q = m_scratch.at<float>(q);
    m_s.k = m_scratch.at<float>(k);
    m_s.v = m_scratch.at<float>(v);
    m_s.attn = m_scratch.at<float>(attn);
    m_s.gate = m_scratch.at<float>(gate);
    m_s.up = m_scratch.at<float>(up);
    m_s.tmp = m_scratch.at<float>(tmp);
    m_s.logits = m_scratch.at<float>(logits);
    m_s.xq = m_scratch.at(xq);
    m_s.w_f16 = m_scratch.at<uint16_t>(w_f16);
    m_s.x_f16 = m_scratch.at<uint16_t>(x_f16);
    m_s.att = m_scratch.at(att);
}

void CudaBackend::run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) {
    HEARTH_ASSERT(first == m_first && last == m_hp.n_layer);
    forward(hidden, n_tokens, pos0, 0, nullptr);
}

void CudaBackend::forward(float * hidden, int32_t n_tokens, int32_t pos0, int32_t first_out, float * logits) {
    HEARTH_ASSERT(n_tokens > 0 && n_tokens <= m_n_batch && first_out >= 0 && first_out < n_tokens);
    HEARTH_ASSERT(pos0 >= 0 && pos0 + n_tokens <= m_n_ctx);
    if (!m_err.ok()) return;
    const size_t n_embd = size_t(m_hp.n_embd);
    const size_t rows = size_t(n_tokens - first_out);
    const bool want_logits = m_output_on_gpu && logits;
    // More rows than the pinned buffer holds go straight to the caller's memory.
    const bool direct = want_logits && rows > size_t(kGpuLogitRows);
    std::memcpy(m_pinned_hidden, hidden, size_t(n_tokens) * n_embd * sizeof(float));
    if (n_tokens == 1 && m_use_graphs)
        run_graph(pos0, want_logits);
    else
        enqueue_step(n_tokens, pos0, first_out, want_logits, direct ? logits : nullptr);
    CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
    if (!m_err.ok()) return;
    if (!want_logits)
        std::memcpy(hidden + size_t(first_out) * n_embd, m_pinned_hidden + size_t(first_out) * n_embd,
                    rows * n_embd * sizeof(float));
    else if (!direct)
        std::memcpy(logits, m_pinned_logits, rows * size_t(m_hp.n_vocab) * sizeof(float));
}

// Everything of one step on the stream: hidden up, the layers, then logits or
// hidden down. `host_logits`: where logits go when not the pinned buffer.
void CudaBackend::enqueue_step(int32_t n_tokens, int32_t pos0, int32_t first_out, bool logits, float * host_logits) {
    const size_t n_embd = size_t(m_hp.n_embd);
    CUDA_TRY(m_err, cudaMemcpyAsync(m_s.x, m_pinned_hidden, size_t(n_tokens) * n_embd * sizeof(float),
                                    cudaMemcpyHostToDevice, m_stream));
    for (const DeviceLayer & l : m_layers) enqueue_layer(l, n_tokens, pos0);
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
        std::string blas = gemm_take_error();  // gemm_prefill records, never throws
        if (!blas.empty()) m_err.record("cuBLAS: " + blas);
    }
}

// f32 weights stay on the f32 GEMV at any batch: the f16 GEMM would round
// them (and x) to half precision, which the CPU backend does not.
void CudaBackend::matmul(const DeviceMatrix & w, const float * x, int32_t n_tokens, float * y, bool xq_ready) {
    if (n_tokens > kGemvMaxTokens && w.type != TensorType_F32) {
        gemm_prefill(m_blas, w, x, n_tokens, y, m_s.w_f16, m_s.x_f16, m_stream);
        return;
    }
    if (!xq_ready && act_quant_bytes(w.type, w.n_in, n_tokens) > 0)
        quantize_activations(w.type, x, m_s.xq, w.n_in, n_tokens, m_stream);
    gemv(w, x, m_s.xq, y, n_tokens, m_stream);
}

// CpuBackend::run_layer, op for op, on x [n_tokens][n_embd] in m_s.x.
void CudaBackend::enqueue_layer(const DeviceLayer & l, int32_t T, int32_t pos0) {
    const ModelHparams & hp = m_hp;
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;

    rmsnorm(b.x, l.attn_norm, b.xn, T, hp.n_embd, hp.rms_eps, s);
    matmul(l.wq, b.xn, T, b.q, false);
    matmul(l.wk, b.xn, T, b.k, same_act_format(l.wq, l.wk));
    matmul(l.wv, b.xn, T, b.v, same_act_format(l.wk, l.wv));
    if (l.bq) add_bias(b.q, l.bq, T, hp.n_embd_q(), s);
    if (l.bk) add_bias(b.k, l.bk, T, hp.n_embd_k(), s);
    if (l.bv) add_bias(b.v, l.bv, T, hp.n_embd_v(), s);
    if (l.q_norm) rmsnorm(b.q, l.q_norm, b.q, int64_t(T) * hp.n_head, hp.head_dim, hp.rms_eps, s);
    if (l.k_norm) rmsnorm(b.k, l.k_norm, b.k, int64_t(T) * hp.n_head_kv, hp.head_dim, hp.rms_eps, s);
    rope(m_rope, b.q, T, hp.n_head, hp.head_dim, pos0, s);
    rope(m_rope, b.k, T, hp.n_head_kv, hp.head_dim, pos0, s);
    kv_store(l.kv, m_shape, pos0, T, b.k, b.v, s);

    attention(l.kv, m_shape, b.q, T, pos0, b.attn, b.att, s);
    matmul(l.wo, b.attn, T, b.tmp, false);
    add(b.x, b.tmp, int64_t(T) * hp.n_embd, s);

    rmsnorm(b.x, l.ffn_norm, b.xn, T, hp.n_embd, hp.rms_eps, s);
    matmul(l.gate, b.xn, T, b.gate, false);
    matmul(l.up, b.xn, T, b.up, same_act_format(l.gate, l.up));
    swiglu(b.gate, b.up, int64_t(T) * hp.n_ff, s);
    matmul(l.down, b.gate, T, b.tmp, false);
    add(b.x, b.tmp, int64_t(T) * hp.n_embd, s);
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

// The decode step as a CUDA Graph: capture this step's launches (positions
// change every step, so the parameters do too), then update the instantiated
// graph in place, which is far cheaper than instantiating; a topology change
// (e.g. the attention's split count) makes the update fail, and the graph is
// instantiated anew. If capture itself is refused, decode runs without graphs.
void CudaBackend::run_graph(int32_t pos0, bool logits) {
    if (cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal) != cudaSuccess) {
        cudaGetLastError();
        m_use_graphs = false;
        enqueue_step(1, pos0, 0, logits, nullptr);
        return;
    }
    enqueue_step(1, pos0, 0, logits, nullptr);
    cudaGraph_t graph = nullptr;
    CUDA_TRY(m_err, cudaStreamEndCapture(m_stream, &graph));
    if (!m_err.ok()) {
        if (graph) cudaGraphDestroy(graph);
        return;
    }
    if (m_graph_exec && m_graph_logits == logits) {
        cudaGraphExecUpdateResultInfo info;
        if (cudaGraphExecUpdate(m_graph_exec, graph, &info) != cudaSuccess) {
            cudaGetLastError();  // not sticky: re-instantiate below
            cudaGraphExecDestroy(m_graph_exec);
            m_graph_exec = nullptr;
        }
    } else if (m_graph_exec) {
        cudaGraphExecDestroy(m_graph_exec);
        m_graph_exec = nullptr;
    }
    if (!m_graph_exec) {
        CUDA_TRY(m_err, cudaGraphInstantiate(&m_graph_exec, graph, 0));
        if (!m_err.ok()) m_graph_exec = nullptr;
        m_graph_logits = logits;
    }
    cudaGraphDestroy(graph);
    if (m_err.ok()) CUDA_TRY(m_err, cudaGraphLaunch(m_graph_exec, m_stream));
}

}  // namespace cuda

}  // namespace hearth
