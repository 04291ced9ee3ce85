// The CPU side of a GPU layer whose experts stay in system RAM (llama.cpp's
// --n-cpu-moe): the GPU backend routes each token, then calls run() from its
// stream's host callback with the FFN's normalized input and the routing; the
// chosen experts run here, from the mapped weights, with the CPU backend's
// expert loop (cpu_moe_experts), so the result is the CPU backend's.
//
// Buffers, allocated once for n_batch tokens (T) of n_embd (E), k experts per
// token and the widest expert FFN F: xn, gathered, acc [T, E]; gate, up
// [T, F]; expert_ids, expert_w [T, k]; rows, row_w [T]; the matmul's
// quantized activations: ~15 MiB for Qwen3-30B-A3B at n_batch 512, counted by
// the load's memory check (require_ram) and the plan's RAM.
#pragma once

#include "runtime/backend.h"
#include "runtime/cpu_layer.h"

namespace hearth {

// Bytes of a CpuHostExperts for n_batch tokens, from the hyperparameters
// alone (its matmul scratch bounded by matmul_scratch_bound).
size_t host_experts_bytes(const ModelHparams & hp, int32_t n_batch);

class CpuHostExperts final : public HostExperts {
public:
    CpuHostExperts(const ModelHparams & hp, const ModelWeights & w, ThreadPool & pool, int32_t n_batch);

    void run(int il, int32_t n_tokens, const float * xn, const int32_t * ids, const float * weights,
             float * out) override;

    size_t bytes() const;  // what the buffers hold: at most host_experts_bytes(hp, n_batch)

private:
    const ModelHparams & m_hp;
    const ModelWeights & m_w;
    ThreadPool & m_pool;
    int32_t m_n_batch;
    FfnActivation m_act;
    CpuScratch m_s;
};

}  // namespace hearth
