// CudaBackend (cuda_backend.h): MoE layers whose experts stay in system RAM
// (llama.cpp's --n-cpu-moe). Attention, norms and the router run on the GPU
// as for any layer; then, in stream order:
//   xn [T][n_embd], expert_ids and expert_w [T][k]  device -> pinned host
//   host callback: HostExperts::run (the CPU's expert loop) -> pinned out
//   out [T][n_embd]                                 pinned host -> device
// Every step is an operation on the stream, so a decode step with such layers
// is still one CUDA Graph (a host node per layer). The callback never calls
// CUDA, as host functions must not.
#include <algorithm>

#include "cuda/cuda_backend.h"

namespace hearth::cuda {

// Called by start(): the exchange buffers, and one HostCall per GPU layer.
void CudaBackend::alloc_host_moe() {
    if (!m_hp.is_moe() || m_n_cpu_moe <= m_first) return;
    HEARTH_ASSERT(m_host != nullptr);
    const size_t rows = size_t(m_n_batch) * size_t(m_hp.n_embd) * sizeof(float);
    const size_t slots = size_t(m_n_batch) * size_t(m_hp.n_expert_used);
    m_pinned_moe_x = static_cast<float *>(alloc_pinned(rows, "the experts' input"));
    m_pinned_moe_out = static_cast<float *>(alloc_pinned(rows, "the experts' output"));
    m_pinned_moe_w = static_cast<float *>(alloc_pinned(slots * sizeof(float), "the expert weights"));
    m_pinned_moe_ids = static_cast<int32_t *>(alloc_pinned(slots * sizeof(int32_t), "the expert choices"));
    for (int il = m_first; il < m_hp.n_layer; ++il) m_host_calls.push_back(HostCall{this, il});
}

void CudaBackend::free_host_moe() noexcept {
    for (void * p : {static_cast<void *>(m_pinned_moe_x), static_cast<void *>(m_pinned_moe_out),
                     static_cast<void *>(m_pinned_moe_w), static_cast<void *>(m_pinned_moe_ids)})
        if (p) cudaFreeHost(p);
    m_pinned_moe_x = m_pinned_moe_out = m_pinned_moe_w = nullptr;
    m_pinned_moe_ids = nullptr;
}

// After moe_route: b.xn, b.expert_ids and b.expert_w hold the step's T rows.
void CudaBackend::enqueue_host_experts(const DeviceLayer & l, int32_t T, float * out) {
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const size_t rows = size_t(T) * size_t(m_hp.n_embd) * sizeof(float);
    const size_t slots = size_t(T) * size_t(m_hp.n_expert_used);
    CUDA_TRY(m_err, cudaMemcpyAsync(m_pinned_moe_x, b.xn, rows, cudaMemcpyDeviceToHost, s));
    CUDA_TRY(m_err,
             cudaMemcpyAsync(m_pinned_moe_ids, b.expert_ids, slots * sizeof(int32_t), cudaMemcpyDeviceToHost, s));
    CUDA_TRY(m_err, cudaMemcpyAsync(m_pinned_moe_w, b.expert_w, slots * sizeof(float), cudaMemcpyDeviceToHost, s));
    CUDA_TRY(m_err, cudaLaunchHostFunc(s, &CudaBackend::host_experts_callback, &m_host_calls[size_t(l.il - m_first)]));
    CUDA_TRY(m_err, cudaMemcpyAsync(out, m_pinned_moe_out, rows, cudaMemcpyHostToDevice, s));
}

// On the stream's host thread, between the copies above. The step's token
// count is m_step_tokens (run_step sets it before the step or its graph is
// queued, and forward() waits for the step before the next one).
void CudaBackend::host_experts_callback(void * call) {
    const HostCall & c = *static_cast<const HostCall *>(call);
    CudaBackend & b = *c.self;
    b.m_host->run(c.il, b.m_step_tokens, b.m_pinned_moe_x, b.m_pinned_moe_ids, b.m_pinned_moe_w, b.m_pinned_moe_out);
}

}  // namespace hearth::cuda
