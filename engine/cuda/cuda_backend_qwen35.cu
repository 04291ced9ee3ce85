// CudaBackend (cuda_backend.h): what qwen35 and qwen35moe add to the other
// families' layers: the gated DeltaNet layers and their recurrent state,
// which stays on the device (allocated with the KV cache,
// cuda_backend_alloc.cu) and crosses the bus only for the evaluator's
// checkpoints; and qwen35moe's sigmoid-gated shared expert.
#include "cuda/cuda_backend.h"

namespace hearth::cuda {

// cpu_delta_net_block on b.xn into out [T][n_embd], advancing the layer's
// conv and ssm state by T tokens:
//   qkv [T][C], z [T][V d], beta and g [T][V] = projections of xn
//   c = silu(causal conv(qkv)), q and k heads L2-normalized
//   o = gated delta rule(c, g, beta) [T][V][d]
//   out = ssm_out . (RMSNorm_d(o) * ssm_norm * silu(z))
void CudaBackend::enqueue_delta_net(const DeviceDeltaNet & d, int32_t T, float * out) {
    const ModelHparams & hp = m_hp;
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const int32_t K = hp.ssm_n_k_heads, V = hp.ssm_n_v_heads, D = hp.ssm_d_state, C = hp.ssm_conv_channels();
    matmul(d.qkv, b.xn, T, b.ssm_qkv, false);
    matmul(d.z, b.xn, T, b.ssm_z, same_act_format(d.qkv, d.z));
    matmul(d.beta, b.xn, T, b.ssm_beta, same_act_format(d.z, d.beta));
    matmul(d.alpha, b.xn, T, b.ssm_g, same_act_format(d.beta, d.alpha));
    delta_net_gates(b.ssm_beta, b.ssm_g, d.dt_b, d.a, T, V, s);
    causal_conv1d_silu(b.ssm_qkv, T, C, d.conv, hp.ssm_d_conv, d.conv_state, b.ssm_conv, s);
    l2norm_heads(b.ssm_conv, T, 2 * K, C, D, hp.rms_eps, s);
    gated_delta_rule(DeltaRuleShape{K, V, D}, b.ssm_conv, b.ssm_g, b.ssm_beta, T, d.ssm_state, b.ssm_o, s);
    rmsnorm(b.ssm_o, d.norm, b.ssm_o, int64_t(T) * V, D, hp.rms_eps, s);
    // z = silu(z) * o: the gated norm's product, left in z for ssm_out.
    swiglu(b.ssm_z, b.ssm_o, int64_t(T) * hp.ssm_d_inner, s);
    matmul(d.out, b.ssm_z, T, out, false);
}

// The shared expert (cpu_blocks.cpp shared_expert) on b.xn, added to the
// routed experts' sum in out [T][n_embd]:
//   out += sigmoid(shared_router . xn) * down(silu(gate . xn) * up . xn)
// (without a shared router, ungated). Runs after moe_combine, so the routed
// experts' buffers are free: gate/up hold [T][n_ff_shexp], moe_y the result.
void CudaBackend::enqueue_shared_expert(const DeviceLayer & l, int32_t T, float * out) {
    const Scratch & b = m_s;
    cudaStream_t s = m_stream;
    const int64_t F = l.sh_gate.n_out, E = m_hp.n_embd;
    matmul(l.sh_gate, b.xn, T, b.gate, false);
    matmul(l.sh_up, b.xn, T, b.up, same_act_format(l.sh_gate, l.sh_up));
    activate(moe_activation(m_hp.family), b.gate, b.up, int64_t(T) * F);
    matmul(l.sh_down, b.gate, T, b.moe_y, false);
    if (l.sh_router.data) {
        matmul(l.sh_router, b.xn, T, b.router, false);  // [T][1]
        add_sigmoid_gated(out, b.moe_y, b.router, T, E, s);
    } else {
        add(out, b.moe_y, int64_t(T) * E, s);
    }
}

// The copies wait for the step before them (same stream) and finish before
// returning: the caller's buffer is pageable memory.
void CudaBackend::save_recurrent(void * dst) {
    if (!m_rec || !m_err.ok()) return;
    CUDA_TRY(m_err, cudaSetDevice(m_device));
    CUDA_TRY(m_err, cudaMemcpyAsync(dst, m_rec, m_rec_bytes, cudaMemcpyDeviceToHost, m_stream));
    CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
}

void CudaBackend::load_recurrent(const void * src) {
    if (!m_rec || !m_err.ok()) return;
    CUDA_TRY(m_err, cudaSetDevice(m_device));
    CUDA_TRY(m_err, cudaMemcpyAsync(m_rec, src, m_rec_bytes, cudaMemcpyHostToDevice, m_stream));
    CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
}

void CudaBackend::reset_recurrent() {
    if (!m_rec || !m_err.ok()) return;
    CUDA_TRY(m_err, cudaSetDevice(m_device));
    CUDA_TRY(m_err, cudaMemsetAsync(m_rec, 0, m_rec_bytes, m_stream));
    CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
}

}  // namespace hearth::cuda
