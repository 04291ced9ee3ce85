#include "runtime/host_experts.h"

#include <algorithm>
#include <cstring>

#include "hearth/error.h"

namespace hearth {

size_t host_experts_bytes(const ModelHparams & hp, int32_t n_batch) {
    const size_t T = size_t(std::max(n_batch, 1)), E = size_t(hp.n_embd), F = size_t(hp.n_ff_exp);
    const size_t k = size_t(hp.n_expert_used);
    // xn, gathered, acc; gate, up; expert_w and row_w (floats); expert_ids and rows (int32).
    const size_t words = 3 * T * E + 2 * T * F + 2 * T * k + 2 * T;
    return words * sizeof(float) + matmul_scratch_bound(hp, int64_t(T));
}

CpuHostExperts::CpuHostExperts(const ModelHparams & hp, const ModelWeights & w, ThreadPool & pool, int32_t n_batch)
    : m_hp(hp), m_w(w), m_pool(pool), m_n_batch(std::max(n_batch, 1)), m_act(moe_activation(hp.family)) {
    HEARTH_ASSERT(hp.is_moe());
    const size_t T = size_t(m_n_batch), E = size_t(hp.n_embd), F = size_t(hp.n_ff_exp);
    const size_t k = size_t(hp.n_expert_used);
    m_s.xn.resize(T * E);
    m_s.gathered.resize(T * E);
    m_s.acc.resize(T * E);
    m_s.gate.resize(T * F);
    m_s.up.resize(T * F);
    m_s.expert_ids.resize(T * k);
    m_s.expert_w.resize(T * k);
    m_s.rows.resize(T);
    m_s.row_w.resize(T);
    m_s.mm.resize(max_matmul_scratch(w, m_n_batch));
}

size_t CpuHostExperts::bytes() const {
    const CpuScratch & s = m_s;
    size_t floats = 0;
    for (const std::vector<float> * v : {&s.xn, &s.gathered, &s.acc, &s.gate, &s.up, &s.expert_w, &s.row_w})
        floats += v->size();
    return floats * sizeof(float) + (s.expert_ids.size() + s.rows.size()) * sizeof(int32_t) + s.mm.size();
}

void CpuHostExperts::run(int il, int32_t T, const float * xn, const int32_t * ids, const float * weights, float * out) {
    HEARTH_ASSERT(T > 0 && T <= m_n_batch && il >= 0 && il < m_hp.n_layer);
    const size_t slots = size_t(T) * size_t(m_hp.n_expert_used);
    std::memcpy(m_s.xn.data(), xn, sizeof(float) * size_t(T) * size_t(m_hp.n_embd));
    // Device ids are the routing kernel's; a corrupt one must not index past the stack.
    for (size_t i = 0; i < slots; ++i) m_s.expert_ids[i] = std::clamp(ids[i], 0, m_hp.n_expert - 1);
    std::memcpy(m_s.expert_w.data(), weights, sizeof(float) * slots);
    cpu_moe_experts(m_hp, m_w.layers[size_t(il)].moe, m_pool, m_s, T, m_act, out);
}

}  // namespace hearth
