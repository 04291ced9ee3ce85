// gemv(): dispatch on the weight type to the family launchers (gemv_legacy.cu,
// gemv_k.cu, gemv_iq.cu, gemv_float.cu). A type no family computes (the loader never
// places one on the GPU) writes zeros, as the CPU's vec_dot returns 0.
#include "cuda/gemv_internal.h"

namespace hearth::cuda {

void gemv(const DeviceMatrix & w, const float * x, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream) {
    if (n_tokens <= 0 || w.n_out <= 0) return;
    if (gemv_float(w, x, y, n_tokens, stream)) return;
    if (gemv_legacy(w, xq, y, n_tokens, stream)) return;
    if (gemv_kquant(w, xq, y, n_tokens, stream)) return;
    if (gemv_iq(w, xq, y, n_tokens, stream)) return;
    cudaMemsetAsync(y, 0, size_t(n_tokens) * size_t(w.n_out) * sizeof(float), stream);
}

void gemv_experts(const DeviceMatrix & w, const ExpertSel & sel, const float * x, const void * xq, float * y,
                  int64_t n_slots, cudaStream_t stream) {
    if (n_slots <= 0 || w.n_out <= 0) return;
    if (gemv_float(w, x, y, n_slots, stream, &sel)) return;
    if (gemv_legacy(w, xq, y, n_slots, stream, &sel)) return;
    if (gemv_kquant(w, xq, y, n_slots, stream, &sel)) return;
    if (gemv_iq(w, xq, y, n_slots, stream, &sel)) return;
    cudaMemsetAsync(y, 0, size_t(n_slots) * size_t(w.n_out) * sizeof(float), stream);
}

}  // namespace hearth::cuda
